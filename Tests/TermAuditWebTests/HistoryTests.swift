import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing
import TermAudit
@testable import TermAuditStore
@testable import TermAuditWeb

@Suite("Web application: history")
struct HistoryTests {
    @Test("the history shows who changed which field when, newest first, and that the chain holds; a tampered revision is named")
    func history() async throws {
        let f = try Fixture.make()
        let password = f.password("leader")
        let store = f.store
        try await f.test { client in
            let s = try await client.signIn("leader", password)
            let got = try await client.get("/api/v1/cases/2024-007/sections/indicators", s)
            let text = String(buffer: got.body).replacingOccurrences(of: "\"actual\": 5.2", with: "\"actual\": 4.1")
            #expect(try await client.put("/api/v1/cases/2024-007/sections/indicators", s, revision: 1, text).status == .ok)

            let page = try await client.get("/cases/2024-007/history", s)
            #expect(page.status == .ok)
            let html = String(buffer: page.body)
            #expect(html.contains("哈希链完整：2 个版本逐一核验"))
            #expect(html.contains("第 2 版"))
            #expect(html.contains("leader"))
            #expect(html.contains(">5.2</td>"))
            #expect(html.contains(">4.1</td>"))
            #expect(html.range(of: "第 2 版")!.lowerBound < html.range(of: "第 1 版")!.lowerBound)

            let api = try json(try await client.get("/api/v1/cases/2024-007/history", s))
            #expect(api["chain_ok"] as? Bool == true)
            let revisions = try #require(api["revisions"] as? [[String: Any]])
            #expect(revisions.map { $0["author"] as? String } == ["demo", "leader"])
            let changes = try #require(revisions[1]["changes"] as? [[String: Any]])
            #expect(changes.contains { ($0["path"] as? String)?.contains("actual") == true && $0["old"] as? String == "5.2" && $0["new"] as? String == "4.1" })

            // Someone edits the database behind termaudit's back: the page says which revision is broken.
            try store.db.write { sql in
                try sql.raw("DROP TRIGGER case_revisions_no_update").run().wait()
                try sql.raw("UPDATE case_revisions SET author = 'someone' WHERE case_id = '2024-007' AND revision = 1").run().wait()
            }
            let broken = String(buffer: try await client.get("/cases/2024-007/history", s).body)
            #expect(broken.contains("哈希链被破坏"))
            #expect(broken.contains("case 2024-007 revision 1: its hash does not match its facts"))
            #expect(try json(try await client.get("/api/v1/cases/2024-007/history", s))["chain_ok"] as? Bool == false)
        }
    }
}
