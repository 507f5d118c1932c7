import Foundation
import Testing
import TermAudit
@testable import TermAuditLoader

/// The streaming reader: order, the background transform, stopping, and the same report as `WorkspaceLoader.load`.
@Suite("Case stream")
struct CaseStreamTests {
    /// A temporary workspace with the sample settings (checklists by absolute path) and these case files.
    static func workspace(_ files: [String: String]) throws -> URL {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("termaudit-stream-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root.appendingPathComponent("cases"), withIntermediateDirectories: true)
        let config = try String(contentsOf: Fixtures.samples.appendingPathComponent("termaudit.yaml"), encoding: .utf8)
            .replacingOccurrences(of: "library: ../checklists", with: "library: \"\(Fixtures.checklists.path)\"")
        try config.write(to: root.appendingPathComponent("termaudit.yaml"), atomically: true, encoding: .utf8)
        for (name, text) in files {
            let url = root.appendingPathComponent("cases/\(name)")
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try text.write(to: url, atomically: true, encoding: .utf8)
        }
        return root
    }

    /// The valid fixture case with another id line.
    static func valid(idLine: String) -> String {
        // The samples' settings track departments (audit_program): the finding names the department that found it.
        Fixtures.valid.replacingOccurrences(of: "id: T-1\n", with: idLine + "\n")
            .replacingOccurrences(of: "status: resolved}", with: "status: resolved, department: audit}")
    }

    /// Counts calls from any thread.
    final class Counter: @unchecked Sendable {   // `count` is only touched with `lock` held
        private let lock = NSLock()
        private var n = 0
        func add() { lock.lock(); n += 1; lock.unlock() }
        var count: Int { lock.lock(); defer { lock.unlock() }; return n }
    }

    @Test("the transform runs off the calling thread; results come back in case-id order", arguments: [1, 3, 64])
    func orderAndTransform(batch: Int) throws {
        let (opened, diagnostics) = WorkspaceLoader.openStream(path: Fixtures.samples.path)
        let stream = try #require(opened, "\(diagnostics)")
        #expect(stream.entries.count == 35)
        var seen: [String] = []
        var results: [(String, Bool)?] = []
        stream.forEach(batch: batch, transform: { c in (c.id, Thread.isMainThread) }) { c, diagnostics, result in
            #expect(diagnostics.isEmpty)
            seen.append(c?.id ?? "?")
            results.append(result)
        }
        #expect(results.map { $0?.0 } == seen)
        #expect(results.allSatisfy { $0?.1 == false })
        #expect(seen == stream.entries.map { $0.id! })
        #expect(seen == seen.sorted())
        let loaded = WorkspaceLoader.load(path: Fixtures.samples.path)
        #expect(seen == loaded.workspace?.cases.map(\.id))
    }

    struct Stop: Error {}

    @Test("when the body throws, the error comes out and no background work is left running")
    func stopping() throws {
        let (opened, _) = WorkspaceLoader.openStream(path: Fixtures.samples.path)
        let stream = try #require(opened)
        let calls = Counter()
        var handled = 0
        #expect(throws: Stop.self) {
            try stream.forEach(batch: 2, transform: { _ in calls.add() }) { _, _, _ in
                handled += 1
                if handled == 3 { throw Stop() }
            }
        }
        #expect(handled == 3)
        let after = calls.count
        #expect(after >= 3 && after <= 3 + 2 * 2 + 2)   // what was taken, the window, and one in flight per worker
        Thread.sleep(forTimeInterval: 0.2)
        #expect(calls.count == after)
    }

    @Test("files with errors reach the body with their diagnostics, without a transform result")
    func errorsSkipTheTransform() throws {
        let root = try Self.workspace(["a.yaml": Self.valid(idLine: "id: A-1"),
                                       "b.yaml": Self.valid(idLine: "id: B-1").replacingOccurrences(of: "rank: principal", with: "rank: principle"),
                                       "c.yaml": "id: C-1\nofficial: [\n"])
        defer { try? FileManager.default.removeItem(at: root) }
        let (opened, _) = WorkspaceLoader.openForChecking(path: root.path)
        let stream = try #require(opened)
        var results: [String: Bool] = [:]
        stream.forEach(transform: { $0.id }) { c, diagnostics, id in
            let file = diagnostics.first?.location.file ?? c?.location.file ?? "?"
            results[String(file.suffix(6))] = id != nil
            if id != nil { #expect(diagnostics.allSatisfy { $0.severity != .error }) }
        }
        #expect(results == ["a.yaml": true, "b.yaml": false, "c.yaml": false])
    }

    @Test("quick scan: only ids read for certain; anything else is left to the parser",
          arguments: [("id: 2024-001", "2024-001"), ("id: \"2024-001\"", "2024-001"), ("id: '2024-001'", "2024-001"),
                      ("id: 2024-001  # 注释", "2024-001"), ("id: 2024-001\r", "2024-001"),
                      ("id: \"2024\\x2D001\"", nil), ("id: !!str 2024-001", nil), ("id: &a 2024-001", nil),
                      ("id: 2024-001\t# tab before the comment", nil), ("id:\n  2024-001", nil), ("id: 'it''s'", nil),
                      ("id: ~", nil), ("\"id\": 2024-001", nil), ("{id: 2024-001,", nil)] as [(String, String?)])
    func quickID(_ line: String, _ expected: String?) throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("termaudit-quickid-\(UUID().uuidString).yaml")
        try "# comment\n\(line)\nofficial: {}\n".write(to: url, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: url) }
        #expect(WorkspaceLoader.quickID(path: url.path) == expected)
    }

    @Test("cases whose id the quick scan cannot read are still ordered by their id, as `load` orders them")
    func oddIDsInOrder() throws {
        let root = try Self.workspace(["1.yaml": Self.valid(idLine: "id: C-3"),
                                       "2.yaml": Self.valid(idLine: "id: \"A\\x2D1\""),
                                       "3.yaml": Self.valid(idLine: "id:\n  B-2"),
                                       "4.yaml": Self.valid(idLine: "id: D-4\t# tab"),
                                       "5.yaml": Self.valid(idLine: "id: !!str E-5")])
        defer { try? FileManager.default.removeItem(at: root) }
        let (opened, diagnostics) = WorkspaceLoader.openStream(path: root.path)
        let stream = try #require(opened, "\(diagnostics)")
        var ids: [String] = []
        stream.forEach { c, _ in if let c { ids.append(c.id) } }
        #expect(ids == ["A-1", "B-2", "C-3", "D-4", "E-5"])
        #expect(ids == WorkspaceLoader.load(path: root.path).workspace?.cases.map(\.id))
    }

    @Test("CaseCheck over a stream reports exactly what `load` reports: settings, every file, duplicate ids")
    func sameReportAsLoad() throws {
        let dup = Self.valid(idLine: "id: A-1")
        let root = try Self.workspace(["x/a.yaml": dup, "b.yaml": dup, "z.yaml": dup,
                                       "c.yaml": Self.valid(idLine: "id: C-1").replacingOccurrences(of: "rank: principal", with: "rank: principle"),
                                       "d.yaml": "id: A-1\nofficial: [\n",
                                       "e.yaml": Self.valid(idLine: "id: E-1").replacingOccurrences(of: "seals: done", with: "seal: done")])
        defer { try? FileManager.default.removeItem(at: root) }
        for policy in [nil, "no-such-policy"] as [String?] {
            let loaded = WorkspaceLoader.load(path: root.path, policyOverride: policy)
            let (opened, settings) = WorkspaceLoader.openForChecking(path: root.path, policyOverride: policy)
            let stream = try #require(opened)
            var check = CaseCheck(settings: settings)
            stream.forEach { c, diagnostics in check.add(c, diagnostics) }
            #expect(check.diagnostics() == loaded.diagnostics)
            #expect(check.caseCount == loaded.workspace?.cases.count)
            #expect(check.caseIDs == loaded.workspace?.cases.map(\.id))
            #expect(check.hasErrors)
            #expect(stream.entries.count == loaded.files.count)
            #expect(check.diagnostics().filter { $0.code == "duplicate-case" }.count == 2)
        }
    }

    @Test("openForChecking gives load's refusals when there is no workspace to stream")
    func noWorkspace() throws {
        let missing = "/nonexistent/\(UUID().uuidString)"
        let (opened, diagnostics) = WorkspaceLoader.openForChecking(path: missing)
        #expect(opened == nil)
        #expect(diagnostics == WorkspaceLoader.load(path: missing).diagnostics)
    }
}
