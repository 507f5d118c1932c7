import Foundation
import Testing
import TermAudit
import TermAuditLoader
import TermAuditRules
import TermAuditSample

/// The repository's checklists, loaded once.
private enum Checklists {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("checklists")

    static let library: Library = {
        let (lib, diags) = LibraryLoader.load(directory: folder)
        precondition(diags.isEmpty, "checklists do not load: \(diags)")
        return lib
    }()
}

/// A fresh temporary folder (not created).
private func temporaryFolder(_ name: String) -> URL {
    FileManager.default.temporaryDirectory.appendingPathComponent("termaudit-sample-\(name)-\(UUID().uuidString)")
}

/// Every file below `folder`, by relative path.
private func contents(of folder: URL) throws -> [String: Data] {
    var out: [String: Data] = [:]
    let base = folder.standardizedFileURL.path + "/"
    let e = FileManager.default.enumerator(at: folder, includingPropertiesForKeys: [.isRegularFileKey])!
    for case let url as URL in e where (try url.resourceValues(forKeys: [.isRegularFileKey])).isRegularFile == true {
        out[String(url.standardizedFileURL.path.dropFirst(base.count))] = try Data(contentsOf: url)
    }
    return out
}

@Suite struct SampleTests {
    @Test("same cases and seed give byte-identical files")
    func deterministic() throws {
        let a = temporaryFolder("a"), b = temporaryFolder("b")
        defer { try? FileManager.default.removeItem(at: a); try? FileManager.default.removeItem(at: b) }
        let lib = Checklists.folder.path
        try SampleWorkspace(cases: 150, seed: 7, library: Checklists.library).write(to: a, libraryPath: lib)
        try SampleWorkspace(cases: 150, seed: 7, library: Checklists.library).write(to: b, libraryPath: lib)
        let ca = try contents(of: a), cb = try contents(of: b)
        #expect(ca.count == 151)
        #expect(ca == cb)
    }

    @Test("a different seed gives different cases")
    func seedMatters() throws {
        let lib = Checklists.library
        let one = try SampleWorkspace(cases: 50, seed: 1, library: lib), two = try SampleWorkspace(cases: 50, seed: 2, library: lib)
        let differing = (0..<50).filter { one.caseFile($0).text != two.caseFile($0).text }.count
        #expect(differing == 50)
        #expect(one.settings(libraryPath: "/x") != two.settings(libraryPath: "/x"))
    }

    @Test("a case does not depend on the order cases are made in")
    func orderIndependent() throws {
        let w = try SampleWorkspace(cases: 20, seed: 3, library: Checklists.library)
        let forward = (0..<20).map { w.caseFile($0).text }
        let backward = (0..<20).reversed().map { w.caseFile($0).text }.reversed()
        #expect(forward == Array(backward))
    }

    @Test("a generated workspace loads with no diagnostics and reaches the planned states",
          arguments: [1, 2, 42, 2024, 987_654_321] as [UInt64])
    func valid(seed: UInt64) throws {
        let folder = temporaryFolder("valid")
        defer { try? FileManager.default.removeItem(at: folder) }
        let w = try SampleWorkspace(cases: 120, seed: seed, library: Checklists.library)
        try w.write(to: folder, libraryPath: Checklists.folder.path)
        let result = WorkspaceLoader.load(path: folder.path)
        #expect(result.diagnostics.isEmpty, "\(result.diagnostics.prefix(5).map(\.description))")
        let ws = try #require(result.workspace)
        #expect(ws.cases.count == 120)
        let policy = try #require(ws.policy)
        let evaluator = CaseEvaluator(workspace: ws, policy: policy, asOf: ws.config.asOf!)
        for (i, c) in ws.cases.enumerated() {
            let planned = w.caseFile(i)
            #expect(c.id == planned.id)
            let state = evaluator.evaluate(c).state
            #expect(state.rawValue == planned.state.rawValue, "case \(c.id): planned \(planned.state.rawValue), got \(state.rawValue)")
        }
    }

    @Test("every state appears from 200 cases")
    func everyState() throws {
        let lib = Checklists.library
        for seed: UInt64 in [1, 5, 99] {
            let w = try SampleWorkspace(cases: 200, seed: seed, library: lib)
            let states = Set((0..<200).map { w.caseFile($0).state })
            #expect(states == Set(SampleState.allCases))
        }
    }

    @Test("every case lists every handover item of the template")
    func fullChecklist() throws {
        let template = try #require(Checklists.library.handoverTemplates["handover-standard"])
        let ids = template.allItems.map(\.item.id)
        #expect(ids.count == 28)
        let w = try SampleWorkspace(cases: 30, seed: 11, library: Checklists.library)
        for i in 0..<30 {
            let (c, diagnostics) = WorkspaceLoader.parseCase(text: w.caseFile(i).text, file: "c.yaml", library: Checklists.library,
                                                             policy: Checklists.library.policies["seed-city"])
            #expect(diagnostics.isEmpty)
            let handover = try #require(c?.handover)
            #expect(Set(handover.items.keys) == Set(ids))
            #expect((10...30).contains(c!.indicators.count))
            #expect((1...3).contains(c!.assessment.count))
        }
    }

    @Test("identity numbers carry a valid check character")
    func checkCharacter() throws {
        let w = try SampleWorkspace(cases: 40, seed: 5, library: Checklists.library)
        let weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
        for i in 0..<40 {
            let text = w.caseFile(i).text
            let line = try #require(text.split(separator: "\n").first { $0.contains("national_id:") })
            let quoted = line.split(separator: "\"")
            let id = Array(String(quoted[1]))
            #expect(id.count == 18)
            let sum = zip(id.prefix(17), weights).reduce(0) { $0 + Int(String($1.0))! * $1.1 }
            #expect(id[17] == Array("10X98765432")[sum % 11])
        }
    }

    @Test("at most a thousand files per folder")
    func folders() throws {
        let w = try SampleWorkspace(cases: 2_500, seed: 1, library: Checklists.library)
        #expect(w.path(0) == "cases/000/2024-000001.yaml")
        #expect(w.path(999) == "cases/000/2024-001000.yaml")
        #expect(w.path(1_000) == "cases/001/2024-001001.yaml")
        #expect(w.path(2_499) == "cases/002/2024-002500.yaml")
    }

    @Test("an existing non-empty folder is refused")
    func refusesNonEmptyFolder() throws {
        let folder = temporaryFolder("busy")
        defer { try? FileManager.default.removeItem(at: folder) }
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try Data("x".utf8).write(to: folder.appendingPathComponent("keep.txt"))
        let w = try SampleWorkspace(cases: 3, seed: 1, library: Checklists.library)
        #expect(throws: SampleError.notEmpty(folder.path)) { try w.write(to: folder, libraryPath: "/x") }
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["keep.txt"])
        // An existing empty folder is fine.
        let empty = temporaryFolder("empty")
        defer { try? FileManager.default.removeItem(at: empty) }
        try FileManager.default.createDirectory(at: empty, withIntermediateDirectories: true)
        try w.write(to: empty, libraryPath: Checklists.folder.path)
        #expect(FileManager.default.fileExists(atPath: empty.appendingPathComponent("cases/000/2024-000003.yaml").path))
    }
}
