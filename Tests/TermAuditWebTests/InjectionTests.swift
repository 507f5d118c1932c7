import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing
import TermAudit
@testable import TermAuditStore
@testable import TermAuditWeb

/// SQL-injection strings are data: stored and shown verbatim (escaped in pages), never run; the store's tables are
/// intact afterwards. (Every query binds its values; `AccountTests` and `CaseQueryTests` do the same on PostgreSQL.)
@Suite struct InjectionTests {
    static let payloads = [
        "'; DROP TABLE cases;--", "' OR '1'='1", "\" OR \"\"=\"", "\\'; DELETE FROM accounts; --", "%' AND 1=1 --",
        "1; SELECT pg_sleep(5)", "$$; DROP TABLE audit_log; $$", "') OR ('x'='x", "admin'--",
    ]

    @Test("injection strings in a finding, an account, a search, a sign-in and a URL are stored and shown verbatim; nothing else changes")
    func verbatim() async throws {
        var lenient = ThrottleSettings()
        lenient.free = 100   // the sign-ins below all come from one address
        let f = try Fixture.make(sessions: SessionSettings(throttle: lenient), grants: [])
        let (leader, admin) = (f.password("leader"), f.password("admin"))
        let store = f.store
        let cases = try store.count(), accounts = try store.accounts().count
        try await f.test { client in
            let l = try await client.signIn("leader", leader), a = try await client.signIn("admin", admin)
            // Findings of 2024-027 (led by 陆佳): one per payload, title and note.
            let uri = "/api/v1/cases/2024-027/sections/findings"
            let got = try await client.get(uri, l)
            let revision = Int(try #require(got.headers[.eTag]).trimmingCharacters(in: CharacterSet(charactersIn: "\"")))!
            var findings = try JSONSerialization.jsonObject(with: Data(String(buffer: got.body).utf8), options: .fragmentsAllowed) as? [[String: Any]] ?? []
            for (i, p) in Self.payloads.enumerated() {
                findings.append(["id": "FI\(i)", "title": p, "category": "other", "status": "resolved", "department": "audit", "note": p + " note"])
            }
            let body = String(decoding: try JSONSerialization.data(withJSONObject: findings), as: UTF8.self)
            let put = try await client.put(uri, l, revision: revision, body)
            #expect(put.status == .ok, "\(String(buffer: put.body).prefix(1200))")
            let back = try #require(try JSONSerialization.jsonObject(with: Data(String(buffer: try await client.get(uri, l).body).utf8)) as? [[String: Any]])
            for (i, p) in Self.payloads.enumerated() {
                let row = back.first { $0["id"] as? String == "FI\(i)" }
                #expect(row?["title"] as? String == p)
                #expect(row?["note"] as? String == p + " note")
            }
            let page = String(buffer: try await client.get("/cases/2024-027", l).body)
            #expect(page.contains("&#39;; DROP TABLE cases;--"))
            #expect(page.contains("&quot; OR &quot;&quot;=&quot;"))

            // An account whose names are payloads, added in 账号管理.
            let added = try await client.execute(uri: "/admin/accounts", method: .post,
                                                 headers: [.cookie: a.cookie, .contentType: "application/x-www-form-urlencoded"],
                                                 body: ByteBuffer(string: SectionFormTests.encode([
                                                     ("_csrf", a.csrf), ("username", "odd.one"), ("display_name", Self.payloads[0]),
                                                     ("person", Self.payloads[1]), ("role", "reader"), ("department", ""), ("case", ""),
                                                     ("password", "a-long-passphrase"), ("again", "a-long-passphrase")])))
            #expect(added.status == .seeOther, "\(String(buffer: added.body).prefix(300))")
            #expect(try store.account("odd.one")?.displayName == Self.payloads[0])
            #expect(try store.account("odd.one")?.person == Self.payloads[1])

            // Searches, sign-ins and case ids made of payloads: plain answers, no error, nothing found that does not match.
            for p in Self.payloads {
                let q = p.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
                let list = try await client.get("/api/v1/cases?q=\(q)", a)
                #expect(list.status == .ok)
                #expect((try json(list)["cases"] as? [Any])?.isEmpty == true, "search \(p)")
                let signIn = try await client.execute(uri: "/api/v1/session", method: .post, headers: [.contentType: "application/json"],
                                                      body: ByteBuffer(data: try JSONSerialization.data(withJSONObject: ["username": p, "password": p])))
                #expect(signIn.status == .unauthorized)
                #expect(try await client.get("/api/v1/cases/\(q)", a).status == .notFound)
            }
            // The tables are whole: the cases and accounts there were, plus the one added.
            #expect(try store.count() == cases)
            #expect(try store.accounts().count == accounts + 1)
            #expect(try store.checkAuditLog().isEmpty)
            // A sign-in name that is no account name is logged as "-", never as typed.
            #expect(!(try store.auditLog()).contains { $0.subject.contains("DROP") })
        }
    }
}

/// Request bodies are bounded: forms and JSON at 1 MiB (workbook uploads have their own 32 MiB limit, checked as
/// the import checks workbooks); a larger body is refused with 413 and nothing is read further or written.
@Suite struct BodyLimitTests {
    @Test("a body over the limit answers 413 on the sign-in, a section and a form; nothing is written")
    func limits() async throws {
        let f = try Fixture.make(grants: [])
        let leader = f.password("leader")
        let store = f.store
        let before = try store.revisions(of: "2024-027").count
        try await f.test { client in
            let big = String(repeating: "a", count: 1_100_000)
            let signIn = try await client.execute(uri: "/api/v1/session", method: .post, headers: [.contentType: "application/json"],
                                                  body: ByteBuffer(string: #"{"username": "leader", "password": "\#(big)"}"#))
            #expect(signIn.status == .contentTooLarge)
            let s = try await client.signIn("leader", leader)
            let put = try await client.put("/api/v1/cases/2024-027/sections/indicators", s, revision: before, #"[{"id": "\#(big)"}]"#)
            #expect(put.status == .contentTooLarge)
            let form = try await client.execute(uri: "/cases/2024-027/edit/indicators", method: .post,
                                                headers: [.cookie: s.cookie, .contentType: "application/x-www-form-urlencoded",
                                                          HTTPField.Name("X-CSRF-Token")!: s.csrf],
                                                body: ByteBuffer(string: "_revision=\(before)&indicators%5B0%5D.name=\(big)"))
            #expect(form.status == .contentTooLarge)
            #expect(try store.revisions(of: "2024-027").count == before)
        }
    }
}
