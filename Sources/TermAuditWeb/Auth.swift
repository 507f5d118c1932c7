import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import TermAudit
import TermAuditStore

/// The request context: who is signed in (if anyone), the language, and where the request came from.
public struct WebContext: RequestContext, RemoteAddressRequestContext {
    public var coreContext: CoreRequestContextStorage
    public let remoteAddress: SocketAddress?
    public var user: SignedIn?
    public var lang: Language = .zh

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress
    }

    /// Forms and JSON bodies; workbook uploads have their own, larger limit.
    public var maxUploadSize: Int { 1 << 20 }

    /// The address for the audit log and the sign-in throttle: the peer's IP, never a name — or, behind a proxy
    /// on this machine that `SessionSettings.behindProxy` names, the client's address the proxy gives in `X-Real-IP`.
    var address: String { forwardedFor ?? remoteAddress?.ipAddress ?? "-" }
    var forwardedFor: String?
}

/// A signed-in account, with its grants, the parts its person plays in the cases (both read at every request, so
/// a change takes effect at once) and its session's CSRF token. What it may do on a case: `rights(_:)` (Access.swift).
public struct SignedIn: Sendable {
    public var account: Account
    public var grants: [Grant]
    public var parts: [CasePerson]
    let sessionHash: String
    let csrfToken: String

    public var username: String { account.username }
    /// Whether the account may export the internal and fill-in editions and upload filled workbooks: it changes
    /// something in some case (`CaseRights.editsSomething`) — it exports only the cases it sees; everyone may
    /// export the public edition. Signers and readers do not.
    public var exportsInternal: Bool {
        seesEveryCase || Set(parts.map(\.caseID)).union(grants.map(\.caseID).filter { !$0.isEmpty }).contains { rights($0).editsSomething }
    }
}

/// How long sessions last, and the cookie's attributes.
public struct SessionSettings: Sendable {
    /// Signed out after this long without a request.
    public var idle: TimeInterval = 2 * 3600
    /// Signed out this long after signing in, whatever happens.
    public var absolute: TimeInterval = 12 * 3600
    /// `Secure` on the cookies: when served over TLS (or behind a proxy that is).
    public var secureCookies = false
    /// How failed sign-ins are slowed down.
    public var throttle = ThrottleSettings()
    /// Served behind a reverse proxy on this machine (nginx): the client's address is taken from `X-Real-IP` on
    /// requests from a loopback address (and only those), for the audit log and the throttle.
    public var behindProxy = false

    public init(idle: TimeInterval = 2 * 3600, absolute: TimeInterval = 12 * 3600, secureCookies: Bool = false,
                throttle: ThrottleSettings = ThrottleSettings(), behindProxy: Bool = false) {
        self.idle = idle
        self.absolute = absolute
        self.secureCookies = secureCookies
        self.throttle = throttle
        self.behindProxy = behindProxy
    }
}

/// Random session ids, their hashes, and the CSRF token derived from a session id.
enum Tokens {
    static let sessionCookie = "termaudit_session"
    static let langCookie = "termaudit_lang"

    /// 256 random bits, base64url without padding (a cookie-safe value).
    static func random() -> String {
        var rng = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: 0...255, using: &rng) }
        return base64url(Data(bytes))
    }

    static func sha256(_ s: String) -> String {
        SHA256.hash(data: Data(s.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    /// The session's CSRF token: a hash of its id under a fixed label, so it is never stored and cannot be guessed
    /// without the id (which only the cookie holds).
    static func csrf(forSession id: String) -> String {
        base64url(Data(SHA256.hash(data: Data("termaudit-csrf\u{0}\(id)".utf8))))
    }

    static func base64url(_ d: Data) -> String {
        d.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    /// Compares without stopping at the first difference.
    static func equal(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        guard x.count == y.count else { return false }
        var diff: UInt8 = 0
        for i in x.indices { diff |= x[i] ^ y[i] }
        return diff == 0
    }
}

extension Desk {
    /// The account signed in with the session `id`, when the session exists, has not timed out and its account is
    /// enabled; a session seen more than a minute ago is marked used. Blocks.
    func signedIn(sessionID id: String, settings: SessionSettings, now: Date = Date()) throws -> SignedIn? {
        let hash = Tokens.sha256(id)
        guard let s = try store.session(idSHA256: hash) else { return nil }
        guard let expires = StoreClock.date(s.expiresAt), let last = StoreClock.date(s.lastSeen),
              now < expires, now.timeIntervalSince(last) < settings.idle else {
            try store.deleteSession(idSHA256: hash)
            return nil
        }
        guard let account = try store.account(s.username), !account.disabled else { return nil }
        if now.timeIntervalSince(last) > 60 { try store.touchSession(idSHA256: hash) }
        return try user(account, sessionHash: hash, csrfToken: Tokens.csrf(forSession: id))
    }

    /// The signed-in account with its grants and its person's parts in the cases, read now (so a change of rights
    /// holds from the next request). Blocks.
    func user(_ account: Account, sessionHash: String, csrfToken: String) throws -> SignedIn {
        SignedIn(account: account, grants: try store.grants(of: account.username), parts: try store.parts(of: account.person),
                 sessionHash: sessionHash, csrfToken: csrfToken)
    }

    /// A password hash that matches nothing, verified for unknown accounts so that they take as long as known ones.
    static let decoyHash = (try? PasswordHash.make(Tokens.random())) ?? ""

    /// What a sign-in came to.
    enum SignInOutcome {
        case signedIn(id: String, user: SignedIn)
        /// The same for an unknown account, a disabled one and a wrong password.
        case refused
        /// Too many failures for this account name or from this address: no password was checked; try again after
        /// this many seconds.
        case throttled(seconds: Int)
    }

    /// What checking a password came to.
    enum PasswordCheck {
        case right(Account)
        /// Wrong, or no such account, or a disabled one (the account when there is one, for the log).
        case wrong(Account?)
        /// Too many failures for this account name or from this address: nothing was checked.
        case throttled(seconds: Int)
    }

    /// Checks `password` for `username` as every password is checked (sign-in, a new password): while failures for
    /// the account name or the address are throttled nothing is checked; an unknown account takes as long as a
    /// known one (the decoy hash); a failure is counted per account name and per address and slows further tries
    /// (`ThrottleSettings`); a success clears the account name's count. The caller logs what it was for. Blocks.
    func checkPassword(username: String, password: String, address: String, throttle: ThrottleSettings, now: Date) throws -> PasswordCheck {
        let keys = Throttle.keys(username: username, address: address)
        if let wait = Throttle.wait(try store.signInFailures(keys), now: now) { return .throttled(seconds: max(1, Int(wait.rounded(.up)))) }
        let account = Account.isValidName(username) ? try store.account(username) : nil
        let ok = PasswordHash.verify(password, against: account?.passwordHash ?? Self.decoyHash)
        guard ok, let account, !account.disabled else {
            try store.recordSignInFailure(keys) { key, old in Throttle.next(key, old, now: now, settings: throttle) }
            return .wrong(account)
        }
        try store.clearSignInFailures(keys[0])
        return .right(account)
    }

    /// Checks a password (`checkPassword`) and opens a session (the new session's id, for the cookie, and who signed
    /// in). Logged either way. Blocks.
    func signIn(username: String, password: String, address: String, settings: SessionSettings, now: Date = Date()) throws -> SignInOutcome {
        let named = Account.isValidName(username) ? username : "-"
        let account: Account
        switch try checkPassword(username: username, password: password, address: address, throttle: settings.throttle, now: now) {
        case .throttled(let seconds):
            try store.audit(actor: "-", action: "sign-in-throttled", subject: named, address: address, outcome: "refused")
            return .throttled(seconds: seconds)
        case .wrong(let known):
            try store.audit(actor: known?.username ?? "-", action: "sign-in-failed", subject: named, address: address, outcome: "refused")
            return .refused
        case .right(let a):
            account = a
        }
        let id = Tokens.random()
        let csrf = Tokens.csrf(forSession: id)
        try store.createSession(idSHA256: Tokens.sha256(id), username: account.username, csrfSHA256: Tokens.sha256(csrf),
                                expiresAt: StoreClock.string(now.addingTimeInterval(settings.absolute)))
        try store.audit(actor: account.username, action: "sign-in", subject: account.username, address: address, outcome: "ok")
        return .signedIn(id: id, user: try user(account, sessionHash: Tokens.sha256(id), csrfToken: csrf))
    }

    /// Ends the session. Blocks.
    func signOut(_ user: SignedIn, address: String) throws {
        try store.deleteSession(idSHA256: user.sessionHash)
        try store.audit(actor: user.username, action: "sign-out", subject: user.username, address: address, outcome: "ok")
    }
}

/// Reads the session cookie and the language; refuses state-changing requests made with a session unless they
/// carry its CSRF token (header `X-CSRF-Token`, or form field `_csrf`) and, when the browser names one, come from
/// this server's own origin.
struct SessionMiddleware: RouterMiddleware {
    typealias Context = WebContext
    let desk: Desk
    let settings: SessionSettings

    func handle(_ request: Request, context: WebContext, next: (Request, WebContext) async throws -> Response) async throws -> Response {
        var context = context
        var request = request
        if settings.behindProxy, let peer = context.remoteAddress?.ipAddress, peer == "127.0.0.1" || peer == "::1",
           let real = request.headers[.xRealIP], Self.isAddress(real) {
            context.forwardedFor = real
        }
        if let lang = request.uri.queryParameters["lang"].flatMap({ Language(rawValue: String($0)) }) {
            context.lang = lang
        } else if let lang = request.cookies[Tokens.langCookie].flatMap({ Language(rawValue: $0.value) }) {
            context.lang = lang
        }
        if let id = request.cookies[Tokens.sessionCookie]?.value, !id.isEmpty, id.count <= 64 {
            let settings = self.settings
            context.user = try await desk.blocking { [desk] in try desk.signedIn(sessionID: id, settings: settings) }
        }
        let safe = request.method == .get || request.method == .head
        if !safe {
            guard Self.sameOrigin(request) else {
                return try await refuse(request, context, code: "cross-origin", "请求来自其他网站，已拒绝 (cross-origin request refused)")
            }
            if let user = context.user {
                var token = request.headers[.xCSRFToken]
                if token == nil, request.headers[.contentType]?.hasPrefix("application/x-www-form-urlencoded") == true {
                    let body = try await request.collectBody(upTo: context.maxUploadSize)
                    token = Form.parse(String(buffer: body))["_csrf"]
                } else if token == nil, let boundary = Multipart.boundary(request.headers[.contentType]) {
                    // A form with a file (a workbook upload): the token is one of its parts.
                    let limit = request.uri.path == "/workbooks/import" ? maxWorkbookUpload : context.maxUploadSize
                    let body = try await request.collectBody(upTo: limit)
                    token = Multipart.parse(Array(buffer: body), boundary: boundary)?.first { $0.name == "_csrf" }
                        .map { String(decoding: $0.data, as: UTF8.self) }
                }
                guard let token, Tokens.equal(token, user.csrfToken) else {
                    return try await refuse(request, context, code: "csrf", "缺少或错误的 CSRF 令牌，请刷新页面后重试 (missing or wrong CSRF token)")
                }
            }
        }
        var response = try await next(request, context)
        if let lang = request.uri.queryParameters["lang"].flatMap({ Language(rawValue: String($0)) }) {
            response.setCookie(Cookie(name: Tokens.langCookie, value: lang.rawValue, maxAge: 365 * 86400, path: "/",
                                      secure: settings.secureCookies, httpOnly: true, sameSite: .strict))
        }
        return response
    }

    /// An IPv4 or IPv6 address as text (what the audit log may hold; anything else in the header is ignored).
    static func isAddress(_ s: String) -> Bool {
        guard (2...45).contains(s.count) else { return false }
        return s.unicodeScalars.allSatisfy { CharacterSet(charactersIn: "0123456789abcdefABCDEF.:").contains($0) }
    }

    /// `Origin` (or, without it, `Referer`) names this host, or the request names neither (a non-browser client).
    static func sameOrigin(_ request: Request) -> Bool {
        guard let host = request.head.authority else { return true }
        let from = request.headers[.origin] ?? request.headers[.referer]
        guard let from, from != "null" else { return request.headers[.origin] == nil }
        guard let url = URLComponents(string: from), let h = url.host else { return false }
        let authority = url.port.map { "\(h):\($0)" } ?? h
        return authority == host
    }

    func refuse(_ request: Request, _ context: WebContext, code: String, _ message: String) async throws -> Response {
        try await desk.blocking { [desk] in
            try desk.store.audit(actor: context.user?.username ?? "-", action: "denied", subject: request.uri.path, address: context.address,
                                 outcome: code)
        }
        return Replies.error(request, context, status: .forbidden, code: code, message: message)
    }
}

extension HTTPField.Name {
    static let xCSRFToken = Self("X-CSRF-Token")!
}

/// `application/x-www-form-urlencoded` bodies and query strings.
enum Form {
    static func parse(_ s: String) -> [String: String] {
        var out: [String: String] = [:]
        for pair in s.split(separator: "&", omittingEmptySubsequences: true) {
            let kv = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let key = decode(kv[0]), value = kv.count > 1 ? decode(kv[1]) : ""
            if out[key] == nil { out[key] = value }
        }
        return out
    }

    static func decode(_ s: Substring) -> String {
        String(s).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? ""
    }
}
