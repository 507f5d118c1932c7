import Testing
import TermAudit
import TermAuditRules

@Suite("Assessment, ranking and placement rules")
struct AssessmentTests {
    func grade(_ p: Double, _ o: Double) -> Grade? { AssessmentRules.grade(performance: p, opinion: o, policy: R.seed.assessment) }

    @Test("grades from the two 100-point scores at the policy's thresholds")
    func grades() {
        #expect(grade(90, 85) == .excellent)
        #expect(grade(89.9, 99) == .competent)
        #expect(grade(75, 70) == .competent)
        #expect(grade(74, 70) == .basicallyCompetent)
        #expect(grade(60, 60) == .basicallyCompetent)
        #expect(grade(59, 90) == .incompetent)
    }

    @Test("a grade given by hand stands over the scores")
    func gradeGiven() {
        var c = R.clean()
        c.assessment = [AssessmentYear(year: 2024, performance: 95, opinion: 95, grade: .competent)]
        let s = R.evaluator().evaluate(c)
        #expect(s.latestGrade == .competent)
        #expect(s.assessment[0].gradeGiven)
        #expect(!s.consequences.contains(.priorityPromotion))
    }

    @Test("excellent gives priority for promotion")
    func excellent() {
        var c = R.clean()
        c.assessment = [AssessmentYear(year: 2024, performance: 92, opinion: 88)]
        let s = R.evaluator().evaluate(c)
        #expect(s.consequences.contains(.priorityPromotion))
        #expect(s.placement?.recommended == .promote)
    }

    @Test("basically competent gives an admonishing talk (and, Art. 24, bars a promotion next year)")
    func admonishment() {
        var c = R.clean()
        c.assessment = [AssessmentYear(year: 2023, grade: .competent), AssessmentYear(year: 2024, grade: .basicallyCompetent)]
        let s = R.evaluator().evaluate(c)
        #expect(s.consequences == [.admonishment, .promotionBarred])
        #expect(s.reasons.contains { $0.rule == "assessment.basically-competent" && $0.message.zh.contains("限期改正") })
    }

    @Test("two consecutive 基本称职 mean not appointed again")
    func twoBasic() {
        var c = R.clean()
        c.assessment = [AssessmentYear(year: 2023, performance: 65, opinion: 65), AssessmentYear(year: 2024, grade: .basicallyCompetent)]
        let s = R.evaluator().evaluate(c)
        #expect(s.consequences.contains(.notReappointed))
        #expect(s.reasons.contains { $0.rule == "assessment.basic-in-a-row" })
        #expect(s.placement?.recommended == .nonLeadership)
    }

    @Test("two 基本称职 with a gap year are not running")
    func basicWithGap() {
        var c = R.clean()
        c.assessment = [AssessmentYear(year: 2022, grade: .basicallyCompetent), AssessmentYear(year: 2024, grade: .basicallyCompetent)]
        #expect(!R.evaluator().evaluate(c).consequences.contains(.notReappointed))
    }

    @Test("不称职 in the latest year means not appointed again")
    func incompetent() {
        var c = R.clean()
        c.assessment = [AssessmentYear(year: 2023, grade: .excellent), AssessmentYear(year: 2024, performance: 50, opinion: 40)]
        let s = R.evaluator().evaluate(c)
        #expect(s.consequences.contains(.notReappointed))
        #expect(!s.consequences.contains(.priorityPromotion))
        #expect(s.placement?.recommended == .nonLeadership)
        #expect(s.placement?.alternatives == [.demote, .waiting])
    }

    @Test("team classes one, three and four carry their consequences")
    func teamClasses() {
        for (score, cls, k) in [(92.0, 1, Consequence.teamCommendation), (75, 3, .teamTalk), (60, 4, .teamReorganization)] {
            var c = R.clean()
            c.assessment = [AssessmentYear(year: 2024, performance: 80, opinion: 75, teamScore: score)]
            let s = R.evaluator().evaluate(c)
            #expect(s.assessment[0].teamClass == cls)
            #expect(s.consequences.contains(k))
        }
        var c = R.clean()
        c.assessment = [AssessmentYear(year: 2024, performance: 80, opinion: 75, teamClass: 2, teamScore: 10)]
        #expect(R.evaluator().evaluate(c).assessment[0].teamClass == 2)   // a given class stands
    }

    func official(_ id: String, _ unit: String, _ p: Double, _ o: Double, level: String = "科级", system: String = "政府工作部门", cls: Int? = nil) -> AuditCase {
        var c = R.clean()
        c.id = id
        c.official.name = "官\(id)"
        c.post.unit = unit
        c.post.level = level
        c.post.system = system
        c.assessment = [AssessmentYear(year: 2024, performance: p, opinion: o, teamClass: cls)]
        return c
    }

    @Test("ranking within the same level and system, best grade first, ties share a rank")
    func ranking() {
        let cases = [official("1", "甲局", 80, 75), official("2", "乙局", 95, 90), official("3", "丙局", 80, 75),
                     official("4", "丁镇", 70, 65, system: "乡镇"), official("5", "戊局", 60, 50, level: "副科级")]
        let r = RankingRules.rank(cases, year: 2024, policy: R.seed)
        #expect(r.groups.count == 3)
        let g = r.groups.first { $0.system == "政府工作部门" && $0.level == "科级" }!
        #expect(g.entries.map(\.caseID) == ["2", "1", "3"])
        #expect(g.entries.map(\.rank) == [1, 2, 2])
    }

    @Test("the caps on 优秀 are checked and breaches named")
    func caps() {
        // 4 officials, 2 excellent: 50% > 25% (at most 1).
        let cases = [official("1", "甲局", 95, 90, cls: 1), official("2", "乙局", 95, 90, cls: 1), official("3", "丙局", 80, 75, cls: 3),
                     official("4", "丁局", 80, 75, cls: 2)]
        let r = RankingRules.rank(cases, year: 2024, policy: R.national)
        let officials = r.breaches.first { $0.scope == "officials" }
        #expect(officials?.count == 2)
        #expect(officials?.allowed == 1)
        #expect(officials?.reason.message.zh.contains("官1") == true)
        // Teams: 2 of 4 in class one > 30%.
        #expect(r.breaches.contains { $0.scope == "teams" && $0.count == 2 && $0.allowed == 1 })
        // Members of class-one teams: 2 of 2 excellent > 30%.
        #expect(r.breaches.contains { $0.scope == "members of class-1 teams" })
        let ok = RankingRules.rank([official("1", "甲局", 95, 90), official("2", "乙局", 80, 75), official("3", "丙局", 80, 75),
                                    official("4", "丁局", 80, 75)], year: 2024, policy: R.national)
        #expect(ok.breaches.isEmpty)
    }

    @Test("placement: two terms and competent → exchange; promotion trigger → promote")
    func placement() {
        let s = R.evaluator().evaluate(R.clean(decided: "2019-03-01", termsBefore: 1))
        #expect(s.placement?.recommended == .exchange)
        #expect(R.evaluator().evaluate(R.clean(trigger: .promotion)).placement?.recommended == .promote)
        var c = R.clean(decided: "2019-03-01", termsBefore: 1)
        c.assessment = [AssessmentYear(year: 2024, grade: .basicallyCompetent)]
        #expect(R.evaluator().evaluate(c).placement?.recommended == .continue || R.evaluator().evaluate(c).placement?.recommended == .nonLeadership)
    }
}
