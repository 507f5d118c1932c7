import Testing
import TermAudit
import TermAuditLoader
import TermAuditRules

/// Independence of the team and of the handover (issue 13).
@Suite("Independence of the team and the handover")
struct IndependenceTests {
    @Test("team.independence: the incoming official may not sit on the audit team")
    func incomingOnTeam() {
        var c = R.clean()
        c.handover?.parties = ["outgoing": c.official.name, "incoming": "丙", "supervisor": "戊"]
        let s = R.evaluator().evaluate(c)
        #expect(s.team.conflicts == ["丙"])
        #expect(s.state == .preparing)
        #expect(s.reasons.contains { $0.rule == "team.independence" && $0.message.zh.contains("接交人丙") })
    }

    @Test("audit.examiner-conflict: items examined and conclusions given by a member with a conflict do not count")
    func conflictedExaminer() {
        var c = R.clean()
        c.handover?.parties = ["outgoing": c.official.name, "incoming": "乙", "supervisor": "戊"]
        c.audit = AuditWork(program: "department-heads",
                            items: ["integrity": AuditItemState(status: .noProblem, examiner: "乙"),
                                    "conduct-rules": AuditItemState(status: .noProblem, examiner: "乙")],
                            conclusions: ["discipline": Conclusion(result: .noProblem, by: "乙", date: R.day("2024-12-20"))])
        let s = R.evaluator().evaluate(c)
        let discipline = s.audit.departments.first { $0.department == "discipline" }
        #expect(discipline?.done == 0)
        #expect(discipline?.concluded == false)
        #expect(s.reasons.filter { $0.rule == "audit.examiner-conflict" }.count == 2)
        #expect(s.reasons.contains { $0.rule == "audit.conclusion-conflict" })
        // Without the conflict the same member's work counts.
        c.handover?.parties["incoming"] = "庚"
        #expect(R.evaluator().evaluate(c).audit.departments.first { $0.department == "discipline" }?.done == 2)
    }

    static func parse(_ parties: String) -> [Diagnostic] {
        let text = """
        id: P-1
        official: {name: 王某}
        post: {unit: 县某局, title: 局长, rank: principal, level: 科级, system: s, basis: appointed, decided: 2020-03-01}
        trigger: term_end
        handover:
          checklist: handover-standard
          parties: \(parties)
        """
        return WorkspaceLoader.parseCase(text: text, file: "p.yaml", library: R.library, policy: R.seed).1
    }

    @Test("party-conflict: the outgoing party is the audited official; the supervisor is neither party; nobody hands over to themselves")
    func parties() throws {
        #expect(Self.parse("{outgoing: 王某, incoming: 李某, supervisor: 张某}").isEmpty)
        var d = Self.parse("{outgoing: 赵某, incoming: 李某, supervisor: 张某}")
        #expect(d.map(\.code) == ["party-conflict"])
        #expect(d.first?.message == "handover.parties.outgoing '赵某' is not the audited official '王某'")
        #expect(d.first?.location.line == 7)
        d = Self.parse("{outgoing: 王某, incoming: 李某, supervisor: 李某}")
        #expect(d.map(\.code) == ["party-conflict"])
        #expect(d.first?.message == "handover.parties.supervisor '李某' is also the incoming party")
        d = Self.parse("{outgoing: 王某, incoming: 张某, supervisor: 王某}")
        #expect(d.first?.message == "handover.parties.supervisor '王某' is also the outgoing party")
        d = Self.parse("{incoming: 王某}")
        #expect(d.first?.message == "handover.parties.incoming '王某' is the outgoing official")
    }
}
