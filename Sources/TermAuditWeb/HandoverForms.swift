import Foundation
import TermAudit
import TermAuditLoader
import TermAuditRules

/// The keyed forms, in the order their routes are added.
enum KeyedForms {
    static let all: [any KeyedForm] = [AuditForm(), HandoverForm(), BasicForm()]
}

private func choices<E: RawRepresentable & CaseIterable & Labelled>(_: E.Type) -> SectionSpec.Field.Kind where E.RawValue == String {
    .choice(E.allCases.map { ($0.rawValue, $0.label) })
}

/// The `handover` section: the parties (移交人, 接交人, 监交人), when the handover was notified and is due, and every
/// item of the checklist, area by area (状态, 备注, 不适用理由, 关联问题). Items left pending with nothing else are left
/// out (items not listed are pending); an item with only a status is written as a bare status, as people write it.
struct HandoverForm: KeyedForm {
    let name = "handover"
    let sections = ["handover"]
    let title = L("工作交接", "handover")
    static let itemKeys = ["status", "note", "reason", "finding"]
    static let parties = [("outgoing", L("移交人", "Outgoing")), ("incoming", L("接交人", "Incoming")), ("supervisor", L("监交人", "Supervisor"))]

    func tree(_ form: [String: String], base: [String: CaseTree], view: Desk.CaseView, library: Library) -> [(name: String, value: CaseTree)] {
        guard let template = view.status.checklist.template else { return [] }
        let old = base["handover"]
        var known = Set<String>()
        var items: [(String, CaseTree)] = []
        for area in template.areas {
            for item in area.items {
                known.insert(item.id)
                var fields: [(String, CaseTree)] = []
                for k in Self.itemKeys {
                    guard let v = FormTree.posted(form, "handover.items.\(item.id).\(k)") else { continue }
                    fields.append((k, .text(v)))
                }
                if fields.isEmpty || (fields.count == 1 && fields[0].0 == "status" && fields[0].1 == .text("pending")) { continue }
                items.append((item.id, fields.count == 1 && fields[0].0 == "status" ? fields[0].1 : .map(fields)))
            }
        }
        // Entries the template does not know are kept for the loader to name (nothing is dropped silently).
        if case .map(let oldItems)? = old?["items"] { items += oldItems.filter { !known.contains($0.0) } }
        let parties = FormTree.map(old?["parties"], setting: Self.parties.map { key, _ in
            (key, FormTree.posted(form, "handover.parties.\(key)").map(CaseTree.text))
        })
        let hasParties: Bool = { if case .map(let p) = parties { return !p.isEmpty } else { return false } }()
        func date(_ key: String) -> CaseTree? { FormTree.posted(form, "handover.\(key)").map { SectionSpec.value($0, .date) } }
        let tree = FormTree.map(old, setting: [
            ("checklist", old?["checklist"] ?? .text(template.id)),
            ("items", items.isEmpty ? nil : .map(items)),
            ("parties", hasParties ? parties : nil),
            ("notified", date("notified")),
            ("due", date("due")),
        ])
        return [("handover", tree)]
    }

    func values(_ sections: [String: CaseTree]) -> [String: String] {
        var out: [String: String] = [:]
        guard case .map(let pairs)? = sections["handover"] else { return out }
        for (k, v) in pairs {
            if k == "items", case .map(let items) = v {
                for (id, item) in items {
                    if case .map = item { FormTree.flatten(item, prefix: "handover.items.\(id)", into: &out) } else { out["handover.items.\(id).status"] = SectionSpec.text(item) }
                }
            } else {
                FormTree.flatten(v, prefix: "handover.\(k)", into: &out)
            }
        }
        return out
    }

    func body(_ h: inout HTML, _ p: KeyedFormPage) {
        let t = p.t, lang = p.lang, c = p.view.status.auditCase
        h.el("section", ["class": "card", "id": "parties"]) { h in
            h.el("h2", text: t("交接各方与期限", "Parties and dates"))
            h.el("div", ["class": "record"]) { h in
                for (key, label) in Self.parties {
                    let hint = key == "outgoing" ? t("（应为被审计人 \(c.official.name)）", " (the audited official, \(c.official.name))") : ""
                    p.field(&h, SectionSpec.Field(key: "handover.parties.\(key)", label: Label(zh: label.zh + hint, en: label.en + hint), kind: .text),
                            suggestions: key == "outgoing" ? [c.official.name] : nil)
                }
                p.field(&h, SectionSpec.Field(key: "handover.notified", label: L("通知交接日期", "Notified"), kind: .date))
                p.field(&h, SectionSpec.Field(key: "handover.due", label: L("交接期限", "Due"), kind: .date))
            }
        }
        guard let template = p.view.status.checklist.template else {
            h.el("p", ["class": "warn"], text: t("案卷没有适用的交接清单（工作区设置 handover_checklists）。", "No handover checklist applies (the workspace's handover_checklists)."))
            return
        }
        let findings: SectionSpec.Field.Kind = .choice(c.findings.map { ($0.id, Label(zh: "\($0.id) \($0.title)", en: "\($0.id) \($0.title)")) })
        for area in template.areas {
            let areaName = area.label.text(lang)
            h.el("section", ["class": "card", "id": "area-\(area.id)"]) { h in
                h.el("h2", text: areaName)
                h.el("div", ["class": "scroll"]) { h in
                    h.el("table", ["class": "edit"]) { h in
                        thead(&h, [t("交接事项", "Item"), t("状态", "Status"), t("备注", "Note"), t("不适用理由", "Reason"), t("关联问题", "Finding")])
                        h.el("tbody") { h in
                            for item in area.items {
                                let base = "handover.items.\(item.id).", name = item.label.text(lang)
                                h.el("tr") { h in
                                    h.el("td", text: name)
                                    p.cell(&h, base + "status", "\(name) · \(t("状态", "status"))", choices(ItemStatus.self))
                                    p.cell(&h, base + "note", "\(name) · \(t("备注", "note"))", .text)
                                    p.cell(&h, base + "reason", "\(name) · \(t("不适用理由", "reason"))", .text)
                                    p.cell(&h, base + "finding", "\(name) · \(t("关联问题", "finding"))", findings)
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// 基本情况: the `official`, `post` and `trigger` sections in one form (one revision). Keys the form does not show (an
/// official's sanctions) are kept.
struct BasicForm: KeyedForm {
    let name = "basic"
    let sections = ["official", "post", "trigger"]
    let title = L("基本情况", "basic facts")

    static let official: [SectionSpec.Field] = [
        SectionSpec.Field(key: "official.name", label: L("姓名", "Name"), kind: .text, required: true),
        SectionSpec.Field(key: "official.staff_id", label: L("工号（内部）", "Staff id (internal)"), kind: .text),
        SectionSpec.Field(key: "official.national_id", label: L("公民身份号码（内部，从不公开）", "National id (internal, never published)"), kind: .text),
        SectionSpec.Field(key: "official.sex", label: L("性别", "Sex"), kind: choices(Sex.self)),
        SectionSpec.Field(key: "official.born", label: L("出生日期", "Born"), kind: .date),
        SectionSpec.Field(key: "official.service_start", label: L("参加工作时间", "Service start"), kind: .date),
    ]
    static let post: [SectionSpec.Field] = [
        SectionSpec.Field(key: "post.unit", label: L("单位", "Unit"), kind: .text, required: true),
        SectionSpec.Field(key: "post.title", label: L("职务名称", "Title"), kind: .text, required: true),
        SectionSpec.Field(key: "post.rank", label: L("正职/副职", "Principal or deputy"), kind: choices(Rank.self), required: true),
        SectionSpec.Field(key: "post.level", label: L("层级", "Level"), kind: .text, required: true),
        SectionSpec.Field(key: "post.system", label: L("系统（排名组别）", "System (ranking group)"), kind: .text, required: true),
        SectionSpec.Field(key: "post.basis", label: L("任用方式", "Basis"), kind: choices(Basis.self), required: true),
        SectionSpec.Field(key: "post.decided", label: L("任职决定时间", "Appointment decided"), kind: .date, required: true),
        SectionSpec.Field(key: "post.inherits", label: L("承继前任任期（开始..结束）", "Inherited term (START..END)"), kind: .text),
        SectionSpec.Field(key: "post.terms_before", label: L("此前同一职位任期数", "Terms before in this post"), kind: .number),
        SectionSpec.Field(key: "post.years_at_level", label: L("同层级累计年限", "Years at this level before"), kind: .number),
    ]
    static let trigger = SectionSpec.Field(key: "trigger", label: L("审计起因", "Trigger"), kind: choices(Trigger.self), required: true)

    func tree(_ form: [String: String], base: [String: CaseTree], view: Desk.CaseView, library: Library) -> [(name: String, value: CaseTree)] {
        func section(_ name: String, _ fields: [SectionSpec.Field]) -> CaseTree {
            FormTree.map(base[name], setting: fields.map { f in
                (String(f.key.dropFirst(name.count + 1)), FormTree.posted(form, f.key).map { SectionSpec.value($0, f.kind) })
            })
        }
        return [("official", section("official", Self.official)), ("post", section("post", Self.post)),
                ("trigger", FormTree.posted(form, "trigger").map(CaseTree.text) ?? base["trigger"] ?? .null)]
    }

    func values(_ sections: [String: CaseTree]) -> [String: String] {
        var out: [String: String] = [:]
        for s in self.sections { FormTree.flatten(sections[s], prefix: s, into: &out) }
        return out
    }

    func body(_ h: inout HTML, _ p: KeyedFormPage) {
        let t = p.t
        h.el("section", ["class": "card", "id": "official"]) { h in
            h.el("h2", text: t("被审计领导干部", "The audited official"))
            h.el("div", ["class": "record"]) { h in for f in Self.official { p.field(&h, f) } }
        }
        h.el("section", ["class": "card", "id": "post"]) { h in
            h.el("h2", text: t("职务与审计起因", "Post and trigger"))
            h.el("div", ["class": "record"]) { h in
                for f in Self.post { p.field(&h, f) }
                p.field(&h, Self.trigger)
            }
        }
    }
}
