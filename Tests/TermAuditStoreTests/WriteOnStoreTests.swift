import Foundation
import Testing
import TermAudit
import TermAuditLoader
@testable import TermAuditStore

/// The commands that write (sign, import) and the rest of the read commands (export, rank, verify) on a store, against
/// the same commands on a folder: the same output, the same case texts, each write a revision.
@Suite struct WriteOnStoreTests {
    /// A copy of the samples, and a store imported from it.
    func setUp(_ engine: S.Engine) throws -> (folder: URL, db: String) {
        let folder = try S.copyOfSamples()
        let db = engine == .sqlite ? "sqlite:" + (try S.tempDir().appendingPathComponent("store.db").path) : try S.newPostgresDatabase()
        let r = try S.run([S.termaudit, "db", "import", folder.path, "--database", db, "--author", "组织部"])
        guard r.status == 0 else { throw TestFailure("db import: \(r.err)") }
        return (folder, db)
    }

    func revisions(_ db: String, _ id: String) throws -> [CaseRevision] {
        let store = try S.open(try StoreLocation(db), create: false)
        defer { S.close(store) }
        return try store.revisions(of: id)
    }

    @Test(arguments: S.engines) func workbooksFromTheStoreAreByteIdentical(engine: S.Engine) throws {
        let (folder, db) = try setUp(engine)
        let out = try S.tempDir()
        for edition in ["internal", "public", "fill-in"] {
            let a = out.appendingPathComponent("folder-\(edition).xlsx"), b = out.appendingPathComponent("store-\(edition).xlsx")
            let rf = try S.run([S.termaudit, "export", "--edition", edition, "-o", a.path, "--quiet"], cwd: folder)
            let rs = try S.run([S.termaudit, "export", "--edition", edition, "-o", b.path, "--quiet", "--database", db], cwd: folder)
            #expect(rf.status == 0 && rs.status == 0, "\(edition): \(rf.err) \(rs.err)")
            #expect(try Data(contentsOf: a) == Data(contentsOf: b), "\(edition)")
            // The same report, but for the file it names.
            #expect(String(decoding: rf.out, as: UTF8.self) == String(decoding: rs.out, as: UTF8.self).replacingOccurrences(of: b.path, with: a.path))
        }
        for args in [["rank", "--year", "2024"], ["rank", "--year", "2024", "--format", "json"], ["verify"]] {
            let rf = try S.run([S.termaudit] + args, cwd: folder)
            let rs = try S.run([S.termaudit] + args + ["--database", db], cwd: folder)
            #expect(rf.status == rs.status && rf.out == rs.out, "\(args): \(rs.err)")
        }
    }

    @Test(arguments: S.engines) func signingOnTheStoreWritesARevisionWithTheSameText(engine: S.Engine) throws {
        let (folder, db) = try setUp(engine)
        let key = S.samples.appendingPathComponent("keys/lu-jia.key").path
        try? FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: key)
        let sign = ["sign", "2024-002", "--role", "team_leader", "--key", key, "--time", "2024-12-20T02:00:00Z"]
        let rs = try S.run([S.termaudit] + sign + ["--database", db], cwd: folder)
        #expect(rs.status == 0, "\(rs.err)")
        #expect(String(decoding: rs.out, as: UTF8.self).contains("2024-002 r2"))
        let revs = try revisions(db, "2024-002")
        #expect(revs.count == 2)
        #expect(revs[1].sections == ["signoffs"] && revs[1].digest == revs[0].digest)
        #expect(revs[1].note.contains("team_leader"))
        // The same signature on the folder gives the same text, byte for byte.
        let rf = try S.run([S.termaudit] + sign, cwd: folder)
        #expect(rf.status == 0, "\(rf.err)")
        let file = try String(contentsOf: folder.appendingPathComponent(revs[1].path), encoding: .utf8)
        #expect(revs[1].body == file)
        // And verify says the same of both.
        let vf = try S.run([S.termaudit, "verify"], cwd: folder)
        let vs = try S.run([S.termaudit, "verify", "--database", db], cwd: folder)
        #expect(vf.out == vs.out && vf.status == vs.status)
        // Signing again in the same role is refused, and nothing is written.
        let again = try S.run([S.termaudit] + sign + ["--database", db], cwd: folder)
        #expect(again.status != 0)
        #expect(try revisions(db, "2024-002").count == 2)
    }

    @Test(arguments: S.engines) func aFilledWorkbookImportsIntoTheStoreAsRevisions(engine: S.Engine) throws {
        let (folder, db) = try setUp(engine)
        let dir = try S.tempDir()
        let fill = dir.appendingPathComponent("fill.xlsx"), filled = dir.appendingPathComponent("filled.xlsx")
        let e = try S.run([S.termaudit, "export", "--edition", "fill-in", "-o", fill.path, "--quiet", "--database", db])
        #expect(e.status == 0, "\(e.err)")
        let py = """
            import openpyxl, sys
            wb = openpyxl.load_workbook(sys.argv[1]); ws = wb['指标']
            cols = {ws.cell(1, c).value: c for c in range(1, ws.max_column + 1)}
            for r in range(2, ws.max_row + 1):
                if ws.cell(r, 1).value == '2024-007' and ws.cell(r, 2).value == 'fiscal-revenue':
                    ws.cell(r, cols['完成值']).value = 6
            wb.save(sys.argv[2])
            """
        let script = dir.appendingPathComponent("fill.py")
        try py.write(to: script, atomically: true, encoding: .utf8)
        #expect(try S.run(["python3", script.path, fill.path, filled.path]).status == 0)
        let dry = try S.run([S.termaudit, "import", filled.path, "--database", db, "--dry-run"])
        #expect(dry.status == 0, "\(dry.err)")
        #expect(try revisions(db, "2024-007").count == 1)
        let r = try S.run([S.termaudit, "import", filled.path, "--database", db])
        #expect(r.status == 0, "\(r.err)")
        let revs = try revisions(db, "2024-007")
        #expect(revs.count == 2 && revs[1].sections == ["indicators"] && revs[1].note.contains("filled.xlsx"))
        // The same workbook into the folder gives the same text.
        let rf = try S.run([S.termaudit, "import", filled.path, folder.path])
        #expect(rf.status == 0, "\(rf.err)")
        #expect(revs[1].body == (try String(contentsOf: folder.appendingPathComponent(revs[1].path), encoding: .utf8)))
        // Imported again: nothing to change, no revision.
        let again = try S.run([S.termaudit, "import", filled.path, "--database", db])
        #expect(again.status == 0)
        #expect(try revisions(db, "2024-007").count == 2)
    }

    @Test(arguments: S.engines) func aWriteBasedOnAnOlderRevisionIsMergedFieldByFieldOrRefused(engine: S.Engine) throws {
        let (_, db) = try setUp(engine)
        let store = try S.open(try StoreLocation(db), create: false)
        defer { S.close(store) }
        let ws = try StoreWorkspace.open(store)
        defer { ws.close() }
        let c = try ws.load().workspace!.cases.first { $0.id == "2024-007" }!
        let writer = ws.writer(author: "甲", today: S.today)
        let base = try writer.text(of: c)
        func edit(_ old: String, _ new: String) -> CaseTextEdit { CaseTextEdit(caseID: c.id, origin: c.origin, display: "2024-007", old: old, new: new) }
        let name = c.official.name
        let note = "已与财务科核对}"
        #expect(base.contains("name: \(name)") && base.contains(note))

        // 乙 changes the official's name; 甲, from the same base, a handover note: both apply.
        let byYi = base.replacingOccurrences(of: "name: \(name)", with: "name: \(name)某")
        _ = try writer.replace([edit(base, byYi)], note: "乙")
        let byJia = base.replacingOccurrences(of: note, with: "已与财务科核对无误}")
        _ = try writer.replace([edit(base, byJia)], note: "甲")
        var revs = try store.revisions(of: "2024-007")
        #expect(revs.count == 3 && revs[2].note == "甲")
        #expect(revs[2].body!.contains("name: \(name)某") && revs[2].body!.contains("已与财务科核对无误}"))
        #expect(revs[2].sections == ["handover"])

        // 丙, still from the first base, changes the name too, to something else: a conflict naming 乙's revision.
        let byBing = base.replacingOccurrences(of: "name: \(name)", with: "name: \(name)丙")
        let conflict = #expect(throws: CaseTextChanged.self) { try writer.replace([edit(base, byBing)], note: "丙") }
        let text = conflict?.since.joined(separator: "\n") ?? ""
        #expect(text.contains("official.name") && text.contains("\(name)丙") && text.contains("\(name)某") && text.contains("r2 "), "\(text)")
        // The same value on both sides is no conflict, and a write that changes nothing adds no revision.
        let same = try writer.replace([edit(base, byYi)], note: "乙 again")
        #expect(same.first?.hasSuffix("r3 (unchanged)") == true)
        revs = try store.revisions(of: "2024-007")
        #expect(revs.count == 3)

        // Two changes on one line (a flow mapping) cannot be merged by lines: refused, naming what changed since.
        let current = revs[2].body!
        let sameLine = base.replacingOccurrences(of: "{status: done, note: 已与财务科核对}", with: "{status: pending, note: 已与财务科核对}")
        if sameLine != base {
            let refused = #expect(throws: CaseTextChanged.self) { try writer.replace([edit(base, sameLine)], note: "丁") }
            #expect(refused?.since.first?.contains("same lines") == true, "\(String(describing: refused))")
        }
        #expect(try store.revisions(of: "2024-007").last?.body == current)
    }
}

/// The line merge under the field merge (diff3).
@Suite struct TextMergeTests {
    let base = "a\nb\nc\nd\ne\n"

    @Test func changesOnDifferentLinesBothApply() {
        #expect(TextMerge.merge(base: base, mine: "a\nB\nc\nd\ne\n", theirs: "a\nb\nc\nD\ne\n") == "a\nB\nc\nD\ne\n")
        #expect(TextMerge.merge(base: base, mine: "x\na\nb\nc\nd\ne\n", theirs: "a\nb\nc\nd\ne\ny\n") == "x\na\nb\nc\nd\ne\ny\n")
        #expect(TextMerge.merge(base: base, mine: "a\nc\nd\ne\n", theirs: "a\nb\nc\nd\nE\n") == "a\nc\nd\nE\n")
    }

    @Test func theSameChangeOnBothSidesIsTakenOnce() {
        #expect(TextMerge.merge(base: base, mine: "a\nB\nc\nd\ne\n", theirs: "a\nB\nc\nd\nE\n") == "a\nB\nc\nd\nE\n")
    }

    @Test func differentChangesToTheSameLinesDoNotMerge() {
        #expect(TextMerge.merge(base: base, mine: "a\nB\nc\nd\ne\n", theirs: "a\nβ\nc\nd\ne\n") == nil)
        #expect(TextMerge.merge(base: base, mine: base + "x\n", theirs: base + "y\n") == nil)
    }

    @Test func oneSideUnchangedGivesTheOther() {
        #expect(TextMerge.merge(base: base, mine: base, theirs: "z\n") == "z\n")
        #expect(TextMerge.merge(base: base, mine: "z\n", theirs: base) == "z\n")
    }
}
