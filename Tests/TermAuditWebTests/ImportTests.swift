import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing
import TermAudit
@testable import TermAuditStore
@testable import TermAuditWeb

@Suite("Web application: uploading a filled workbook")
struct WebImportTests {
    /// Fills cells of a fill-in workbook with openpyxl, as a person would in a spreadsheet.
    static func fill(_ data: Data, in dir: URL, _ edits: [(sheet: String, caseID: String, key: String, header: String, value: String)]) throws -> Data {
        let src = dir.appendingPathComponent("fill-in-\(UUID().uuidString).xlsx"), dst = dir.appendingPathComponent("filled-\(UUID().uuidString).xlsx")
        try data.write(to: src)
        var py = "import openpyxl, sys\nwb = openpyxl.load_workbook(sys.argv[1])\n"
        py += "def put(sheet, case, key, header, value):\n"
        py += "    ws = wb[sheet]\n    cols = {ws.cell(1, c).value: c for c in range(1, ws.max_column + 1)}\n"
        py += "    for r in range(2, ws.max_row + 1):\n"
        py += "        if ws.cell(r, 1).value == case and str(ws.cell(r, 2).value) == key:\n"
        py += "            ws.cell(r, cols[header]).value = value\n            return\n"
        py += "    raise SystemExit('no row %s %s %s' % (sheet, case, key))\n"
        for e in edits { py += "put('\(e.sheet)', '\(e.caseID)', '\(e.key)', '\(e.header)', \(e.value))\n" }
        py += "wb.save(sys.argv[2])\n"
        let script = dir.appendingPathComponent("fill-\(UUID().uuidString).py")
        try py.write(to: script, atomically: true, encoding: .utf8)
        let r = try Fixture.run(["python3", script.path, src.path, dst.path])
        guard r.status == 0 else { throw WebTestFailure("openpyxl failed") }
        return try Data(contentsOf: dst)
    }

    static func fillInWorkbook(_ client: any TestClientProtocol, _ s: Signed) async throws -> Data {
        var h = s.writeHeaders
        h[.contentType] = "application/json"
        let started = try await client.execute(uri: "/api/v1/exports", method: .post, headers: h,
                                               body: ByteBuffer(string: #"{"edition": "fill-in", "cases": ["2024-007"]}"#))
        let id = try #require(try json(started)["id"] as? String)
        _ = try await ExportTests.waitUntilDone(client, s, id)
        return Data(try await client.get("/api/v1/exports/\(id)/file", s).body.readableBytesView)
    }

    static let edits: [(sheet: String, caseID: String, key: String, header: String, value: String)] = [
        ("指标", "2024-007", "fiscal-revenue", "完成值", "5.5"),
        ("问题与整改", "2024-007", "F2", "整改状态", "'持续整改'"),
    ]

    @Test("through the API: the preview lists each change, applying writes one revision under the uploader's name")
    func api() async throws {
        let f = try Fixture.make()
        let password = f.password("leader")
        let store = f.store, dir = f.dir
        try await f.test { client in
            let s = try await client.signIn("leader", password)
            let filled = try Self.fill(try await Self.fillInWorkbook(client, s), in: dir, Self.edits)
            var h = s.writeHeaders
            h[.contentType] = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            let preview = try await client.execute(uri: "/api/v1/imports", method: .post, headers: h, body: ByteBuffer(bytes: filled))
            #expect(preview.status == .ok)
            let p = try json(preview)
            let changes = try #require(p["changes"] as? [[String: Any]])
            #expect(changes.count == 2)
            #expect(changes.contains { $0["case"] as? String == "2024-007" && $0["new"] as? String == "5.5" })
            #expect(p["cases"] as? [String] == ["2024-007"])
            #expect(try store.revisions(of: "2024-007").count == 1)
            let apply = try await client.execute(uri: try #require(p["apply"] as? String), method: .post, headers: s.writeHeaders)
            #expect(apply.status == .ok)
            let head = try #require(try store.revisions(of: "2024-007").last)
            #expect(head.revision == 2)
            #expect(head.author == "leader")
            #expect(head.body?.contains("actual: 5.5") == true)
            #expect(head.body?.contains("status: rectifying") == true)
            // A preview is applied once.
            #expect(try await client.execute(uri: p["apply"] as! String, method: .post, headers: s.writeHeaders).status == .notFound)
            // Not a workbook: the problem is named, nothing happens.
            let junk = try await client.execute(uri: "/api/v1/imports", method: .post, headers: h, body: ByteBuffer(string: "not a workbook"))
            #expect(junk.status == .unprocessableContent)
            #expect(((try errorObject(junk)["fields"] as? [[String: Any]])?.first?["message"] as? String)?.contains("fill-in") == true)
        }
    }

    @Test("a member's workbook that changes another department's item is refused whole, names it, writes nothing, is logged")
    func anotherDepartmentsItemIsRefused() async throws {
        let f = try Fixture.make()
        let password = f.password("shenji")   // a member of the audit department on 2024-007
        let store = f.store, dir = f.dir
        try await f.test { client in
            let s = try await client.signIn("shenji", password)
            let blank = try await Self.fillInWorkbook(client, s)
            var h = s.writeHeaders
            h[.contentType] = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            func upload(_ workbook: Data) async throws -> (status: HTTPResponse.Status, paths: [String], messages: String) {
                let r = try await client.execute(uri: "/api/v1/imports", method: .post, headers: h, body: ByteBuffer(bytes: workbook))
                guard r.status != .ok else { return (r.status, [], "") }
                let fields = (try errorObject(r)["fields"] as? [[String: Any]]) ?? []
                return (r.status, fields.compactMap { $0["path"] as? String }, fields.compactMap { $0["message"] as? String }.joined(separator: "\n"))
            }
            // The audit department's own item, and a 纪检监察 item beside it: the whole workbook is refused.
            let own = ("审计事项", "2024-007", "policy-implementation", "状态", "'未发现问题'")
            let other = ("审计事项", "2024-007", "integrity", "状态", "'未发现问题'")
            let mixed = try await upload(try Self.fill(blank, in: dir, [own, other]))
            #expect(mixed.status == .unprocessableContent)
            #expect(mixed.messages.contains("2024-007"))
            #expect(mixed.messages.contains("audit.items.integrity"), "\(mixed.messages)")
            // In the workbook's words: the sheet, the item's label and department, and what is the member's.
            #expect(mixed.paths == ["审计事项"])
            #expect(mixed.messages.contains("审计事项「经济活动中落实党风廉政建设责任和遵守廉洁从政规定」（纪检监察）的状态不在您的职责范围内（您只改审计的审计事项与结论"),
                    "\(mixed.messages)")
            #expect(!mixed.messages.contains("policy-implementation"), "\(mixed.messages)")
            // Another department's conclusion too.
            let conclusion = [("部门结论", "2024-007", "discipline", "结论", "'未发现问题'"), ("部门结论", "2024-007", "discipline", "结论人", "'赵红'"),
                              ("部门结论", "2024-007", "discipline", "日期", "__import__('datetime').date(2024, 12, 20)")]
            let theirs = try await upload(try Self.fill(blank, in: dir, conclusion))
            #expect(theirs.status == .unprocessableContent)
            #expect(theirs.messages.contains("audit.conclusions.discipline"), "\(theirs.messages)")
            #expect(theirs.paths.allSatisfy { $0 == "部门结论" } && theirs.messages.contains("纪检监察的部门结论的结论人"), "\(theirs.messages)")
            #expect(try store.revisions(of: "2024-007").count == 1)
            let log = try store.auditLog()
            #expect(log.filter { $0.actor == "shenji" && $0.action == "denied" && $0.subject == "import" && $0.outcome == "not-yours" }.count == 2)
            // Their own item alone goes through to the preview, and applying it writes one revision.
            let ok = try await client.execute(uri: "/api/v1/imports", method: .post, headers: h, body: ByteBuffer(bytes: try Self.fill(blank, in: dir, [own])))
            #expect(ok.status == .ok)
            let apply = try await client.execute(uri: try #require(try json(ok)["apply"] as? String), method: .post, headers: s.writeHeaders)
            #expect(apply.status == .ok)
            #expect(try store.revisions(of: "2024-007").count == 2)
        }
    }

    @Test("through the page: the upload form, the preview page, and applying it")
    func page() async throws {
        let f = try Fixture.make()
        let password = f.password("shenji")
        let store = f.store, dir = f.dir
        try await f.test { client in
            let s = try await client.signIn("shenji", password)
            let filled = try Self.fill(try await Self.fillInWorkbook(client, s), in: dir, Self.edits)
            let boundary = "----termaudit\(UUID().uuidString.prefix(8))"
            var body = Data("--\(boundary)\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\n\(s.csrf)\r\n".utf8)
            body += Data("--\(boundary)\r\nContent-Disposition: form-data; name=\"workbook\"; filename=\"审计填报.xlsx\"\r\n".utf8)
            body += Data("Content-Type: application/vnd.openxmlformats-officedocument.spreadsheetml.sheet\r\n\r\n".utf8) + filled
            body += Data("\r\n--\(boundary)--\r\n".utf8)
            let up = try await client.execute(uri: "/workbooks/import", method: .post,
                                              headers: [.cookie: s.cookie, .contentType: "multipart/form-data; boundary=\(boundary)"],
                                              body: ByteBuffer(bytes: body))
            #expect(up.status == .seeOther)
            let location = try #require(up.headers[.location])
            let preview = String(buffer: try await client.get(location, s).body)
            #expect(preview.contains("2 处改动，涉及 1 个案卷"))
            #expect(preview.contains("审计填报.xlsx"))
            let apply = try await client.execute(uri: location + "/apply", method: .post,
                                                 headers: [.cookie: s.cookie, .contentType: "application/x-www-form-urlencoded"],
                                                 body: ByteBuffer(string: "_csrf=\(s.csrf)"))
            #expect(apply.status == .seeOther)
            #expect(apply.headers[.location] == "/cases/2024-007/history")
            #expect(try store.revisions(of: "2024-007").last?.author == "shenji")
            // Without the token in the form, the upload is refused.
            var noToken = Data("--\(boundary)\r\nContent-Disposition: form-data; name=\"workbook\"; filename=\"x.xlsx\"\r\n\r\n".utf8) + filled
            noToken += Data("\r\n--\(boundary)--\r\n".utf8)
            let refused = try await client.execute(uri: "/workbooks/import", method: .post,
                                                   headers: [.cookie: s.cookie, .contentType: "multipart/form-data; boundary=\(boundary)"],
                                                   body: ByteBuffer(bytes: noToken))
            #expect(refused.status == .forbidden)
        }
    }
}
