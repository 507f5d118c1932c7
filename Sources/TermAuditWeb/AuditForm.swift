import Foundation
import TermAudit
import TermAuditLoader
import TermAuditRules

/// The form of the `audit` section: each department's audit items (状态, 审查人, 关联问题, 理由, 备注) and its
/// conclusion (结论, 结论人, 日期, 关联问题). Inputs are named by their path in the case file
/// (`audit.items.staffing.examiner`), so the loader's errors land under them.
enum AuditForm {
    static let itemKeys = ["status", "examiner", "findings", "reason", "note"]
    static let conclusionKeys = ["result", "by", "date", "findings"]

    /// The section rebuilt from the form: the program and any other key kept from `base`; an item left pending with
    /// nothing else is left out (items not listed are pending), a conclusion without a result too.
    static func tree(_ form: [String: String], base: CaseTree?, program: AuditProgram, departments: [String]) -> CaseTree {
        var pairs: [(String, CaseTree)] = []
        if case .map(let old)? = base { pairs = old.filter { $0.0 != "items" && $0.0 != "conclusions" } }
        var items: [(String, CaseTree)] = []
        for item in program.items {
            var fields: [(String, CaseTree)] = []
            for k in itemKeys {
                let v = (form["audit.items.\(item.id).\(k)"] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
                guard !v.isEmpty else { continue }
                fields.append((k, k == "findings" ? SectionSpec.value(v, .ids) : .text(v)))
            }
            if fields.isEmpty || (fields.count == 1 && fields[0].0 == "status" && fields[0].1 == .text("pending")) { continue }
            items.append((item.id, .map(fields)))
        }
        var conclusions: [(String, CaseTree)] = []
        for d in departments {
            var fields: [(String, CaseTree)] = []
            for k in conclusionKeys {
                let v = (form["audit.conclusions.\(d).\(k)"] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
                guard !v.isEmpty else { continue }
                fields.append((k, k == "findings" ? SectionSpec.value(v, .ids) : k == "date" ? SectionSpec.value(v, .date) : .text(v)))
            }
            if !fields.isEmpty { conclusions.append((d, .map(fields))) }
        }
        if !items.isEmpty { pairs.append(("items", .map(items))) }
        if !conclusions.isEmpty { pairs.append(("conclusions", .map(conclusions))) }
        return .map(pairs)
    }

    /// The inputs' values from the section (or from a posted form).
    static func values(_ tree: CaseTree?) -> [String: String] {
        var out: [String: String] = [:]
        guard case .map(let pairs)? = tree else { return out }
        for (group, value) in pairs where group == "items" || group == "conclusions" {
            guard case .map(let entries) = value else { continue }
            for (id, entry) in entries {
                switch entry {
                case .map(let fields):
                    for (k, v) in fields { out["audit.\(group).\(id).\(k)"] = SectionSpec.text(v) }
                default:
                    out["audit.\(group).\(id).status"] = SectionSpec.text(entry)   // a bare status
                }
            }
        }
        return out
    }
}

extension Pages {
    static func auditForm(lang: Language, user: SignedIn, caseID: String, heading: String, summary: AuditWorkSummary, team: [String],
                          library: Library, values: [String: String], revision: Int, errors: [FieldError] = [], conflict: [String] = [],
                          signed: [String] = []) -> String {
        var page = Layout(title: L("编辑审计事项 · \(caseID)", "Edit audit items · \(caseID)"), lang: lang, user: user,
                          path: "/cases/\(Paths.segment(caseID))/edit/audit")
        let t = page.t
        let byPath = Dictionary(grouping: errors, by: \.path)
        func input(_ h: inout HTML, _ path: String, _ label: String, _ kind: SectionSpec.Field.Kind) {
            // An error about a whole item or conclusion shows under its first field (status, result).
            let whole = path.hasSuffix(".status") || path.hasSuffix(".result") ? byPath[String(path[..<path.lastIndex(of: ".")!])] ?? [] : []
            let errs = (byPath[path] ?? []) + whole
            let id = "f-" + path.replacingOccurrences(of: ".", with: "-")
            h.el("td", ["class": errs.isEmpty ? nil : "invalid"]) { h in
                field(&h, SectionSpec.Field(key: path, label: L(label, label), kind: kind), name: path, id: id, label: label,
                      value: values[path] ?? "", lang: lang, invalid: !errs.isEmpty)
                for e in errs { h.el("p", ["class": "field-error", "id": id + "-error"], text: e.message) }
            }
        }
        let members: SectionSpec.Field.Kind = .choice(team.map { ($0, L($0, $0)) })
        page.main { h in
            h.el("p", ["class": "crumbs"]) { h in h.el("a", ["href": "/cases/\(Paths.segment(caseID))"], text: t("← 返回案卷", "← Back to the case")) }
            h.el("h1", text: t("编辑审计事项与部门结论", "Edit audit items and conclusions"))
            h.el("p", ["class": "muted"], text: heading + t(" · 基于第 \(revision) 版", " · based on revision \(revision)"))
            notices(&h, t, errors: errors, conflict: conflict, signed: signed, fallback: "audit")
            h.el("form", ["method": "post", "action": "/cases/\(Paths.segment(caseID))/edit/audit", "class": "section-form"]) { h in
                h.void("input", ["type": "hidden", "name": "_csrf", "value": user.csrfToken])
                h.void("input", ["type": "hidden", "name": "_revision", "value": String(revision)])
                for d in summary.departments {
                    let dept = library.department(d.department).text(lang)
                    h.el("section", ["class": "card", "id": "dept-\(d.department)"]) { h in
                        h.el("h2", text: dept)
                        h.el("div", ["class": "scroll"]) { h in
                            h.el("table", ["class": "edit"]) { h in
                                thead(&h, [t("审计事项", "Item"), t("状态", "Status"), t("审查人", "Examiner"), t("关联问题", "Findings"),
                                           t("不适用理由", "Reason"), t("备注", "Note")])
                                h.el("tbody") { h in
                                    for row in summary.items where row.department == d.department {
                                        let base = "audit.items.\(row.item.id)."
                                        let name = row.item.label.text(lang)
                                        h.el("tr") { h in
                                            h.el("td", text: name)
                                            input(&h, base + "status", "\(name) · \(t("状态", "status"))",
                                                  .choice(AuditItemStatus.allCases.map { ($0.rawValue, $0.label) }))
                                            input(&h, base + "examiner", "\(name) · \(t("审查人", "examiner"))", members)
                                            input(&h, base + "findings", "\(name) · \(t("关联问题", "findings"))", .ids)
                                            input(&h, base + "reason", "\(name) · \(t("不适用理由", "reason"))", .text)
                                            input(&h, base + "note", "\(name) · \(t("备注", "note"))", .text)
                                        }
                                    }
                                }
                            }
                        }
                        h.el("h3", text: t("部门结论", "The department's conclusion"))
                        h.el("table", ["class": "edit"]) { h in
                            thead(&h, [t("结论", "Result"), t("结论人", "By"), t("日期", "Date"), t("关联问题", "Findings")])
                            h.el("tbody") { h in
                                let base = "audit.conclusions.\(d.department)."
                                h.el("tr") { h in
                                    input(&h, base + "result", "\(dept) · \(t("结论", "result"))", .choice(Conclusion.Result.allCases.map { ($0.label.zh, $0.label) }))
                                    input(&h, base + "by", "\(dept) · \(t("结论人", "by"))", members)
                                    input(&h, base + "date", "\(dept) · \(t("日期", "date"))", .date)
                                    input(&h, base + "findings", "\(dept) · \(t("关联问题", "findings"))", .ids)
                                }
                            }
                        }
                    }
                }
                formEnd(&h, t, caseID: caseID, signed: !signed.isEmpty)
            }
        }
        return page.render()
    }
}
