import Testing
import TermAudit
import TermAuditLoader
import TermAuditRules

@Suite("Audit work by department")
struct AuditWorkTests {
    static let program = R.library.auditPrograms["department-heads"]!
    static let examiner = ["audit": "甲", "discipline": "乙", "organization": "丙", "personnel": "丁"]

    /// A case with every item examined and every department concluded.
    func concluded() -> AuditCase {
        var c = R.clean()
        var items: [String: AuditItemState] = [:]
        for it in Self.program.items { items[it.id] = AuditItemState(status: .noProblem, examiner: Self.examiner[it.department]) }
        var conclusions: [String: Conclusion] = [:]
        for (d, n) in Self.examiner { conclusions[d] = Conclusion(result: .noProblem, by: n, date: R.day("2024-12-20")) }
        c.audit = AuditWork(program: "department-heads", items: items, conclusions: conclusions)
        return c
    }

    func eval(_ c: AuditCase, reassign: [String: [String: String]] = [:]) -> CaseStatus {
        CaseEvaluator(library: R.library, policy: R.seed, asOf: R.day("2024-12-31"), defaultTemplate: "handover-standard",
                      defaultProgram: "department-heads", reassign: reassign).evaluate(c)
    }

    @Test("every department concluded lets the case pass auditing; progress per department")
    func allConcluded() {
        let s = eval(concluded())
        #expect(s.state == .readyForSignoff)
        #expect(s.audit.departments.map(\.department) == ["discipline", "organization", "personnel", "audit"])
        #expect(s.audit.departments.allSatisfy { $0.concluded && $0.done == $0.total })
        #expect(s.audit.departments.first { $0.department == "audit" }?.total == 10)
    }

    @Test("the case cannot pass auditing while any department's conclusion is missing")
    func conclusionMissing() {
        var c = concluded()
        c.audit?.conclusions.removeValue(forKey: "personnel")
        let s = eval(c)
        #expect(s.state == .auditing)
        #expect(s.audit.departments.first { $0.department == "personnel" }?.concluded == false)
        #expect(s.reasons.contains { $0.rule == "audit.conclusion-missing" })
    }

    @Test("a case with no audit section uses the default program, all pending")
    func defaultProgram() {
        let s = eval(R.clean())
        #expect(s.audit.program?.id == "department-heads")
        #expect(s.audit.departments.allSatisfy { $0.done == 0 && !$0.concluded })
        #expect(s.state == .auditing)
    }

    @Test("an item may only be examined by a member of its department")
    func examinerDepartment() {
        var c = concluded()
        c.audit?.items["integrity"]?.examiner = "甲"   // audit member examining a discipline item
        let s = eval(c)
        #expect(s.reasons.contains { $0.rule == "audit.examiner-department" })
        #expect(s.audit.departments.first { $0.department == "discipline" }?.done == 1)
        #expect(s.state == .auditing)
    }

    @Test("a workspace may reassign an item to another department")
    func reassign() {
        var c = concluded()
        c.audit?.items["staffing"]?.examiner = "丙"
        #expect(eval(c).state == .auditing)
        let s = eval(c, reassign: ["department-heads": ["staffing": "organization"]])
        #expect(s.audit.departments.first { $0.department == "organization" }?.total == 3)
        #expect(s.audit.departments.first { $0.department == "personnel" }?.total == 1)
        #expect(s.state == .readyForSignoff)
    }

    @Test("a department's conclusion needs every one of its items examined")
    func conclusionEarly() {
        var c = concluded()
        c.audit?.items.removeValue(forKey: "budget-execution")
        let s = eval(c)
        #expect(s.audit.departments.first { $0.department == "audit" }?.concluded == false)
        #expect(s.reasons.contains { $0.rule == "audit.conclusion-early" })
    }

    @Test("a problem item needs findings, and the conclusion must say problems were found")
    func problemItem() {
        var c = concluded()
        c.audit?.items["assets"] = AuditItemState(status: .problem, examiner: "甲")
        var s = eval(c)
        #expect(s.reasons.contains { $0.rule == "audit.problem-findings" })
        c.audit?.items["assets"]?.findings = ["F1"]
        s = eval(c)
        #expect(s.reasons.contains { $0.rule == "audit.conclusion-consistent" })
        #expect(s.state == .auditing)
        c.audit?.conclusions["audit"] = Conclusion(result: .problemsFound, findings: ["F1"], by: "甲", date: R.day("2024-12-20"))
        #expect(eval(c).state == .readyForSignoff)
    }

    @Test("the conclusion is given by a member of the department")
    func conclusionBy() {
        var c = concluded()
        c.audit?.conclusions["discipline"]?.by = "甲"
        let s = eval(c)
        #expect(s.reasons.contains { $0.rule == "audit.conclusion-by" })
        #expect(s.state == .auditing)
    }

    @Test("the loader checks examiners, findings and program item ids")
    func loader() {
        let lib = R.library
        let base = """
        id: A-1
        official: {name: 王某}
        post: {unit: 县某局, title: 局长, rank: principal, level: 科级, system: s, basis: appointed, decided: 2020-03-01}
        trigger: term_end
        team:
          - {name: 甲, department: audit, unit: 县审计局, leader: true}
        findings:
          - {id: F1, title: t, category: finance, status: resolved, department: audit}
        audit:
          program: department-heads
          items:
            budget-executon: no_problem
            assets: {status: problem, findings: [F9], examiner: 乙}
          conclusions:
            audit: {result: 没问题, by: 甲, date: 2024-12-20}
        """
        let (_, d) = WorkspaceLoader.parseCase(text: base, file: "a.yaml", library: lib, policy: R.seed)
        #expect(Set(d.map(\.code)) == ["unknown-item", "undefined-finding", "unknown-member", "bad-value"])
        #expect(d.first { $0.code == "unknown-item" }?.hint == "did you mean 'budget-execution'?")
    }
}
