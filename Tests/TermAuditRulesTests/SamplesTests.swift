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
        let ev = CaseEvaluator(workspace: ws, policy: try #require(ws.policy), asOf: ws.config.asOf!)
        let statuses = ws.cases.map { ev.evaluate($0) }
        let states = Set(statuses.map(\.state))
        for s in [CaseState.onHold, .preparing, .auditing, .readyForSignoff] { #expect(states.contains(s), "\(s)") }
        let codes = Set(statuses.flatMap(\.consequences))
        for k in Consequence.allCases { #expect(codes.contains(k), "\(k)") }
    }

    @Test("the samples show departments concluded, still working, and finding a problem")
    func departments() throws {
        let r = WorkspaceLoader.load(path: R.repo.appendingPathComponent("samples").path)
        let ws = try #require(r.workspace)
        let ev = CaseEvaluator(workspace: ws, policy: try #require(ws.policy), asOf: ws.config.asOf!)
        let statuses = ws.cases.map { ev.evaluate($0) }
        #expect(statuses.contains { !$0.audit.departments.isEmpty && $0.audit.complete })
        #expect(statuses.contains { s in s.audit.departments.contains { $0.done > 0 && $0.done < $0.total } })
        #expect(statuses.contains { s in s.audit.departments.contains { $0.concluded && $0.conclusion?.result == .problemsFound } })
    }
}
