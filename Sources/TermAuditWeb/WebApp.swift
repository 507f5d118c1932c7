import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import TermAudit
import TermAuditLoader
import TermAuditReport
import TermAuditStore
import TermAuditExport
import TermAuditImport

/// The web application: pages and the JSON API over one desk (one store).
public struct WebApp: Sendable {
    public let desk: Desk
    public let sessions: SessionSettings
    public let exports = ExportJobs()
    public let imports = ImportPlans()

    public init(desk: Desk, sessions: SessionSettings = SessionSettings()) {
        self.desk = desk
        self.sessions = sessions
    }

    /// The routes. Every route but sign-in, the style sheet and the OpenAPI document needs a signed-in account.
    public func router() -> Router<WebContext> {
        let router = Router(context: WebContext.self)
        router.add(middleware: SecurityHeadersMiddleware(https: sessions.secureCookies))
        router.add(middleware: ErrorMiddleware())
        router.add(middleware: SessionMiddleware(desk: desk, settings: sessions))
        router.add(middleware: ReaderScopeMiddleware(desk: desk))

        router.get("/static/app.css") { _, _ in
            Response(status: .ok, headers: [.contentType: "text/css; charset=utf-8", .cacheControl: "max-age=3600"],
                     body: .init(byteBuffer: ByteBuffer(string: Style.css)))
        }
        router.get("/openapi.yaml") { _, _ in
            Response(status: .ok, headers: [.contentType: "application/yaml; charset=utf-8", .cacheControl: "max-age=3600"],
                     body: .init(byteBuffer: ByteBuffer(string: OpenAPIDocument.yaml)))
        }
        router.get("/login") { request, context in
            if context.user != nil { return Replies.redirect("/") }
            return Replies.html(Pages.login(lang: context.lang, changed: request.uri.queryParameters["changed"] == "1",
                                            next: Paths.localNext(request.uri.queryParameters["next"].map(String.init))))
        }
        router.post("/login") { request, context in try await signInForm(request, context) }
        router.post("/logout") { request, context in
            if let user = context.user {
                try await desk.blocking { [desk] in try desk.signOut(user, address: context.address) }
            }
            var r = Replies.redirect("/login")
            r.setCookie(expiredSessionCookie)
            return r
        }
        router.get("/") { request, context in
            guard let user = context.user else { return signInFirst(request) }
            if !user.readsInternal { return Replies.redirect("/public") }
            let (counts, todo) = try await desk.blocking { [desk] in
                (try desk.store.countByState(visibleTo: user.seesEveryCase ? nil : user.username), try DeskTodo.list(for: user, desk: desk))
            }
            return Replies.html(Pages.desk(lang: context.lang, user: user, counts: counts, todo: todo, asOf: desk.asOf))
        }
        router.get("/cases") { request, context in
            guard let user = context.user else { return signInFirst(request) }
            let query = listQuery(request)
            let (rows, total) = try await listing(user, query)
            return Replies.html(Pages.cases(lang: context.lang, user: user, library: desk.library, query: query, rows: Array(rows.prefix(query.limit)), total: total,
                                            more: rows.count > query.limit))
        }
        router.get("/cases/{id}") { request, context in
            guard let user = context.user else { return signInFirst(request) }
            let id = try context.parameters.require("id")
            guard let view = try await caseView(user, id, request, context) else { return notFound(request, context) }
            return Replies.html(Pages.casePage(lang: context.lang, user: user, view: view, library: desk.library, policy: desk.policy, asOf: desk.asOf))
        }

        // The keyed forms first: their paths are more specific than the list forms' `{section}`.
        for form in KeyedForms.all { addKeyedForm(form, to: router) }
        router.get("/cases/{id}/edit/{section}") { request, context in
            guard let user = context.user else { return signInFirst(request) }
            let id = try context.parameters.require("id"), name = try context.parameters.require("section")
            guard let spec = SectionSpec.list(name, library: desk.library) else { return unknownSection(request, context, name) }
            guard user.sees(id), let (value, revision) = try await desk.blocking({ [desk] in try desk.section(id, name) }) else {
                return try await unseen(user, id, request, context)
            }
            guard user.rights(id).mayEdit(section: name) else { return try await forbidden(request, context, user) }
            let heading = try await caseHeading(id)
            return Replies.html(Pages.sectionForm(lang: context.lang, user: user, caseID: id, heading: heading, spec: spec, rows: spec.rows(value),
                                                  revision: revision))
        }
        router.post("/cases/{id}/edit/{section}") { request, context in
            guard let user = context.user else { return signInFirst(request) }
            let id = try context.parameters.require("id"), name = try context.parameters.require("section")
            guard let spec = SectionSpec.list(name, library: desk.library) else { return unknownSection(request, context, name) }
            guard user.sees(id), try await desk.blocking({ [desk] in try desk.store.caseBodies([id])[id] != nil }) else {
                return try await unseen(user, id, request, context)
            }
            guard user.rights(id).mayEdit(section: name) else { return try await forbidden(request, context, user) }
            var request = request
            let form = Form.parse(String(buffer: try await request.collectBody(upTo: context.maxUploadSize)))
            guard let base = form["_revision"].flatMap(Int.init), case let baseValue?? = try await desk.blocking({ [desk] in try desk.section(id, name, at: base) }) else {
                return Replies.error(request, context, status: .preconditionFailed, code: "unknown-revision", message: "案卷 \(id) 没有这个版本 (no such revision)")
            }
            let rows = spec.posted(form)
            let tree = spec.tree(rows, base: baseValue)
            let void = form["_void_signatures"] == "true"
            let result = try await desk.blocking { [desk] in
                try desk.writeSection(caseID: id, name: name, value: tree, base: base, author: user.username, voidSignatures: void)
            }
            let heading = try await caseHeading(id)
            // A form with what went wrong answers 200, like the sign-in form: the page is the answer (the API gives 409/422).
            switch result {
            case .written:
                return Replies.redirect("/cases/\(Paths.segment(id))#\(name)")
            case .invalid(let errors):
                return Replies.html(Pages.sectionForm(lang: context.lang, user: user, caseID: id, heading: heading, spec: spec, rows: rows,
                                                      revision: base, errors: errors))
            case .signed(let lines):
                return Replies.html(Pages.sectionForm(lang: context.lang, user: user, caseID: id, heading: heading, spec: spec, rows: rows,
                                                      revision: base, signed: lines))
            case .conflict(let lines, let theirs):
                // Settled field by field: the latest version, with this person's changes on top, based on the latest revision.
                guard let (current, revision) = try await desk.blocking({ [desk] in try desk.section(id, name) }) else { return notFound(request, context) }
                let settled = Self.settle(base: spec.rows(baseValue), mine: rows, theirs: spec.rows(current))
                return Replies.html(Pages.sectionForm(lang: context.lang, user: user, caseID: id, heading: heading, spec: spec, rows: settled,
                                                      revision: revision, conflict: lines, theirs: theirs))
            case .unknownRevision:
                return Replies.error(request, context, status: .preconditionFailed, code: "unknown-revision", message: "案卷 \(id) 没有这个版本 (no such revision)")
            }
        }

        router.get("/cases/{id}/history") { request, context in
            guard let user = context.user else { return signInFirst(request) }
            let id = try context.parameters.require("id")
            guard user.sees(id), let view = try await desk.blocking({ [desk] in try desk.history(id) }) else {
                return try await unseen(user, id, request, context)
            }
            return Replies.html(Pages.history(lang: context.lang, user: user, caseID: id, heading: try await caseHeading(id), view: view))
        }

        router.get("/workbooks") { request, context in
            guard let user = context.user else { return signInFirst(request) }
            let preset = request.uri.queryParameters["case"].map(String.init) ?? ""
            return Replies.html(Pages.workbooks(lang: context.lang, user: user, library: desk.library, jobs: exports.jobs(of: user.username),
                                                caseIDs: preset))
        }
        router.post("/workbooks/export") { request, context in
            guard let user = context.user else { return signInFirst(request) }
            var request = request
            let form = Form.parse(String(buffer: try await request.collectBody(upTo: context.maxUploadSize)))
            switch try await startExport(user, context, edition: form["edition"], department: form["department"], state: form["state"],
                                         cases: form["cases"]) {
            case .success(let job):
                return Replies.redirect("/workbooks/jobs/\(job.id)")
            case .failure(let refusal):
                if refusal.status == .forbidden { return try await forbidden(request, context, user) }
                return Replies.html(Pages.workbooks(lang: context.lang, user: user, library: desk.library, jobs: exports.jobs(of: user.username),
                                                    caseIDs: form["cases"] ?? "", error: refusal.message))
            }
        }
        router.get("/workbooks/jobs/{job}") { request, context in
            guard let user = context.user else { return signInFirst(request) }
            guard let job = exports.job(try context.parameters.require("job"), owner: user.username) else { return notFound(request, context) }
            return Replies.html(Pages.job(lang: context.lang, user: user, job: job))
        }
        router.get("/workbooks/jobs/{job}/file") { request, context in
            guard let user = context.user else { return signInFirst(request) }
            return try await download(request, context, user, try context.parameters.require("job"))
        }

        router.post("/workbooks/import") { request, context in
            guard let user = context.user else { return signInFirst(request) }
            guard user.exportsInternal else { return try await forbidden(request, context, user) }
            var request = request
            let body = try await request.collectBody(upTo: maxWorkbookUpload)
            guard let boundary = Multipart.boundary(request.headers[.contentType]),
                  let parts = Multipart.parse(Array(buffer: body), boundary: boundary),
                  let file = parts.first(where: { $0.name == "workbook" }), !file.data.isEmpty else {
                return Replies.html(Pages.workbooks(lang: context.lang, user: user, library: desk.library, jobs: exports.jobs(of: user.username),
                                                    caseIDs: "", error: context.lang == .zh ? "请选择要上传的工作簿（.xlsx）" : "Choose a workbook (.xlsx) to upload"))
            }
            let void = parts.contains { $0.name == "void_signatures" }
            let name = file.filename.map { ($0 as NSString).lastPathComponent } ?? "workbook.xlsx"
            switch try await planImport(user, context, file.data, name: name, voidSignatures: void) {
            case .success(let preview):
                return Replies.redirect("/workbooks/imports/\(preview.id)")
            case .failure(let problems):
                return Replies.html(Pages.importProblems(lang: context.lang, user: user, fileName: name, problems: problems))
            }
        }
        router.get("/workbooks/imports/{id}") { request, context in
            guard let user = context.user else { return signInFirst(request) }
            guard let p = imports.preview(try context.parameters.require("id"), owner: user.username) else { return notFound(request, context) }
            return Replies.html(Pages.importPreview(lang: context.lang, user: user, preview: p))
        }
        router.post("/workbooks/imports/{id}/apply") { request, context in
            guard let user = context.user else { return signInFirst(request) }
            switch try await applyImport(user, context, try context.parameters.require("id")) {
            case .success(let (p, _)):
                let cases = Array(Set(p.plan.files.map(\.caseID))).sorted()
                return Replies.redirect(cases.count == 1 ? "/cases/\(Paths.segment(cases[0]))/history" : "/cases")
            case .failure(let problems):
                if problems.isEmpty { return notFound(request, context) }
                return Replies.html(Pages.importProblems(lang: context.lang, user: user, fileName: "", problems: problems))
            }
        }

        // The JSON API (docs/web.md, openapi.yaml).
        router.post("/api/v1/imports") { request, context in
            guard let user = context.user else { return unauthorized(request, context) }
            guard user.exportsInternal else { return try await forbidden(request, context, user) }
            var request = request
            let body = try await request.collectBody(upTo: maxWorkbookUpload)
            let void = request.uri.queryParameters["void_signatures"] == "true"
            switch try await planImport(user, context, Array(buffer: body), name: "upload.xlsx", voidSignatures: void) {
            case .success(let p):
                return try Replies.json(PreviewJSON(p), headers: [.location: "/api/v1/imports/\(p.id)"])
            case .failure(let problems):
                return Replies.error(request, context, status: .unprocessableContent, code: "invalid-workbook",
                                     message: "\(problems.count) 个问题，未导入 (\(problems.count) problems; nothing imported)",
                                     fields: problems.map { FieldError(path: $0.cell.isEmpty ? $0.sheet : "\($0.sheet)!\($0.cell)",
                                                                       message: $0.expected.isEmpty ? $0.message : "\($0.message) → \($0.expected)") })
            }
        }
        router.post("/api/v1/imports/{id}/apply") { request, context in
            guard let user = context.user else { return unauthorized(request, context) }
            switch try await applyImport(user, context, try context.parameters.require("id")) {
            case .success(let (_, written)):
                struct Answer: Encodable { var revisions: [String] }
                return try Replies.json(Answer(revisions: written))
            case .failure(let problems):
                if problems.isEmpty { return notFound(request, context) }
                return Replies.error(request, context, status: .conflict, code: "changed", message: problems.map(\.description).joined(separator: "\n"))
            }
        }
        router.post("/api/v1/exports") { request, context in
            guard let user = context.user else { return unauthorized(request, context) }
            struct Body: Decodable { var edition: String; var department: String?; var state: String?; var cases: [String]? }
            guard let body = try await decoded(Body.self, request, context) else {
                return Replies.error(request, context, status: .badRequest, code: "bad-request",
                                     message: "expected {\"edition\": \"internal\" | \"public\" | \"fill-in\", \"department\"?, \"state\"?, \"cases\"?: [ids]}")
            }
            switch try await startExport(user, context, edition: body.edition, department: body.department, state: body.state,
                                         cases: body.cases?.joined(separator: ",")) {
            case .success(let job):
                return try Replies.json(JobJSON(job), status: .accepted, headers: [.location: "/api/v1/exports/\(job.id)"])
            case .failure(let refusal):
                if refusal.status == .forbidden { return try await forbidden(request, context, user) }
                return Replies.error(request, context, status: refusal.status, code: refusal.code, message: refusal.message)
            }
        }
        router.get("/api/v1/exports/{job}") { request, context in
            guard let user = context.user else { return unauthorized(request, context) }
            guard let job = exports.job(try context.parameters.require("job"), owner: user.username) else { return notFound(request, context) }
            return try Replies.json(JobJSON(job))
        }
        router.get("/api/v1/exports/{job}/file") { request, context in
            guard let user = context.user else { return unauthorized(request, context) }
            return try await download(request, context, user, try context.parameters.require("job"))
        }
        router.post("/api/v1/session") { request, context in
            struct Body: Decodable { var username: String; var password: String }
            guard let body = try await decoded(Body.self, request, context) else {
                return Replies.error(request, context, status: .badRequest, code: "bad-request",
                                     message: "expected a JSON object {\"username\": …, \"password\": …}")
            }
            let id: String, user: SignedIn
            switch try await signIn(body.username, body.password, context) {
            case .signedIn(let i, let u): (id, user) = (i, u)
            case .refused:
                return Replies.error(request, context, status: .unauthorized, code: "sign-in-failed", message: "账号或密码不正确 (wrong account name or password)")
            case .throttled(let seconds):
                return throttled(request, context, seconds: seconds)
            }
            struct Answer: Encodable { var username: String; var display_name: String; var csrf_token: String; var roles: [String] }
            var r = try Replies.json(Answer(username: user.username, display_name: user.account.displayName, csrf_token: user.csrfToken,
                                            roles: user.grants.map { Roles.describe($0, lang: .en) }))
            r.setCookie(sessionCookie(id))
            return r
        }
        router.delete("/api/v1/session") { request, context in
            guard let user = context.user else { return unauthorized(request, context) }
            try await desk.blocking { [desk] in try desk.signOut(user, address: context.address) }
            var r = Response(status: .noContent)
            r.setCookie(expiredSessionCookie)
            return r
        }
        router.get("/api/v1/cases") { request, context in
            guard let user = context.user else { return unauthorized(request, context) }
            let query = listQuery(request)
            let (rows, total) = try await listing(user, query)
            struct Item: Encodable {
                var id: String; var revision: Int; var state: String; var name: String; var unit: String; var term_end: String
                var pending: [String]; var overdue: Int
            }
            struct Page: Encodable { var total: Int; var cases: [Item]; var next: String? }
            let page = rows.prefix(query.limit)
            return try Replies.json(Page(total: total, cases: page.map { Item(id: $0.caseID, revision: $0.revision, state: $0.state, name: $0.official,
                                                                              unit: $0.unit, term_end: $0.termEnd, pending: $0.pending, overdue: $0.overdue) },
                                         next: rows.count > query.limit ? page.last.map(query.store.cursor(of:)) : nil))
        }
        router.get("/api/v1/cases/{id}") { request, context in
            guard let user = context.user else { return unauthorized(request, context) }
            let id = try context.parameters.require("id")
            guard let view = try await caseView(user, id, request, context) else { return notFound(request, context) }
            return try Replies.json(CaseWithRevision(status: view.json, revision: view.revision), headers: [.eTag: "\"\(view.revision)\""])
        }
        router.get("/api/v1/cases/{id}/history") { request, context in
            guard let user = context.user else { return unauthorized(request, context) }
            let id = try context.parameters.require("id")
            guard user.sees(id), let view = try await desk.blocking({ [desk] in try desk.history(id) }) else {
                return try await unseen(user, id, request, context)
            }
            struct Change: Encodable { var path: String; var old: String?; var new: String? }
            struct Revision: Encodable {
                var revision: Int; var at: String; var author: String; var note: String; var withdrawn: Bool; var hash: String
                var changes: [Change]
            }
            struct Answer: Encodable { var chain_ok: Bool; var problems: [String]; var revisions: [Revision] }
            return try Replies.json(Answer(chain_ok: view.problems.isEmpty, problems: view.problems.map(\.description), revisions: view.entries.map { e in
                Revision(revision: e.revision.revision, at: e.revision.at, author: e.revision.author, note: e.revision.note,
                         withdrawn: e.revision.withdrawn, hash: e.revision.hash, changes: e.changes.map { Change(path: $0.path, old: $0.old, new: $0.new) })
            }))
        }
        router.get("/api/v1/cases/{id}/sections/{section}") { request, context in
            guard let user = context.user else { return unauthorized(request, context) }
            let id = try context.parameters.require("id"), name = try context.parameters.require("section")
            guard Desk.editableSections.contains(name) || name == "id" || name == "signoffs" else { return unknownSection(request, context, name) }
            guard user.sees(id), let (value, revision) = try await desk.blocking({ [desk] in try desk.section(id, name) }) else {
                return try await unseen(user, id, request, context)
            }
            return Replies.json(Data((value ?? .null).json().utf8), headers: [.eTag: "\"\(revision)\""])
        }
        router.put("/api/v1/cases/{id}/sections/{section}") { request, context in
            guard let user = context.user else { return unauthorized(request, context) }
            let id = try context.parameters.require("id"), name = try context.parameters.require("section")
            guard Desk.editableSections.contains(name) else { return unknownSection(request, context, name) }
            guard user.sees(id), try await desk.blocking({ [desk] in try desk.store.caseBodies([id])[id] != nil }) else {
                return try await unseen(user, id, request, context)
            }
            guard user.rights(id).mayEdit(section: name) else { return try await forbidden(request, context, user) }
            guard let ifMatch = request.headers[.ifMatch] else {
                return Replies.error(request, context, status: .preconditionRequired, code: "if-match-required",
                                     message: "send If-Match: <revision> (the revision the change is based on; GET gives it as the ETag)")
            }
            guard let base = Int(ifMatch.trimmingCharacters(in: CharacterSet(charactersIn: "\" W/"))) else {
                return Replies.error(request, context, status: .badRequest, code: "bad-if-match", message: "If-Match '\(ifMatch)' is not a revision number")
            }
            var request = request
            let body = try await request.collectBody(upTo: context.maxUploadSize)
            let value: CaseTree
            do {
                value = try OrderedJSON.parse(Array(buffer: body))
            } catch let e as OrderedJSON.Failure {
                return Replies.error(request, context, status: .badRequest, code: "bad-json", message: e.description)
            }
            if case let old? = try await desk.blocking({ [desk] in try desk.section(id, name, at: base) }),
               let view = try await desk.blocking({ [desk] in try desk.caseView(id) }),
               let refused = try await outsideRights(user, view, old: old.map { [name: $0] } ?? [String: CaseTree](), new: [(name, value)], request, context) {
                return refused
            }
            let void = request.uri.queryParameters["void_signatures"] == "true"
            let result = try await desk.blocking { [desk] in
                try desk.writeSection(caseID: id, name: name, value: value, base: base, author: user.username, voidSignatures: void)
            }
            return try sectionAnswer(result, request, context, id: id, name: name)
        }
        addSigning(to: router)
        addNewCase(to: router)
        addPublic(to: router)
        addAccounts(to: router)
        return router
    }

    struct Refusal: Error {
        var status: HTTPResponse.Status
        var code: String
        var message: String
    }

    /// Checks what was asked and starts the export job; a reader may export the public edition only, and only the
    /// cases the account may see are exported.
    func startExport(_ user: SignedIn, _ context: WebContext, edition: String?, department: String?, state: String?,
                     cases: String?) async throws -> Result<ExportJobs.Job, Refusal> {
        guard let kind = edition.flatMap(WorkbookKind.init(rawValue:)) else {
            return .failure(Refusal(status: .badRequest, code: "bad-edition", message: "edition: one of internal, public, fill-in"))
        }
        if kind != .public && !user.exportsInternal { return .failure(Refusal(status: .forbidden, code: "forbidden", message: "")) }
        var request = ExportRequest(kind: kind, lang: context.lang, asOf: desk.asOf, generator: ExportRequest.generatorText)
        do {
            if let d = department, !d.isEmpty { request.department = try ExportRequest.department(d, in: desk.library) }
            if let s = state, !s.isEmpty {
                guard kind != .fillIn else {
                    return .failure(Refusal(status: .unprocessableContent, code: "bad-request",
                                            message: "a state selects cases of the internal and public editions, not fill-in"))
                }
                request.states = try ExportRequest.states(s)
            }
        } catch {
            return .failure(Refusal(status: .unprocessableContent, code: "bad-request", message: "\(error)"))
        }
        let asked = (cases ?? "").split(whereSeparator: { ", ，、\n".contains($0) }).map(String.init)
        let desk = self.desk, exports = self.exports, frozen = request
        return try await desk.blocking { () -> Result<ExportJobs.Job, Refusal> in
            let request = frozen
            // The public edition is everyone's (it carries only what is published); the others, the cases one sees.
            let everything = user.seesEveryCase || request.kind == .public
            var ids: [String]? = asked.isEmpty ? nil : asked
            if ids == nil && !everything { ids = try desk.store.list(visibleTo: user.username).map(\.caseID) }
            if let ids, !ids.isEmpty {
                let known = Set(try desk.store.caseList().map(\.caseID))
                let unknown = ids.filter { !known.contains($0) || !(everything || user.sees($0)) }
                if !unknown.isEmpty {
                    return .failure(Refusal(status: .unprocessableContent, code: "unknown-case",
                                            message: "没有这些案卷，或您无权查看 (no such case, or not yours to see): \(unknown.joined(separator: ", "))"))
                }
            }
            if ids?.isEmpty == true {   // never "every case" for an account that sees none
                return .failure(Refusal(status: .unprocessableContent, code: "no-cases", message: "没有可导出的案卷 (no case of yours to export)"))
            }
            do {
                let job = try exports.start(desk: desk, owner: user.username, request: request, caseIDs: ids)
                try desk.store.audit(actor: user.username, action: "export", subject: "\(kind.rawValue) \(job.total) cases", address: context.address,
                                     outcome: "started")
                return .success(job)
            } catch is ExportJobs.Busy {
                // 429, not 503: the server is well; this account asked for more exports than run at once.
                return .failure(Refusal(status: .tooManyRequests, code: "busy", message: "导出任务已满，请稍后再试 (too many exports running; try again shortly)"))
            }
        }
    }

    func download(_ request: Request, _ context: WebContext, _ user: SignedIn, _ id: String) async throws -> Response {
        guard let job = exports.job(id, owner: user.username) else { return notFound(request, context) }
        guard job.state == .done else {
            return Replies.error(request, context, status: .conflict, code: "not-ready", message: "导出尚未完成 (the export is not finished)")
        }
        let data = try await desk.blocking { try Data(contentsOf: job.file) }
        let ascii = "termaudit-\(job.kind.rawValue)-\(job.id.prefix(6)).xlsx"
        let utf8 = job.fileName.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ascii
        return Response(status: .ok, headers: [
            .contentType: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            .contentDisposition: "attachment; filename=\"\(ascii)\"; filename*=UTF-8''\(utf8)",
            .cacheControl: "no-store",
        ], body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    /// Plans an uploaded workbook's import for `user`; refused (naming the cases) when it changes a case they may not.
    func planImport(_ user: SignedIn, _ context: WebContext, _ data: [UInt8], name: String, voidSignatures: Bool) async throws
        -> Outcome<ImportPlans.Preview> {
        let desk = self.desk, imports = self.imports
        return try await desk.blocking { () -> Outcome<ImportPlans.Preview> in
            switch try desk.planImport(data, voidSignatures: voidSignatures, author: user.username) {
            case .failure(let problems):
                try desk.store.audit(actor: user.username, action: "import", subject: "\(problems.count) problems", address: context.address, outcome: "refused")
                return .failure(problems)
            case .success(let plan):
                // Each changed value must be the account's to change, as in the forms.
                var denied: [ImportProblem] = []
                for f in plan.files {
                    guard user.sees(f.caseID), let view = try desk.caseView(f.caseID) else {
                        denied.append(ImportProblem(sheet: name, cell: "", message: "案卷 \(f.caseID) 不在您的职责范围内 (case \(f.caseID) is not yours to change)"))
                        continue
                    }
                    var old: [String: CaseTree] = [:], new: [(name: String, value: CaseTree)] = []
                    for s in Desk.editableSections {
                        if let v = CaseTree.section(s, of: f.oldText) { old[s] = v }
                        new.append((s, CaseTree.section(s, of: f.newText) ?? .null))
                    }
                    let refused = user.refusedChanges(view, old: old, new: new)
                    let theirs = user.rights(f.caseID).departments.sorted().map { desk.library.department($0).zh }.joined(separator: "、")
                    for path in refused {
                        let why = theirs.isEmpty ? "不在您的职责范围内" : "不在您的职责范围内（您只改\(theirs)的审计事项与结论及审计组共同填写的部分）"
                        denied.append(ImportProblem(sheet: Self.fillInSheet(of: path) ?? name, cell: "",
                                                    message: "案卷 \(f.caseID)：\(view.describe(path))\(why) (not yours to change: \(path))"))
                    }
                }
                if !denied.isEmpty {
                    try desk.store.audit(actor: user.username, action: "denied", subject: "import", address: context.address, outcome: "not-yours")
                    return .failure(denied)
                }
                let preview = ImportPlans.Preview(id: String(Tokens.random().prefix(20)).lowercased().filter { $0.isLetter || $0.isNumber },
                                                  owner: user.username, fileName: name, plan: plan)
                imports.add(preview)
                return .success(preview)
            }
        }
    }

    /// The fill-in workbook's sheet that holds the value at `path`, when one does.
    static func fillInSheet(of path: String) -> String? {
        let parts = path.split(separator: ".").map(String.init)
        switch (parts.first, parts.count > 1 ? parts[1] : nil) {
        case ("audit", "items"): return FillIn.auditItems.name
        case ("audit", "conclusions"): return FillIn.conclusions.name
        case ("handover", "items"): return FillIn.checklist.name
        case ("findings", _): return FillIn.findings.name
        case ("indicators", _): return FillIn.indicators.name
        case ("assessment", _): return FillIn.assessment.name
        default: return nil
        }
    }

    /// Applies a preview (once); nil problems list: no such preview for this account.
    func applyImport(_ user: SignedIn, _ context: WebContext, _ id: String) async throws -> Outcome<(ImportPlans.Preview, [String])> {
        guard let p = imports.take(id, owner: user.username) else { return .failure([]) }
        let desk = self.desk
        return try await desk.blocking {
            do {
                let written = try desk.applyImport(p.plan, author: user.username, fileName: p.fileName)
                try desk.store.audit(actor: user.username, action: "import", subject: "\(p.plan.files.count) cases", address: context.address, outcome: "ok")
                return .success((p, written))
            } catch let e as ImportProblem {
                return .failure([e])
            }
        }
    }

    /// "姓名 · 单位职务 · 案卷 ID" for a form's heading.
    func caseHeading(_ id: String) async throws -> String {
        try await desk.blocking { [desk] in
            guard let l = try desk.store.listing(id) else { return id }
            return "\(l.official) · \(l.unit) · \(id)"
        }
    }

    /// The rows to show after a conflict: the other person's version, with each field this person changed (from
    /// the version they started from) set to their value. When rows were added or removed on either side, their
    /// own rows as they sent them.
    static func settle(base: [SectionSpec.Row], mine: [SectionSpec.Row], theirs: [SectionSpec.Row]) -> [SectionSpec.Row] {
        guard base.count == mine.count, mine.count == theirs.count, mine.enumerated().allSatisfy({ $0.element.from == $0.offset }) else { return mine }
        var out = theirs
        for i in mine.indices {
            for key in Set(mine[i].values.keys).union(base[i].values.keys) where mine[i].values[key] != base[i].values[key] {
                out[i].values[key] = mine[i].values[key]
            }
        }
        return out
    }

    func sectionAnswer(_ result: Desk.SectionWrite, _ request: Request, _ context: WebContext, id: String, name: String) throws -> Response {
        switch result {
        case .written(let revision):
            struct Answer: Encodable { var revision: Int }
            return try Replies.json(Answer(revision: revision), headers: [.eTag: "\"\(revision)\""])
        case .invalid(let fields):
            return Replies.error(request, context, status: .unprocessableContent, code: "invalid",
                                 message: "\(fields.count) 个错误，未保存 (\(fields.count) errors; nothing was saved)", fields: fields)
        case .conflict(let since, _):
            return Replies.error(request, context, status: .conflict, code: "conflict",
                                 message: "案卷在此期间已被他人修改，同一字段改法不同，未保存 (the case changed since; nothing was saved)", since: since)
        case .signed(let signatures):
            return Replies.error(request, context, status: .conflict, code: "signed",
                                 message: "案卷已签字，修改将使签字失效；确认后加 ?void_signatures=true (the case is signed; confirm with ?void_signatures=true)",
                                 since: signatures)
        case .unknownRevision:
            return Replies.error(request, context, status: .preconditionFailed, code: "unknown-revision",
                                 message: "案卷 \(id) 没有这个版本 (no such revision of case \(id))")
        }
    }

    func unknownSection(_ request: Request, _ context: WebContext, _ name: String) -> Response {
        Replies.error(request, context, status: .notFound, code: "unknown-section",
                      message: "'\(name)' is not a section that can be edited; one of: \(Desk.editableSections.joined(separator: ", "))")
    }

    func forbidden(_ request: Request, _ context: WebContext, _ user: SignedIn, outcome: String = "role",
                   message: String = "您的职责不含此操作 (your role does not allow this)", fields: [FieldError] = []) async throws -> Response {
        try await desk.blocking { [desk] in
            try desk.store.audit(actor: user.username, action: "denied", subject: request.uri.path, address: context.address, outcome: outcome)
        }
        return Replies.error(request, context, status: .forbidden, code: "forbidden", message: message, fields: fields)
    }

    /// Refuses a change that touches a value the account may not change (another department's audit items, the
    /// basic facts for a team member …): 403 naming each path, logged; nil when every changed value is the
    /// account's. Nothing is written either way.
    func outsideRights(_ user: SignedIn, _ view: Desk.CaseView, old: [String: CaseTree], new: [(name: String, value: CaseTree)],
                       _ request: Request, _ context: WebContext) async throws -> Response? {
        let refused = user.refusedChanges(view, old: old, new: new)
        guard !refused.isEmpty else { return nil }
        return try await forbidden(request, context, user, outcome: "not-yours",
                                   message: "您的职责不含修改以下内容，未保存任何改动：" + refused.map { view.describe($0) }.joined(separator: "；")
                                       + " (these are not yours to change; nothing was saved: " + refused.joined(separator: ", ") + ")",
                                   fields: refused.map { FieldError(path: $0, message: "\(view.describe($0))不在您的职责范围内 (not yours to change)") })
    }

    // MARK: Pieces

    func sessionCookie(_ id: String) -> Cookie {
        Cookie(name: Tokens.sessionCookie, value: id, path: "/", secure: sessions.secureCookies, httpOnly: true, sameSite: .strict)
    }

    var expiredSessionCookie: Cookie {
        Cookie(name: Tokens.sessionCookie, value: "", maxAge: 0, path: "/", secure: sessions.secureCookies, httpOnly: true, sameSite: .strict)
    }

    /// Signs in; a session the browser already had ends (a sign-in always makes a new session id: no fixation).
    func signIn(_ username: String, _ password: String, _ context: WebContext) async throws -> Desk.SignInOutcome {
        let settings = sessions, previous = context.user
        return try await desk.blocking { [desk] in
            let outcome = try desk.signIn(username: username, password: password, address: context.address, settings: settings)
            if case .signedIn = outcome, let previous { try desk.store.deleteSession(idSHA256: previous.sessionHash) }
            return outcome
        }
    }

    /// A JSON body decoded, or nil when it is not the JSON asked for (the caller answers 400); a body over the
    /// limit is refused with 413, not taken for bad JSON.
    func decoded<T: Decodable>(_ type: T.Type, _ request: Request, _ context: WebContext) async throws -> T? {
        do {
            return try await request.decode(as: type, context: context)
        } catch let e as HTTPResponseError where e.status == .contentTooLarge {
            throw e
        } catch {
            return nil
        }
    }

    /// 429 with `Retry-After`: too many failed sign-ins.
    func throttled(_ request: Request, _ context: WebContext, seconds: Int) -> Response {
        var r = Replies.error(request, context, status: .tooManyRequests, code: "throttled",
                              message: "登录失败次数过多，请 \(seconds) 秒后再试 (too many failed sign-ins; try again in \(seconds) s)")
        r.headers[.retryAfter] = String(seconds)
        return r
    }

    func signInForm(_ request: Request, _ context: WebContext) async throws -> Response {
        var request = request
        let form = Form.parse(String(buffer: try await request.collectBody(upTo: context.maxUploadSize)))
        let username = form["username"] ?? "", next = Paths.localNext(form["next"])
        switch try await signIn(username, form["password"] ?? "", context) {
        case .signedIn(let id, _):
            var r = Replies.redirect(next)
            r.setCookie(sessionCookie(id))
            return r
        case .refused:
            // 200, not 401: a form that says what went wrong (401 needs an HTTP authentication scheme, which this is not).
            return Replies.html(Pages.login(lang: context.lang, username: username, failed: true, next: next))
        case .throttled(let seconds):
            var r = Replies.html(Pages.login(lang: context.lang, username: username, failed: true, throttled: seconds, next: next),
                                 status: .tooManyRequests)
            r.headers[.retryAfter] = String(seconds)
            return r
        }
    }

    func signInFirst(_ request: Request) -> Response {
        Replies.redirect("/login?next=" + Paths.query(request.uri.path + (request.uri.query.map { "?\($0)" } ?? "")))
    }

    func unauthorized(_ request: Request, _ context: WebContext) -> Response {
        Replies.error(request, context, status: .unauthorized, code: "sign-in-required", message: "请先登录 (sign in first)")
    }

    func notFound(_ request: Request, _ context: WebContext) -> Response {
        Replies.error(request, context, status: .notFound, code: "not-found", message: "没有这件案卷，或您无权查看 (no such case, or not yours to see)")
    }

    /// The list's query from the URL: unknown states, departments, orders and malformed dates are left out (the
    /// form only offers valid ones).
    func listQuery(_ request: Request) -> Pages.ListQuery {
        let q = request.uri.queryParameters
        func text(_ k: String) -> String? { q[Substring(k)].map(String.init).flatMap { $0.isEmpty ? nil : $0 } }
        func day(_ k: String) -> String? { text(k).flatMap { Day(iso: $0) }?.description }
        var query = Pages.ListQuery()
        query.state = text("state").flatMap { CaseState(rawValue: $0) != nil ? $0 : nil }
        query.unit = text("unit")
        query.search = text("q").map { String($0.prefix(100)) }
        query.pendingDepartment = text("department").flatMap { d in desk.library.departments.contains { $0.id == d } ? d : nil }
        query.termEndFrom = day("term_from")
        query.termEndTo = day("term_to")
        query.overdueOnly = text("overdue") == "1"
        query.order = text("sort").flatMap(Store.CaseQuery.Order.init(rawValue:)) ?? .id
        query.after = text("after")
        if let n = text("limit").flatMap(Int.init) { query.limit = min(max(n, 1), 500) }
        return query
    }

    /// One page of the cases `user` may see (and one more row, to tell whether there is a next page), and the count.
    /// One page of the cases `user` sees (`everyone`: of all cases, for the published list every account reads).
    func listing(_ user: SignedIn, _ query: Pages.ListQuery, everyone: Bool = false) async throws -> ([Store.Listing], Int) {
        try await desk.blocking { [desk] in
            var q = query.store
            q.visibleTo = user.seesEveryCase || everyone ? nil : user.username
            q.limit = query.limit + 1
            let rows = try desk.store.list(q)
            let total = try desk.store.count(q)
            return (rows, total)
        }
    }

    /// The answer for a case `user` may not see or that does not exist: the same 404 either way, the refusal logged.
    func unseen(_ user: SignedIn, _ id: String, _ request: Request, _ context: WebContext) async throws -> Response {
        if !user.sees(id) {
            try await desk.blocking { [desk] in
                try desk.store.audit(actor: user.username, action: "denied", subject: request.uri.path, address: context.address, outcome: "not-granted")
            }
        }
        return notFound(request, context)
    }

    /// The case, when `user` may see it (nil otherwise, the same as for a case that does not exist).
    func caseView(_ user: SignedIn, _ id: String, _ request: Request, _ context: WebContext) async throws -> Desk.CaseView? {
        guard user.sees(id) else {
            _ = try await unseen(user, id, request, context)
            return nil
        }
        return try await desk.blocking { [desk] in try desk.caseView(id) }
    }
}

/// What a workbook import came to: done, or refused with the workbook's problems (none: no such preview).
enum Outcome<T: Sendable>: Sendable {
    case success(T)
    case failure([ImportProblem])
}

/// An import preview as the API shows it.
struct PreviewJSON: Encodable {
    struct Change: Encodable { var `case`: String; var field: String; var old: String; var new: String }
    var id: String
    var changes: [Change]
    var cases: [String]
    var changed_since: [String]
    var voided: [String]
    var apply: String

    init(_ p: ImportPlans.Preview) {
        id = p.id
        changes = p.plan.changes.map { Change(case: $0.caseID, field: $0.field, old: $0.old, new: $0.new) }
        cases = Array(Set(p.plan.files.map(\.caseID))).sorted()
        changed_since = p.plan.changedSince
        voided = p.plan.voided.map(\.description)
        apply = "/api/v1/imports/\(p.id)/apply"
    }
}

/// An export job as the API shows it.
struct JobJSON: Encodable {
    var id: String
    var edition: String
    var department: String?
    var state: String
    var done: Int
    var total: Int
    var cases: Int?
    var digest: String?
    var message: String?
    var file: String?

    init(_ j: ExportJobs.Job) {
        id = j.id
        edition = j.kind.rawValue
        department = j.department
        done = j.done
        total = j.total
        switch j.state {
        case .running: state = "running"
        case .done:
            state = "done"
            cases = j.cases
            digest = j.kind == .fillIn ? nil : j.digest
            file = "/api/v1/exports/\(j.id)/file"
        case .failed(let m):
            state = "failed"
            message = m
        }
    }
}

/// `status --format json`'s object for one case, plus its current revision.
struct CaseWithRevision: Encodable {
    var status: CaseJSON
    var revision: Int
    enum Keys: String, CodingKey { case revision }
    func encode(to encoder: Encoder) throws {
        try status.encode(to: encoder)
        var c = encoder.container(keyedBy: Keys.self)
        try c.encode(revision, forKey: .revision)
    }
}
