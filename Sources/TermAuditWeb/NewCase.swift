import Foundation
import HTTPTypes
import Hummingbird
import TermAudit
import TermAuditLoader
import TermAuditStore

/// A new case, opened by the organization department: the facts `termaudit new case` takes, written as the same
/// skeleton (every section in place, the workspace's handover checklist and audit program pending), checked as
/// `validate` checks it, and stored as the case's first revision.
enum NewCaseForm {
    /// The inputs, named by their path in the case file (so the loader's errors land under them), and `folder`.
    static func fields(library: Library, units: UnitRegistry?, folders: [String]) -> [SectionSpec.Field] {
        typealias F = SectionSpec.Field
        func enumeration<E: RawRepresentable & CaseIterable & Labelled>(_: E.Type) -> F.Kind where E.RawValue == String {
            .choice(E.allCases.map { ($0.rawValue, $0.label) })
        }
        return [
            F(key: "id", label: L("案卷编号", "Case id"), kind: .text, required: true),
            F(key: "official.name", label: L("被审计领导干部姓名", "Official's name"), kind: .text, required: true),
            F(key: "post.unit", label: L("单位", "Unit"), kind: .text, required: true, wide: true),
            F(key: "post.title", label: L("职务名称", "Title"), kind: .text, required: true),
            F(key: "post.rank", label: L("正职/副职", "Principal or deputy"), kind: enumeration(Rank.self), required: true),
            F(key: "post.level", label: L("层级", "Level"), kind: .text, required: true),
            F(key: "post.system", label: L("系统（排名组别；单位在名册中时可不填）", "System (ranking group; blank: the unit's kind in the registry)"),
              kind: .text),
            F(key: "post.basis", label: L("任用方式", "Basis"), kind: enumeration(Basis.self), required: true),
            F(key: "post.decided", label: L("任职决定时间", "Appointment decided"), kind: .date, required: true),
            F(key: "trigger", label: L("审计起因", "Trigger"), kind: enumeration(Trigger.self), required: true),
            F(key: "folder", label: L("分类文件夹", "Folder"), kind: .choice(folders.map { ($0, Label(zh: $0, en: $0)) })),
        ]
    }

    /// Suggestions typed fields offer (`<datalist>`): the registry's units and kinds, the levels in use.
    static func suggestions(units: UnitRegistry?) -> [String: [String]] {
        var out: [String: [String]] = ["post.level": ["正科级", "副科级", "正处级", "副处级", "科级", "处级"]]
        if let units {
            out["post.unit"] = units.units.map(\.name)
            out["post.system"] = Array(Set(units.units.map { $0.kind.label.zh })).sorted()
        }
        return out
    }
}

extension Desk {
    enum CaseCreation: Sendable {
        case created(id: String, revision: Int)
        case invalid([FieldError])
        case exists(String)
    }

    /// The folders under `cases/` the store's cases are in (for the new-case form). Blocks.
    func caseFolders() throws -> [String] {
        var out = Set<String>()
        for (_, path) in try store.caseList() {
            let parts = path.split(separator: "/").map(String.init)
            if parts.count > 2, parts[0] == "cases" { out.insert(parts[1..<(parts.count - 1)].joined(separator: "/")) }
        }
        return out.sorted()
    }

    /// The id after the greatest `YEAR-NNN` id of the reference date's year (the first of that year when none). Blocks.
    func suggestedCaseID() throws -> String {
        let year = String(asOf.description.prefix(4))
        let numbers = try store.list(Store.CaseQuery(search: year + "-")).compactMap { r -> Int? in
            let parts = r.caseID.split(separator: "-")
            guard parts.count == 2, parts[0] == year, parts[1].allSatisfy(\.isASCII) else { return nil }
            return Int(parts[1])
        }
        return String(format: "%@-%03d", year, (numbers.max() ?? 0) + 1)
    }

    /// Opens a case from the form's values; nothing is written unless the new file is a valid case. Blocks.
    func createCase(_ values: [String: String], author: String, folders: [String]) throws -> CaseCreation {
        var errors: [FieldError] = []
        func value(_ k: String) -> String { (values[k] ?? "").trimmingCharacters(in: .whitespacesAndNewlines) }
        func required(_ k: String, _ label: String) -> String? {
            let v = value(k)
            if v.isEmpty { errors.append(FieldError(path: k, message: "请填写\(label) (required)")) }
            return v.isEmpty ? nil : v
        }
        func coded<T: RawRepresentable & CaseIterable & Labelled>(_ k: String, _ label: String, _: T.Type) -> T? where T.RawValue == String {
            guard let v = required(k, label) else { return nil }
            guard let t = T(codeOrLabel: v) else {
                errors.append(FieldError(path: k, message: "'\(v)' 不是可选值 (one of: \(T.allowedList))"))
                return nil
            }
            return t
        }
        let id = required("id", "案卷编号"), name = required("official.name", "姓名"), unit = required("post.unit", "单位")
        let title = required("post.title", "职务名称"), level = required("post.level", "层级")
        let rank = coded("post.rank", "正职/副职", Rank.self), basis = coded("post.basis", "任用方式", Basis.self)
        let trigger = coded("trigger", "审计起因", Trigger.self)
        var decided: Day?
        if let d = required("post.decided", "任职决定时间") {
            decided = Day(iso: d)
            if decided == nil { errors.append(FieldError(path: "post.decided", message: "'\(d)' 不是日期 YYYY-MM-DD (not a date YYYY-MM-DD)")) }
        }
        var system = value("post.system")
        if system.isEmpty, let unit {
            if let kind = stream.units?.unit(named: unit)?.kind.label.zh {
                system = kind
            } else {
                errors.append(FieldError(path: "post.system", message: "单位「\(unit)」不在单位名册中，请填写系统（排名组别，如 政府工作部门） (the unit is not in the registry: give the ranking group)"))
            }
        }
        let folder = value("folder")
        if !folder.isEmpty && !folders.contains(folder) {
            errors.append(FieldError(path: "folder", message: "没有文件夹「\(folder)」 (no such folder; one of: \(folders.joined(separator: ", ")))"))
        }
        guard errors.isEmpty, let id, let name, let unit, let title, let level, let rank, let basis, let trigger, let decided else {
            return .invalid(errors)
        }
        let facts = Skeleton.CaseFacts(id: id, official: name, unit: unit, title: title, rank: rank, level: level, system: system, basis: basis,
                                       decided: decided, trigger: trigger)
        let template = stream.config.handoverChecklists.first.flatMap { library.handoverTemplates[$0] }
        let program = stream.config.auditProgram.flatMap { library.auditPrograms[$0] }
        let text = Skeleton.caseText(facts, template: template, program: program, library: library)
        let path = "cases/" + (folder.isEmpty ? "" : folder + "/") + id + ".yaml"
        let (c, diagnostics) = parse(caseID: id, path: path, text: text, revision: 0)
        let problems = diagnostics.filter { $0.severity == .error }
        if c == nil || !problems.isEmpty {
            return .invalid(problems.map { d in
                FieldError(path: CasePaths.path(atLine: d.location.line, column: d.location.column, in: text),
                           message: d.hint.isEmpty ? d.message : "\(d.message) → \(d.hint)")
            })
        }
        do {
            let head = try workspace.writer(author: author, today: asOf).create(caseID: id, path: path, text: text, note: "网页新建案卷")
            return .created(id: id, revision: head.revision)
        } catch let e as StoreError where e.code == "exists" {
            return .exists("案卷编号或文件已被占用 (\(e.message))")
        }
    }
}

extension SignedIn {
    /// Whether the account opens new cases (the organization department's administrators).
    public var opensCases: Bool { grants.contains { $0.role == Role.admin.rawValue && $0.caseID.isEmpty } }
}

extension Pages {
    /// 新建案卷: the facts of a new case, one labelled input each, errors under their fields.
    static func newCase(lang: Language, user: SignedIn, fields: [SectionSpec.Field], suggestions: [String: [String]], values: [String: String],
                        errors: [FieldError] = []) -> String {
        var page = Layout(title: L("新建案卷", "New case"), lang: lang, user: user, path: "/cases/new")
        let t = page.t
        let byPath = Dictionary(grouping: errors, by: \.path)
        page.main { h in
            h.el("p", ["class": "crumbs"]) { h in h.el("a", ["href": "/cases"], text: t("← 案卷列表", "← Cases")) }
            h.el("h1", text: t("新建案卷", "New case"))
            h.el("p", ["class": "muted"], text: t("填写被审计领导干部和职务的基本情况。新案卷按工作区的交接清单和审计事项清单生成（各项待办），状态为“组建审计组”；随后在案卷页补全审计组、交接各方和任期目标。",
                                                  "The official and the post. The new case lists the workspace's handover checklist and audit program (every item pending) and starts as preparing; fill in the team, the handover parties and the indicators on its page next."))
            notices(&h, t, errors: errors, conflict: [], signed: [], fallback: "case")
            h.el("form", ["method": "post", "action": "/cases/new", "class": "stack record"]) { h in
                h.void("input", ["type": "hidden", "name": "_csrf", "value": user.csrfToken])
                for f in fields {
                    recordField(&h, f, value: values[f.key] ?? "", errors: byPath[f.key] ?? [], suggestions: suggestions[f.key], lang: lang)
                }
                h.el("p", ["class": "actions"]) { h in
                    h.el("button", ["type": "submit", "class": "primary"], text: t("新建", "Create"))
                    h.el("a", ["href": "/cases"], text: t("取消", "Cancel"))
                }
            }
        }
        return page.render()
    }

    /// One field of a record form: its label above the input, the errors below, suggestions as a datalist.
    static func recordField(_ h: inout HTML, _ f: SectionSpec.Field, value: String, errors: [FieldError], suggestions: [String]?, lang: Language,
                            readOnly: Bool = false) {
        let id = "f-" + f.key.replacingOccurrences(of: ".", with: "-")
        let described = errors.isEmpty ? nil : id + "-error"
        h.el("div", ["class": errors.isEmpty ? "field" : "field invalid"]) { h in
            h.el("label", ["for": id], text: f.label.text(lang) + (f.required ? " *" : ""))
            if readOnly {
                Pages.readOnly(&h, f, name: f.key, id: id, value: value, lang: lang)
                for e in errors { h.el("p", ["class": "field-error", "id": id + "-error"], text: e.message) }
                return
            }
            switch f.kind {
            case .choice(let options):
                h.el("select", ["id": id, "name": f.key, "aria-invalid": errors.isEmpty ? nil : "true", "aria-describedby": described]) { h in
                    h.el("option", ["value": "", "selected": value.isEmpty ? "" : nil], text: "—")
                    for (v, l) in options { h.el("option", ["value": v, "selected": v == value || l.zh == value ? "" : nil], text: l.text(lang)) }
                }
            case .date:
                h.void("input", ["id": id, "name": f.key, "type": "date", "value": value, "aria-invalid": errors.isEmpty ? nil : "true",
                                 "aria-describedby": described])
            default:
                h.void("input", ["id": id, "name": f.key, "value": value, "list": suggestions == nil ? nil : id + "-list",
                                 "aria-invalid": errors.isEmpty ? nil : "true", "aria-describedby": described])
                if let suggestions {
                    h.el("datalist", ["id": id + "-list"]) { h in for s in suggestions { h.void("option", ["value": s]) } }
                }
            }
            for e in errors { h.el("p", ["class": "field-error", "id": id + "-error"], text: e.message) }
        }
    }
}

extension WebApp {
    func addNewCase(to router: Router<WebContext>) {
        @Sendable func form(_ context: WebContext, _ user: SignedIn, values: [String: String], errors: [FieldError] = []) async throws -> Response {
            let folders = try await desk.blocking { [desk] in try desk.caseFolders() }
            return Replies.html(Pages.newCase(lang: context.lang, user: user,
                                              fields: NewCaseForm.fields(library: desk.library, units: desk.stream.units, folders: folders),
                                              suggestions: NewCaseForm.suggestions(units: desk.stream.units), values: values, errors: errors))
        }
        router.get("/cases/new") { request, context in
            guard let user = context.user else { return signInFirst(request) }
            guard user.opensCases else { return try await forbidden(request, context, user) }
            let id = try await desk.blocking { [desk] in try desk.suggestedCaseID() }
            return try await form(context, user, values: ["id": id, "post.basis": Basis.appointed.rawValue])
        }
        router.post("/cases/new") { request, context in
            guard let user = context.user else { return signInFirst(request) }
            guard user.opensCases else { return try await forbidden(request, context, user) }
            var request = request
            let values = Form.parse(String(buffer: try await request.collectBody(upTo: context.maxUploadSize)))
            switch try await create(user, context, values) {
            case .created(let id, _):
                return Replies.redirect("/cases/\(Paths.segment(id))")
            case .invalid(let errors):
                return try await form(context, user, values: values, errors: errors)
            case .exists(let message):
                return try await form(context, user, values: values, errors: [FieldError(path: "id", message: message)])
            }
        }
        router.post("/api/v1/cases") { request, context in
            guard let user = context.user else { return unauthorized(request, context) }
            guard user.opensCases else { return try await forbidden(request, context, user) }
            var request = request
            let body = try await request.collectBody(upTo: context.maxUploadSize)
            guard case .map(let pairs)? = try? OrderedJSON.parse(Array(buffer: body)) else {
                return Replies.error(request, context, status: .badRequest, code: "bad-request",
                                     message: "expected {\"id\", \"official\", \"unit\", \"title\", \"rank\", \"level\", \"system\"?, \"basis\"?, \"decided\", \"trigger\", \"folder\"?}")
            }
            let keys = ["id": "id", "official": "official.name", "unit": "post.unit", "title": "post.title", "rank": "post.rank", "level": "post.level",
                        "system": "post.system", "basis": "post.basis", "decided": "post.decided", "trigger": "trigger", "folder": "folder"]
            var values: [String: String] = ["post.basis": Basis.appointed.rawValue]
            for (k, v) in pairs {
                guard let field = keys[k] else {
                    return Replies.error(request, context, status: .unprocessableContent, code: "unknown-key", message: "unknown key '\(k)'",
                                         fields: [FieldError(path: k, message: "one of \(keys.keys.sorted().joined(separator: ", "))")])
                }
                values[field] = SectionSpec.text(v)
            }
            switch try await create(user, context, values) {
            case .created(let id, let revision):
                struct Answer: Encodable { var id: String; var revision: Int }
                return try Replies.json(Answer(id: id, revision: revision), status: .created, headers: [.location: "/api/v1/cases/\(Paths.segment(id))"])
            case .invalid(let errors):
                let api = Dictionary(uniqueKeysWithValues: keys.map { ($0.value, $0.key) })
                return Replies.error(request, context, status: .unprocessableContent, code: "invalid",
                                     message: "\(errors.count) 个错误，未新建 (\(errors.count) errors; nothing created)",
                                     fields: errors.map { FieldError(path: api[$0.path] ?? $0.path, message: $0.message) })
            case .exists(let message):
                return Replies.error(request, context, status: .conflict, code: "exists", message: message, fields: [FieldError(path: "id", message: message)])
            }
        }
    }

    func create(_ user: SignedIn, _ context: WebContext, _ values: [String: String]) async throws -> Desk.CaseCreation {
        let result = try await desk.blocking { [desk] in
            try desk.createCase(values, author: user.username, folders: try desk.caseFolders())
        }
        if case .created(let id, _) = result {
            try await desk.blocking { [desk] in
                try desk.store.audit(actor: user.username, action: "case-create", subject: id, address: context.address, outcome: "ok")
            }
        }
        return result
    }
}
