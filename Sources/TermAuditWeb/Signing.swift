import Foundation
import HTTPTypes
import Hummingbird
import TermAudit
import TermAuditReport
import TermAuditRules
import TermAuditSignoff
import TermAuditStore

/// 签字 in the browser (docs/web.md "Signing"): the server checks and prepares the record and the exact message; the
/// signer's browser signs those bytes with the private key file the signer picks (WebCrypto Ed25519; the key never
/// leaves the browser); the server checks everything again, verifies the signature over the same message and
/// appends the record as `termaudit sign` does — a new revision under the account's name.
extension Desk {
    /// How long a prepared signing time stays acceptable.
    static let signingWindow: TimeInterval = 15 * 60

    /// The sign-off view of `caseID`'s current revision, writing back as `author`; nil when there is no such case. Blocks.
    func signoffWorkspace(_ caseID: String, author: String) throws -> SignoffWorkspace? {
        guard let body = try store.caseBodies([caseID])[caseID] else { return nil }
        let (c, diagnostics) = parse(caseID: caseID, path: body.path, text: body.body, revision: body.revision)
        guard let c else { throw InvalidCase(diagnostics: diagnostics) }
        var config = stream.config
        config.asOf = asOf
        let one = Workspace(config: config, library: library, cases: [c], units: stream.units)
        var ws = SignoffWorkspace(root: stream.root, workspace: one, policy: policy, evaluator: evaluator, caseIDs: caseIDs)
        ws.texts = workspace.writer(author: author, today: asOf)
        return ws
    }

    /// The time a signature made at `date` records: the server's clock (UTC, to the second). When the workspace's
    /// reference date (as_of) is before that day — a demonstration or a reconstruction — the reference date at the
    /// clock's time of day: a signature never postdates the reference date (as `termaudit sign` refuses).
    func signingTime(_ date: Date = Date()) -> String {
        let now = SignoffTime.string(date)
        guard let today = Day(iso: String(now.prefix(10))), asOf < today else { return now }
        return asOf.description + now.dropFirst(10)
    }

    /// Whether `time` is a signing time this server gave out in the last `signingWindow` (a prepared message is
    /// signed soon after it is shown, never back-dated by the page).
    func isCurrentSigningTime(_ time: String, now: Date = Date()) -> Bool {
        guard SignoffTime.isValid(time) else { return false }
        let earliest = signingTime(now.addingTimeInterval(-Self.signingWindow)), latest = signingTime(now.addingTimeInterval(60))
        if earliest <= latest { return (earliest...latest).contains(time) }
        // Pinned to a past reference date, the window wraps around midnight: that date, late or early in the day.
        return time.hasPrefix(asOf.description + "T") && (time >= earliest || time <= latest)
    }

    /// What the sign-off and verification pages show of one case.
    struct SignoffView: Sendable {
        var status: CaseStatus
        var revision: Int
        var expected: [ExpectedSigner]
        var checks: [RecordCheck]
        var digest: String
        var sectionDigests: [String: String]
        /// Whether the store holds a signers.yaml, and its errors.
        var hasSigners: Bool
        var signerErrors: [Diagnostic]
    }

    /// The sign-off state of `caseID`: who signs each role, each record's verification. Blocks.
    func signoffView(_ caseID: String) throws -> SignoffView? {
        guard let view = try caseView(caseID), let ws = try signoffWorkspace(caseID, author: "") else { return nil }
        let c = view.status.auditCase
        let digest = CaseDigest(c)
        return SignoffView(status: view.status, revision: view.revision, expected: SignoffRules.expectedSigners(c, policy: policy),
                           checks: ws.verifier.check(c), digest: digest.digest, sectionDigests: digest.sectionDigests,
                           hasSigners: ws.hasSigners, signerErrors: ws.signerDiagnostics)
    }
}

/// The record and message prepared for a signer's key.
struct PreparedJSON: Encodable {
    var `case`: String
    var role: String
    var name: String
    var post: String
    var time: String
    var digest: String
    var public_key: String
    /// The message as text, for people; `message_base64` is the exact bytes to sign.
    var message: String
    var message_base64: String
    var revision: Int
}

/// A case's sign-off as the API shows it.
struct SignoffJSON: Encodable {
    struct Role: Encodable {
        var role: String
        var label: Label
        var required: Bool
        var named: String?
        var verdict: String?
    }
    var `case`: String
    var revision: Int
    var state: String
    var digest: String
    var roles: [Role]
    var signatures: [SignatureCheckJSON]

    init(_ v: Desk.SignoffView, caseID: String) {
        `case` = caseID
        revision = v.revision
        state = v.status.state.rawValue
        digest = v.digest
        roles = v.expected.map { e in
            Role(role: e.role.id, label: e.role.label, required: e.role.required, named: e.person?.description,
                 verdict: v.status.signatures[e.role.id]?.rawValue)
        }
        signatures = v.checks.map { SignatureCheckJSON($0, caseID: caseID, explain: true) }
    }
}

extension WebApp {
    func addSigning(to router: Router<WebContext>) {
        router.get("/static/sign.js") { _, _ in
            Response(status: .ok, headers: [.contentType: "text/javascript; charset=utf-8", .cacheControl: "max-age=3600"],
                     body: .init(byteBuffer: ByteBuffer(string: SignScript.source)))
        }
        router.get("/cases/{id}/sign") { request, context in
            guard let user = context.user else { return signInFirst(request) }
            let id = try context.parameters.require("id")
            guard user.sees(id), let view = try await desk.blocking({ [desk] in try desk.signoffView(id) }) else {
                return try await unseen(user, id, request, context)
            }
            let now = Date(), time = desk.signingTime(now)
            return Replies.html(Pages.signPage(lang: context.lang, user: user, caseID: id, heading: try await caseHeading(id), view: view,
                                               policy: desk.policy, asOf: desk.asOf, now: time, pinned: time != SignoffTime.string(now)))
        }
        router.get("/cases/{id}/verify") { request, context in
            guard let user = context.user else { return signInFirst(request) }
            let id = try context.parameters.require("id")
            guard user.sees(id), let view = try await desk.blocking({ [desk] in try desk.signoffView(id) }) else {
                return try await unseen(user, id, request, context)
            }
            return Replies.html(Pages.verifyPage(lang: context.lang, user: user, caseID: id, heading: try await caseHeading(id), view: view,
                                                 policy: desk.policy))
        }
        router.get("/api/v1/cases/{id}/signoffs") { request, context in
            guard let user = context.user else { return unauthorized(request, context) }
            let id = try context.parameters.require("id")
            guard user.sees(id), let view = try await desk.blocking({ [desk] in try desk.signoffView(id) }) else {
                return try await unseen(user, id, request, context)
            }
            return try Replies.json(SignoffJSON(view, caseID: id), headers: [.eTag: "\"\(view.revision)\""])
        }
        router.post("/api/v1/cases/{id}/signoffs/prepare") { request, context in
            guard let user = context.user else { return unauthorized(request, context) }
            let id = try context.parameters.require("id")
            guard user.sees(id), try await desk.blocking({ [desk] in try desk.store.caseBodies([id])[id] != nil }) else {
                return try await unseen(user, id, request, context)
            }
            guard user.signs(id) else { return try await forbidden(request, context, user) }
            struct Body: Decodable { var role: String; var public_key: String }
            guard let body = try await decoded(Body.self, request, context) else {
                return Replies.error(request, context, status: .badRequest, code: "bad-request",
                                     message: "expected {\"role\": \"team_leader\" | …, \"public_key\": \"<base64 of the 32-byte Ed25519 public key>\"}")
            }
            guard let key = PublicKey.decode(body.public_key) else { return badKey(request, context) }
            if let refused = try await notYourRole(user, id, body.role, request, context) { return refused }
            let time = desk.signingTime(), role = body.role
            let outcome: Result<(SignoffWorkspace.Prepared, Int), SignoffError> = try await desk.blocking { [desk] in
                guard let ws = try desk.signoffWorkspace(id, author: user.username),
                      let revision = try desk.store.caseBodies([id])[id]?.revision else { return .failure(.unknownCase(id)) }
                do { return .success((try ws.prepare(caseID: id, role: role, publicKey: key, time: time, holder: user.account.person), revision)) }
                catch let e as SignoffError { return .failure(e) }
            }
            switch outcome {
            case .success(let (p, revision)):
                let r = p.record
                return try Replies.json(PreparedJSON(case: id, role: r.role, name: r.name, post: r.post, time: r.time, digest: r.digest,
                                                     public_key: r.publicKey, message: p.message,
                                                     message_base64: p.messageBytes.base64EncodedString(), revision: revision))
            case .failure(let e):
                return try await refusal(e, user, request, context)
            }
        }
        router.post("/api/v1/cases/{id}/signoffs") { request, context in
            guard let user = context.user else { return unauthorized(request, context) }
            let id = try context.parameters.require("id")
            guard user.sees(id), let current = try await desk.blocking({ [desk] in try desk.store.caseBodies([id])[id]?.revision }) else {
                return try await unseen(user, id, request, context)
            }
            guard user.signs(id) else { return try await forbidden(request, context, user) }
            struct Body: Decodable { var role: String; var public_key: String; var time: String; var signature: String; var revision: Int }
            guard let body = try await decoded(Body.self, request, context) else {
                return Replies.error(request, context, status: .badRequest, code: "bad-request",
                                     message: "expected {\"role\", \"public_key\", \"time\", \"signature\", \"revision\"} as prepared by POST …/signoffs/prepare")
            }
            guard let key = PublicKey.decode(body.public_key) else { return badKey(request, context) }
            if let refused = try await notYourRole(user, id, body.role, request, context) { return refused }
            guard let signature = Data(base64Encoded: body.signature), signature.count == 64 else {
                return Replies.error(request, context, status: .unprocessableContent, code: "bad-signature",
                                     message: "signature 应为 64 字节 Ed25519 签名的 base64 (signature should be base64 of a 64-byte Ed25519 signature)",
                                     fields: [FieldError(path: "signature", message: "base64 of 64 bytes")])
            }
            guard body.revision == current else {
                return Replies.error(request, context, status: .conflict, code: "changed",
                                     message: "案卷 \(id) 在准备签字后有改动（第 \(current) 版），请重新核对后签字 (the case changed after the message was prepared: revision \(current); prepare and sign again)")
            }
            guard desk.isCurrentSigningTime(body.time) else {
                return Replies.error(request, context, status: .unprocessableContent, code: "expired",
                                     message: "签字时间 \(body.time) 不是刚才准备的时间（准备后 \(Int(Desk.signingWindow / 60)) 分钟内有效），请重新准备 (the time is not one just prepared; prepare again)",
                                     fields: [FieldError(path: "time", message: "the time given by …/signoffs/prepare, within \(Int(Desk.signingWindow / 60)) minutes")])
            }
            let role = body.role, time = body.time, person = user.account.person
            let outcome: Result<Signoff, SignoffError> = try await desk.blocking { [desk] in
                guard let ws = try desk.signoffWorkspace(id, author: user.username) else { return .failure(.unknownCase(id)) }
                // The key's holder must be the account's person: one person, one signature.
                do { return .success(try ws.sign(caseID: id, role: role, publicKey: key, time: time, signature: signature, holder: person).record) }
                catch let e as SignoffError { return .failure(e) }
            }
            switch outcome {
            case .success(let record):
                guard let view = try await desk.blocking({ [desk] in try desk.signoffView(id) }) else { return notFound(request, context) }
                struct Answer: Encodable { var revision: Int; var state: String; var role: String; var name: String; var time: String; var digest: String }
                return try Replies.json(Answer(revision: view.revision, state: view.status.state.rawValue, role: record.role, name: record.name,
                                               time: record.time, digest: record.digest),
                                        status: .created, headers: [.location: "/api/v1/cases/\(Paths.segment(id))/signoffs"])
            case .failure(let e):
                return try await refusal(e, user, request, context)
            }
        }
    }

    /// Refuses a role the account does not hold on the case (403, logged); nil when it holds it.
    func notYourRole(_ user: SignedIn, _ id: String, _ role: String, _ request: Request, _ context: WebContext) async throws -> Response? {
        guard !user.rights(id).signingRoles.contains(role) else { return nil }
        return try await forbidden(request, context, user, outcome: "not-your-role",
                                   message: "您在本案不是「\(RoleName(role, in: desk.policy).label.zh)」的签字人 (you do not sign this case as \(role))")
    }

    func badKey(_ request: Request, _ context: WebContext) -> Response {
        Replies.error(request, context, status: .unprocessableContent, code: "bad-key",
                      message: "public_key 不是 32 字节 Ed25519 公钥的 base64 (public_key is not base64 of a 32-byte Ed25519 public key)",
                      fields: [FieldError(path: "public_key", message: "base64 of 32 bytes, 44 characters ending in '='")])
    }

    /// A refused signature: 409 when the case changed meanwhile, 403 (logged) for a key registered to another person
    /// than the account's, else 422, with `sign`'s reason in both languages.
    func refusal(_ e: SignoffError, _ user: SignedIn, _ request: Request, _ context: WebContext) async throws -> Response {
        if case .unknownCase = e { return notFound(request, context) }
        if case .notYourKey = e { return try await forbidden(request, context, user, outcome: "not-your-key", message: "\(e.label.zh) (\(e.label.en))") }
        let l = e.label
        var status: HTTPResponse.Status = .unprocessableContent
        if case .fileChanged = e { status = .conflict }
        return Replies.error(request, context, status: status, code: e.code, message: "\(l.zh)\n\(l.en)")
    }
}
