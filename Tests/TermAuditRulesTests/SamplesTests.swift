import Foundation
import Testing
import TermAudit
import TermAuditLoader
import TermAuditRules

@Suite("The sample workspace")
struct SamplesTests {
    @Test("status on the samples shows every state before sign-off and every consequence code")
    func coverage() throws {
        let r = WorkspaceLoader.load(path: R.repo.appendingPathComponent("samples").path)
        #expect(r.diagnostics.isEmpty)
        let ws = try #require(r.workspace)
        let ev = CaseEvaluator(library: ws.library, policy: try #require(ws.policy), asOf: ws.config.asOf!, defaultTemplate: "handover-standard")
        let statuses = ws.cases.map { ev.evaluate($0) }
        let states = Set(statuses.map(\.state))
        for s in [CaseState.onHold, .preparing, .auditing, .readyForSignoff] { #expect(states.contains(s), "\(s)") }
        let codes = Set(statuses.flatMap(\.consequences))
        for k in Consequence.allCases { #expect(codes.contains(k), "\(k)") }
    }
}
