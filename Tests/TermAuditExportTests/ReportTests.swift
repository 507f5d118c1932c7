import Foundation
import Testing
import TermAudit
import TermAuditLoader
import TermAuditReport
import TermAuditRules

/// The status renderers live in a library so that the server shows what the command line shows.
@Suite("Status from the library")
struct ReportTests {
    @Test("the library's JSON and text for a case are the command's, byte for byte")
    func sameAsCommand() throws {
        let ws = try X.loadSamples()
        let policy = try #require(ws.policy)
        let ev = CaseEvaluator(workspace: ws, policy: policy, asOf: try #require(ws.config.asOf))
        let signoffs = StatusSignoffs(root: X.samples, policy: policy, caseIDs: ws.cases.map(\.id), units: ws.units)
        #expect(signoffs.diagnostics.isEmpty)
        let cwd = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
        for id in ["2024-001", "2024-007", "2024-010"] {
            let c = try #require(ws.cases.first { $0.id == id })
            let s = ev.evaluate(c, signatures: signoffs.verdicts(c))
            let json = try JSONOutput.string(StatusJSON(asOf: ev.asOf, policy: policy.id, cases: [CaseJSON(s, library: ws.library)],
                                                        unitKindsKnown: ws.units != nil && policy.postSystems != nil))
            let cli = try X.run([X.termaudit, "status", X.samples.path, "--case", id, "--format", "json"], cwd: cwd)
            #expect(cli.status == 0)
            #expect(json + "\n" == String(decoding: cli.out, as: UTF8.self), "\(id)")
            // The text row and the lines under it.
            let text = String(decoding: try X.run([X.termaudit, "status", X.samples.path, "--case", id], cwd: cwd).out, as: UTF8.self)
            #expect(text.contains(StatusText.details(s, library: ws.library, policy: policy, lang: .zh)), "\(id)")
            #expect(StatusText.row(s, lang: .zh).allSatisfy { text.contains($0) }, "\(id)")
        }
    }
}

@Suite("The export assembly from the library")
struct WorkbookJobTests {
    @Test("WorkbookJob writes the very workbook `export` writes, and nothing when a case file has errors")
    func sameAsCommand() throws {
        let dir = try X.tempDir()
        let cli = dir.appendingPathComponent("cli.xlsx"), lib = dir.appendingPathComponent("lib.xlsx")
        let r = try X.run([X.termaudit, "export", X.samples.path, "--edition", "public", "-o", cli.path, "--quiet"])
        #expect(r.status == 0, "\(r.err)")
        let (opened, problems) = WorkspaceLoader.openStream(path: X.samples.path)
        let stream = try #require(opened)
        #expect(problems.isEmpty)
        let policy = try #require(stream.policy)
        let verifier = StatusSignoffs(root: stream.root, policy: policy, caseIDs: stream.entries.compactMap(\.id), units: stream.units).verifier
        let request = ExportRequest(kind: .public, lang: .zh, asOf: try #require(stream.config.asOf), generator: "not on the public cover")
        let outcome = try WorkbookJob.run(stream, request: request, verifier: verifier, to: .xlsx(lib))
        #expect(outcome.errors.isEmpty && outcome.summary?.cases == 13)
        #expect(try Data(contentsOf: cli) == Data(contentsOf: lib))
        // A broken case file: located errors, no workbook.
        let ws = dir.appendingPathComponent("ws")
        try FileManager.default.copyItem(at: X.samples, to: ws)
        try FileManager.default.createSymbolicLink(at: dir.appendingPathComponent("checklists"), withDestinationURL: X.repo.appendingPathComponent("checklists"))
        let file = ws.appendingPathComponent("cases/2024-007.yaml")
        try String(contentsOf: file, encoding: .utf8).replacingOccurrences(of: "rank: principal", with: "rank: principle").write(to: file, atomically: true, encoding: .utf8)
        let broken = try #require(WorkspaceLoader.openStream(path: ws.path).0)
        let out = dir.appendingPathComponent("broken.xlsx")
        let failed = try WorkbookJob.run(broken, request: request, verifier: nil, to: .xlsx(out))
        #expect(failed.summary == nil && failed.errors.contains { $0.location.file.hasSuffix("2024-007.yaml") })
        #expect(!FileManager.default.fileExists(atPath: out.path))
    }
}
