import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import TermAudit
@testable import TermAuditStore
@testable import TermAuditWeb

/// A web application over a new SQLite store made from the samples, with the demonstration accounts.
struct Fixture {
    let store: Store
    let desk: Desk
    let web: WebApp
    let accounts: [Demo.DemoAccount]
    let dir: URL

    static let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let samples = repo.appendingPathComponent("samples")

    /// Grants on one case each, beyond the demonstration's bindings, for the tests written around the annotated
    /// sample 2024-007 and the signed 2024-001 (whose teams name none of the demonstration's people): the leader
    /// leads them, the audit member audits 2024-007. The rights tests make their fixture without them.
    static let classic: [(String, Grant)] = [
        ("leader", Grant(role: "leader", caseID: "2024-007")), ("leader", Grant(role: "leader", caseID: "2024-001")),
        ("shenji", Grant(role: "member", caseID: "2024-007", department: "audit")),
    ]

    static func make(sessions: SessionSettings = SessionSettings(), grants: [(String, Grant)] = classic) throws -> Fixture {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("termaudit-web-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let store = try Store.open(.sqlite(path: dir.appendingPathComponent("store.db").path), create: true)
        // A low scrypt cost keeps the tests quick; the cost is recorded in each hash, so verifying is the same code.
        let accounts = try Demo.prepare(store, samples: samples.path, logN: 10, today: Day(year: 2024, month: 12, day: 31)!)
        for (name, g) in grants { try store.grant(name, g, by: "test", address: "test") }
        let desk = try Desk.open(store)
        return Fixture(store: store, desk: desk, web: WebApp(desk: desk, sessions: sessions), accounts: accounts, dir: dir)
    }

    func password(_ username: String) -> String { accounts.first { $0.username == username }!.password }

    /// Runs `body` against the application served over HTTP on a free port; closes the store afterwards.
    func test<T: Sendable>(_ body: @Sendable (any TestClientProtocol) async throws -> T) async throws -> T {
        let app = Application(router: web.router(), configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        defer { try? FileManager.default.removeItem(at: dir) }
        do {
            let result = try await app.test(.live, body)
            await desk.close()
            store.close()
            return result
        } catch {
            await desk.close()
            store.close()
            throw error
        }
    }

    /// The termaudit executable built beside the tests.
    static var termaudit: String {
        let beside = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("termaudit")
        if FileManager.default.isExecutableFile(atPath: beside.path) { return beside.path }
        return repo.appendingPathComponent(".build/debug/termaudit").path
    }

    /// Runs a program and returns its standard output, standard error (when asked for; through a file, so no pipe
    /// fills while the other is read) and status.
    static func run(_ args: [String], stderr: Bool = false) throws -> (out: Data, err: String, status: Int32) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = args
        let out = Pipe()
        p.standardOutput = out
        let errFile = FileManager.default.temporaryDirectory.appendingPathComponent("termaudit-web-err-\(UUID().uuidString)")
        FileManager.default.createFile(atPath: errFile.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: errFile) }
        p.standardError = stderr ? try FileHandle(forWritingTo: errFile) : FileHandle.nullDevice
        try p.run()
        let o = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (o, stderr ? (try String(contentsOf: errFile, encoding: .utf8)) : "", p.terminationStatus)
    }
}

/// A signed-in browser or API client: the session cookie and the CSRF token.
struct Signed: Sendable {
    var cookie: String
    var csrf: String

    var headers: HTTPFields { [.cookie: cookie] }
    var writeHeaders: HTTPFields { [.cookie: cookie, HTTPField.Name("X-CSRF-Token")!: csrf] }
}

extension TestClientProtocol {
    /// Signs in through the API; fails the test when refused.
    func signIn(_ username: String, _ password: String) async throws -> Signed {
        let r = try await execute(uri: "/api/v1/session", method: .post, headers: [.contentType: "application/json"],
                                  body: ByteBuffer(string: #"{"username": "\#(username)", "password": "\#(password)"}"#))
        guard r.status == .ok, let set = r.headers[.setCookie], let json = try JSONSerialization.jsonObject(with: Data(String(buffer: r.body).utf8)) as? [String: Any],
              let csrf = json["csrf_token"] as? String else {
            throw WebTestFailure("sign-in as \(username) refused: \(r.status) \(String(buffer: r.body))")
        }
        return Signed(cookie: String(set.split(separator: ";")[0]), csrf: csrf)
    }

    /// Posts a form as a browser does (urlencoded) with the session's CSRF token.
    func postForm(_ uri: String, _ s: Signed, _ fields: [(String, String)]) async throws -> TestResponse {
        try await execute(uri: uri, method: .post, headers: [.cookie: s.cookie, .contentType: "application/x-www-form-urlencoded"],
                          body: ByteBuffer(string: SectionFormTests.encode([("_csrf", s.csrf)] + fields)))
    }

    func get(_ uri: String, _ s: Signed?) async throws -> TestResponse {
        try await execute(uri: uri, method: .get, headers: s?.headers ?? [:])
    }
}

func json(_ r: TestResponse) throws -> [String: Any] {
    guard let o = try JSONSerialization.jsonObject(with: Data(String(buffer: r.body).utf8)) as? [String: Any] else {
        throw WebTestFailure("not a JSON object: \(String(buffer: r.body))")
    }
    return o
}

struct WebTestFailure: Error, CustomStringConvertible {
    var description: String
    init(_ d: String) { description = d }
}

extension Desk.SignInOutcome {
    /// The session's id and account when signed in.
    var session: (String, SignedIn)? {
        if case .signedIn(let id, let user) = self { return (id, user) }
        return nil
    }

    /// The outcome without the session: `signedIn`, `refused` or `throttled N`.
    var summary: String {
        switch self {
        case .signedIn: "signedIn"
        case .refused: "refused"
        case .throttled(let s): "throttled \(s)"
        }
    }
}
