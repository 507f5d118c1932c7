import Foundation
import HTTPTypes
import Hummingbird
import TermAudit
import TermAuditExport
import TermAuditReport
import TermAuditRules
import TermAuditSignoff
import TermAuditStore

/// 公开: what the public edition publishes, as pages — the cases in the policy's published states, each with only the
/// fields `Edition.public.includes` lets through and without the findings `Publication.withholds` (nor anything
/// pointing at them). The same decisions as the public workbook: nothing here decides what may be published.
extension Pages {
    static func publicList(lang: Language, user: SignedIn, rows: [Store.Listing], total: Int, query: ListQuery, more: Bool) -> String {
        var page = Layout(title: L("公开", "Published"), lang: lang, user: user, path: "/public")
        let t = page.t
        page.main { h in
            h.el("h1", text: t("公开的审计结果", "Published audit results"))
            h.el("p", ["class": "muted"], text: t("在适当范围公开的经济责任审计结果：审计已办结的案卷，仅含公开版所列内容。",
                                                  "Results published within the appropriate scope: cases whose audit has concluded, with what the public edition carries only."))
            h.el("form", ["method": "get", "action": "/public", "class": "filters", "role": "search"]) { h in
                h.el("div", ["class": "field wide"]) { h in
                    h.el("label", ["for": "q"], text: t("搜索", "Search"))
                    h.void("input", ["id": "q", "name": "q", "type": "search", "value": query.search ?? "", "placeholder": t("姓名或单位", "name or unit")])
                }
                h.el("div", ["class": "field buttons"]) { h in h.el("button", ["type": "submit"], text: t("搜索", "Search")) }
            }
            h.el("p", ["class": "muted", "role": "status"], text: t("共 \(total) 件", "\(total) cases"))
            h.el("table", ["class": "list"]) { h in
                thead(&h, [t("姓名", "Name"), t("单位", "Unit"), t("状态", "State"), t("任期届满", "Term ends")])
                h.el("tbody") { h in
                    for r in rows {
                        h.el("tr") { h in
                            h.el("td") { h in h.el("a", ["href": "/public/\(Paths.segment(r.caseID))"], text: r.official) }
                            h.el("td", text: r.unit)
                            h.el("td") { h in
                                h.el("span", ["class": "badge state-\(r.state)"], text: CaseState(rawValue: r.state)?.label.text(lang) ?? r.state)
                            }
                            h.el("td", text: r.termEnd)
                        }
                    }
                }
            }
            if more, let last = rows.last {
                var q = [("after", last.caseID)]
                if let s = query.search { q.insert(("q", s), at: 0) }
                h.el("p") { h in
                    h.el("a", ["href": "/public?" + q.map { "\($0.0)=\(Paths.query($0.1))" }.joined(separator: "&"), "rel": "next"],
                         text: t("下一页 →", "Next page →"))
                }
            }
        }
        return page.render()
    }

    /// One published case: only what the public edition carries.
    static func publicCase(lang: Language, user: SignedIn, status s: CaseStatus, library: Library, policy: Policy) -> String {
        let c = s.auditCase
        let edition = Edition.public
        func has(_ f: Field) -> Bool { edition.includes(f, policy: policy) }
        var page = Layout(title: L("公开 · \(c.official.name)", "Published · \(c.official.name)"), lang: lang, user: user,
                          path: "/public/\(Paths.segment(c.id))")
        let t = page.t
        let withheld = Set(c.findings.filter { Publication.withholds($0.status, in: edition, policy: policy) }.map(\.id))
        page.main { h in
            h.el("p", ["class": "crumbs"]) { h in h.el("a", ["href": "/public"], text: t("← 公开的审计结果", "← Published results")) }
            h.el("h1") { h in
                h.text("\(c.official.name) · \(c.post.unit)\(c.post.title) ")
                if has(.state) { h.el("span", ["class": "badge state-\(s.state.rawValue)"], text: s.state.label.text(lang)) }
            }
            h.el("section", ["class": "card"]) { h in
                h.el("h2", text: t("基本情况", "Basic facts"))
                h.el("dl") { h in
                    h.el("dt", text: t("单位", "Unit")); h.el("dd", text: c.post.unit)
                    h.el("dt", text: t("职务", "Post")); h.el("dd", text: "\(c.post.title)（\(c.post.rank.label.text(lang))）")
                    if has(.trigger) { h.el("dt", text: t("审计事由", "Trigger")); h.el("dd", text: c.trigger.label.text(lang)) }
                    if has(.term) {
                        h.el("dt", text: t("任期", "Term"))
                        h.el("dd", text: "\(s.term.start) – \(s.term.end)（\(t("第", "no. "))\(s.term.number)\(t("届", ""))）")
                    }
                }
            }
            if has(.teamDepartments) {
                h.el("section", ["class": "card"]) { h in
                    h.el("h2", text: t("审计组", "Audit team"))
                    h.el("table") { h in
                        thead(&h, has(.teamMemberNames) ? [t("姓名", "Name"), t("部门", "Department"), t("单位", "Unit")] : [t("部门", "Department"), t("单位", "Unit")])
                        h.el("tbody") { h in
                            for m in c.team {
                                h.el("tr") { h in
                                    if has(.teamMemberNames) { h.el("td", text: m.name) }
                                    h.el("td", text: library.department(m.department).text(lang))
                                    h.el("td", text: m.unit)
                                }
                            }
                        }
                    }
                }
            }
            if has(.indicators) {
                h.el("section", ["class": "card"]) { h in
                    h.el("h2", text: t("任期目标完成情况", "Term indicators"))
                    if has(.completion), let done = s.indicators.completion {
                        h.el("p", text: t("完成 \(s.indicators.met.count)/\(s.indicators.total)（\(StatusText.pct(done))）",
                                          "Met \(s.indicators.met.count)/\(s.indicators.total) (\(StatusText.pct(done)))"))
                    }
                    h.el("table") { h in
                        thead(&h, [t("目标内容范围", "Area"), t("指标", "Indicator"), t("目标值", "Target"), t("完成值", "Actual"), t("完成情况", "Result")],
                              numeric: [2, 3])
                        h.el("tbody") { h in
                            for r in s.indicators.results {
                                let i = r.indicator
                                h.el("tr") { h in
                                    h.el("td", text: library.goalArea(i.area).text(lang))
                                    h.el("td", text: i.name)
                                    switch i.measure {
                                    case let .quantitative(target, actual, _):
                                        h.el("td", ["class": "num"], text: CanonicalJSON.number(target) + (i.unit ?? ""))
                                        h.el("td", ["class": "num"], text: actual.map { CanonicalJSON.number($0) + (i.unit ?? "") } ?? t("未报", "not reported"))
                                    case let .qualitative(target, rating):
                                        h.el("td", ["class": "num"], text: target)
                                        h.el("td", ["class": "num"], text: rating?.label.text(lang) ?? t("未报", "not reported"))
                                    }
                                    h.el("td", text: r.met.map { $0 ? t("完成", "met") : t("未完成", "not met") } ?? t("未报", "not reported"))
                                }
                            }
                        }
                    }
                }
            }
            if has(.checklistStatus) {
                h.el("section", ["class": "card"]) { h in
                    h.el("h2", text: t("工作交接", "Handover"))
                    h.el("table") { h in
                        thead(&h, [t("类别", "Area"), t("事项", "Item"), t("状态", "Status")] + (has(.checklistReason) ? [t("不适用理由", "Reason")] : []))
                        h.el("tbody") { h in
                            // A row that points at a withheld finding is left out, as in the public workbook.
                            for row in s.checklist.items where !(row.state.finding.map(withheld.contains) ?? false) {
                                h.el("tr") { h in
                                    h.el("td", text: row.area.label.text(lang))
                                    h.el("td", text: row.item.label.text(lang))
                                    h.el("td", text: row.state.status.label.text(lang))
                                    if has(.checklistReason) { h.el("td", text: row.state.reason ?? "") }
                                }
                            }
                        }
                    }
                }
            }
            if has(.findingSettled) {
                let shown = c.findings.filter { !withheld.contains($0.id) }
                h.el("section", ["class": "card"]) { h in
                    h.el("h2", text: t("审计发现问题与整改", "Findings and rectification"))
                    if shown.isEmpty {
                        h.el("p", ["class": "muted"], text: t("无", "None"))
                    } else {
                        h.el("table") { h in
                            thead(&h, [t("问题", "Finding"), t("类别", "Category"), t("责任类型", "Responsibility"), t("整改状态", "Status"),
                                       t("金额（万元）", "Amount (10k yuan)"), t("整改期限", "Due")], numeric: [4])
                            h.el("tbody") { h in
                                for f in shown {
                                    h.el("tr") { h in
                                        h.el("td", text: f.title)
                                        h.el("td", text: library.findingCategory(f.category).text(lang))
                                        h.el("td", text: f.responsibility.map { library.responsibility($0).text(lang) } ?? "")
                                        h.el("td", text: f.status.label.text(lang))
                                        h.el("td", ["class": "num"], text: f.amount.map { CanonicalJSON.number($0) } ?? "")
                                        h.el("td", text: f.due?.description ?? "")
                                    }
                                }
                            }
                        }
                    }
                }
            }
            if has(.departmentConclusions), !s.audit.departments.isEmpty, s.audit.departments.allSatisfy(\.concluded) {
                h.el("section", ["class": "card"]) { h in
                    h.el("h2", text: t("各部门审计结论", "Departments' conclusions"))
                    h.el("ul") { h in
                        for d in s.audit.departments {
                            h.el("li", text: library.department(d.department).text(lang) + t("：", ": ") + (d.conclusion?.result.label.text(lang) ?? ""))
                        }
                    }
                }
            }
            if has(.assessment), !s.assessment.isEmpty {
                h.el("section", ["class": "card"]) { h in
                    h.el("h2", text: t("年度考核", "Annual assessment"))
                    h.el("p", text: s.assessment.map { y in "\(y.year)\(t("：", ": "))\(y.grade?.label.text(lang) ?? "—")" }.joined(separator: t("；", "; ")))
                }
            }
            if has(.consequences), !s.consequences.isEmpty {
                h.el("section", ["class": "card"]) { h in
                    h.el("h2", text: t("处理意见", "Consequences"))
                    h.el("p", text: s.consequences.map { policy.consequences[$0]?.label.text(lang) ?? $0.rawValue }.joined(separator: t("；", "; ")))
                }
            }
            if has(.placement), let p = s.placement {
                h.el("section", ["class": "card"]) { h in
                    h.el("h2", text: t("安置意见", "Placement"))
                    h.el("p", text: p.summary(policy: policy).text(lang))
                }
            }
        }
        return page.render()
    }
}

extension SignedIn {
    /// Whether the account sees the internal record (every role but 查阅, who sees what the public edition publishes).
    public var readsInternal: Bool { grants.contains { $0.role != Role.reader.rawValue } }
}

/// Keeps accounts that only read (查阅) to the published pages: the internal case pages and the case API answer 403
/// (logged), whatever the case.
struct ReaderScopeMiddleware: RouterMiddleware {
    let desk: Desk

    func handle(_ request: Request, context: WebContext, next: (Request, WebContext) async throws -> Response) async throws -> Response {
        let path = request.uri.path
        if let user = context.user, !user.readsInternal,
           path == "/cases" || path.hasPrefix("/cases/") || path == "/api/v1/cases" || path.hasPrefix("/api/v1/cases/") {
            try await desk.blocking { [desk] in
                try desk.store.audit(actor: user.username, action: "denied", subject: path, address: context.address, outcome: "reader")
            }
            return Replies.error(request, context, status: .forbidden, code: "forbidden",
                                 message: "查阅账号只能查看公开的审计结果 (a reader sees the published results only: /public)")
        }
        return try await next(request, context)
    }
}

extension WebApp {
    func addPublic(to router: Router<WebContext>) {
        /// The published states of the policy, as the index holds them.
        let states = desk.policy.publication.states.map(\.rawValue)
        router.get("/public") { request, context in
            guard let user = context.user else { return signInFirst(request) }
            var query = listQuery(request)
            query.states = states
            query.state = nil
            query.pendingDepartment = nil
            query.overdueOnly = false
            let (rows, total) = try await listing(user, query, everyone: true)   // published: every account reads them
            return Replies.html(Pages.publicList(lang: context.lang, user: user, rows: Array(rows.prefix(query.limit)), total: total, query: query,
                                                 more: rows.count > query.limit))
        }
        router.get("/public/{id}") { request, context in
            guard let user = context.user else { return signInFirst(request) }
            let id = try context.parameters.require("id")
            guard let view = try await desk.blocking({ [desk] in try desk.caseView(id) }),
                  Publication.publishes(view.status.state, in: .public, policy: desk.policy) else {
                return notFound(request, context)
            }
            return Replies.html(Pages.publicCase(lang: context.lang, user: user, status: view.status, library: desk.library, policy: desk.policy))
        }
    }
}
