import Foundation
import TermAudit
import TermAuditReport
import TermAuditRules
import TermAuditStore

/// The pages: each a function of what the desk read and who asks; nothing here decides what the rules decide.
enum Pages {
    static func login(lang: Language, username: String = "", failed: Bool = false, throttled: Int? = nil, changed: Bool = false,
                      next: String = "/") -> String {
        var page = Layout(title: L("登录", "Sign in"), lang: lang, user: nil, path: "/login")
        let t = page.t
        page.main { h in
            h.el("section", ["class": "card narrow"]) { h in
                h.el("h1", text: t("登录", "Sign in"))
                if changed {
                    h.el("p", ["class": "ok", "role": "status"], text: t("密码已修改，请用新密码登录。", "The password was changed: sign in with the new one."))
                }
                if let throttled {
                    h.el("p", ["class": "error", "role": "alert"],
                         text: t("登录失败次数过多，请 \(throttled) 秒后再试。", "Too many failed sign-ins: try again in \(throttled) seconds."))
                } else if failed {
                    h.el("p", ["class": "error", "role": "alert"], text: t("账号或密码不正确。", "Wrong account name or password."))
                }
                h.el("form", ["method": "post", "action": "/login"]) { h in
                    h.void("input", ["type": "hidden", "name": "next", "value": next])
                    h.el("label", ["for": "username"], text: t("账号", "Account"))
                    h.void("input", ["id": "username", "name": "username", "value": username, "autocomplete": "username", "required": "",
                                     "autofocus": username.isEmpty ? "" : nil])
                    h.el("label", ["for": "password"], text: t("密码", "Password"))
                    h.void("input", ["id": "password", "name": "password", "type": "password", "autocomplete": "current-password", "required": "",
                                     "autofocus": username.isEmpty ? nil : ""])
                    h.el("button", ["type": "submit", "class": "primary"], text: t("登录", "Sign in"))
                }
            }
        }
        return page.render()
    }

    /// 工作台: the counts by state of the cases this person may see, each a link to the list.
    static func desk(lang: Language, user: SignedIn, counts: [String: Int], todo: [DeskTodo], asOf: Day) -> String {
        var page = Layout(title: L("工作台", "Desk"), lang: lang, user: user, path: "/")
        let t = page.t
        page.main { h in
            h.el("h1", text: t("工作台", "Desk"))
            h.el("p", ["class": "muted"], text: t("评估基准日 ", "Evaluated as of ") + asOf.description)
            h.el("section", ["class": "card", "id": "todo"]) { h in
                h.el("h2", text: t("我的待办", "Waiting for me"))
                h.el("ul", ["class": "todo"]) { h in
                    for item in todo {
                        h.el("li", ["class": item.count > 0 ? nil : "muted"]) { h in
                            h.el("a", ["href": item.link]) { h in
                                h.el("span", ["class": "n"], text: String(item.count))
                                h.text(" " + item.label.text(lang))
                            }
                        }
                    }
                }
                if user.opensCases { h.el("p") { h in h.el("a", ["class": "button primary", "href": "/cases/new"], text: t("新建案卷", "New case")) } }
            }
            h.el("section", ["class": "card"]) { h in
                h.el("h2", text: t("我可见的案卷（按状态）", "Cases I can see, by state"))
                h.el("ul", ["class": "tiles"]) { h in
                    for state in CaseState.allCases {
                        h.el("li", ["class": "tile state-\(state.rawValue)"]) { h in
                            h.el("a", ["href": "/cases?state=\(state.rawValue)"]) { h in
                                h.el("span", ["class": "n"], text: String(counts[state.rawValue] ?? 0))
                                h.el("span", ["class": "what"], text: state.label.text(lang))
                            }
                        }
                    }
                    h.el("li", ["class": "tile"]) { h in
                        h.el("a", ["href": "/cases"]) { h in
                            h.el("span", ["class": "n"], text: String(CaseState.allCases.reduce(0) { $0 + (counts[$1.rawValue] ?? 0) }))
                            h.el("span", ["class": "what"], text: t("全部", "all"))
                        }
                    }
                }
            }
            h.el("section", ["class": "card"]) { h in
                h.el("h2", text: t("我的职责", "My roles"))
                h.el("ul") { h in
                    for g in user.grants {
                        h.el("li", text: Roles.describe(g, lang: lang))
                    }
                }
            }
        }
        return page.render()
    }

    /// The list's query: the store's (filters, order, cursor) and the page size.
    @dynamicMemberLookup
    struct ListQuery: Sendable {
        var store = Store.CaseQuery()
        var limit = 50

        subscript<T>(dynamicMember key: WritableKeyPath<Store.CaseQuery, T>) -> T {
            get { store[keyPath: key] }
            set { store[keyPath: key] = newValue }
        }

        /// The URL parameters of the filters and order (not the page), in a fixed order.
        var parameters: [(String, String)] {
            var out: [(String, String)] = []
            if let v = store.search { out.append(("q", v)) }
            if let v = store.state { out.append(("state", v)) }
            if let v = store.unit { out.append(("unit", v)) }
            if let v = store.pendingDepartment { out.append(("department", v)) }
            if let v = store.termEndFrom { out.append(("term_from", v)) }
            if let v = store.termEndTo { out.append(("term_to", v)) }
            if store.overdueOnly { out.append(("overdue", "1")) }
            if store.order != .id { out.append(("sort", store.order.rawValue)) }
            return out
        }

        func url(_ extra: [(String, String)] = []) -> String {
            let all = parameters + extra
            return "/cases" + (all.isEmpty ? "" : "?" + all.map { "\($0.0)=\(Paths.query($0.1))" }.joined(separator: "&"))
        }
    }

    /// 案卷列表: one page of the visible cases — searched, filtered and sorted as asked.
    static func cases(lang: Language, user: SignedIn, library: Library, query: ListQuery, rows: [Store.Listing], total: Int, more: Bool) -> String {
        var page = Layout(title: L("案卷列表", "Cases"), lang: lang, user: user, path: query.url(query.after.map { [("after", $0)] } ?? []))
        let t = page.t
        page.main { h in
            h.el("h1") { h in
                h.text(t("案卷列表", "Cases"))
                if user.opensCases { h.el("a", ["class": "button primary aside", "href": "/cases/new"], text: t("新建案卷", "New case")) }
            }
            h.el("form", ["method": "get", "action": "/cases", "class": "filters", "role": "search"]) { h in
                h.el("div", ["class": "field wide"]) { h in
                    h.el("label", ["for": "q"], text: t("搜索", "Search"))
                    h.void("input", ["id": "q", "name": "q", "type": "search", "value": query.search ?? "",
                                     "placeholder": t("姓名、单位或案卷编号", "name, unit or case id")])
                }
                func choice(_ id: StaticString, _ label: String, any: String, _ options: [(String, Label)], _ chosen: String?) {
                    h.el("div", ["class": "field"]) { h in
                        h.el("label", ["for": "\(id)"], text: label)
                        h.el("select", ["id": "\(id)", "name": "\(id)"]) { h in
                            h.el("option", ["value": "", "selected": chosen == nil ? "" : nil], text: any)
                            for (v, l) in options { h.el("option", ["value": v, "selected": chosen == v ? "" : nil], text: l.text(lang)) }
                        }
                    }
                }
                choice("state", t("状态", "State"), any: t("全部", "all"), CaseState.allCases.map { ($0.rawValue, $0.label) }, query.state)
                choice("department", t("未给结论的部门", "Department yet to conclude"), any: t("不限", "any"),
                       library.departments.map { ($0.id, $0.label) }, query.pendingDepartment)
                h.el("div", ["class": "field"]) { h in
                    h.el("label", ["for": "term_from"], text: t("任期届满 自", "Term ends from"))
                    h.void("input", ["id": "term_from", "name": "term_from", "type": "date", "value": query.termEndFrom ?? ""])
                }
                h.el("div", ["class": "field"]) { h in
                    h.el("label", ["for": "term_to"], text: t("至", "to"))
                    h.void("input", ["id": "term_to", "name": "term_to", "type": "date", "value": query.termEndTo ?? ""])
                }
                h.el("div", ["class": "field"]) { h in
                    h.el("label", ["for": "sort"], text: t("排序", "Sort by"))
                    h.el("select", ["id": "sort", "name": "sort"]) { h in
                        for (o, label) in [(Store.CaseQuery.Order.id, t("案卷编号", "case id")), (.termEnd, t("任期届满", "term end")),
                                           (.name, t("姓名", "name")), (.unit, t("单位", "unit"))] {
                            h.el("option", ["value": o.rawValue, "selected": query.order == o ? "" : nil], text: label)
                        }
                    }
                }
                h.el("div", ["class": "field check"]) { h in
                    h.el("label") { h in
                        h.void("input", ["type": "checkbox", "name": "overdue", "value": "1", "checked": query.overdueOnly ? "" : nil])
                        h.text(t(" 只看有逾期事项的", " Only cases with something overdue"))
                    }
                }
                if let unit = query.unit { h.void("input", ["type": "hidden", "name": "unit", "value": unit]) }
                h.el("div", ["class": "field buttons"]) { h in
                    h.el("button", ["type": "submit"], text: t("筛选", "Filter"))
                    if !query.parameters.isEmpty { h.el("a", ["href": "/cases"], text: t("清除条件", "Clear")) }
                }
            }
            var summary = t("共 \(total) 件", "\(total) cases")
            if let unit = query.unit { summary += t("（单位：\(unit)）", " (unit: \(unit))") }
            h.el("p", ["class": "muted", "role": "status"], text: summary)
            h.el("table", ["class": "list"]) { h in
                thead(&h, [t("案卷", "Case"), t("姓名", "Name"), t("单位", "Unit"), t("状态", "State"), t("任期届满", "Term ends"),
                           t("未给结论的部门", "Yet to conclude"), t("逾期", "Overdue")], numeric: [6])
                h.el("tbody") { h in
                    for r in rows {
                        h.el("tr") { h in
                            h.el("td") { h in h.el("a", ["href": "/cases/\(Paths.segment(r.caseID))"], text: r.caseID) }
                            h.el("td", text: r.official)
                            h.el("td") { h in
                                var byUnit = query
                                byUnit.unit = r.unit
                                h.el("a", ["class": "quiet", "href": byUnit.url(), "title": t("只看这个单位", "Only this unit")], text: r.unit)
                            }
                            h.el("td") { h in
                                h.el("span", ["class": "badge state-\(r.state)"], text: CaseState(rawValue: r.state)?.label.text(lang) ?? r.state)
                            }
                            h.el("td", text: r.termEnd)
                            h.el("td", text: r.pending.map { library.department($0).text(lang) }.joined(separator: t("、", ", ")))
                            h.el("td", ["class": r.overdue > 0 ? "num late" : "num"], text: r.overdue > 0 ? String(r.overdue) : "")
                        }
                    }
                }
            }
            if rows.isEmpty { h.el("p", text: t("没有符合条件的案卷。", "No case matches.")) }
            if more, let last = rows.last {
                h.el("p") { h in
                    h.el("a", ["href": query.url([("after", query.store.cursor(of: last))]), "rel": "next"], text: t("下一页 →", "Next page →"))
                }
            }
        }
        return page.render()
    }

    /// 案卷: everything `status` shows for one case, with 为什么 — the rule and its citation — under each part.
    static func casePage(lang: Language, user: SignedIn, view: Desk.CaseView, library: Library, policy: Policy, asOf: Day) -> String {
        let s = view.status
        let c = s.auditCase
        var page = Layout(title: L("案卷 \(c.id)", "Case \(c.id)"), lang: lang, user: user, path: "/cases/\(Paths.segment(c.id))")
        let t = page.t
        let reasons = Dictionary(grouping: s.reasons) { $0.rule.split(separator: ".").first.map(String.init) ?? "" }
        func why(_ h: inout HTML, _ groups: [String]) {
            let rs = groups.flatMap { reasons[$0] ?? [] }
            guard !rs.isEmpty else { return }
            h.el("details", ["class": "why"]) { h in
                h.el("summary", text: t("为什么", "Why"))
                h.el("ul") { h in
                    for r in rs {
                        h.el("li") { h in
                            h.text(r.message.text(lang))
                            h.el("span", ["class": "rule"], text: " [\(r.rule)]")
                            if let cite = r.citation { h.el("cite", text: " " + cite.short) }
                        }
                    }
                }
            }
        }
        let rights = user.rights(c.id)
        func heading(_ h: inout HTML, _ title: String, edit section: String) {
            h.el("h2") { h in
                h.text(title)
                if rights.mayEdit(section: section == "basic" ? "official" : section) {
                    h.el("a", ["class": "edit", "href": "/cases/\(Paths.segment(c.id))/edit/\(section)"], text: t("编辑", "Edit"))
                }
            }
        }
        page.main { h in
            h.el("p", ["class": "crumbs"]) { h in
                h.el("a", ["href": "/cases"], text: t("← 案卷列表", "← Cases"))
                h.el("a", ["class": "aside", "href": "/cases/\(Paths.segment(c.id))/history"], text: t("历史（\(view.revision) 个版本）", "History (\(view.revision) revisions)"))
                h.el("a", ["class": "aside", "href": "/workbooks?case=\(Paths.query(c.id))"], text: t("导出工作簿", "Export a workbook"))
            }
            h.el("h1") { h in
                h.text("\(c.official.name) · \(c.post.unit)\(c.post.title) ")
                h.el("span", ["class": "badge state-\(s.state.rawValue)"], text: s.state.label.text(lang))
            }
            h.el("p", ["class": "muted"], text: t("案卷 \(c.id) · 第 \(view.revision) 版 · 评估基准日 ", "Case \(c.id) · revision \(view.revision) · as of ")
                 + asOf.description)
            why(&h, ["state"])

            h.el("section", ["class": "card", "id": "term"]) { h in
                heading(&h, t("任期与基本情况", "Term and basic facts"), edit: "basic")
                h.el("dl") { h in
                    h.el("dt", text: t("任职决定", "Decided")); h.el("dd", text: s.term.decided.description)
                    h.el("dt", text: t("本届任期", "This term")); h.el("dd", text: "\(s.term.start) – \(s.term.end)（\(t("第", "no. "))\(s.term.number)\(t("届", ""))）")
                    if s.term.limitReached { h.el("dt", text: t("届数", "Terms")); h.el("dd", text: t("已达连任上限", "term limit reached")) }
                }
                why(&h, ["term", "retirement", "promotion"])
            }

            h.el("section", ["class": "card", "id": "team"]) { h in
                heading(&h, t("审计组", "Audit team"), edit: "team")
                h.el("table") { h in
                    thead(&h, [t("姓名", "Name"), t("部门", "Department"), t("单位", "Unit"), t("组长", "Leader")])
                    h.el("tbody") { h in
                        for m in c.team {
                            h.el("tr") { h in
                                h.el("td", text: m.name)
                                h.el("td", text: library.department(m.department).text(lang))
                                h.el("td", text: m.unit)
                                h.el("td", text: m.leader ? t("是", "yes") : "")
                            }
                        }
                    }
                }
                if !s.team.missing.isEmpty {
                    h.el("p", ["class": "warn"], text: t("缺少：", "Missing: ") + s.team.missing.map { library.department($0).text(lang) }.joined(separator: t("、", ", ")))
                }
                for conflict in s.team.conflicts { h.el("p", ["class": "warn"], text: conflict) }
                why(&h, ["team"])
            }

            h.el("section", ["class": "card", "id": "indicators"]) { h in
                heading(&h, t("任期目标指标", "Term indicators"), edit: "indicators")
                let done = s.indicators.completion.map { StatusText.pct($0) } ?? "—"
                h.el("p", text: t("完成 \(s.indicators.met.count)/\(s.indicators.total)（\(done)）", "Met \(s.indicators.met.count)/\(s.indicators.total) (\(done))"))
                h.el("table") { h in
                    thead(&h, [t("领域", "Area"), t("指标数", "Indicators"), t("完成", "Met"), t("完成率", "Completion")], numeric: [1, 2, 3])
                    h.el("tbody") { h in
                        for a in s.indicators.areas {
                            h.el("tr") { h in
                                h.el("td", text: library.goalArea(a.area).text(lang))
                                h.el("td", ["class": "num"], text: String(a.total))
                                h.el("td", ["class": "num"], text: String(a.met))
                                h.el("td", ["class": "num"], text: a.completion.map { StatusText.pct($0) } ?? "—")
                            }
                        }
                    }
                }
                func names(_ ids: [String]) -> String {
                    ids.map { id in c.indicators.first { $0.id == id }?.name ?? id }.joined(separator: t("、", ", "))
                }
                if !s.indicators.unmet.isEmpty { h.el("p", ["class": "warn"], text: t("未完成：", "Not met: ") + names(s.indicators.unmet)) }
                if !s.indicators.notReported.isEmpty { h.el("p", ["class": "warn"], text: t("未报告：", "Not reported: ") + names(s.indicators.notReported)) }
                why(&h, ["indicators"])
            }

            h.el("section", ["class": "card", "id": "handover"]) { h in
                heading(&h, t("交接清单", "Handover checklist"), edit: "handover")
                let parties = HandoverForm.parties.compactMap { key, label in c.handover?.parties[key].map { label.text(lang) + t("：", ": ") + $0 } }
                h.el("p", text: parties.isEmpty ? t("交接各方：未写明", "Parties: not named") : parties.joined(separator: t("；", "; ")))
                h.el("p", text: t("已完成 \(s.checklist.done)/\(s.checklist.total)", "Done \(s.checklist.done)/\(s.checklist.total)"))
                h.el("table") { h in
                    thead(&h, [t("类别", "Area"), t("事项", "Items"), t("已完成", "Done")], numeric: [1, 2])
                    h.el("tbody") { h in
                        for a in s.checklist.areas {
                            h.el("tr") { h in
                                h.el("td", text: a.area.label.text(lang))
                                h.el("td", ["class": "num"], text: String(a.total))
                                h.el("td", ["class": "num"], text: String(a.done))
                            }
                        }
                    }
                }
                for (label, items) in [(t("待办", "Pending"), s.checklist.pending), (t("不完整", "Incomplete"), s.checklist.incomplete),
                                       (t("逾期", "Overdue"), s.checklist.overdue)] where !items.isEmpty {
                    h.el("p", ["class": "warn"], text: label + t("：", ": ") + items.map { id in s.checklist.items.first { $0.item.id == id }?.item.label.text(lang) ?? id }.joined(separator: t("、", ", ")))
                }
                why(&h, ["checklist", "handover"])
            }

            h.el("section", ["class": "card", "id": "audit"]) { h in
                heading(&h, t("审计事项（按部门）", "Audit items by department"), edit: "audit")
                h.el("table") { h in
                    thead(&h, [t("部门", "Department"), t("事项", "Items"), t("结论", "Conclusion")], numeric: [1])
                    h.el("tbody") { h in
                        for d in s.audit.departments {
                            h.el("tr") { h in
                                h.el("td", text: library.department(d.department).text(lang))
                                h.el("td", ["class": "num"], text: "\(d.done)/\(d.total)")
                                h.el("td", text: d.conclusion.map { $0.result.label.text(lang) } ?? t("未给出", "not given"))
                            }
                        }
                    }
                }
                why(&h, ["audit"])
            }

            h.el("section", ["class": "card", "id": "findings"]) { h in
                heading(&h, t("问题与整改", "Findings and rectification"), edit: "findings")
                if c.findings.isEmpty {
                    h.el("p", ["class": "muted"], text: t("无", "None"))
                } else {
                    h.el("table") { h in
                        h.el("thead") { h in h.el("tr") { h in
                            for col in [t("编号", "Id"), t("问题", "Finding"), t("类别", "Category"), t("状态", "Status"), t("整改期限", "Due")] {
                                h.el("th", ["scope": "col"], text: col)
                            }
                        } }
                        h.el("tbody") { h in
                            for f in c.findings {
                                h.el("tr", ["class": s.holdingFindings.contains(f.id) ? "holding" : nil]) { h in
                                    h.el("td", text: f.id)
                                    h.el("td", text: f.title)
                                    h.el("td", text: library.findingCategory(f.category).text(lang))
                                    h.el("td", text: f.status.label.text(lang))
                                    h.el("td", text: f.due?.description ?? "")
                                }
                            }
                        }
                    }
                }
                why(&h, ["findings"])
            }

            h.el("section", ["class": "card", "id": "assessment"]) { h in
                heading(&h, t("考核、后果与安置", "Assessment, consequences and placement"), edit: "assessment")
                if !s.assessment.isEmpty {
                    h.el("p", text: s.assessment.map { y in "\(y.year)\(t("：", ": "))\(y.grade?.label.text(lang) ?? "—")" }.joined(separator: t("；", "; ")))
                }
                let labels = s.consequences.map { policy.consequences[$0]?.label.text(lang) ?? $0.rawValue }
                if !labels.isEmpty { h.el("p", text: t("后果：", "Consequences: ") + labels.joined(separator: t("；", "; "))) }
                if let p = s.placement { h.el("p", text: t("建议安置：", "Placement: ") + p.summary(policy: policy).text(lang)) }
                why(&h, ["assessment", "placement"])
            }

            h.el("section", ["class": "card", "id": "signoff"]) { h in
                h.el("h2", text: t("签字", "Sign-off"))
                h.el("ul") { h in
                    for role in policy.signoff.roles {
                        h.el("li") { h in
                            h.text(role.label.text(lang) + t("：", ": "))
                            if let signed = c.signoffs.first(where: { $0.role == role.id }) { h.text(signed.name + " ") }
                            h.text(s.signatures[role.id].map { Roles.verdict($0, lang: lang) }
                                   ?? (role.required ? t("未签", "not signed") : t("未签（可选）", "not signed (optional)")))
                        }
                    }
                }
                h.el("p", ["class": "actions"]) { h in
                    let base = "/cases/\(Paths.segment(c.id))"
                    if s.state == .readyForSignoff { h.el("a", ["class": "button", "href": base + "/sign"], text: t("签字", "Sign")) }
                    h.el("a", ["href": base + "/verify"], text: t("核验签字", "Verify the signatures"))
                }
                why(&h, ["signoff"])
            }
        }
        return page.render()
    }
}

/// A table's header row; `numeric` columns are right-aligned like their cells.
func thead(_ h: inout HTML, _ columns: [String], numeric: Set<Int> = []) {
    h.el("thead") { h in
        h.el("tr") { h in
            for (i, col) in columns.enumerated() { h.el("th", ["scope": "col", "class": numeric.contains(i) ? "num" : nil], text: col) }
        }
    }
}

/// Pieces of URLs built from data.
enum Paths {
    /// A path segment: everything but unreserved characters percent-encoded.
    static func segment(_ s: String) -> String {
        s.addingPercentEncoding(withAllowedCharacters: .init(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")) ?? ""
    }

    static func query(_ s: String) -> String { segment(s) }

    /// A local path to go to after signing in: only `/…` paths of this server (never `//host`).
    static func localNext(_ s: String?) -> String {
        guard let s, s.hasPrefix("/"), !s.hasPrefix("//"), !s.contains("\\"), !s.contains("\r"), !s.contains("\n") else { return "/" }
        return s
    }
}
