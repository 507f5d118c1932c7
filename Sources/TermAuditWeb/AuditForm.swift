import Foundation
import TermAudit
import TermAuditLoader
import TermAuditRules

/// The form of the `audit` section: each department's audit items (状态, 审查人, 关联问题, 理由, 备注) and its
/// conclusion (结论, 结论人, 日期, 关联问题), department by department. Inputs are named by their path in the case
/// file (`audit.items.staffing.examiner`), so the loader's errors land under them.
struct AuditForm: KeyedForm {
    let name = "audit"
    let sections = ["audit"]
    let title = L("审计事项与部门结论", "audit items and conclusions")
    static let itemKeys = ["status", "examiner", "findings", "reason", "note"]
    static let conclusionKeys = ["result", "by", "date", "findings"]

    func tree(_ form: [String: String], base: [String: CaseTree], view: Desk.CaseView, library: Library) -> [(name: String, value: CaseTree)] {
        guard let program = view.status.audit.program else { return [] }
        var tree = Self.tree(form, base: base["audit"], program: program, departments: view.status.audit.departments.map(\.department))
        if base["audit"] == nil, case .map(var pairs) = tree, !pairs.contains(where: { $0.0 == "program" }) {
            pairs.insert(("program", .text(program.id)), at: 0)   // the program in force, written out with the first items
            tree = .map(pairs)
        }
        return [("audit", tree)]
    }

    func values(_ sections: [String: CaseTree]) -> [String: String] { Self.values(sections["audit"]) }

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

extension AuditForm {
    func body(_ h: inout HTML, _ p: KeyedFormPage) {
        let t = p.t, lang = p.lang, summary = p.view.status.audit
        guard summary.program != nil else {
            h.el("p", ["class": "warn"], text: t("案卷没有适用的审计事项清单（工作区设置 audit_program）。", "No audit program applies to the case (the workspace's audit_program)."))
            return
        }
        let members: SectionSpec.Field.Kind = .choice(p.view.status.auditCase.team.map { ($0.name, L($0.name, $0.name)) })
        for d in summary.departments {
            let dept = p.library.department(d.department).text(lang)
            h.el("section", ["class": "card", "id": "dept-\(d.department)"]) { h in
                h.el("h2") { h in
                    h.text(dept)
                    if !p.editable("audit.conclusions.\(d.department).result") {
                        h.el("span", ["class": "muted"], text: t(" · 只读（其他部门的审计事项）", " · read only (another department's items)"))
                    }
                }
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
                                    p.cell(&h, base + "status", "\(name) · \(t("状态", "status"))", .choice(AuditItemStatus.allCases.map { ($0.rawValue, $0.label) }))
                                    p.cell(&h, base + "examiner", "\(name) · \(t("审查人", "examiner"))", members)
                                    p.cell(&h, base + "findings", "\(name) · \(t("关联问题", "findings"))", .ids)
                                    p.cell(&h, base + "reason", "\(name) · \(t("不适用理由", "reason"))", .text)
                                    p.cell(&h, base + "note", "\(name) · \(t("备注", "note"))", .text)
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
                            p.cell(&h, base + "result", "\(dept) · \(t("结论", "result"))", .choice(Conclusion.Result.allCases.map { ($0.label.zh, $0.label) }))
                            p.cell(&h, base + "by", "\(dept) · \(t("结论人", "by"))", members)
                            p.cell(&h, base + "date", "\(dept) · \(t("日期", "date"))", .date)
                            p.cell(&h, base + "findings", "\(dept) · \(t("关联问题", "findings"))", .ids)
                        }
                    }
                }
            }
        }
    }
}
