import Testing
import TermAudit
import TermAuditRules

/// The personnel gate (经审核没有问题的，方可进行任免), the promotion bars (选拔任用条例 Art. 24), 不再任用,
/// 降职 and 退休, and overdue findings. Each test is named after the rule it reaches.
@Suite("Personnel gate, promotion bars, not appointed again, retirement")
struct PersonnelGateTests {
    /// A clean case audited for a promotion, graded 优秀 in 2023 and 2024: the rules would recommend promotion.
    /// (The trigger keeps the promotion independent of the grade, which an unrectified finding caps at 称职.)
    static func excellent() -> AuditCase {
        var c = R.clean(trigger: .promotion)
        c.assessment = [AssessmentYear(year: 2023, grade: .excellent), AssessmentYear(year: 2024, grade: .excellent)]
        return c
    }

    @Test("placement.gate: an open finding keeps the promotion back and names the finding")
    func gateOpenFinding() {
        var c = Self.excellent()
        #expect(R.evaluator().evaluate(c).placement?.recommended == .promote)
        c.findings.append(Finding(id: "F2", title: "专项资金未拨付", category: "finance", status: .open))
        let s = R.evaluator().evaluate(c)
        let p = try! #require(s.placement)
        #expect(p.recommended == nil)
        #expect(p.onceCleared == .promote)
        #expect(p.blockingFindings == ["F2"])
        #expect(!p.alternatives.contains(.promote))
        let gate = try! #require(s.reasons.first { $0.rule == "placement.gate" })
        #expect(gate.message.zh.contains("F2"))
        #expect(gate.message.zh.contains("方可进行任免"))
        #expect(gate.citation?.source == .seed)
        #expect(p.summary(policy: R.seed).zh.hasPrefix("暂不任免"))
    }

    @Test("placement.gate: 持续整改 never clears the way to an appointment, even where the handover may go ahead",
          arguments: [FindingStatus.rectifying, .open])
    func gateUnclearedStatus(_ status: FindingStatus) {
        var c = Self.excellent()
        c.findings[0].status = status
        let p = R.evaluator().evaluate(c).placement
        #expect(p?.recommended == nil)
        #expect(p?.onceCleared == .promote)
        #expect(p?.blockingFindings == ["F1"])
    }

    @Test("placement.gate: unverified and transferred findings put the official on hold (待岗), never an appointment",
          arguments: [FindingStatus.unverified, .transferred])
    func gateHolding(_ status: FindingStatus) {
        var c = Self.excellent()
        c.findings[0].status = status
        let s = R.evaluator().evaluate(c)
        #expect(s.state == .onHold)
        #expect(s.placement?.recommended == .waiting)
        #expect(s.placement.map { !$0.alternatives.contains { PlacementRules.gated.contains($0) } } == true)
    }

    @Test("placement.gate: a resolved finding opens the gate")
    func gateResolved() {
        let c = Self.excellent()
        #expect(c.findings.allSatisfy { $0.status == .resolved })
        let s = R.evaluator().evaluate(c)
        #expect(s.placement?.recommended == .promote)
        #expect(!s.reasons.contains { $0.rule == "placement.gate" })
    }

    @Test("placement.gate: no appointment while the audit is not concluded")
    func gateAuditNotConcluded() {
        var c = Self.excellent()
        var h = try! #require(c.handover)
        h.items.removeValue(forKey: h.items.keys.sorted()[0])
        c.handover = h
        let s = R.evaluator().evaluate(c)
        #expect(s.state == .auditing)
        #expect(s.placement?.recommended == nil)
        #expect(s.placement?.awaitsConclusion == true)
        #expect(s.reasons.contains { $0.rule == "placement.gate" && $0.message.zh.contains("审计办结") })
    }

    @Test("placement.gate: leaving the post (non-leadership, waiting) is not an appointment and is still advised")
    func gateLetsNonAppointmentsThrough() {
        var c = R.clean()
        c.assessment = [AssessmentYear(year: 2024, grade: .incompetent)]
        c.findings.append(Finding(id: "F2", title: "问题", category: "finance", status: .open))
        let p = R.evaluator().evaluate(c).placement
        #expect(p?.recommended == .nonLeadership)
    }

    @Test("promotion.bar-grade: 基本称职 in the previous year bars a promotion")
    func barGrade() {
        var c = Self.excellent()
        c.trigger = .promotion
        c.assessment = [AssessmentYear(year: 2023, grade: .excellent), AssessmentYear(year: 2024, grade: .basicallyCompetent)]
        let s = R.evaluator(asOf: "2025-02-15").evaluate(c)
        #expect(s.consequences.contains(.promotionBarred))
        #expect(s.reasons.contains { $0.rule == "promotion.bar-grade" && $0.message.zh.contains("2024") })
        #expect(s.placement?.recommended == .continue)
        #expect(s.placement?.alternatives.contains(.promote) == false)
        #expect(s.reasons.contains { $0.rule == "placement.promotion-barred" && $0.citation?.source == .nat })
    }

    @Test("promotion.bar-grade: a 基本称职 two years back no longer bars")
    func barGradeOld() {
        var c = Self.excellent()
        c.assessment = [AssessmentYear(year: 2022, grade: .basicallyCompetent), AssessmentYear(year: 2023, grade: .excellent),
                        AssessmentYear(year: 2024, grade: .excellent)]
        let s = R.evaluator().evaluate(c)
        #expect(!s.consequences.contains(.promotionBarred))
        #expect(s.placement?.recommended == .promote)
    }

    @Test("promotion.bar-sanction: an 诫勉 in force bars a promotion; after its period it does not")
    func barSanction() {
        var c = Self.excellent()
        c.official.sanctions = [Sanction(kind: .admonishment, date: R.day("2024-09-01"))]
        var s = R.evaluator().evaluate(c)   // as of 2024-12-31: within the 6 months of the seed-city policy
        #expect(s.consequences.contains(.promotionBarred))
        let bar = try! #require(s.reasons.first { $0.rule == "promotion.bar-sanction" })
        #expect(bar.message.zh.contains("2025-03-01"))
        #expect(s.placement?.recommended == .continue)
        s = R.evaluator(asOf: "2025-03-01").evaluate(c)
        #expect(!s.consequences.contains(.promotionBarred))
        // An explicit `until` stands over the default period.
        c.official.sanctions = [Sanction(kind: .disciplinary, date: R.day("2023-01-01"), until: R.day("2025-01-01"))]
        s = R.evaluator().evaluate(c)
        #expect(s.consequences.contains(.promotionBarred))
    }

    @Test("assessment.basic-in-a-row: any two consecutive 基本称职 years of the term, not only the latest two")
    func basicRunAnywhere() {
        var c = R.clean()
        c.assessment = [AssessmentYear(year: 2021, grade: .competent), AssessmentYear(year: 2022, grade: .basicallyCompetent),
                        AssessmentYear(year: 2023, grade: .basicallyCompetent), AssessmentYear(year: 2024, grade: .competent)]
        let s = R.evaluator().evaluate(c)
        #expect(s.consequences.contains(.notReappointed))
        let r = try! #require(s.reasons.first { $0.rule == "assessment.basic-in-a-row" })
        #expect(r.message.zh.contains("2022、2023"))
        #expect(r.message.zh.contains("不再任用"))
        #expect(!r.message.zh.contains("不再聘任"))
        #expect(s.placement?.recommended == .nonLeadership)
    }

    @Test("assessment.incompetent: 不称职 offers 改任非领导职务, 降职, 待岗 and 培训")
    func incompetentOptions() {
        var c = R.clean()
        c.assessment = [AssessmentYear(year: 2024, grade: .incompetent)]
        let s = R.evaluator().evaluate(c)
        #expect(s.consequences.contains(.notReappointed))
        #expect(s.placement?.recommended == .nonLeadership)
        #expect(s.placement?.alternatives.contains(.demote) == true)
        #expect(s.placement?.alternatives.contains(.waiting) == true)
        #expect(R.seed.placements[.demote]?.label.zh == "降职使用")
        #expect(R.seed.consequences[.notReappointed]?.label.zh.hasPrefix("不再任用") == true)
    }

    @Test("retirement.age: reaching the policy's retirement age gives 退休, not early leave")
    func retirement() {
        var c = R.clean()
        c.official.born = R.day("1964-12-01")      // 60 on 2024-12-01
        c.official.serviceStart = R.day("1984-08-01")
        var s = R.evaluator().evaluate(c)
        #expect(s.consequences.contains(.retirementDue))
        #expect(!s.consequences.contains(.earlyLeaveEligible))
        #expect(s.placement?.recommended == .retire)
        #expect(s.reasons.contains { $0.rule == "retirement.age" && $0.citation?.source == .local })
        // A day before the birthday: not yet; 40 years of service allow early leave.
        s = R.evaluator(asOf: "2024-11-30").evaluate(c)
        #expect(!s.consequences.contains(.retirementDue))
        #expect(s.consequences.contains(.earlyLeaveEligible))
    }

    @Test("retirement.age: the first entry matching sex and level gives the age")
    func retirementAgesByPolicy() {
        let p = RetirementPolicy(ages: [.init(sex: .female, levels: ["科级"], age: 55), .init(age: 60)],
                                 citation: Citation(source: .local, ref: "test"))
        #expect(p.age(sex: .female, level: "科级") == 55)
        #expect(p.age(sex: .male, level: "科级") == 60)
        #expect(p.age(sex: .female, level: "处级") == 60)
        #expect(p.age(sex: nil, level: "科级") == 60)   // sex unknown: only entries that do not depend on it
        var policy = R.seed
        policy.retirement = p
        var c = R.clean()
        c.official.sex = .female
        c.official.born = R.day("1969-01-01")     // 55 at 2024-12-31
        let s = R.evaluator(policy).evaluate(c)
        #expect(s.placement?.recommended == .retire)
    }

    @Test("findings.overdue: a finding past its due date and not cleared is flagged")
    func findingOverdue() {
        var c = R.clean()
        c.findings = [Finding(id: "F1", title: "未整改", category: "finance", status: .rectifying, due: R.day("2024-11-30")),
                      Finding(id: "F2", title: "已整改", category: "finance", status: .resolved, due: R.day("2024-11-30")),
                      Finding(id: "F3", title: "未到期", category: "finance", status: .open, due: R.day("2024-12-31"))]
        let s = R.evaluator().evaluate(c)
        #expect(s.overdueFindings == ["F1"])
        #expect(s.unclearedFindings == ["F1", "F3"])
        #expect(s.reasons.contains { $0.rule == "findings.overdue" && $0.message.zh.contains("2024-11-30") })
    }
}
