import Foundation
import Testing
import TermAudit
import TermAuditLoader
@testable import TermAuditStore

/// A process killed with SIGKILL at any moment of a write leaves the previous or the new state, never a torn one.
@Suite struct DurabilityTests {
    /// Imports of a generated workspace, each changing every case, killed at a random moment; after each kill the
    /// store verifies and every case is at the same revision (all of the import or none of it).
    @Test func aKilledImportLeavesAllOrNothing() throws {
        let dir = try S.tempDir()
        let ws = dir.appendingPathComponent("ws")
        let made = try S.run([S.termaudit, "sample", "--cases", "400", "--seed", "7", "--out", ws.path,
                              "--library", S.repo.appendingPathComponent("checklists").path])
        #expect(made.status == 0, "\(made.err)")
        let db = dir.appendingPathComponent("store.db").path
        let first = try S.run([S.termaudit, "db", "import", ws.path, "--database", db])
        #expect(first.status == 0, "\(first.err)")
        let caseFiles = FileManager.default.enumerator(atPath: ws.appendingPathComponent("cases").path)!
            .compactMap { $0 as? String }.filter { $0.hasSuffix(".yaml") }.map { ws.appendingPathComponent("cases/\($0)") }
        var rng = SystemRandomNumberGenerator()
        var expected = 1   // every case's revision, as the last completed import left it
        var killed = 0
        for round in 1...8 {
            for f in caseFiles {
                let h = try FileHandle(forWritingTo: f)
                try h.seekToEnd()
                try h.write(contentsOf: Data("# round \(round)\n".utf8))
                try h.close()
            }
            let p = Process()
            p.executableURL = URL(fileURLWithPath: S.termaudit)
            p.arguments = ["db", "import", ws.path, "--database", db, "--note", "round \(round)"]
            p.standardOutput = FileHandle.nullDevice
            p.standardError = FileHandle.nullDevice
            try p.run()
            usleep(UInt32.random(in: 50_000...3_000_000, using: &rng))
            if p.isRunning {
                kill(p.processIdentifier, SIGKILL)
                killed += 1
            }
            p.waitUntilExit()
            let completed = p.terminationReason == .exit && p.terminationStatus == 0
            let store = try S.open(.sqlite(path: db), create: false)
            let revisions = Set(try store.heads().map(\.revision))
            let total = try store.revisionPage(after: nil, limit: 1_000_000).count
            S.close(store)
            // One revision number for every case: the import before, or this one — which a kill can also reach when it
            // lands after the commit and before the process ends.
            let after = completed ? [expected + 1] : [expected, expected + 1]
            #expect(revisions.count == 1 && after.contains(revisions.first ?? 0),
                    "round \(round): \(completed ? "completed" : "killed"), revisions \(revisions.sorted())")
            let now = revisions.first ?? expected
            #expect(total == caseFiles.count * now)
            expected = now
            if !completed {
                // Whatever the killed import left, importing again brings every case to the current text.
                let redo = try S.run([S.termaudit, "db", "import", ws.path, "--database", db])
                #expect(redo.status == 0, "\(redo.err)")
                let store = try S.open(.sqlite(path: db), create: false)
                let redone = Set(try store.heads().map(\.revision))
                S.close(store)
                #expect(redone.count == 1 && redone.first! >= expected)
                expected = redone.first ?? expected
            }
        }
        let store = try S.open(.sqlite(path: db), create: false)
        defer { S.close(store) }
        let workspace = try StoreWorkspace.open(store)
        defer { workspace.close() }
        #expect(try StoreCheck.run(workspace).problems == [])
        print("durability: \(killed) of 8 imports killed mid-way; every case at revision \(expected)")
    }
}
