import Foundation
import Testing
import TermAudit
import TermAuditLoader
import TermAuditSignoff
import TermAuditRules
import TermAuditReport
@testable import TermAuditStore

/// Folder ⇄ store on a real SQLite file: import, re-import, changed cases, export, digests, refusals.
@Suite struct FolderStoreTests {
    @Test(arguments: S.engines) func importingTheSamplesTwiceAddsNothingTheSecondTime(engine: S.Engine) throws {
        let store = try S.open(try S.location(engine))
        defer { S.close(store) }
        let first = try FolderTransfer.importFolder(S.samples.path, into: store, author: "测试员", note: "first", today: S.today)
        let folder = WorkspaceLoader.load(path: S.samples.path)
        let ids = folder.workspace!.cases.map(\.id)
        #expect(first.added == ids)
        #expect(first.changed.isEmpty && first.unchanged == 0)
        #expect(first.documents.contains("termaudit.yaml") && first.documents.contains("signers.yaml")
                && first.documents.contains("checklists/policies/seed-city.yaml"))
        let second = try FolderTransfer.importFolder(S.samples.path, into: store, author: "测试员", note: "second", today: S.today)
        #expect(second.added.isEmpty && second.changed.isEmpty && second.documents.isEmpty)
        #expect(second.unchanged == ids.count)
        // One revision per case, each the first of its chain, its digest the one signatures cover.
        let heads = try store.heads()
        #expect(heads.map(\.caseID) == ids)
        for (h, c) in zip(heads, folder.workspace!.cases) {
            #expect(h.revision == 1)
            #expect(h.digest == CaseDigest(c).digest, "case \(c.id)")
            let revs = try store.revisions(of: c.id)
            #expect(revs.count == 1 && revs[0].previousHash == "" && revs[0].previousDigest == "" && revs[0].author == "测试员")
        }
    }

    @Test(arguments: S.engines) func theExportedFolderValidatesWithTheSameTextsAndDigests(engine: S.Engine) throws {
        let store = try S.open(try S.location(engine))
        defer { S.close(store) }
        _ = try FolderTransfer.importFolder(S.samples.path, into: store, author: "a", note: "", today: S.today)
        let out = try S.tempDir().appendingPathComponent("exported")
        let n = try FolderTransfer.exportFolder(store, to: out)
        let original = WorkspaceLoader.load(path: S.samples.path)
        #expect(n.cases == original.workspace!.cases.count)
        let exported = WorkspaceLoader.load(path: out.path)
        #expect(!exported.hasErrors, "\(exported.diagnostics)")
        let a = Dictionary(uniqueKeysWithValues: original.workspace!.cases.map { ($0.id, CaseDigest($0).digest) })
        let b = Dictionary(uniqueKeysWithValues: exported.workspace!.cases.map { ($0.id, CaseDigest($0).digest) })
        #expect(a == b)
        for f in original.files {
            let rel = String(f.standardizedFileURL.path.dropFirst(S.samples.standardizedFileURL.path.count + 1))
            #expect(try Data(contentsOf: f) == Data(contentsOf: out.appendingPathComponent(rel)), "\(rel)")
        }
        // Importing the exported folder into the same store changes nothing.
        let again = try FolderTransfer.importFolder(out.path, into: store, author: "a", note: "", today: S.today)
        #expect(again.added.isEmpty && again.changed.isEmpty && again.documents.isEmpty)
        // An export never lands on a folder with something in it.
        #expect(throws: StoreError.self) { try FolderTransfer.exportFolder(store, to: out) }
    }

    @Test(arguments: S.engines) func aChangedCaseGetsOneRevisionChainedToTheLast(engine: S.Engine) throws {
        let ws = try S.copyOfSamples()
        let store = try S.open(try S.location(engine))
        defer { S.close(store) }
        _ = try FolderTransfer.importFolder(ws.path, into: store, author: "科员甲", note: "立案", today: S.today)
        let file = ws.appendingPathComponent("cases/2024-007.yaml")
        let text = try String(contentsOf: file, encoding: .utf8)
        let before = WorkspaceLoader.parseCase(text: text, file: "x", library: WorkspaceLoader.load(path: ws.path).workspace!.library, policy: nil).0!
        let changed = text + "\n# 备注：复核后补充\n"
        try changed.write(to: file, atomically: true, encoding: .utf8)
        // A comment only: a revision with no section changed.
        let s1 = try FolderTransfer.importFolder(ws.path, into: store, author: "科员乙", note: "复核", today: S.today)
        #expect(s1.changed == ["2024-007"] && s1.added.isEmpty)
        var revs = try store.revisions(of: "2024-007")
        #expect(revs.count == 2)
        #expect(revs[1].sections.isEmpty && revs[1].digest == revs[0].digest)
        // A field: the section named, the chain continued.
        let edited = changed.replacingOccurrences(of: before.official.name, with: before.official.name + "某")
        try edited.write(to: file, atomically: true, encoding: .utf8)
        let s2 = try FolderTransfer.importFolder(ws.path, into: store, author: "科员丙", note: "更正姓名", today: S.today)
        #expect(s2.changed == ["2024-007"])
        revs = try store.revisions(of: "2024-007")
        #expect(revs.map(\.revision) == [1, 2, 3])
        #expect(revs[2].sections.contains("official"))
        #expect(revs[2].previousDigest == revs[1].digest && revs[2].previousHash == revs[1].hash)
        #expect(revs[2].author == "科员丙" && revs[2].note == "更正姓名")
        #expect(revs[2].body == edited)
        // Every other case kept its single revision.
        let heads = try store.heads()
        #expect(heads.filter { $0.revision > 1 }.map(\.caseID) == ["2024-007"])
    }

    @Test(arguments: S.engines) func anInvalidCaseRefusesTheImportAndWritesNothing(engine: S.Engine) throws {
        let ws = try S.copyOfSamples()
        let store = try S.open(try S.location(engine))
        defer { S.close(store) }
        _ = try FolderTransfer.importFolder(ws.path, into: store, author: "a", note: "", today: S.today)
        // One valid change and one broken case: neither is written.
        let good = ws.appendingPathComponent("cases/2024-007.yaml")
        try (try String(contentsOf: good, encoding: .utf8) + "\n# changed\n").write(to: good, atomically: true, encoding: .utf8)
        let bad = ws.appendingPathComponent("cases/2024-099.yaml")
        try "id: 2024-099\nofficial: {name: 张三}\npost: [\n".write(to: bad, atomically: true, encoding: .utf8)
        let error = #expect(throws: FolderImportRefused.self) {
            try FolderTransfer.importFolder(ws.path, into: store, author: "a", note: "", today: S.today)
        }
        #expect(error?.diagnostics.contains { $0.location.file.hasSuffix("2024-099.yaml") && $0.severity == .error } == true)
        let revs = try store.revisions(of: "2024-007")
        #expect(revs.count == 1)
    }

    @Test(arguments: S.engines) func revisionsCannotBeChangedOrDeleted(engine: S.Engine) throws {
        let store = try S.open(try S.location(engine))
        defer { S.close(store) }
        _ = try FolderTransfer.importFolder(S.samples.path, into: store, author: "a", note: "", today: S.today)
        #expect(throws: (any Error).self) { try S.raw(store, "UPDATE case_revisions SET author = 'x'") }
        #expect(throws: (any Error).self) { try S.raw(store, "UPDATE document_revisions SET author = 'x'") }
        #expect(throws: (any Error).self) { try S.raw(store, "DELETE FROM case_revisions") }
        #expect(throws: (any Error).self) { try S.raw(store, "DELETE FROM document_revisions") }
        let revs = try store.revisions(of: "2024-001")
        #expect(revs.count == 1 && revs[0].author == "a")
    }
}

/// Stores that are not ours, newer, damaged or missing are refused, and nothing is written to them.
@Suite struct StoreRefusalTests {
    func refusal(_ location: StoreLocation, create: Bool = false) -> StoreError? {
        do {
            let s = try S.open(location, create: create)
            S.close(s)
            return nil
        } catch let e as StoreError {
            return e
        } catch {
            return StoreError("other", "\(error)")
        }
    }

    @Test func aMissingStoreIsNotCreatedByReading() throws {
        let path = try S.tempDir().appendingPathComponent("nothing.db").path
        #expect(refusal(.sqlite(path: path))?.code == "not-found")
        #expect(!FileManager.default.fileExists(atPath: path))
    }

    @Test func aFileThatIsNotADatabaseIsLeftAsItIs() throws {
        let url = try S.tempDir().appendingPathComponent("notes.db")
        let text = Data("这不是数据库 — just notes\n".utf8)
        try text.write(to: url)
        let e = refusal(.sqlite(path: url.path), create: true)
        #expect(e?.code == "not-a-store")
        #expect(e?.message.contains("not an SQLite database") == true)
        #expect(try Data(contentsOf: url) == text)
    }

    @Test(arguments: S.engines) func anotherApplicationsDatabaseIsRefused(engine: S.Engine) throws {
        let location = try S.location(engine)
        let db = try StoreDatabase.open(location, create: true)
        try db.sql.raw("CREATE TABLE invoices (id INTEGER PRIMARY KEY, amount TEXT)").run().wait()
        db.close()
        let e = refusal(location)
        #expect(e?.code == "not-a-store")
        // Nothing was added to it.
        let again = try StoreDatabase.open(location, create: false)
        defer { again.close() }
        #expect(try Schema.tables(again) == ["invoices"])
    }

    @Test(arguments: S.engines) func aNewerSchemaIsRefused(engine: S.Engine) throws {
        let location = try S.location(engine)
        let store = try S.open(location)
        try S.raw(store, "UPDATE termaudit_meta SET value = '99' WHERE key = 'schema_version'")
        S.close(store)
        let e = refusal(location)
        #expect(e?.code == "newer-schema")
        #expect(e?.message.contains("99") == true)
    }

    @Test func aTruncatedStoreIsRefused() throws {
        let location = try S.sqliteLocation()
        let store = try S.open(location)
        _ = try FolderTransfer.importFolder(S.samples.path, into: store, author: "a", note: "", today: S.today)
        S.close(store)
        guard case .sqlite(let path) = location else { return }
        // Checkpoint-free copy: the WAL may hold pages; drop it and cut the main file short.
        try? FileManager.default.removeItem(atPath: path + "-wal")
        try? FileManager.default.removeItem(atPath: path + "-shm")
        let h = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        try h.truncate(atOffset: 50)
        try h.close()
        #expect(refusal(location)?.code == "damaged")
    }

    @Test(.enabled(if: S.postgresAdmin != nil)) func aWrongPasswordIsRefusedWithoutShowingIt() throws {
        var url = URLComponents(string: try S.newPostgresDatabase())!
        url.password = "not-the-password"
        let e = refusal(.postgres(url: url.string!))
        #expect(e?.code == "cannot-connect")
        #expect(e?.message.contains("not-the-password") == false)
        #expect(e?.message.contains("***") == true)
    }

    @Test(.enabled(if: S.postgresAdmin != nil))
    func aMissingPostgresDatabaseIsCreatedByImportAndNamedByReading() throws {
        var url = URLComponents(string: S.postgresAdmin!)!
        // A name that needs quoting (Chinese, a space, a double quote), as people name their databases.
        let name = "青山县 \"审计\" \(UUID().uuidString.prefix(8))"
        url.path = "/" + name
        let location = url.string!
        let reading = try S.run([S.termaudit, "status", "--database", location])
        #expect(reading.status != 0)
        #expect(reading.err.contains("no database") && reading.err.contains("db migrate"), "\(reading.err)")
        let imported = try S.run([S.termaudit, "db", "import", ".", "--database", location], cwd: S.samples)
        #expect(imported.status == 0, "\(imported.err)")
        let folder = try S.run([S.termaudit, "status", "--format", "json"], cwd: S.samples)
        let store = try S.run([S.termaudit, "status", "--database", location, "--format", "json"], cwd: S.samples)
        #expect(store.status == 0 && store.out == folder.out)
        let admin = try StoreDatabase.open(.postgres(url: S.postgresAdmin!), create: false)
        defer { admin.close() }
        try admin.sql.raw("DROP DATABASE \(unsafeRaw: "\"" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\"")").run().wait()
    }

    @Test func postgresIsThereWhenRequired() {
        if S.postgresAdmin == nil {
            let required = ProcessInfo.processInfo.environment["TERMAUDIT_REQUIRE_POSTGRES"] == "1"
            print("""
                ************************************************************************
                * PostgreSQL: no server (TERMAUDIT_TEST_POSTGRES is not set); the store  *
                * tests ran on SQLite only. `bash scripts/test.sh` starts one.           *
                ************************************************************************
                """)
            #expect(!required, "TERMAUDIT_REQUIRE_POSTGRES=1 but TERMAUDIT_TEST_POSTGRES is not set: CI must run the store tests on PostgreSQL")
        }
    }

    @Test func locationsAreReadAsDocumented() throws {
        #expect(try StoreLocation("sqlite:data/t.db") == .sqlite(path: "data/t.db"))
        #expect(try StoreLocation("/var/lib/termaudit/t.db") == .sqlite(path: "/var/lib/termaudit/t.db"))
        #expect(try StoreLocation("postgres://ta:secret@127.0.0.1:5432/termaudit") == .postgres(url: "postgres://ta:secret@127.0.0.1:5432/termaudit"))
        #expect(try StoreLocation("postgres://ta:secret@127.0.0.1:5432/termaudit").description == "postgres://ta:***@127.0.0.1:5432/termaudit")
        #expect(try StoreLocation("postgres://ta:secret@127.0.0.1:5432/青山县").description == "postgres://ta:***@127.0.0.1:5432/青山县")
        #expect(throws: StoreError.self) { try StoreLocation("mysql://x") }
        #expect(throws: StoreError.self) { try StoreLocation("postgres://127.0.0.1") }
    }
}
/// The command line on a store shows what it shows on the folder, byte for byte.
@Suite struct CommandOnStoreTests {
    @Test(arguments: S.engines) func statusAndValidateOnTheStoreMatchTheFolder(engine: S.Engine) throws {
        let db = engine == .sqlite ? "sqlite:" + (try S.tempDir().appendingPathComponent("青山县.db").path) : try S.newPostgresDatabase()
        let imported = try S.run([S.termaudit, "db", "import", ".", "--database", db, "--author", "测试"], cwd: S.samples)
        #expect(imported.status == 0, "\(imported.err)")
        for args in [["status", "--format", "json"], ["status"], ["status", "--lang", "en", "--brief"], ["status", "--case", "2024-007", "--format", "json"],
                     ["validate"], ["validate", "--format", "json"]] {
            let folder = try S.run([S.termaudit] + args, cwd: S.samples)
            let store = try S.run([S.termaudit] + args + ["--database", db], cwd: S.samples)
            #expect(folder.status == 0 && store.status == 0, "\(args): \(store.err)")
            #expect(!folder.out.isEmpty)
            #expect(folder.out == store.out, "\(args)")
        }
        // Run from elsewhere, the store names its cases the same way (by their recorded paths).
        let elsewhere = try S.run([S.termaudit, "status", "--format", "json", "--database", db], cwd: S.repo)
        let here = try S.run([S.termaudit, "status", "--format", "json"], cwd: S.samples)
        #expect(elsewhere.out == here.out)
    }

    @Test func theDbCommandsAsAPersonUsesThem() throws {
        let ws = try S.copyOfSamples()
        let db = "sqlite:" + (try S.tempDir().appendingPathComponent("青山县.db").path)
        func run(_ args: [String]) throws -> (out: String, err: String, status: Int32) {
            let r = try S.run([S.termaudit] + args + ["--database", db])
            return (String(decoding: r.out, as: UTF8.self), r.err, r.status)
        }
        #expect(try run(["db", "import", ws.path, "--author", "科员甲"]).status == 0)
        let file = ws.appendingPathComponent("cases/2024-007.yaml")
        try (try String(contentsOf: file, encoding: .utf8)).replacingOccurrences(of: "已与财务科核对}", with: "已与财务科核对无误}")
            .write(to: file, atomically: true, encoding: .utf8)
        let second = try run(["db", "import", ws.path, "--author", "科员乙", "--note", "核对"])
        #expect(second.status == 0 && second.out.contains("~ 2024-007") && second.out.contains("1 changed"))
        let history = try run(["db", "history", "2024-007"])
        #expect(history.status == 0)
        #expect(history.out.contains("2 个版本 (2 revisions)") && history.out.contains("科员乙  「核对」"))
        #expect(history.out.contains("改动部分 (sections): handover"))
        #expect(history.out.contains("~ handover.items.accounts.note: 已与财务科核对 → 已与财务科核对无误"))
        let list = try run(["db", "list", "--state", "审计中", "--limit", "2"])
        #expect(list.status == 0 && list.out.contains("2 / ") && list.out.contains("index query"))
        #expect(try run(["db", "list", "--state", "nonsense"]).err.contains("not a state"))
        let withdrawn = try run(["db", "withdraw", "2024-007", "--note", "调任撤案"])
        #expect(withdrawn.status == 0 && withdrawn.out.contains("r3"))
        #expect(!(try run(["status", "--format", "json"]).out.contains("\"2024-007\"")))
        #expect(try run(["db", "refresh", "--as-of", "2030-12-31"]).out.contains("2030-12-31"))
        let check = try run(["db", "check"])
        #expect(check.status == 0 && check.out.contains("every chain verifies"))
        #expect(try run(["db", "migrate"]).out.contains("up to date"))
    }

    @Test func aStoreThatIsNotThereIsNamed() throws {
        let db = try S.tempDir().appendingPathComponent("missing.db").path
        let r = try S.run([S.termaudit, "status", "--database", db])
        #expect(r.status == 1)
        #expect(r.err.contains("no store at sqlite:\(db)") && r.err.contains("termaudit db import"))
        #expect(!FileManager.default.fileExists(atPath: db))
        let both = try S.run([S.termaudit, "status", "samples", "--database", db], cwd: S.repo)
        #expect(both.status != 0 && both.err.contains("not both"))
    }
}

/// `db check` and `db history` on a real SQLite file.
@Suite struct ChainTests {
    /// A store with the samples and two more revisions of 2024-007 (a note, then the official's name).
    func storeWithHistory(_ engine: S.Engine) throws -> (StoreWorkspace, URL) {
        let ws = try S.copyOfSamples()
        let store = try S.open(try S.location(engine))
        _ = try FolderTransfer.importFolder(ws.path, into: store, author: "科员甲", note: "立案", today: S.today)
        let file = ws.appendingPathComponent("cases/2024-007.yaml")
        var text = try String(contentsOf: file, encoding: .utf8)
        text = text.replacingOccurrences(of: "已与财务科核对}", with: "已与财务科核对无误}")
        try text.write(to: file, atomically: true, encoding: .utf8)
        _ = try FolderTransfer.importFolder(ws.path, into: store, author: "科员乙", note: "核对", today: S.today)
        let library = WorkspaceLoader.load(path: ws.path).workspace!.library
        let name = WorkspaceLoader.parseCase(text: text, file: "x", library: library, policy: nil).0!.official.name
        text = text.replacingOccurrences(of: "name: \(name)", with: "name: \(name)某")
        try text.write(to: file, atomically: true, encoding: .utf8)
        _ = try FolderTransfer.importFolder(ws.path, into: store, author: "科员丙", note: "更正姓名", today: S.today)
        return (try StoreWorkspace.open(store), ws)
    }

    @Test(arguments: S.engines) func anIntactStoreVerifies(engine: S.Engine) throws {
        let (ws, _) = try storeWithHistory(engine)
        defer { ws.close(); S.close(ws.store) }
        let report = try StoreCheck.run(ws)
        #expect(report.problems == [])
        #expect(report.cases == 35 && report.revisions == 37 && report.documents == 11)
    }

    @Test(arguments: S.engines) func theFirstBrokenRevisionIsNamed(engine: S.Engine) throws {
        let (ws, _) = try storeWithHistory(engine)
        defer { ws.close(); S.close(ws.store) }
        // Someone with the database file edits history behind termaudit's back.
        try S.allowTampering(ws.store)
        try S.raw(ws.store, "UPDATE case_revisions SET author = '别人' WHERE case_id = '2024-007' AND revision = 2")
        try S.raw(ws.store, "UPDATE case_revisions SET body = body || '# x' WHERE case_id = '2024-001' AND revision = 1")
        let report = try StoreCheck.run(ws)
        #expect(report.problems.count == 2, "\(report.problems)")
        #expect(report.problems.contains { $0.subject == "case 2024-007" && $0.revision == 2 && $0.message.contains("hash") })
        #expect(report.problems.contains { $0.subject == "case 2024-001" && $0.revision == 1 && $0.message.contains("text") })
    }

    @Test(arguments: S.engines) func aMissingRevisionAndAStaleIndexAreNamed(engine: S.Engine) throws {
        let (ws, _) = try storeWithHistory(engine)
        defer { ws.close(); S.close(ws.store) }
        try S.allowTampering(ws.store)
        try S.raw(ws.store, "DELETE FROM case_revisions WHERE case_id = '2024-007' AND revision = 2")
        try S.raw(ws.store, "UPDATE cases SET revision = 9 WHERE case_id = '2024-010'")
        let problems = try StoreCheck.run(ws).problems
        #expect(problems.contains { $0.subject == "case 2024-007" && $0.revision == 3 && $0.message.contains("revision 2 is missing") })
        #expect(problems.contains { $0.subject == "case 2024-010" && $0.message.contains("case index") })
    }

    @Test(arguments: S.engines) func historyShowsWhoChangedWhatFieldByField(engine: S.Engine) throws {
        let (ws, _) = try storeWithHistory(engine)
        defer { ws.close(); S.close(ws.store) }
        let h = try StoreHistory.history(ws, caseID: "2024-007")
        #expect(h.map(\.revision.revision) == [1, 2, 3])
        #expect(h.map(\.revision.author) == ["科员甲", "科员乙", "科员丙"])
        #expect(h[1].revision.sections == ["handover"])
        #expect(h[1].changes == [FieldChange(path: "handover.items.accounts.note", old: "已与财务科核对", new: "已与财务科核对无误")])
        #expect(h[2].revision.sections == ["official"])
        #expect(h[2].changes.count == 1 && h[2].changes[0].path == "official.name" && h[2].changes[0].new?.hasSuffix("某") == true)
        #expect(throws: StoreError.self) { try StoreHistory.history(ws, caseID: "2099-999") }
    }

    @Test func listsOfRecordsAreComparedByTheirIDs() {
        let a: CanonicalJSON = .object(["findings": .array([.object(["id": .string("F1"), "status": .string("open")]),
                                                             .object(["id": .string("F2"), "status": .string("open")])])])
        let b: CanonicalJSON = .object(["findings": .array([.object(["id": .string("F2"), "status": .string("rectified")]),
                                                             .object(["id": .string("F3"), "status": .string("open")])])])
        let changes = StoreHistory.diff(a, b).map(\.description)
        #expect(changes == ["- findings[F1]: {\"id\":\"F1\",\"status\":\"open\"}", "~ findings[F2].status: open → rectified",
                            "+ findings[F3]: {\"id\":\"F3\",\"status\":\"open\"}"])
    }
}

/// Withdrawing, and damage found later.
@Suite struct WithdrawAndDamageTests {
    @Test(arguments: S.engines) func aWithdrawnCaseLeavesTheListsAndKeepsItsHistory(engine: S.Engine) throws {
        let ws = try S.copyOfSamples()
        let store = try S.open(try S.location(engine))
        defer { S.close(store) }
        _ = try FolderTransfer.importFolder(ws.path, into: store, author: "a", note: "", today: S.today)
        let h = try store.withdraw("2024-007", author: "组织部", note: "调任撤案")
        #expect(h.revision == 2 && h.withdrawn)
        #expect(throws: StoreError.self) { try store.withdraw("2024-007", author: "x", note: "again") }
        #expect(throws: StoreError.self) { try store.withdraw("2099-001", author: "x", note: "unknown") }
        #expect(!(try store.caseList().map(\.caseID)).contains("2024-007"))
        let revs = try store.revisions(of: "2024-007")
        #expect(revs.count == 2 && revs[1].withdrawn && revs[1].body == nil && revs[1].note == "调任撤案")
        let workspace = try StoreWorkspace.open(store)
        defer { workspace.close() }
        #expect(try StoreCheck.run(workspace).problems == [])
        // The export leaves it out; importing the folder again brings it back as a new revision.
        let out = try S.tempDir().appendingPathComponent("out")
        #expect(try FolderTransfer.exportFolder(store, to: out).cases == 34)
        let back = try FolderTransfer.importFolder(ws.path, into: store, author: "a", note: "恢复", today: S.today)
        #expect(back.changed == ["2024-007"])
        #expect(try store.revisions(of: "2024-007").count == 3)
        #expect(try StoreCheck.run(workspace).problems == [])
    }

    @Test func aStoreDamagedInTheMiddleIsReportedNotWrittenTo() throws {
        let dir = try S.tempDir()
        let db = dir.appendingPathComponent("store.db").path
        let imported = try S.run([S.termaudit, "db", "import", S.samples.path, "--database", db])
        #expect(imported.status == 0, "\(imported.err)")
        // Garbage over the pages after the first (the header stays: SQLite opens the file).
        let h = try FileHandle(forUpdating: URL(fileURLWithPath: db))
        let size = try h.seekToEnd()
        try h.seek(toOffset: 4096)
        try h.write(contentsOf: Data((0..<Int(size) - 4096).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }))
        try h.close()
        let damaged = try Data(contentsOf: URL(fileURLWithPath: db))
        let status = try S.run([S.termaudit, "status", "--database", db])
        #expect(status.status != 0)
        #expect(status.err.contains("sqlite:\(db)") || status.err.lowercased().contains("malformed") || status.err.contains("damaged"), "\(status.err)")
        let check = try S.run([S.termaudit, "db", "check", "--database", db])
        #expect(check.status != 0)
        let again = try S.run([S.termaudit, "db", "import", S.samples.path, "--database", db])
        #expect(again.status != 0)
        #expect(try Data(contentsOf: URL(fileURLWithPath: db)) == damaged)
    }
}

/// The case index: derived when written, listed by state and unit, derived anew for another day.
@Suite struct CaseIndexTests {
    @Test(arguments: S.engines) func theIndexListsByStateAndUnitAsStatusDerivesThem(engine: S.Engine) throws {
        let store = try S.open(try S.location(engine))
        defer { S.close(store) }
        _ = try FolderTransfer.importFolder(S.samples.path, into: store, author: "a", note: "", today: S.today)
        // The states `status` derives for the workspace's as_of.
        let ws = try StoreWorkspace.open(store)
        defer { ws.close() }
        let loaded = try ws.load().workspace!
        let evaluator = CaseEvaluator(workspace: loaded, policy: loaded.policy!, asOf: loaded.config.asOf!)
        let signoffs = StatusSignoffs(root: ws.root, policy: loaded.policy!, caseIDs: loaded.cases.map(\.id), units: loaded.units)
        let states = Dictionary(uniqueKeysWithValues: loaded.cases.map { ($0.id, evaluator.evaluate($0, signatures: signoffs.verdicts($0)).state.rawValue) })
        let heads = try store.heads()
        #expect(Dictionary(uniqueKeysWithValues: heads.map { ($0.caseID, $0.state) }) == states)
        for state in Set(states.values) {
            #expect(try store.heads(state: state).map(\.caseID) == states.filter { $0.value == state }.map(\.key).sorted())
        }
        let unit = heads[0].unit
        #expect(try store.heads(unit: unit).map(\.caseID) == heads.filter { $0.unit == unit }.map(\.caseID))
        // Ten years on, terms have ended and deadlines passed: refreshed, the index follows `status` for that day.
        let later = Day(year: 2034, month: 12, day: 31)!
        let refreshed = try ws.refresh(asOf: later)
        #expect(refreshed.cases == loaded.cases.count)
        let laterEvaluator = CaseEvaluator(workspace: loaded, policy: loaded.policy!, asOf: later)
        let laterStates = Dictionary(uniqueKeysWithValues: loaded.cases.map { ($0.id, laterEvaluator.evaluate($0, signatures: signoffs.verdicts($0)).state.rawValue) })
        #expect(Dictionary(uniqueKeysWithValues: try store.heads().map { ($0.caseID, $0.state) }) == laterStates)
        #expect(refreshed.changed == laterStates.filter { states[$0.key] != $0.value }.count)
    }
}

/// Schema versions: an older store is brought up to date when opened, and keeps its records.
@Suite struct MigrationTests {
    @Test(arguments: S.engines) func aStoreOfVersionOneIsMigrated(engine: S.Engine) throws {
        let location = try S.location(engine)
        var store = try S.open(location)
        _ = try FolderTransfer.importFolder(S.samples.path, into: store, author: "a", note: "", today: S.today)
        // Back to version 1, as a store made before version 2 was.
        for s in ["DROP INDEX cases_listing_term_end", "DROP INDEX cases_listing_official", "ALTER TABLE cases DROP COLUMN pending",
                  "ALTER TABLE cases DROP COLUMN overdue",
                  "DROP INDEX cases_listing", "DROP INDEX cases_listing_state", "DROP INDEX cases_listing_unit",
                  "CREATE INDEX cases_by_state ON cases (state, unit, case_id)", "CREATE INDEX cases_by_unit ON cases (unit, case_id)",
                  "DROP TABLE sign_in_failures", "DROP TABLE case_people", "DROP TABLE accounts", "DROP TABLE grants", "DROP TABLE sessions", "DROP TABLE audit_log",
                  "UPDATE termaudit_meta SET value = '1' WHERE key = 'schema_version'", "DELETE FROM termaudit_migrations WHERE version >= 2"] {
            try S.raw(store, s)
        }
        S.close(store)
        // Without migrating, it is refused with what to run.
        let refused = #expect(throws: StoreError.self) { try Store.open(location, migrate: false) }
        #expect(refused?.code == "old-schema" && refused?.hint.contains("termaudit db migrate") == true)
        store = try S.open(location, create: false)
        defer { S.close(store) }
        #expect(store.migrated == Array(2...Schema.latest))
        #expect(try store.migrations().map(\.version) == Array(1...Schema.latest))
        #expect(try store.list(state: "auditing").count == (try store.heads().filter { $0.state == "auditing" }.count))
        #expect(try store.list(limit: 5).map(\.caseID) == Array(try store.caseList().map(\.caseID).prefix(5)))
        #expect(try store.list(after: "2024-030").map(\.caseID) == ["2024-031", "2024-032", "2024-033", "2024-034", "2024-035"])
    }
}

/// The audit log: append-only, hash-chained, checked by `db check`.
@Suite struct AuditLogTests {
    @Test(arguments: S.engines) func entriesChainAndCannotBeChanged(engine: S.Engine) throws {
        let store = try S.open(try S.location(engine))
        defer { S.close(store) }
        let a = try store.audit(actor: "admin", action: "sign-in", subject: "admin", address: "127.0.0.1", outcome: "ok")
        let b = try store.audit(actor: "李明", action: "export", subject: "public", address: "10.0.0.7", outcome: "ok")
        let c = try store.audit(actor: "-", action: "sign-in-failed", subject: "unknown", address: "10.0.0.9", outcome: "refused")
        #expect(a.seq == 1 && b.seq == 2 && c.seq == 3)
        #expect(b.previousHash == a.hash && c.previousHash == b.hash)
        #expect(try store.auditLog() == [a, b, c])
        #expect(try store.auditLog(after: 1, limit: 1) == [b])
        #expect(try store.checkAuditLog() == [])
        #expect(throws: (any Error).self) { try S.raw(store, "UPDATE audit_log SET outcome = 'ok'") }
        #expect(throws: (any Error).self) { try S.raw(store, "DELETE FROM audit_log") }
        // Changed behind termaudit's back: db check names the entry.
        switch store.db.engine {
        case .sqlite: for op in ["update", "delete"] { try S.raw(store, "DROP TRIGGER audit_log_no_\(op)") }
        case .postgres: try S.raw(store, "DROP TRIGGER audit_log_append_only ON audit_log")
        }
        try S.raw(store, "UPDATE audit_log SET outcome = 'ok' WHERE seq = 3")
        #expect(try store.checkAuditLog() == [StoreProblem(subject: "audit log entry 3", message: "its hash does not match its facts (changed after it was written)")])
        try S.raw(store, "DELETE FROM audit_log WHERE seq = 2")
        #expect(try store.checkAuditLog().first?.message == "entry 2 is missing")
    }
}
