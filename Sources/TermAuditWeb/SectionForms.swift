import Foundation
import TermAudit
import TermAuditLoader

/// The forms that edit a list section of a case (team, indicators, findings, assessment): one table row per
/// element, one input per field, named by the field's path in the case file (`findings[1].status`) so that each
/// error the loader reports lands next to its input.
struct SectionSpec: Sendable {
    struct Field: Sendable {
        enum Kind: Sendable {
            case text, number, date, bool
            /// A number, or text when it is not one (an indicator's target).
            case numberOrText
            /// One of these ids (value, label); empty for none.
            case choice([(String, Label)])
            /// Ids separated by commas (finding ids).
            case ids
        }
        var key: String
        var label: Label
        var kind: Kind
        var required = false
        /// A long text: its column is given room.
        var wide = false
    }

    var name: String
    var title: Label
    var fields: [Field]

    static func list(_ name: String, library: Library) -> SectionSpec? {
        func vocab(_ entries: [VocabularyEntry]) -> Field.Kind { .choice(entries.map { ($0.id, $0.label) }) }
        func enumeration<E: RawRepresentable & CaseIterable & Labelled>(_: E.Type) -> Field.Kind where E.RawValue == String {
            .choice(E.allCases.map { ($0.rawValue, $0.label) })
        }
        switch name {
        case "team":
            return SectionSpec(name: name, title: L("审计组", "Audit team"), fields: [
                Field(key: "name", label: L("姓名", "Name"), kind: .text, required: true),
                Field(key: "department", label: L("所属部门", "Department"), kind: vocab(library.departments), required: true),
                Field(key: "unit", label: L("工作单位", "Unit"), kind: .text, required: true, wide: true),
                Field(key: "leader", label: L("组长", "Leader"), kind: .bool),
            ])
        case "indicators":
            return SectionSpec(name: name, title: L("任期目标指标", "Term indicators"), fields: [
                Field(key: "id", label: L("编号", "Id"), kind: .text, required: true),
                Field(key: "area", label: L("目标内容范围", "Area"), kind: vocab(library.goalAreas), required: true),
                Field(key: "name", label: L("指标名称", "Name"), kind: .text, required: true, wide: true),
                Field(key: "unit", label: L("计量单位", "Unit"), kind: .text),
                Field(key: "target", label: L("目标值", "Target"), kind: .numberOrText, required: true),
                Field(key: "actual", label: L("实际完成值", "Actual"), kind: .number),
                Field(key: "better", label: L("优化方向", "Better"), kind: enumeration(Direction.self)),
                Field(key: "rating", label: L("评定结果", "Rating"), kind: enumeration(Rating.self)),
                Field(key: "weight", label: L("权重", "Weight"), kind: .number),
            ])
        case "findings":
            return SectionSpec(name: name, title: L("审计发现问题", "Findings"), fields: [
                Field(key: "id", label: L("编号", "Id"), kind: .text, required: true),
                Field(key: "title", label: L("问题标题", "Title"), kind: .text, required: true, wide: true),
                Field(key: "category", label: L("问题类别", "Category"), kind: vocab(library.findingCategories), required: true),
                Field(key: "responsibility", label: L("责任类型", "Responsibility"), kind: vocab(library.responsibilities)),
                Field(key: "status", label: L("整改状态", "Status"), kind: enumeration(FindingStatus.self), required: true),
                Field(key: "amount", label: L("涉及金额（万元）", "Amount (10k yuan)"), kind: .number),
                Field(key: "due", label: L("整改期限", "Due"), kind: .date),
                Field(key: "department", label: L("发现部门", "Department"), kind: vocab(library.departments)),
                Field(key: "note", label: L("内部备注", "Internal note"), kind: .text, wide: true),
            ])
        case "assessment":
            return SectionSpec(name: name, title: L("年度考核", "Annual assessment"), fields: [
                Field(key: "year", label: L("考核年度", "Year"), kind: .number, required: true),
                Field(key: "performance", label: L("工作实绩", "Performance"), kind: .number),
                Field(key: "opinion", label: L("民意测评", "Opinion"), kind: .number),
                Field(key: "grade", label: L("考核等次", "Grade"), kind: .choice(Grade.allCases.map { ($0.rawValue, $0.label) })),
                Field(key: "team_class", label: L("班子类别", "Team class"), kind: .number),
            ])
        default:
            return nil
        }
    }

    /// The list sections with a form.
    static let listSections = ["team", "indicators", "findings", "assessment"]

    // MARK: Values

    /// A row as the inputs show it: each field's text, and the index of the element it came from (nil: a new row).
    struct Row: Sendable, Equatable {
        var values: [String: String]
        var from: Int?
    }

    /// The rows of a section's elements.
    func rows(_ tree: CaseTree?) -> [Row] {
        guard case .list(let items)? = tree else { return [] }
        return items.enumerated().map { i, item in
            var values: [String: String] = [:]
            for f in fields {
                guard let v = item[f.key] else { continue }
                values[f.key] = Self.text(v)
            }
            return Row(values: values, from: i)
        }
    }

    static func text(_ v: CaseTree) -> String {
        switch v {
        case .text(let s), .number(let s): return s
        case .date(let d): return d.description
        case .bool(let b): return b ? "true" : ""
        case .list(let items): return items.map(text).joined(separator: ", ")
        case .map, .null: return ""
        }
    }

    /// The rows a form posted: rows marked for deletion and new rows left blank are dropped.
    func posted(_ form: [String: String]) -> [Row] {
        let count = min(Int(form["_rows"] ?? "") ?? 0, 1000)
        var out: [Row] = []
        for i in 0..<count {
            let prefix = "\(name)[\(i)]."
            if form[prefix + "_delete"] != nil { continue }
            var values: [String: String] = [:]
            for f in fields {
                let v = (form[prefix + f.key] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
                if !v.isEmpty { values[f.key] = v }
            }
            let from = form[prefix + "_from"].flatMap(Int.init)
            if from == nil && values.isEmpty { continue }
            out.append(Row(values: values, from: from))
        }
        return out
    }

    /// The section as a tree: each row's fields in the form's order, after the keys the form does not show (kept
    /// from the element the row came from).
    func tree(_ rows: [Row], base: CaseTree?) -> CaseTree {
        var baseItems: [CaseTree] = []
        if case .list(let items)? = base { baseItems = items }
        return .list(rows.map { row in
            var pairs: [(String, CaseTree)] = []
            for f in fields {
                guard let raw = row.values[f.key] else { continue }
                pairs.append((f.key, Self.value(raw, f.kind)))
            }
            // Keys only the case file shows (e.g. an indicator's note) stay, in their place at the end.
            if let from = row.from, from < baseItems.count, case .map(let old) = baseItems[from] {
                let shown = Set(fields.map(\.key))
                pairs += old.filter { !shown.contains($0.0) }
            }
            return .map(pairs)
        })
    }

    /// The value of an input: typed as the field is, or left as text for the loader to name what is wrong.
    static func value(_ raw: String, _ kind: Field.Kind) -> CaseTree {
        switch kind {
        case .number:
            return Double(raw) != nil ? .number(raw) : .text(raw)
        case .numberOrText:
            return Double(raw) != nil && raw.range(of: #"^-?[0-9]+(\.[0-9]+)?$"#, options: .regularExpression) != nil ? .number(raw) : .text(raw)
        case .date:
            return Day(iso: raw).map { .date($0) } ?? .text(raw)
        case .bool:
            return .bool(true)
        case .ids:
            return .list(raw.split(whereSeparator: { ",，、 ".contains($0) }).map { .text(String($0)) })
        case .text, .choice:
            return .text(raw)
        }
    }
}

extension Pages {
    /// A list section's form: the rows, a blank row to add one, each error under its input and listed at the top.
    static func sectionForm(lang: Language, user: SignedIn, caseID: String, heading: String, spec: SectionSpec, rows: [SectionSpec.Row],
                            revision: Int, errors: [FieldError] = [], conflict: [String] = [], signed: [String] = [],
                            theirs: [String: String] = [:]) -> String {
        var page = Layout(title: L("编辑\(spec.title.zh) · \(caseID)", "Edit \(spec.title.en) · \(caseID)"), lang: lang, user: user,
                          path: "/cases/\(Paths.segment(caseID))/edit/\(spec.name)")
        let t = page.t
        let byPath = Dictionary(grouping: errors, by: \.path)
        func inputID(_ i: Int, _ key: String) -> String { "f-\(spec.name)-\(i)-\(key)" }
        page.main { h in
            h.el("p", ["class": "crumbs"]) { h in h.el("a", ["href": "/cases/\(Paths.segment(caseID))"], text: t("← 返回案卷", "← Back to the case")) }
            h.el("h1", text: t("编辑", "Edit ") + spec.title.text(lang))
            h.el("p", ["class": "muted"], text: heading + t(" · 基于第 \(revision) 版", " · based on revision \(revision)"))
            notices(&h, t, errors: errors, conflict: conflict, signed: signed, fallback: spec.name)
            h.el("form", ["method": "post", "action": "/cases/\(Paths.segment(caseID))/edit/\(spec.name)", "class": "section-form"]) { h in
                h.void("input", ["type": "hidden", "name": "_csrf", "value": user.csrfToken])
                h.void("input", ["type": "hidden", "name": "_revision", "value": String(revision)])
                h.void("input", ["type": "hidden", "name": "_rows", "value": String(rows.count + 1)])
                h.el("div", ["class": "scroll"]) { h in
                    h.el("table", ["class": "edit"]) { h in
                        h.el("thead") { h in
                            h.el("tr") { h in
                                h.el("th", ["scope": "col"], text: "#")
                                for f in spec.fields { h.el("th", ["scope": "col"], text: f.label.text(lang) + (f.required ? " *" : "")) }
                                h.el("th", ["scope": "col"], text: t("删除", "Delete"))
                            }
                        }
                        h.el("tbody") { h in
                            for (i, row) in (rows + [SectionSpec.Row(values: [:], from: nil)]).enumerated() {
                                let isNew = i == rows.count
                                h.el("tr", ["class": isNew ? "new-row" : nil]) { h in
                                    h.el("td", ["class": "num"], text: isNew ? t("新增", "new") : String(i + 1))
                                    for f in spec.fields {
                                        let path = "\(spec.name)[\(i)].\(f.key)"
                                        let errs = (byPath[path] ?? []) + (f.key == spec.fields.first?.key ? byPath["\(spec.name)[\(i)]"] ?? [] : [])
                                        let label = "\(f.label.text(lang)) · \(isNew ? t("新增行", "new row") : t("第 \(i + 1) 行", "row \(i + 1)"))"
                                        let classes = [errs.isEmpty ? nil : "invalid", f.wide ? "wide" : nil].compactMap { $0 }.joined(separator: " ")
                                        h.el("td", ["class": classes.isEmpty ? nil : classes]) { h in
                                            field(&h, f, name: path, id: inputID(i, f.key), label: label, value: row.values[f.key] ?? "", lang: lang,
                                                  invalid: !errs.isEmpty)
                                            for e in errs { h.el("p", ["class": "field-error", "id": inputID(i, f.key) + "-error"], text: e.message) }
                                            if let other = theirs[path] { conflictNote(&h, t, other) }
                                        }
                                    }
                                    h.el("td") { h in
                                        if !isNew {
                                            h.void("input", ["type": "checkbox", "name": "\(spec.name)[\(i)]._delete", "aria-label": t("删除第 \(i + 1) 行", "delete row \(i + 1)")])
                                        }
                                        if let from = row.from { h.void("input", ["type": "hidden", "name": "\(spec.name)[\(i)]._from", "value": String(from)]) }
                                    }
                                }
                            }
                        }
                    }
                }
                // Errors at the section itself (not at a row's field).
                for e in byPath[spec.name] ?? [] { h.el("p", ["class": "field-error"], text: e.message) }
                formEnd(&h, t, caseID: caseID, signed: !signed.isEmpty)
            }
        }
        return page.render()
    }

    /// What went wrong with a saved form: the errors listed (each also under its field), a conflict to settle, a
    /// signed case to confirm.
    static func notices(_ h: inout HTML, _ t: (String, String) -> String, errors: [FieldError], conflict: [String], signed: [String],
                        fallback: String) {
        if !errors.isEmpty {
            h.el("section", ["class": "card errors", "role": "alert"]) { h in
                h.el("h2", text: t("\(errors.count) 个错误，未保存", "\(errors.count) errors; nothing was saved"))
                h.el("ul") { h in
                    for e in errors {
                        h.el("li") { h in
                            h.el("code", text: e.path.isEmpty ? fallback : e.path)
                            h.text(" " + e.message)
                        }
                    }
                }
            }
        }
        if !conflict.isEmpty {
            h.el("section", ["class": "card errors", "role": "alert"]) { h in
                h.el("h2", text: t("他人在此期间修改了同一字段，未保存", "Someone changed the same fields meanwhile; nothing was saved"))
                h.el("p", text: t("下表已是最新内容，并保留了您的修改。请逐项核对冲突的字段（以下列出对方的改动），确认后再保存。",
                                  "The table now shows the latest version with your changes on top. Check each conflicting field (the other changes are listed below), then save again."))
                h.el("ul") { h in for line in conflict { h.el("li", text: line) } }
            }
        }
        if !signed.isEmpty {
            h.el("section", ["class": "card errors", "role": "alert"]) { h in
                h.el("h2", text: t("案卷已签字", "The case is signed"))
                h.el("p", text: t("保存修改将使以下签字失效，须重新签字。确认请勾选下方“修改已签字案卷”后再保存。",
                                  "Saving will make these signatures stale; they must be made again. Tick “change a signed case” below to confirm."))
                h.el("ul") { h in for line in signed { h.el("li", text: line) } }
            }
        }
    }

    /// Under an input whose field the other person changed too: their value; what the input holds is what saving keeps.
    static func conflictNote(_ h: inout HTML, _ t: (String, String) -> String, _ other: String) {
        h.el("p", ["class": "field-conflict"], text: t("对方已改为「\(other)」；保存时以框中的值为准", "Changed meanwhile to “\(other)”; saving keeps what the box holds"))
    }

    /// The end of an edit form: the confirmation a signed case needs, Save and Cancel.
    static func formEnd(_ h: inout HTML, _ t: (String, String) -> String, caseID: String, signed: Bool) {
        if signed {
            h.el("label", ["class": "confirm"]) { h in
                h.void("input", ["type": "checkbox", "name": "_void_signatures", "value": "true"])
                h.text(t(" 修改已签字案卷（签字将失效）", " change a signed case (its signatures become stale)"))
            }
        }
        h.el("p", ["class": "actions"]) { h in
            h.el("button", ["type": "submit", "class": "primary"], text: t("保存", "Save"))
            h.el("a", ["href": "/cases/\(Paths.segment(caseID))"], text: t("取消", "Cancel"))
        }
    }

    static func field(_ h: inout HTML, _ f: SectionSpec.Field, name: String, id: String, label: String, value: String, lang: Language, invalid: Bool,
                      readOnly: Bool = false) {
        let described = invalid ? id + "-error" : nil
        if readOnly { return Self.readOnly(&h, f, name: name, id: id, value: value, lang: lang) }
        switch f.kind {
        case .choice(let options):
            h.el("select", ["id": id, "name": name, "aria-label": label, "aria-invalid": invalid ? "true" : nil, "aria-describedby": described]) { h in
                h.el("option", ["value": "", "selected": value.isEmpty ? "" : nil], text: "—")
                var known = false
                for (v, l) in options {
                    let chosen = v == value || l.zh == value
                    known = known || chosen
                    h.el("option", ["value": v, "selected": chosen ? "" : nil], text: l.text(lang))
                }
                // A value the list does not know is kept (and shown) so that the loader names it.
                if !value.isEmpty && !known { h.el("option", ["value": value, "selected": ""], text: value) }
            }
        case .bool:
            h.void("input", ["type": "checkbox", "id": id, "name": name, "value": "true", "aria-label": label, "checked": value == "true" ? "" : nil])
        case .date:
            h.void("input", ["id": id, "name": name, "value": value, "aria-label": label, "placeholder": "YYYY-MM-DD", "size": "10",
                             "aria-invalid": invalid ? "true" : nil, "aria-describedby": described])
        case .number:
            h.void("input", ["id": id, "name": name, "value": value, "aria-label": label, "inputmode": "decimal", "size": "6",
                             "aria-invalid": invalid ? "true" : nil, "aria-describedby": described])
        case .text, .numberOrText, .ids:
            h.void("input", ["id": id, "name": name, "value": value, "aria-label": label,
                             "aria-invalid": invalid ? "true" : nil, "aria-describedby": described])
        }
    }

    /// A value the account sees but may not change: shown as text, sent back unchanged (a hidden input), so the
    /// form's other fields save as before and a changed copy is refused by the rights check.
    static func readOnly(_ h: inout HTML, _ f: SectionSpec.Field, name: String, id: String, value: String, lang: Language) {
        var shown = value
        if case .choice(let options) = f.kind, let o = options.first(where: { $0.0 == value || $0.1.zh == value }) { shown = o.1.text(lang) }
        h.void("input", ["type": "hidden", "name": name, "value": value])
        h.el("span", ["class": "ro", "id": id, "title": lang == .zh ? "不是您的职责范围" : "not yours to change"], text: shown.isEmpty ? "—" : shown)
    }
}
