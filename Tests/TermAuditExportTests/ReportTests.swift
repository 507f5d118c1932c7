import Foundation
import Testing
import TermAudit
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
