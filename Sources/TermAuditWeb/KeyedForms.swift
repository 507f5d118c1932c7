import Foundation
import HTTPTypes
import Hummingbird
import TermAudit
import TermAuditLoader

/// A form whose inputs are named by their path in the case file (`audit.items.staffing.examiner`,
/// `handover.parties.incoming`, `post.decided`) and that writes one or more top-level sections at once: the audit
/// items and conclusions, the handover, the basic facts (official, post, trigger). The loader's errors land under
/// the inputs of their paths; saving, merging, conflicts and signed cases work as for the list forms.
protocol KeyedForm: Sendable {
    /// The path segment: `/cases/{id}/edit/{name}`.
    var name: String { get }
    /// The top-level sections the form writes.
    var sections: [String] { get }
    var title: Label { get }
    /// The sections rebuilt from a posted form, on their values at the revision the form was read at.
    func tree(_ form: [String: String], base: [String: CaseTree], view: Desk.CaseView, library: Library) -> [(name: String, value: CaseTree)]
    /// The inputs' values from the sections.
    func values(_ sections: [String: CaseTree]) -> [String: String]
    /// The inputs (inside the form).
    func body(_ h: inout HTML, _ page: KeyedFormPage)
}

extension KeyedForm {
    /// Whether a posted key is one of this form's inputs.
    func owns(_ key: String) -> Bool { sections.contains { key == $0 || key.hasPrefix($0 + ".") } }
}

/// What a keyed form's inputs are drawn with.
struct KeyedFormPage {
    var lang: Language
    var values: [String: String]
    var byPath: [String: [FieldError]]
    /// A conflict's fields: the value each has now (the other person's).
    var theirs: [String: String] = [:]
    var view: Desk.CaseView
    var library: Library
    /// Whether the account may change the value at a path (others are shown as text and sent back unchanged).
    var editable: (String) -> Bool = { _ in true }

    func t(_ zh: String, _ en: String) -> String { lang == .zh ? zh : en }

    /// A table cell with the input of `path` (labelled for screen readers by `label`) and its errors. An error
    /// about a whole entry (an item, a conclusion) shows under its first field, `status` or `result`.
    func cell(_ h: inout HTML, _ path: String, _ label: String, _ kind: SectionSpec.Field.Kind) {
        let whole = path.hasSuffix(".status") || path.hasSuffix(".result") ? byPath[String(path[..<path.lastIndex(of: ".")!])] ?? [] : []
        let errs = (byPath[path] ?? []) + whole
        let id = "f-" + path.replacingOccurrences(of: ".", with: "-")
        h.el("td", ["class": errs.isEmpty ? nil : "invalid"]) { h in
            Pages.field(&h, SectionSpec.Field(key: path, label: L(label, label), kind: kind), name: path, id: id, label: label,
                        value: values[path] ?? "", lang: lang, invalid: !errs.isEmpty, readOnly: !editable(path))
            for e in errs { h.el("p", ["class": "field-error", "id": id + "-error"], text: e.message) }
            // A bare status changed on both sides conflicts at the item itself.
            if let other = theirs[path] ?? (path.hasSuffix(".status") ? theirs[String(path.dropLast(7))] : nil) { Pages.conflictNote(&h, t, other) }
        }
    }

    /// A labelled field above its input (for forms that are not tables).
    func field(_ h: inout HTML, _ f: SectionSpec.Field, suggestions: [String]? = nil) {
        Pages.recordField(&h, f, value: values[f.key] ?? "", errors: byPath[f.key] ?? [], suggestions: suggestions, lang: lang,
                          readOnly: !editable(f.key))
        if let other = theirs[f.key] { Pages.conflictNote(&h, t, other) }
    }
}

/// Rebuilding a mapping from a form: the keys the form shows are set from it (left out when blank), every other key
/// kept where it was.
enum FormTree {
    static func map(_ base: CaseTree?, setting fields: [(key: String, value: CaseTree?)]) -> CaseTree {
        var pairs: [(String, CaseTree)] = []
        if case .map(let old)? = base { pairs = old }
        for (key, value) in fields {
            if let i = pairs.firstIndex(where: { $0.0 == key }) {
                if let value { pairs[i].1 = value } else { pairs.remove(at: i) }
            } else if let value {
                pairs.append((key, value))
            }
        }
        return .map(pairs)
    }

    /// A posted value, trimmed; nil when blank.
    static func posted(_ form: [String: String], _ key: String) -> String? {
        let v = (form[key] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        return v.isEmpty ? nil : v
    }

    /// Every scalar under a section as `section.key.key…` → text.
    static func flatten(_ tree: CaseTree?, prefix: String, into out: inout [String: String]) {
        switch tree {
        case .map(let pairs)?:
            for (k, v) in pairs { flatten(v, prefix: prefix + "." + k, into: &out) }
        case nil, .null?:
            break
        case let v?:
            out[prefix] = SectionSpec.text(v)
        }
    }
}

extension Pages {
    static func keyedForm(lang: Language, user: SignedIn, caseID: String, heading: String, form: some KeyedForm, page: KeyedFormPage,
                          revision: Int, errors: [FieldError] = [], conflict: [String] = [], signed: [String] = []) -> String {
        var layout = Layout(title: L("编辑\(form.title.zh) · \(caseID)", "Edit \(form.title.en) · \(caseID)"), lang: lang, user: user,
                            path: "/cases/\(Paths.segment(caseID))/edit/\(form.name)")
        let t = layout.t
        layout.main { h in
            h.el("p", ["class": "crumbs"]) { h in h.el("a", ["href": "/cases/\(Paths.segment(caseID))"], text: t("← 返回案卷", "← Back to the case")) }
            h.el("h1", text: t("编辑", "Edit ") + form.title.text(lang))
            h.el("p", ["class": "muted"], text: heading + t(" · 基于第 \(revision) 版", " · based on revision \(revision)"))
            notices(&h, t, errors: errors, conflict: conflict, signed: signed, fallback: form.sections[0])
            h.el("form", ["method": "post", "action": "/cases/\(Paths.segment(caseID))/edit/\(form.name)", "class": "section-form"]) { h in
                h.void("input", ["type": "hidden", "name": "_csrf", "value": user.csrfToken])
                h.void("input", ["type": "hidden", "name": "_revision", "value": String(revision)])
                form.body(&h, page)
                // Errors at a section itself (not at one of its inputs).
                for s in form.sections { for e in page.byPath[s] ?? [] { h.el("p", ["class": "field-error"], text: e.message) } }
                formEnd(&h, t, caseID: caseID, signed: !signed.isEmpty)
            }
        }
        return layout.render()
    }
}

extension WebApp {
    func addKeyedForm(_ form: some KeyedForm, to router: Router<WebContext>) {
        let path = RouterPath("/cases/{id}/edit/\(form.name)")
        @Sendable func sections(_ id: String, at revision: Int?) async throws -> ([String: CaseTree], Int)? {
            try await desk.blocking { [desk] in
                var out: [String: CaseTree] = [:], rev = 0
                for s in form.sections {
                    if let revision {
                        guard let value = try desk.section(id, s, at: revision) else { return nil }   // no such revision
                        if let value { out[s] = value }
                        rev = revision
                    } else {
                        guard let (value, r) = try desk.section(id, s) else { return nil }
                        if let value { out[s] = value }
                        rev = r
                    }
                }
                return (out, rev)
            }
        }
        @Sendable func page(_ view: Desk.CaseView, _ user: SignedIn, _ values: [String: String], _ errors: [FieldError] = []) -> KeyedFormPage {
            let rights = user.rights(view.status.auditCase.id), departments = Desk.itemDepartments(view)
            return KeyedFormPage(lang: .zh, values: values, byPath: Dictionary(grouping: errors, by: \.path), view: view, library: desk.library,
                                 editable: { rights.mayChange(CaseRights.normalized($0), department: { departments[$0] }) })
        }
        router.get(path) { request, context in
            guard let user = context.user else { return signInFirst(request) }
            let id = try context.parameters.require("id")
            guard user.sees(id), let view = try await desk.blocking({ [desk] in try desk.caseView(id) }),
                  let (current, revision) = try await sections(id, at: nil) else {
                return try await unseen(user, id, request, context)
            }
            let rights = user.rights(id)
            guard form.sections.contains(where: rights.mayEdit(section:)) else { return try await forbidden(request, context, user) }
            var p = page(view, user, form.values(current))
            p.lang = context.lang
            return Replies.html(Pages.keyedForm(lang: context.lang, user: user, caseID: id, heading: try await caseHeading(id), form: form, page: p,
                                                revision: revision))
        }
        router.post(path) { request, context in
            guard let user = context.user else { return signInFirst(request) }
            let id = try context.parameters.require("id")
            guard user.sees(id), let view = try await desk.blocking({ [desk] in try desk.caseView(id) }) else {
                return try await unseen(user, id, request, context)
            }
            let rights = user.rights(id)
            guard form.sections.contains(where: rights.mayEdit(section:)) else { return try await forbidden(request, context, user) }
            var request = request
            let posted = Form.parse(String(buffer: try await request.collectBody(upTo: context.maxUploadSize)))
            guard let base = posted["_revision"].flatMap(Int.init), let (baseValues, _) = try await sections(id, at: base) else {
                return Replies.error(request, context, status: .preconditionFailed, code: "unknown-revision", message: "案卷 \(id) 没有这个版本 (no such revision)")
            }
            let trees = form.tree(posted, base: baseValues, view: view, library: desk.library)
            if let refused = try await outsideRights(user, view, old: baseValues, new: trees, request, context) { return refused }
            let void = posted["_void_signatures"] == "true"
            let result = try await desk.blocking { [desk] in
                try desk.writeSections(caseID: id, trees, base: base, author: user.username, voidSignatures: void)
            }
            let heading = try await caseHeading(id)
            let mine = posted.filter { form.owns($0.key) }
            func again(_ values: [String: String], revision: Int, errors: [FieldError] = [], conflict: [String] = [], signed: [String] = [],
                       theirs: [String: String] = [:]) -> Response {
                var p = page(view, user, values, errors)
                p.lang = context.lang
                p.theirs = theirs
                return Replies.html(Pages.keyedForm(lang: context.lang, user: user, caseID: id, heading: heading, form: form, page: p,
                                                    revision: revision, errors: errors, conflict: conflict, signed: signed))
            }
            switch result {
            case .written:
                return Replies.redirect("/cases/\(Paths.segment(id))#\(form.sections[0])")
            case .invalid(let errors):
                return again(mine, revision: base, errors: errors)
            case .signed(let lines):
                return again(mine, revision: base, signed: lines)
            case .conflict(let lines, let theirs):
                guard let (current, revision) = try await sections(id, at: nil) else { return notFound(request, context) }
                // The latest values, with each field this person changed set to their value.
                var values = form.values(current)
                let was = form.values(baseValues)
                for key in Set(mine.keys).union(was.keys) where (mine[key] ?? "") != (was[key] ?? "") { values[key] = mine[key] ?? "" }
                return again(values, revision: revision, conflict: lines, theirs: theirs)
            case .unknownRevision:
                return Replies.error(request, context, status: .preconditionFailed, code: "unknown-revision", message: "案卷 \(id) 没有这个版本 (no such revision)")
            }
        }
    }
}
