import Testing
import TermAudit
import TermAuditRules

/// Assessment coupling (issue 13): the team's class limits its principal's grade; unrectified problems rule out 优秀;
/// the rounding of caps is policy data; one unit has one team result a year.
@Suite("Assessment coupling")
struct AssessmentCouplingTests {
    @Test("assessment.cap-team-class: a class-three team's principal is not 优秀; the reason shows the grade before and after")
    func classThree() throws {
        var c = R.clean()
        c.assessment = [AssessmentYear(year: 2024, performance: 92, opinion: 88, teamScore: 75)]   // 优秀 by scores; class 3
        let s = R.evaluator().evaluate(c)
        #expect(s.latestGrade == .competent)
        #expect(s.assessment.last?.gradeBeforeCap == .excellent)
        #expect(!s.consequences.contains(.priorityPromotion))
        let r = try #require(s.reasons.first { $0.rule == "assessment.cap-team-class" })
        #expect(r.message.zh.contains("按分数为优秀") && r.message.zh.contains("→ 称职"))
        #expect(r.citation?.source == .nat)
        // A deputy of the same team is not capped.
        c.post.rank = .deputy
        #expect(R.evaluator().evaluate(c).latestGrade == .excellent)
    }

    @Test("assessment.cap-team-class: a class-four team's principal is not 称职 or above")
    func classFour() {
        var c = R.clean()
        c.assessment = [AssessmentYear(year: 2024, performance: 80, opinion: 75, teamScore: 60)]   // 称职 by scores; class 4
        let s = R.evaluator().evaluate(c)
        #expect(s.latestGrade == .basicallyCompetent)
        #expect(s.consequences.contains(.admonishment))
    }

    @Test("assessment.cap-unrectified: audit problems not rectified rule out 优秀 in the latest year")
    func unrectified() throws {
        var c = R.clean()
        c.assessment = [AssessmentYear(year: 2023, performance: 92, opinion: 88), AssessmentYear(year: 2024, performance: 92, opinion: 88)]
        #expect(R.evaluator().evaluate(c).latestGrade == .excellent)       // F1 is resolved
        c.findings[0].status = .rectifying
        let s = R.evaluator().evaluate(c)
        #expect(s.latestGrade == .competent)
        #expect(s.assessment.first?.grade == .excellent)                   // an earlier year is not touched
        #expect(try #require(s.reasons.first { $0.rule == "assessment.cap-unrectified" }).message.zh.contains("F1"))
    }

    @Test("a grade given by the committee stands, and one above a cap is flagged")
    func givenStands() throws {
        var c = R.clean()
        c.assessment = [AssessmentYear(year: 2024, grade: .excellent, teamClass: 3)]
        let s = R.evaluator().evaluate(c)
        #expect(s.latestGrade == .excellent)
        #expect(try #require(s.reasons.first { $0.rule == "assessment.cap-team-class" }).message.zh.contains("按原样成立"))
    }

    @Test("caps on 优秀: a share becomes a head count by the policy's rounding", arguments: [
        (CapRounding.down, 6, 0.25, 1), (.up, 6, 0.25, 2), (.halfUp, 6, 0.25, 2),
        (.down, 2, 0.30, 0), (.up, 2, 0.30, 1), (.halfUp, 2, 0.30, 1),
        (.down, 10, 0.30, 3), (.up, 10, 0.30, 3), (.halfUp, 10, 0.25, 3),
    ])
    func rounding(_ r: CapRounding, _ n: Int, _ share: Double, _ allowed: Int) {
        #expect(r.allowed(n, share) == allowed)
    }

    @Test("the shipped policies round down and say so")
    func shippedRounding() {
        #expect(R.seed.assessment.caps?.rounding == .down)
        #expect(R.national.assessment.caps?.citation.ref.contains("考核工作条例(2019)") == true)
    }

    @Test("assessment.team-score-conflict: two cases of one unit with different team scores for a year are an error naming both")
    func teamScoreConflict() throws {
        var a = R.clean(), b = R.clean()
        b.id = "C-2"
        a.assessment = [AssessmentYear(year: 2024, performance: 80, opinion: 75, teamScore: 85,
                                       location: SourceLocation(file: "cases/a.yaml", line: 40, column: 5))]
        b.assessment = [AssessmentYear(year: 2024, performance: 80, opinion: 75, teamScore: 88,
                                       location: SourceLocation(file: "cases/b.yaml", line: 41, column: 5))]
        var report = RankingRules.rank([a, b], year: 2024, policy: R.seed)
        let conflict = try #require(report.conflicts.first)
        #expect(conflict.entries.map(\.location.file) == ["cases/a.yaml", "cases/b.yaml"])
        #expect(conflict.reason.message.zh.contains("cases/a.yaml") && conflict.reason.message.zh.contains("cases/b.yaml"))
        // The same score is no conflict; by alias, with a registry, it is one unit.
        b.assessment[0].teamScore = 85
        #expect(RankingRules.rank([a, b], year: 2024, policy: R.seed).conflicts.isEmpty)
        b.assessment[0].teamScore = 88
        b.post.unit = "某局"
        #expect(RankingRules.rank([a, b], year: 2024, policy: R.seed).conflicts.isEmpty)      // different units by text
        let units = UnitRegistry(units: [RegisteredUnit(id: "x", name: "县某局", aliases: ["某局"], kind: .governmentDepartment)])
        report = RankingRules.rank([a, b], year: 2024, policy: R.seed, units: units)
        #expect(report.conflicts.map(\.unit) == ["县某局"])
    }
}
