import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing
import TermAudit
@testable import TermAuditStore
@testable import TermAuditWeb

@Suite("Web application: workbooks")
struct ExportTests {
    static func waitUntilDone(_ client: any TestClientProtocol, _ s: Signed, _ id: String) async throws -> [String: Any] {
        for _ in 0..<600 {
            let j = try json(try await client.get("/api/v1/exports/\(id)", s))
            if j["state"] as? String != "running" { return j }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw WebTestFailure("export \(id) did not finish in 60 s")
    }

    @Test("the public workbook downloaded by a reader is byte-identical with `termaudit export --edition public` on the same store")
    func publicWorkbookMatchesTheCommandLine() async throws {
        let f = try Fixture.make()
        let url = "sqlite:" + f.dir.appendingPathComponent("store.db").path
        let out = f.dir.appendingPathComponent("cli-public.xlsx")
        let cli = try Fixture.run([Fixture.termaudit, "export", "--database", url, "--edition", "public", "--output", out.path, "--quiet"])
        #expect(cli.status == 0)
        let expected = try Data(contentsOf: out)
        let password = f.password("reader")
        let store = f.store
        try await f.test { client in
            let s = try await client.signIn("reader", password)
            var h = s.writeHeaders
            h[.contentType] = "application/json"
            let started = try await client.execute(uri: "/api/v1/exports", method: .post, headers: h, body: ByteBuffer(string: #"{"edition": "public"}"#))
            #expect(started.status == .accepted)
            let id = try #require(try json(started)["id"] as? String)
            let done = try await Self.waitUntilDone(client, s, id)
            #expect(done["state"] as? String == "done")
            // The same count the command line reports (the public edition holds only the cases it publishes).
            let said = String(decoding: cli.out, as: UTF8.self)
            #expect(said.contains("已导出 \(done["cases"] as? Int ?? -1) 个案卷"), "\(said)")
            let file = try await client.get("/api/v1/exports/\(id)/file", s)
            #expect(file.status == .ok)
            #expect(file.headers[.contentDisposition]?.hasPrefix("attachment;") == true)
            #expect(Data(file.body.readableBytesView) == expected)
            // The internal edition is not the reader's.
            let internalEdition = try await client.execute(uri: "/api/v1/exports", method: .post, headers: h, body: ByteBuffer(string: #"{"edition": "internal"}"#))
            #expect(internalEdition.status == .forbidden)
            #expect(try store.auditLog().contains { $0.action == "export" && $0.actor == "reader" })
        }
    }

    @Test("a department's fill-in workbook for chosen cases; unknown cases are named; nobody else sees the job")
    func fillInForADepartment() async throws {
        let f = try Fixture.make()
        let (pa, pb) = (f.password("shenji"), f.password("leader"))
        try await f.test { client in
            let s = try await client.signIn("shenji", pa)
            var h = s.writeHeaders
            h[.contentType] = "application/json"
            let bad = try await client.execute(uri: "/api/v1/exports", method: .post, headers: h,
                                               body: ByteBuffer(string: #"{"edition": "fill-in", "cases": ["2024-007", "2099-999"]}"#))
            #expect(bad.status == .unprocessableContent)
            #expect((try errorObject(bad)["message"] as? String)?.contains("2099-999") == true)
            let started = try await client.execute(uri: "/api/v1/exports", method: .post, headers: h,
                                                   body: ByteBuffer(string: #"{"edition": "fill-in", "department": "审计", "cases": ["2024-007", "2024-003"]}"#))
            #expect(started.status == .accepted)
            let id = try #require(try json(started)["id"] as? String)
            let done = try await Self.waitUntilDone(client, s, id)
            #expect(done["state"] as? String == "done")
            #expect(done["total"] as? Int == 2)
            #expect(done["department"] as? String == "audit")
            let file = try await client.get("/api/v1/exports/\(id)/file", s)
            #expect(Array(file.body.readableBytesView.prefix(2)) == Array("PK".utf8))
            let other = try await client.signIn("leader", pb)
            #expect(try await client.get("/api/v1/exports/\(id)", other).status == .notFound)
            #expect(try await client.get("/api/v1/exports/\(id)/file", other).status == .notFound)
        }
    }

    @Test("the workbooks page starts an export from its form and shows its progress, then the file")
    func workbooksPage() async throws {
        let f = try Fixture.make()
        let password = f.password("admin")
        try await f.test { client in
            let s = try await client.signIn("admin", password)
            let page = String(buffer: try await client.get("/workbooks?case=2024-007", s).body)
            #expect(page.contains("value=\"2024-007\""))
            let r = try await client.execute(uri: "/workbooks/export", method: .post,
                                             headers: [.cookie: s.cookie, .contentType: "application/x-www-form-urlencoded"],
                                             body: ByteBuffer(string: "_csrf=\(s.csrf)&edition=internal&department=&state=&cases=2024-007"))
            #expect(r.status == .seeOther)
            let location = try #require(r.headers[.location])
            #expect(location.hasPrefix("/workbooks/jobs/"))
            let id = String(location.dropFirst("/workbooks/jobs/".count))
            _ = try await Self.waitUntilDone(client, s, id)
            let job = String(buffer: try await client.get(location, s).body)
            #expect(job.contains("完成，1 个案卷"))
            #expect(job.contains("href=\"/workbooks/jobs/\(id)/file\""))
        }
    }
}
