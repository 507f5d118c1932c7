import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing
import TermAudit
@testable import TermAuditStore
@testable import TermAuditWeb

@Suite("Web application: opening a new case")
struct NewCaseTests {
    static func form(_ fields: [(String, String)], csrf: String) -> String {
        SectionFormTests.encode([("_csrf", csrf)] + fields)
    }

    static let facts: [(String, String)] = [
        ("id", "2024-036"), ("official.name", "周明"), ("post.unit", "青山县水务局"), ("post.title", "副局长"), ("post.rank", "deputy"),
        ("post.level", "副科级"), ("post.system", ""), ("post.basis", "appointed"), ("post.decided", "2021-03-01"), ("trigger", "transfer"),
        ("folder", "县直部门"),
    ]

    @Test("the clerk opens a case: the form suggests the next id; wrong fields come back under their inputs; the case is the command line's skeleton, byte for byte")
    func opensACase() async throws {
        let f = try Fixture.make()
        let password = f.password("admin")
        let before = try f.store.count()
        // What `termaudit new case` writes for the same facts, in a copy of the samples.
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("termaudit-newcase-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        for part in ["samples", "checklists"] {
            try FileManager.default.copyItem(at: Fixture.repo.appendingPathComponent(part), to: dir.appendingPathComponent(part))
        }
        let cli = try Fixture.run([Fixture.termaudit, "new", "case", "2024-036", dir.appendingPathComponent("samples").path, "--official", "周明",
                                   "--unit", "青山县水务局", "--title", "副局长", "--rank", "副职", "--level", "副科级", "--decided", "2021-03-01",
                                   "--trigger", "transfer", "--folder", "县直部门"], stderr: true)
        #expect(cli.status == 0, "\(cli.err)")
        let expected = try String(contentsOf: dir.appendingPathComponent("samples/cases/县直部门/2024-036.yaml"), encoding: .utf8)
        let store = f.store
        try await f.test { client in
            let s = try await client.signIn("admin", password)
            let page = String(buffer: try await client.get("/cases/new", s).body)
            #expect(page.contains(#"<input id="f-id" name="id" value="2024-036">"#))
            #expect(page.contains(#"<label for="f-post-unit">单位 *</label>"#))
            #expect(page.contains(#"<option value="县直部门">县直部门</option>"#))
            #expect(String(buffer: try await client.get("/cases", s).body).contains(#"href="/cases/new""#))

            func post(_ fields: [(String, String)]) async throws -> TestResponse {
                try await client.execute(uri: "/cases/new", method: .post, headers: [.cookie: s.cookie, .contentType: "application/x-www-form-urlencoded"],
                                         body: ByteBuffer(string: Self.form(fields, csrf: s.csrf)))
            }
            // Missing and wrong fields: each under its input, what was typed kept, nothing created.
            let bad = try await post(Self.facts.map { k, v in
                k == "official.name" ? (k, "") : k == "post.decided" ? (k, "2021-02-30") : k == "post.unit" ? (k, "不存在的单位") : (k, v)
            })
            #expect(bad.status == .ok)
            let html = String(buffer: bad.body)
            #expect(html.contains(#"<p class="field-error" id="f-official-name-error">请填写姓名 (required)</p>"#))
            #expect(html.contains(#"id="f-post-decided-error">&#39;2021-02-30&#39; 不是日期"#))
            #expect(html.contains(#"id="f-post-system-error">单位「不存在的单位」不在单位名册中"#))
            #expect(html.contains(#"value="不存在的单位""#))
            #expect(try store.count() == before)
            // A bad id is the loader's error, under the id.
            let badID = String(buffer: try await post(Self.facts.map { $0.0 == "id" ? ($0.0, "2024 036") : $0 }).body)
            #expect(badID.contains(#"id="f-id-error">id &#39;2024 036&#39; is not a valid id"#))

            let made = try await post(Self.facts)
            #expect(made.status == .seeOther)
            #expect(made.headers[.location] == "/cases/2024-036")
            #expect(try store.count() == before + 1)
            let body = try #require(try store.caseBodies(["2024-036"])["2024-036"])
            #expect(body.body == expected)
            #expect(body.path == "cases/县直部门/2024-036.yaml")
            let api = try json(try await client.get("/api/v1/cases/2024-036", s))
            #expect(api["state"] as? String == "preparing")
            let history = try json(try await client.get("/api/v1/cases/2024-036/history", s))
            #expect((history["revisions"] as? [[String: Any]])?.first?["author"] as? String == "admin")
            // The same id again: refused, nothing written.
            let again = String(buffer: try await post(Self.facts).body)
            #expect(again.contains("案卷编号或文件已被占用"))
            #expect(try store.count() == before + 1)
            #expect(String(buffer: try await client.get("/cases/new", s).body).contains(#"value="2024-037""#))
        }
    }

    @Test("the API opens a case (201), names wrong fields by their API key (422), refuses a taken id (409) and roles that do not open cases (403); text is stored verbatim and shown escaped")
    func api() async throws {
        let f = try Fixture.make()
        let (admin, member) = (f.password("admin"), f.password("shenji"))
        try await f.test { client in
            let s = try await client.signIn("admin", admin)
            let hostile = #"<script>alert(1)</script>'; DROP TABLE cases;--"#
            func post(_ s: Signed, _ body: [String: Any]) async throws -> TestResponse {
                try await client.postJSON("/api/v1/cases", s, body)
            }
            var body: [String: Any] = ["id": "2025-001", "official": hostile, "unit": "青山县水务局", "title": "局长", "rank": "principal",
                                       "level": "正科级", "decided": "2021-03-01", "trigger": "term_end"]
            let made = try await post(s, body)
            #expect(made.status == .created, "\(String(buffer: made.body))")
            #expect(try json(made)["revision"] as? Int == 1)
            #expect(try json(try await client.get("/api/v1/cases/2025-001", s))["name"] as? String == hostile)
            let page = String(buffer: try await client.get("/cases/2025-001", s).body)
            #expect(page.contains("&lt;script&gt;alert(1)&lt;/script&gt;&#39;; DROP TABLE cases;--"))
            #expect(!page.contains("<script>alert(1)"))
            #expect(try await post(s, body).status == .conflict)
            body["id"] = "2025-002"
            body["rank"] = "boss"
            let bad = try await post(s, body)
            #expect(bad.status == .unprocessableContent)
            #expect((try errorObject(bad)["fields"] as? [[String: Any]])?.first?["path"] as? String == "rank")
            let m = try await client.signIn("shenji", member)
            body["rank"] = "principal"
            #expect(try await post(m, body).status == .forbidden)
            #expect(try await client.get("/cases/new", m).status == .forbidden)
        }
    }
}
