import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import TermAudit
import TermAuditReport
import TermAuditStore

/// The web application: pages and the JSON API over one desk (one store).
public struct WebApp: Sendable {
    public let desk: Desk
    public let sessions: SessionSettings

    public init(desk: Desk, sessions: SessionSettings = SessionSettings()) {
        self.desk = desk
        self.sessions = sessions
    }

    /// The routes. Every route but sign-in, the style sheet and the OpenAPI document needs a signed-in account.
    public func router() -> Router<WebContext> {
        let router = Router(context: WebContext.self)
        router.add(middleware: SecurityHeadersMiddleware())
        router.add(middleware: SessionMiddleware(desk: desk, settings: sessions))

        router.get("/static/app.css") { _, _ in
            Response(status: .ok, headers: [.contentType: "text/css; charset=utf-8", .cacheControl: "max-age=3600"],
                     body: .init(byteBuffer: ByteBuffer(string: Style.css)))
        }
        router.get("/login") { request, context in
            if context.user != nil { return Replies.redirect("/") }
            return Replies.html(Pages.login(lang: context.lang, next: Paths.localNext(request.uri.queryParameters["next"].map(String.init))))
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
            let counts = try await desk.blocking { [desk] in
                try desk.store.countByState(visibleTo: user.seesEveryCase ? nil : user.username)
            }
            return Replies.html(Pages.desk(lang: context.lang, user: user, counts: counts, asOf: desk.asOf))
        }
        router.get("/cases") { request, context in
            guard let user = context.user else { return signInFirst(request) }
            let query = listQuery(request)
            let (rows, total) = try await listing(user, query)
            return Replies.html(Pages.cases(lang: context.lang, user: user, query: query, rows: Array(rows.prefix(query.limit)), total: total,
                                            more: rows.count > query.limit))
        }
        router.get("/cases/{id}") { request, context in
            guard let user = context.user else { return signInFirst(request) }
            let id = try context.parameters.require("id")
            guard let view = try await caseView(user, id, request, context) else { return notFound(request, context) }
            return Replies.html(Pages.casePage(lang: context.lang, user: user, view: view, library: desk.library, policy: desk.policy, asOf: desk.asOf))
        }

        // The JSON API (docs/web.md, openapi.yaml).
        router.post("/api/v1/session") { request, context in
            struct Body: Decodable { var username: String; var password: String }
            guard let body = try? await request.decode(as: Body.self, context: context) else {
                return Replies.error(request, context, status: .badRequest, code: "bad-request",
                                     message: "expected a JSON object {\"username\": …, \"password\": …}")
            }
            guard let (id, user) = try await signIn(body.username, body.password, context) else {
                return Replies.error(request, context, status: .unauthorized, code: "sign-in-failed", message: "账号或密码不正确 (wrong account name or password)")
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
            struct Item: Encodable { var id: String; var revision: Int; var state: String; var name: String; var unit: String; var term_end: String }
            struct Page: Encodable { var total: Int; var cases: [Item]; var next: String? }
            let page = rows.prefix(query.limit)
            return try Replies.json(Page(total: total, cases: page.map { Item(id: $0.caseID, revision: $0.revision, state: $0.state, name: $0.official,
                                                                              unit: $0.unit, term_end: $0.termEnd) },
                                         next: rows.count > query.limit ? page.last?.caseID : nil))
        }
        router.get("/api/v1/cases/{id}") { request, context in
            guard let user = context.user else { return unauthorized(request, context) }
            let id = try context.parameters.require("id")
            guard let view = try await caseView(user, id, request, context) else { return notFound(request, context) }
            return try Replies.json(CaseWithRevision(status: view.json, revision: view.revision), headers: [.eTag: "\"\(view.revision)\""])
        }
        return router
    }

    // MARK: Pieces

    func sessionCookie(_ id: String) -> Cookie {
        Cookie(name: Tokens.sessionCookie, value: id, path: "/", secure: sessions.secureCookies, httpOnly: true, sameSite: .strict)
    }

    var expiredSessionCookie: Cookie {
        Cookie(name: Tokens.sessionCookie, value: "", maxAge: 0, path: "/", secure: sessions.secureCookies, httpOnly: true, sameSite: .strict)
    }

    func signIn(_ username: String, _ password: String, _ context: WebContext) async throws -> (String, SignedIn)? {
        let settings = sessions
        return try await desk.blocking { [desk] in
            try desk.signIn(username: username, password: password, address: context.address, settings: settings)
        }
    }

    func signInForm(_ request: Request, _ context: WebContext) async throws -> Response {
        var request = request
        let form = Form.parse(String(buffer: try await request.collectBody(upTo: context.maxUploadSize)))
        let username = form["username"] ?? "", next = Paths.localNext(form["next"])
        guard let (id, _) = try await signIn(username, form["password"] ?? "", context) else {
            // 200, not 401: a form that says what went wrong (401 needs an HTTP authentication scheme, which this is not).
            return Replies.html(Pages.login(lang: context.lang, username: username, failed: true, next: next))
        }
        var r = Replies.redirect(next)
        r.setCookie(sessionCookie(id))
        return r
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

    func listQuery(_ request: Request) -> Pages.ListQuery {
        let q = request.uri.queryParameters
        func text(_ k: String) -> String? { q[Substring(k)].map(String.init).flatMap { $0.isEmpty ? nil : $0 } }
        var query = Pages.ListQuery(state: text("state").flatMap { CaseState(rawValue: $0) != nil ? $0 : nil }, unit: text("unit"), after: text("after"))
        if let n = text("limit").flatMap(Int.init) { query.limit = min(max(n, 1), 500) }
        return query
    }

    /// One page of the cases `user` may see (and one more row, to tell whether there is a next page), and the count.
    func listing(_ user: SignedIn, _ query: Pages.ListQuery) async throws -> ([Store.Listing], Int) {
        try await desk.blocking { [desk] in
            let scope = user.seesEveryCase ? nil : user.username
            let rows = try desk.store.list(state: query.state, unit: query.unit, visibleTo: scope, after: query.after, limit: query.limit + 1)
            let total = try desk.store.count(state: query.state, unit: query.unit, visibleTo: scope)
            return (rows, total)
        }
    }

    /// The case, when `user` may see it (nil otherwise, the same as for a case that does not exist).
    func caseView(_ user: SignedIn, _ id: String, _ request: Request, _ context: WebContext) async throws -> Desk.CaseView? {
        guard user.sees(id) else {
            try await desk.blocking { [desk] in
                try desk.store.audit(actor: user.username, action: "denied", subject: request.uri.path, address: context.address, outcome: "not-granted")
            }
            return nil
        }
        return try await desk.blocking { [desk] in try desk.caseView(id) }
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
