import Testing
import TermAudit
import TermAuditRules

@Suite("Deadlines: overdue handovers")
struct DeadlineTests {
    @Test("handover.overdue: past the handover's due date with items not done, naming the items")
    func handoverOverdue() throws {
        var c = R.clean()
        var h = try #require(c.handover)
        h.notified = R.day("2024-12-01")
        h.due = R.day("2024-12-10")
        h.items.removeValue(forKey: "seals")
        h.items["cash"] = ItemState(status: .notApplicable)          // no reason: incomplete
        c.handover = h
        let s = R.evaluator().evaluate(c)
        #expect(s.checklist.overdue == ["seals", "cash"])
        let r = try #require(s.reasons.first { $0.rule == "handover.overdue" })
        #expect(r.message.zh.contains("2024-12-10"))
        #expect(r.message.zh.contains("印章"))
        #expect(r.message.en.contains("seals, cash"))
        #expect(r.citation?.source == .local)
    }

    @Test("handover.overdue: not before the due date, and not once every item is done")
    func handoverNotOverdue() throws {
        var c = R.clean()
        var h = try #require(c.handover)
        h.due = R.day("2024-12-10")
        c.handover = h
        #expect(R.evaluator().evaluate(c).checklist.overdue.isEmpty)          // all done
        h.items.removeValue(forKey: "seals")
        c.handover = h
        #expect(R.evaluator(asOf: "2024-12-10").evaluate(c).checklist.overdue.isEmpty)   // due today: not yet late
        #expect(R.evaluator(asOf: "2024-12-11").evaluate(c).checklist.overdue == ["seals"])
    }
}

@Suite("Department conclusions and the sign-off wording")
struct ConclusionWordingTests {
    @Test("signoff.missing: 审计无问题 only when the audit found nothing; resolved findings are named as resolved")
    func wording() throws {
        var c = R.clean()
        var r = try #require(R.evaluator().evaluate(c).reasons.first { $0.rule == "signoff.missing" })
        #expect(!r.message.zh.contains("审计无问题"))
        #expect(r.message.zh.contains("发现的问题（F1）均已整改"))
        c.findings = []
        r = try #require(R.evaluator().evaluate(c).reasons.first { $0.rule == "signoff.missing" })
        #expect(r.message.zh.hasPrefix("审计无问题，待签字"))
    }

    @Test("audit.conclusion-consistent: 未发现问题 from the department a finding names does not stand")
    func ownedFinding() {
        var c = R.clean()
        c.audit = AuditWork(program: "department-heads", items: [:],
                            conclusions: ["audit": Conclusion(result: .noProblem, findings: [], by: "甲", date: R.day("2024-12-20"))])
        c.findings[0].department = "audit"
        let s = R.evaluator().evaluate(c)
        #expect(s.reasons.contains { $0.rule == "audit.conclusion-consistent" && $0.message.zh.contains("F1") })
        #expect(s.audit.departments.first { $0.department == "audit" }?.concluded == false)
    }
}
