import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing
import TermAudit
@testable import TermAuditStore
@testable import TermAuditWeb

@Suite("Web application: sign-in, sessions and CSRF")
struct SessionTests {
    @Test("a wrong password and an unknown account get the same answer; both are logged, the password never")
    func wrongPasswordAndUnknownAccount() async throws {
        let f = try Fixture.make()
        let store = f.store
        try await f.test { client in
            let wrong = try await client.execute(uri: "/api/v1/session", method: .post, headers: [.contentType: "application/json"],
                                                 body: ByteBuffer(string: #"{"username": "admin", "password": "not-the-password"}"#))
            let unknown = try await client.execute(uri: "/api/v1/session", method: .post, headers: [.contentType: "application/json"],
                                                   body: ByteBuffer(string: #"{"username": "nobody", "password": "not-the-password"}"#))
            #expect(wrong.status == .unauthorized)
            #expect(unknown.status == .unauthorized)
            #expect(String(buffer: wrong.body) == String(buffer: unknown.body))
            #expect(wrong.headers[.setCookie] == nil)
            let form = try await client.execute(uri: "/login", method: .post, headers: [.contentType: "application/x-www-form-urlencoded"],
                                                body: ByteBuffer(string: "username=admin&password=wrong"))
            #expect(form.status == .ok)
            #expect(form.headers[.setCookie] == nil)
            #expect(String(buffer: form.body).contains("账号或密码不正确"))
            let log = try store.auditLog()
            #expect(log.filter { $0.action == "sign-in-failed" }.map(\.subject) == ["admin", "nobody", "admin"])
            #expect(!log.contains { "\($0)".contains("not-the-password") })
        }
    }

    @Test("signing in through the form sets an HttpOnly, SameSite=Strict session cookie and leads to the desk")
    func formSignIn() async throws {
        let f = try Fixture.make()
        let password = f.password("admin")
        let expected = try f.store.count()
        try await f.test { client in
            let page = try await client.get("/", nil)
            #expect(page.status == .seeOther)
            #expect(page.headers[.location] == "/login?next=%2F")
            let r = try await client.execute(uri: "/login", method: .post, headers: [.contentType: "application/x-www-form-urlencoded"],
                                             body: ByteBuffer(string: "username=admin&password=\(password)&next=%2Fcases"))
            #expect(r.status == .seeOther)
            #expect(r.headers[.location] == "/cases")
            let cookie = try #require(r.headers[.setCookie])
            #expect(cookie.contains("HttpOnly"))
            #expect(cookie.contains("SameSite=Strict"))
            #expect(!cookie.contains("Secure"))
            let s = Signed(cookie: String(cookie.split(separator: ";")[0]), csrf: "")
            let desk = try await client.get("/", s)
            #expect(desk.status == .ok)
            let html = String(buffer: desk.body)
            #expect(html.contains("工作台"))
            #expect(html.contains(">\(expected)</span>"))
            // The session id is stored only as its hash.
            let id = String(s.cookie.split(separator: "=")[1])
            #expect(try f.store.session(idSHA256: id) == nil)
            #expect(try f.store.session(idSHA256: Tokens.sha256(id))?.username == "admin")
        }
    }

    @Test("a state-changing call needs the session's CSRF token and, from a browser, this server's origin")
    func csrfAndOrigin() async throws {
        let f = try Fixture.make()
        let password = f.password("leader")
        let store = f.store
        try await f.test { client in
            let s = try await client.signIn("leader", password)
            let noToken = try await client.execute(uri: "/api/v1/session", method: .delete, headers: s.headers)
            #expect(noToken.status == .forbidden)
            #expect(try json(noToken)["error"].flatMap { ($0 as? [String: Any])?["code"] as? String } == "csrf")
            var wrong = s.writeHeaders
            wrong[HTTPField.Name("X-CSRF-Token")!] = String(s.csrf.reversed())
            #expect(try await client.execute(uri: "/api/v1/session", method: .delete, headers: wrong).status == .forbidden)
            var foreign = s.writeHeaders
            foreign[.origin] = "http://evil.example"
            let cross = try await client.execute(uri: "/api/v1/session", method: .delete, headers: foreign)
            #expect(cross.status == .forbidden)
            // The logout form without its hidden token is refused too.
            let form = try await client.execute(uri: "/logout", method: .post,
                                                headers: [.cookie: s.cookie, .contentType: "application/x-www-form-urlencoded"], body: ByteBuffer(string: ""))
            #expect(form.status == .forbidden)
            #expect(try await client.get("/api/v1/cases", s).status == .ok)
            let out = try await client.execute(uri: "/api/v1/session", method: .delete, headers: s.writeHeaders)
            #expect(out.status == .noContent)
            #expect(try await client.get("/api/v1/cases", s).status == .unauthorized)
            #expect(try store.auditLog().filter { $0.action == "denied" }.map(\.outcome) == ["csrf", "csrf", "cross-origin", "csrf"])
        }
    }

    @Test("a session ends after the idle time-out and after the absolute one; a disabled account's session is refused")
    func timeouts() throws {
        let f = try Fixture.make()
        defer { f.store.close() }
        let settings = SessionSettings(idle: 600, absolute: 3600)
        let (id, _) = try #require(try f.desk.signIn(username: "reader", password: f.password("reader"), address: "127.0.0.1", settings: settings).session)
        #expect(try f.desk.signedIn(sessionID: id, settings: settings)?.username == "reader")
        #expect(try f.desk.signedIn(sessionID: id, settings: settings, now: Date().addingTimeInterval(601)) == nil)
        // Timed out sessions are removed.
        #expect(try f.store.session(idSHA256: Tokens.sha256(id)) == nil)
        let (id2, _) = try #require(try f.desk.signIn(username: "reader", password: f.password("reader"), address: "127.0.0.1", settings: settings).session)
        #expect(try f.desk.signedIn(sessionID: id2, settings: SessionSettings(idle: 7200, absolute: 3600), now: Date().addingTimeInterval(3601)) == nil)
        let (id3, _) = try #require(try f.desk.signIn(username: "reader", password: f.password("reader"), address: "127.0.0.1", settings: settings).session)
        try f.store.db.write { sql in try sql.raw("UPDATE accounts SET disabled = 1 WHERE username = 'reader'").run().wait() }
        #expect(try f.desk.signedIn(sessionID: id3, settings: settings) == nil)
        #expect(try f.desk.signIn(username: "reader", password: f.password("reader"), address: "127.0.0.1", settings: settings).session == nil)
    }
}

@Suite("Web application: cases as the command line shows them")
struct CasePagesTests {
    @Test("GET /api/v1/cases/{id} is `status --format json --case ID` of the same store, plus the revision")
    func caseJSONMatchesTheCommandLine() async throws {
        let f = try Fixture.make()
        let url = "sqlite:" + f.dir.appendingPathComponent("store.db").path
        let ids = try f.store.caseList().map(\.caseID)
        let password = f.password("admin")
        // Each case's object as the command line prints it (kept as JSON text: a Sendable value).
        let cli = try ids.map { id -> Data in
            let r = try Fixture.run([Fixture.termaudit, "status", "--database", url, "--format", "json", "--case", id])
            #expect(r.status == 0)
            let all = try JSONSerialization.jsonObject(with: r.out) as! [String: Any]
            return try JSONSerialization.data(withJSONObject: (all["cases"] as! [[String: Any]])[0])
        }
        let revisions = try f.store.list().map(\.revision)
        try await f.test { client in
            let s = try await client.signIn("admin", password)
            let list = try json(try await client.get("/api/v1/cases?limit=500", s))
            #expect((list["cases"] as! [[String: Any]]).map { $0["id"] as! String } == ids)
            #expect(list["total"] as? Int == ids.count)
            for (i, id) in ids.enumerated() {
                let r = try await client.get("/api/v1/cases/\(id)", s)
                #expect(r.status == .ok)
                #expect(r.headers[.eTag] == "\"\(revisions[i])\"")
                var got = try json(r)
                #expect(got.removeValue(forKey: "revision") as? Int == revisions[i])
                let expected = try JSONSerialization.jsonObject(with: cli[i]) as! [String: Any]
                #expect(NSDictionary(dictionary: got).isEqual(to: expected), "case \(id) differs from the command line's")
            }
        }
    }

    @Test("the list pages in case-id order with a next link, and filters by state as the index holds it")
    func listPagesAndFilters() async throws {
        let f = try Fixture.make()
        let ids = try f.store.caseList().map(\.caseID)
        let auditing = try f.store.list(state: "auditing").map(\.caseID)
        let password = f.password("admin")
        try await f.test { client in
            let s = try await client.signIn("admin", password)
            var seen: [String] = []
            var uri = "/api/v1/cases?limit=2"
            while true {
                let page = try json(try await client.get(uri, s))
                seen += (page["cases"] as! [[String: Any]]).map { $0["id"] as! String }
                guard let next = page["next"] as? String else { break }
                uri = "/api/v1/cases?limit=2&after=\(next)"
            }
            #expect(seen == ids)
            let filtered = try json(try await client.get("/api/v1/cases?state=auditing", s))
            #expect((filtered["cases"] as! [[String: Any]]).map { $0["id"] as! String } == auditing)
            let html = String(buffer: try await client.get("/cases?limit=2", s).body)
            #expect(html.contains("rel=\"next\""))
            #expect(html.contains("href=\"/cases/\(ids[0])\""))
        }
    }

    @Test("each case page shows the state, every part of status, and 为什么 with rule ids and citations")
    func casePage() async throws {
        let f = try Fixture.make()
        let password = f.password("leader")
        let id = try f.store.caseList()[0].caseID
        let view = try #require(try f.desk.caseView(id))
        try await f.test { client in
            let s = try await client.signIn("leader", password)
            let r = try await client.get("/cases/\(id)", s)
            #expect(r.status == .ok)
            let html = String(buffer: r.body)
            for part in ["任期", "审计组", "任期目标指标", "交接清单", "审计事项（按部门）", "问题与整改", "考核、后果与安置", "签字", "为什么"] {
                #expect(html.contains(part), "the case page lacks \(part)")
            }
            #expect(html.contains(view.status.state.label.zh))
            for reason in view.status.reasons { #expect(html.contains("[\(reason.rule)]")) }
            let en = String(buffer: try await client.get("/cases/\(id)?lang=en", s).body)
            #expect(en.contains("Handover checklist"))
            #expect(en.contains(view.status.state.label.en))
        }
    }

    @Test("an account granted one case sees that case only; another case's id answers 404 and is logged")
    func visibility() async throws {
        let f = try Fixture.make()
        let ids = try f.store.caseList().map(\.caseID)
        try f.store.addAccount(Account(username: "one", displayName: "一件", passwordHash: try PasswordHash.make("only-one-case", logN: 10)),
                               grants: [Grant(role: Role.signer.rawValue, caseID: ids[1])], by: "test", address: "test")
        let store = f.store
        try await f.test { client in
            let s = try await client.signIn("one", "only-one-case")
            let list = try json(try await client.get("/api/v1/cases", s))
            #expect((list["cases"] as! [[String: Any]]).map { $0["id"] as! String } == [ids[1]])
            #expect(try await client.get("/api/v1/cases/\(ids[1])", s).status == .ok)
            let other = try await client.get("/api/v1/cases/\(ids[0])", s)
            let missing = try await client.get("/api/v1/cases/no-such-case", s)
            #expect(other.status == .notFound)
            #expect(String(buffer: other.body) == String(buffer: missing.body))
            #expect(try await client.get("/cases/\(ids[0])", s).status == .notFound)
            let desk = String(buffer: try await client.get("/", s).body)
            #expect(desk.contains(">1</span>"))
            #expect(try store.auditLog().contains { $0.action == "denied" && $0.subject == "/api/v1/cases/\(ids[0])" && $0.actor == "one" })
        }
    }

    @Test("every answer carries the security headers; text from the request is shown escaped")
    func headersAndEscaping() async throws {
        let f = try Fixture.make()
        let password = f.password("admin")
        try await f.test { client in
            let login = try await client.get("/login?next=%2F%22%3E%3Cscript%3Ealert(1)%3C%2Fscript%3E", nil)
            let csp = try #require(login.headers[.contentSecurityPolicy])
            #expect(csp.contains("frame-ancestors 'none'"))
            #expect(csp.contains("script-src 'self'"))
            #expect(login.headers[.xContentTypeOptions] == "nosniff")
            #expect(login.headers[HTTPField.Name("Referrer-Policy")!] == "same-origin")
            let html = String(buffer: login.body)
            #expect(!html.contains("<script>"))
            #expect(html.contains("&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"))
            let s = try await client.signIn("admin", password)
            let list = String(buffer: try await client.get("/cases?unit=%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E", s).body)
            #expect(!list.contains("<img"))
            #expect(list.contains("value=\"&lt;img src=x onerror=alert(1)&gt;\""))
            // An off-site `next` never leaves the server.
            let r = try await client.execute(uri: "/login", method: .post, headers: [.contentType: "application/x-www-form-urlencoded"],
                                             body: ByteBuffer(string: "username=admin&password=\(password)&next=%2F%2Fevil.example"))
            #expect(r.headers[.location] == "/")
        }
    }
}

@Suite("HTML escaping")
struct HTMLTests {
    @Test("text and attribute values cannot become markup")
    func escaping() {
        var h = HTML()
        h.el("a", ["href": "/x?a=1&b=\"2\"", "title": "<'x'>"], text: "<script>alert('&')</script>")
        #expect(h.string == "<a href=\"/x?a=1&amp;b=&quot;2&quot;\" title=\"&lt;&#39;x&#39;&gt;\">&lt;script&gt;alert(&#39;&amp;&#39;)&lt;/script&gt;</a>")
    }
}

@Suite("Web application: the case list")
struct CaseListTests {
    @Test("the index holds each case's departments yet to conclude and overdue count as the rules give them; the desk refreshes an index derived for another day")
    func derivedColumns() async throws {
        let f = try Fixture.make()
        for row in try f.store.list() {
            let status = try #require(try f.desk.caseView(row.caseID)).status
            #expect(row.pending == status.audit.departments.filter { !$0.concluded }.map(\.department), "\(row.caseID)")
            #expect(row.overdue == status.checklist.overdue.count + status.overdueFindings.count, "\(row.caseID)")
        }
        try f.store.db.write { sql in try sql.raw("UPDATE cases SET derived_as_of = '2000-01-01', pending = '', overdue = 0").run().wait() }
        #expect(try f.store.staleCount(asOf: f.desk.asOf.description, policy: f.desk.policy.id) > 0)
        let again = try Desk.open(f.store)
        #expect(try f.store.staleCount(asOf: f.desk.asOf.description, policy: f.desk.policy.id) == 0)
        #expect(try f.store.list().contains { $0.overdue > 0 })
        await again.close()
        try await f.test { _ in }
    }

    @Test("the list page searches, filters by department yet to conclude, term end and overdue, sorts, and pages with the same order")
    func searchFilterSort() async throws {
        let f = try Fixture.make()
        let all = try f.store.list()
        // What each query should give, worked out from the index rows before the server starts.
        let late = all.filter { $0.overdue > 0 }.sorted { ($0.termEnd, $0.caseID) < ($1.termEnd, $1.caseID) }
        let byTermEnd = all.sorted { ($0.termEnd, $0.caseID) < ($1.termEnd, $1.caseID) }.map(\.caseID)
        let water = all.filter { $0.official.contains("水务") || $0.unit.contains("水务") }.map(\.caseID)
        let auditLate = all.filter { $0.pending.contains("audit") && $0.overdue > 0 }.map(\.caseID)
        let from2025 = all.filter { $0.termEnd >= "2025-01-01" }.map(\.caseID)
        let everyID = all.map(\.caseID)
        #expect(!late.isEmpty && !water.isEmpty && !from2025.isEmpty)
        let password = f.password("admin")
        try await f.test { client in
            let s = try await client.signIn("admin", password)
            func ids(_ uri: String) async throws -> [String] {
                (try json(try await client.get(uri, s))["cases"] as! [[String: Any]]).map { $0["id"] as! String }
            }
            let q = "水务".addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
            #expect(try await ids("/api/v1/cases?q=\(q)") == water)
            #expect(try await ids("/api/v1/cases?department=audit&overdue=1") == auditLate)
            #expect(try await ids("/api/v1/cases?term_from=2025-01-01") == from2025)
            // Unknown values are left out rather than failing: an unknown department or a malformed date filters nothing.
            #expect(try await ids("/api/v1/cases?department=nobody&term_to=2024-13-45&limit=500") == everyID)

            // Sorted by term end, two a page through the API's `next`: every case once, by term end then id.
            var seen: [String] = [], uri = "/api/v1/cases?sort=term_end&limit=2"
            while true {
                let page = try json(try await client.get(uri, s))
                seen += (page["cases"] as! [[String: Any]]).map { $0["id"] as! String }
                guard let next = page["next"] as? String else { break }
                uri = "/api/v1/cases?sort=term_end&limit=2&after=" + next.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
            }
            #expect(seen == byTermEnd)

            // The page: the form keeps what was asked, each row shows what is pending and overdue, the next link keeps the order.
            let html = String(buffer: try await client.get("/cases?sort=term_end&overdue=1&limit=1", s).body)
            #expect(html.contains(#"<option value="term_end" selected>任期届满</option>"#))
            #expect(html.contains(#"name="overdue" value="1" checked"#))
            #expect(html.contains("共 \(late.count) 件"))
            #expect(html.contains(#"<td class="num late">\#(late[0].overdue)</td>"#))
            #expect(html.contains("href=\"/cases?overdue=1&amp;sort=term_end&amp;after=\(late[0].termEnd)%7C\(late[0].caseID)\""))
            let desk = String(buffer: try await client.get("/", s).body)
            #expect(desk.contains(#"<a href="/cases?overdue=1"><span class="n">\#(late.count)</span>"#))
        }
    }

    @Test("the desk lists what waits for each of the account's roles, counted from the index and linked to the list filtered to it")
    func deskTodo() async throws {
        let f = try Fixture.make()
        let (member, admin) = (f.password("shenji"), f.password("admin"))
        // A member's work is counted over the cases they see (those naming 方敏, and 2024-007 granted).
        let auditPending = try f.store.count(Store.CaseQuery(state: "auditing", pendingDepartment: "audit", visibleTo: "shenji"))
        let preparing = try f.store.count(Store.CaseQuery(state: "preparing"))
        let late = try f.store.count(Store.CaseQuery(overdueOnly: true, visibleTo: "shenji"))
        #expect(auditPending > 0 && preparing > 0)
        #expect(auditPending < (try f.store.count(Store.CaseQuery(state: "auditing", pendingDepartment: "audit"))))
        try await f.test { client in
            let m = String(buffer: try await client.get("/", try await client.signIn("shenji", member)).body)
            #expect(m.contains(#"<a href="/cases?state=auditing&amp;department=audit"><span class="n">\#(auditPending)</span> 待审计审查事项、给出结论</a>"#))
            #expect(m.contains(#"<a href="/cases?overdue=1"><span class="n">\#(late)</span>"#))
            #expect(!m.contains("组建审计组、写明交接各方"), "a member is not asked to name teams")
            let a = String(buffer: try await client.get("/", try await client.signIn("admin", admin)).body)
            #expect(a.contains(#"<a href="/cases?state=preparing"><span class="n">\#(preparing)</span> 组建审计组、写明交接各方</a>"#))
            #expect(a.contains(#"href="/cases/new""#))
            // The link leads to exactly those cases.
            let s = try await client.signIn("shenji", member)
            let listed = try json(try await client.get("/api/v1/cases?state=auditing&department=audit&limit=500", s))["total"] as? Int
            #expect(listed == auditPending)
        }
    }
}
