import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing
import TermAudit
@testable import TermAuditStore
@testable import TermAuditWeb

/// The authorization matrix (docs/security.md): every route, pages and API, for every role, on a case of the
/// account's own and on another's, with the answer expected. Requests are built so that an allowed one changes
/// nothing (a form without its revision, a section without If-Match, a signature that is not one), so one store
/// serves the whole table; afterwards every case is still at the revision it started at.
@Suite struct AuthorizationMatrixTests {
    /// What a request must get.
    enum Expect: String, CustomStringConvertible {
        /// Past every rights check: any answer but 401, 403, 404 or the sign-in page.
        case allowed = "A"
        /// 403, logged.
        case forbidden = "F"
        /// 404, word for word the answer for a case that does not exist (nothing revealed).
        case hidden = "N"
        /// Not signed in: 401 (API) or the sign-in page.
        case signIn = "S"
        /// 404 whoever asks (a job or preview of another account, an unpublished case on 公开).
        case notFound = "X"
        /// The answer for a case that does not exist, word for word, whatever its status (a page that says so).
        case asMissing = "M"
        /// Allowed, and the session it was sent with no longer works afterwards (signing out).
        case endsSession = "E"
        var description: String { rawValue }
    }

    /// The accounts of the table: the demonstration's, bound to the people the sample cases name. "Own" is a case
    /// naming the person in the part the role is for; "other" names none of them.
    static let roles = ["anon", "admin", "leader", "member", "signer", "reader"]
    static let usernames = ["admin": "admin", "leader": "leader", "member": "jijian", "signer": "signer", "reader": "reader"]
    static let own = "2024-010"     // 陆佳 leads, 严刚 (jijian) audits for 纪检监察, 林静 (signer) hands over
    static let other = "2024-009"   // names none of them
    static let missing = "2099-999"

    /// A route: how to make the request for a case id, and the answer per role, as "own/other" pairs in the order
    /// of `roles` (one letter when the case does not matter).
    struct Row: Sendable {
        var method: HTTPRequest.Method
        var path: String
        var body: String = ""
        var json = false
        var expect: [String]
        /// Sent with a session of its own, signed in for it: the route ends sessions or changes accounts.
        var fresh = false

        func request(_ id: String) -> (String, String) {
            (path.replacingOccurrences(of: "{id}", with: id), body.replacingOccurrences(of: "{id}", with: id))
        }
        var usesCase: Bool { path.contains("{id}") || body.contains("{id}") }
    }

    //                                                       anon   admin  leader member signer reader
    static let table: [Row] = [
        Row(method: .get, path: "/login", expect:             ["A",   "A",   "A",   "A",   "A",   "A"]),
        Row(method: .get, path: "/openapi.yaml", expect:      ["A",   "A",   "A",   "A",   "A",   "A"]),
        Row(method: .get, path: "/static/app.css", expect:    ["A",   "A",   "A",   "A",   "A",   "A"]),
        Row(method: .get, path: "/static/sign.js", expect:    ["A",   "A",   "A",   "A",   "A",   "A"]),
        Row(method: .get, path: "/", expect:                  ["S",   "A",   "A",   "A",   "A",   "A"]),
        // 公开: the same for everyone signed in — 2024-010 is published (待签字), 2024-009 is not.
        Row(method: .get, path: "/public/{id}", expect:       ["S",   "AX",  "AX",  "AX",  "AX",  "AX"]),
        Row(method: .get, path: "/workbooks/jobs/nojob", expect: ["S", "X",  "X",   "X",   "X",   "X"]),
        Row(method: .get, path: "/api/v1/exports/nojob", expect: ["S", "X",  "X",   "X",   "X",   "X"]),
        Row(method: .get, path: "/api/v1/exports/nojob/file", expect: ["S", "X", "X", "X",  "X",   "X"]),
        Row(method: .post, path: "/account/password", expect: ["S",   "A",   "A",   "A",   "A",   "A"]),
        Row(method: .post, path: "/login", expect:            ["A",   "A",   "A",   "A",   "A",   "A"]),
        // Workbooks: a body that is no workbook, previews and jobs that are not the account's.
        Row(method: .post, path: "/workbooks/import", expect: ["S",   "A",   "A",   "A",   "F",   "F"]),
        Row(method: .post, path: "/api/v1/imports", body: "{}", json: true, expect: ["S", "A", "A", "A", "F", "F"]),
        Row(method: .get, path: "/workbooks/imports/nope", expect: ["S", "X", "X",  "X",   "X",   "X"]),
        Row(method: .post, path: "/workbooks/imports/nope/apply", expect: ["S", "X", "X", "X", "X", "X"]),
        Row(method: .post, path: "/api/v1/imports/nope/apply", body: "{}", json: true, expect: ["S", "X", "X", "X", "X", "X"]),
        Row(method: .get, path: "/workbooks/jobs/nojob/file", expect: ["S", "X", "X", "X",  "X",   "X"]),
        Row(method: .post, path: "/workbooks/export", body: "edition=internal&cases={id}", expect: ["S", "A", "AM", "AM", "FF", "FF"]),
        Row(method: .get, path: "/cases", expect:             ["S",   "A",   "A",   "A",   "A",   "F"]),
        Row(method: .get, path: "/cases/{id}", expect:        ["S",   "A",   "AN",  "AN",  "AN",  "F"]),
        Row(method: .get, path: "/cases/{id}/history", expect: ["S",  "A",   "AN",  "AN",  "AN",  "F"]),
        Row(method: .get, path: "/cases/{id}/sign", expect:   ["S",   "A",   "AN",  "AN",  "AN",  "F"]),
        Row(method: .get, path: "/cases/{id}/verify", expect: ["S",   "A",   "AN",  "AN",  "AN",  "F"]),
        // The forms: the basic facts and the team are the organization department's; findings and the audit the
        // team's; indicators, assessment and the handover checklist both's; signers change nothing.
        Row(method: .get, path: "/cases/{id}/edit/basic", expect:       ["S", "A", "FN", "FN", "FN", "F"]),
        Row(method: .get, path: "/cases/{id}/edit/team", expect:        ["S", "A", "FN", "FN", "FN", "F"]),
        Row(method: .get, path: "/cases/{id}/edit/indicators", expect:  ["S", "A", "AN", "AN", "FN", "F"]),
        Row(method: .get, path: "/cases/{id}/edit/assessment", expect:  ["S", "A", "AN", "AN", "FN", "F"]),
        Row(method: .get, path: "/cases/{id}/edit/handover", expect:    ["S", "A", "AN", "AN", "FN", "F"]),
        Row(method: .get, path: "/cases/{id}/edit/findings", expect:    ["S", "F", "AN", "AN", "FN", "F"]),
        Row(method: .get, path: "/cases/{id}/edit/audit", expect:       ["S", "F", "AN", "AN", "FN", "F"]),
        Row(method: .post, path: "/cases/{id}/edit/basic", expect:      ["S", "A", "FN", "FN", "FN", "F"]),
        Row(method: .post, path: "/cases/{id}/edit/team", expect:       ["S", "A", "FN", "FN", "FN", "F"]),
        Row(method: .post, path: "/cases/{id}/edit/indicators", expect: ["S", "A", "AN", "AN", "FN", "F"]),
        Row(method: .post, path: "/cases/{id}/edit/assessment", expect: ["S", "A", "AN", "AN", "FN", "F"]),
        Row(method: .post, path: "/cases/{id}/edit/handover", expect:   ["S", "A", "AN", "AN", "FN", "F"]),
        Row(method: .post, path: "/cases/{id}/edit/findings", expect:   ["S", "F", "AN", "AN", "FN", "F"]),
        Row(method: .post, path: "/cases/{id}/edit/audit", expect:      ["S", "F", "AN", "AN", "FN", "F"]),
        Row(method: .get, path: "/cases/new", expect:         ["S",   "A",   "F",   "F",   "F",   "F"]),
        Row(method: .post, path: "/cases/new", expect:        ["S",   "A",   "F",   "F",   "F",   "F"]),
        Row(method: .get, path: "/workbooks", expect:         ["S",   "A",   "A",   "A",   "A",   "A"]),
        Row(method: .get, path: "/public", expect:            ["S",   "A",   "A",   "A",   "A",   "A"]),
        Row(method: .get, path: "/account", expect:           ["S",   "A",   "A",   "A",   "A",   "A"]),
        Row(method: .get, path: "/admin/accounts", expect:    ["S",   "A",   "F",   "F",   "F",   "F"]),
        Row(method: .post, path: "/admin/accounts", expect:   ["S",   "A",   "F",   "F",   "F",   "F"]),
        Row(method: .get, path: "/admin/accounts/reader", expect: ["S", "A", "F",   "F",   "F",   "F"]),
        Row(method: .post, path: "/admin/accounts/reader/grant", expect: ["S", "A", "F", "F", "F", "F"]),
        // The API.
        Row(method: .get, path: "/api/v1/cases", expect:      ["S",   "A",   "A",   "A",   "A",   "F"]),
        Row(method: .get, path: "/api/v1/cases/{id}", expect: ["S",   "A",   "AN",  "AN",  "AN",  "F"]),
        Row(method: .get, path: "/api/v1/cases/{id}/history", expect: ["S", "A", "AN", "AN", "AN", "F"]),
        Row(method: .get, path: "/api/v1/cases/{id}/sections/audit", expect: ["S", "A", "AN", "AN", "AN", "F"]),
        Row(method: .get, path: "/api/v1/cases/{id}/sections/official", expect: ["S", "A", "AN", "AN", "AN", "F"]),
        Row(method: .get, path: "/api/v1/cases/{id}/signoffs", expect: ["S", "A", "AN", "AN", "AN", "F"]),
        Row(method: .put, path: "/api/v1/cases/{id}/sections/official", body: "{}", json: true, expect: ["S", "A", "FN", "FN", "FN", "F"]),
        Row(method: .put, path: "/api/v1/cases/{id}/sections/team", body: "[]", json: true, expect: ["S", "A", "FN", "FN", "FN", "F"]),
        Row(method: .put, path: "/api/v1/cases/{id}/sections/indicators", body: "[]", json: true, expect: ["S", "A", "AN", "AN", "FN", "F"]),
        Row(method: .put, path: "/api/v1/cases/{id}/sections/findings", body: "[]", json: true, expect: ["S", "F", "AN", "AN", "FN", "F"]),
        Row(method: .put, path: "/api/v1/cases/{id}/sections/audit", body: "{}", json: true, expect: ["S", "F", "AN", "AN", "FN", "F"]),
        // Signing: only in one's own role (陆佳 as 审计组长, 林静 as 移交人); the signature here is no signature.
        Row(method: .post, path: "/api/v1/cases/{id}/signoffs/prepare", body: #"{"role": "team_leader", "public_key": "tWmjK+1ERF9FIkgsWu48rRyOiGpYSEQKvfC7sLvVCkQ="}"#,
            json: true, expect: ["S", "F", "AN", "FN", "FN", "F"]),
        Row(method: .post, path: "/api/v1/cases/{id}/signoffs/prepare", body: #"{"role": "outgoing", "public_key": "APvHjJzp7tdHGtqVp48nWhaqpE2nPmQayqCULRvITkY="}"#,
            json: true, expect: ["S", "F", "FN", "FN", "AN", "F"]),
        Row(method: .post, path: "/api/v1/cases/{id}/signoffs",
            body: #"{"role": "outgoing", "public_key": "APvHjJzp7tdHGtqVp48nWhaqpE2nPmQayqCULRvITkY=", "time": "2024-01-01T00:00:00Z", "signature": "AA==", "revision": 1}"#,
            json: true, expect: ["S", "F", "FN", "FN", "AN", "F"]),
        Row(method: .post, path: "/api/v1/cases", body: "{}", json: true, expect: ["S", "A", "F", "F", "F", "F"]),
        // Exports: the internal edition of another's case is refused as a case that does not exist.
        Row(method: .post, path: "/api/v1/exports", body: #"{"edition": "internal", "cases": ["{id}"]}"#, json: true,
            expect: ["S", "A", "AU", "AU", "FF", "FF"]),
        Row(method: .post, path: "/api/v1/exports", body: #"{"edition": "public", "cases": ["{id}"]}"#, json: true,
            expect: ["S", "A", "A", "A", "A", "A"]),
        // Routes that end sessions or change accounts, each with a session of its own; the administrator's act on an
        // account made for the table (`victim`).
        Row(method: .post, path: "/api/v1/session", body: #"{"username": "victim", "password": "\#(victimPassword)"}"#, json: true,
            expect: ["A", "A", "A", "A", "A", "A"], fresh: true),
        Row(method: .post, path: "/admin/accounts/victim/disable", expect: ["S", "A", "F", "F", "F", "F"], fresh: true),
        Row(method: .post, path: "/admin/accounts/victim/enable", expect: ["S", "A", "F", "F", "F", "F"], fresh: true),
        Row(method: .post, path: "/admin/accounts/victim/sign-out", expect: ["S", "A", "F", "F", "F", "F"], fresh: true),
        Row(method: .post, path: "/admin/accounts/victim/bind", body: "person=", expect: ["S", "A", "F", "F", "F", "F"], fresh: true),
        Row(method: .post, path: "/admin/accounts/victim/revoke", body: "role=reader", expect: ["S", "A", "F", "F", "F", "F"], fresh: true),
        Row(method: .post, path: "/admin/accounts/victim/password", body: "password=short&again=short", expect: ["S", "A", "F", "F", "F", "F"], fresh: true),
        Row(method: .post, path: "/admin/accounts/victim/nonsense", expect: ["S", "X", "F", "F", "F", "F"], fresh: true),
        Row(method: .post, path: "/logout", expect: ["S", "E", "E", "E", "E", "E"], fresh: true),
        Row(method: .delete, path: "/api/v1/session", expect: ["S", "E", "E", "E", "E", "E"], fresh: true),
        Row(method: .post, path: "/account/sign-out-everywhere", expect: ["S", "E", "E", "E", "E", "E"], fresh: true),
    ]

    static let victimPassword = "victim-passphrase-2026"

    @Test("every route × every role × own case / another case gets the answer the table gives; nothing changes")
    func matrix() async throws {
        let f = try Fixture.make(grants: [])
        try f.store.addAccount(Account(username: "victim", displayName: "受试", passwordHash: try PasswordHash.make(Self.victimPassword, logN: 10)),
                               grants: [Grant(role: "reader")], by: "test", address: "test")
        let passwords = Self.usernames.mapValues { f.password($0) }
        let before = try f.store.list().map { "\($0.caseID)@\($0.revision)" }
        let store = f.store
        let (failures, after): ([String], [String]) = try await f.test { client in
            var sessions: [String: Signed] = [:]
            for (role, name) in Self.usernames { sessions[role] = try await client.signIn(name, passwords[role]!) }
            var failures: [String] = []
            for row in Self.table {
                for (i, role) in Self.roles.enumerated() {
                    let letters = Array(row.expect[i])
                    let ids = row.usesCase ? [Self.own, Self.other] : [Self.own]
                    for k in ids.indices {
                        let id = ids[k]
                        let letter = String(letters.count > 1 ? letters[k] : letters[0])
                        let (path, body) = row.request(id)
                        let fresh = row.fresh && role != "anon"
                        let session = fresh ? try await client.signIn(Self.usernames[role]!, passwords[role]!) : sessions[role]
                        let r = try await Self.send(client, row, path, body, session)
                        // The route may have ended every session of the account: the table goes on with a new one.
                        if fresh { sessions[role] = try await client.signIn(Self.usernames[role]!, passwords[role]!) }
                        let what = "\(row.method) \(path) as \(role)"
                        switch letter {
                        case "E":
                            let afterwards = try await client.get("/api/v1/cases", session!)
                            if [.unauthorized, .forbidden, .notFound].contains(r.status) || afterwards.status != .unauthorized {
                                failures.append("\(what): expected the session ended, got \(r.status.code), then \(afterwards.status.code)")
                            }
                        case "A":
                            if [.unauthorized, .forbidden, .notFound].contains(r.status) || Self.isSignInPage(r) {
                                failures.append("\(what): expected allowed, got \(r.status.code) \(String(buffer: r.body).prefix(160))")
                            }
                        case "F":
                            if r.status != .forbidden { failures.append("\(what): expected 403, got \(r.status.code)") }
                        case "S":
                            if r.status != .unauthorized && !Self.isSignInPage(r) { failures.append("\(what): expected sign-in, got \(r.status.code)") }
                        case "X":
                            if r.status != .notFound { failures.append("\(what): expected 404, got \(r.status.code)") }
                        case "M":
                            // The refusal a case that does not exist gets, word for word (the page around it lists the
                            // account's own export jobs, which move on between the two requests).
                            let (mp, mb) = row.request(Self.missing)
                            let m = try await Self.send(client, row, mp, mb, sessions[role])
                            func alert(_ t: TestResponse) -> String? {
                                let b = String(buffer: t.body)
                                guard let a = b.range(of: #"role="alert">"#), let e = b[a.upperBound...].range(of: "</p>") else { return nil }
                                return String(b[a.upperBound..<e.lowerBound])
                            }
                            let same = alert(r)?.replacingOccurrences(of: id, with: Self.missing) == alert(m) && alert(m) != nil
                            if r.status != m.status || !same || [.unauthorized, .forbidden].contains(r.status) {
                                failures.append("\(what): expected the answer for a missing case, got \(r.status.code) / \(m.status.code) (same body: \(same))")
                            }
                        case "N", "U":
                            // Exactly the answer for a case that does not exist.
                            let (mp, mb) = row.request(Self.missing)
                            let m = try await Self.send(client, row, mp, mb, sessions[role])
                            let expected: HTTPResponse.Status = letter == "N" ? .notFound : .unprocessableContent
                            let same = String(buffer: r.body).replacingOccurrences(of: id, with: Self.missing) == String(buffer: m.body)
                            if r.status != expected || m.status != expected || !same {
                                failures.append("\(what): expected \(expected.code) as for a missing case, got \(r.status.code) / \(m.status.code) (same body: \(same))")
                            }
                        default:
                            failures.append("\(what): bad table letter \(letter)")
                        }
                    }
                }
            }
            return (failures, try store.list().map { "\($0.caseID)@\($0.revision)" })
        }
        let report = "\(failures.count) answers differ from the table:\n" + failures.joined(separator: "\n")
        #expect(failures.isEmpty, "\(report)")
        #expect(after == before, "an allowed request of the matrix changed a case")
    }

    @Test("the table has a row for every route the application registers")
    func everyRouteIsInTheTable() throws {
        let sources = Fixture.repo.appendingPathComponent("Sources/TermAuditWeb")
        let files = try FileManager.default.contentsOfDirectory(atPath: sources.path).filter { $0.hasSuffix(".swift") }
        let registration = try Regex(#"router\.(get|post|put|delete|patch)\("([^"]+)""#)
        var routes: [(method: String, path: String)] = []
        for name in files {
            let text = try String(contentsOf: sources.appendingPathComponent(name), encoding: .utf8)
            for m in text.matches(of: registration) {
                routes.append((String(m.output[1].substring!), String(m.output[2].substring!)))
            }
        }
        #expect(routes.count > 40, "the routes were not found in \(sources.path)")
        for route in routes {
            // `{x}` in a route matches one path segment of a row; a row's `{id}` is a case id.
            let pattern = "^" + route.path.replacingOccurrences(of: #"\{[a-z]+\}"#, with: "[^/?]+", options: .regularExpression) + "([?].*)?$"
            let covered = Self.table.contains { row in
                row.method.rawValue.lowercased() == route.method
                    && row.request(Self.own).0.range(of: pattern, options: .regularExpression) != nil
            }
            #expect(covered, "no row of the authorization matrix for \(route.method.uppercased()) \(route.path)")
        }
    }

    static func send(_ client: some TestClientProtocol, _ row: Row, _ path: String, _ body: String, _ s: Signed?) async throws -> TestResponse {
        var headers: HTTPFields = s?.writeHeaders ?? [:]
        if row.method == .get { headers = s?.headers ?? [:] }
        headers[.contentType] = row.json ? "application/json" : "application/x-www-form-urlencoded"
        return try await client.execute(uri: path, method: row.method, headers: headers, body: ByteBuffer(string: body))
    }

    static func isSignInPage(_ r: TestResponse) -> Bool {
        (r.status == .seeOther || r.status == .found) && (r.headers[.location] ?? "").hasPrefix("/login")
    }

    @Test("the list, the desk and the case API show each account exactly the cases the rights table lets it see")
    func listsAgreeWithRights() async throws {
        let f = try Fixture.make(grants: [])
        let all = try f.store.list().map(\.caseID)
        var expected: [String: [String]] = [:]
        for a in try f.store.accounts() {
            let user = SignedIn(account: a, grants: try f.store.grants(of: a.username), parts: try f.store.parts(of: a.person), sessionHash: "",
                                csrfToken: "")
            expected[a.username] = all.filter { user.rights($0).sees }
            // The SQL behind the lists agrees with the rights (administrators list every case without it).
            if !user.seesEveryCase {
                #expect(try f.store.list(Store.CaseQuery(visibleTo: a.username)).map(\.caseID) == expected[a.username], "\(a.username)")
            }
        }
        #expect(expected["leader"] == ["2024-002", "2024-005", "2024-010", "2024-013", "2024-023", "2024-027", "2024-028"])
        #expect(expected["signer"] == ["2024-010"])
        #expect(expected["reader"] == [])
        #expect(expected["admin"] == all)
        let passwords = Dictionary(uniqueKeysWithValues: f.accounts.map { ($0.username, $0.password) })
        let visible = expected
        try await f.test { client in
            for name in ["leader", "jijian", "signer", "suqing"] {
                let s = try await client.signIn(name, passwords[name]!)
                let list = try json(try await client.get("/api/v1/cases?limit=200", s))
                #expect((list["cases"] as! [[String: Any]]).map { $0["id"] as! String } == visible[name], "\(name)")
            }
        }
    }
}
