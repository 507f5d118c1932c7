import Testing
import TermAudit
import TermAuditRules

@Suite("Team, indicator, checklist, finding and state rules")
struct CaseRulesTests {
    @Test("a clean case is ready for sign-off")
    func clean() {
        let s = R.evaluator().evaluate(R.clean())
        #expect(s.state == .readyForSignoff)
        #expect(s.missingSignatures == ["team_leader", "outgoing", "incoming", "supervisor"])
        #expect(s.reasons.contains { $0.rule == "signoff.missing" })
    }

    @Test("all required valid signatures make the case signed off; a stale one does not")
    func signed() {
        let all: [String: SignatureVerdict] = ["team_leader": .valid, "outgoing": .valid, "incoming": .valid, "supervisor": .valid]
        #expect(R.evaluator().evaluate(R.clean(), signatures: all).state == .signedOff)
        var stale = all
        stale["incoming"] = .stale
        let s = R.evaluator().evaluate(R.clean(), signatures: stale)
        #expect(s.state == .readyForSignoff)
        #expect(s.reasons.contains { $0.rule == "signoff.stale" })
    }

    @Test("team missing a department is not valid and the case is preparing")
    func missingDepartment() {
        var c = R.clean()
        c.team.removeAll { $0.department == "personnel" }
        let s = R.evaluator().evaluate(c)
        #expect(s.state == .preparing)
        #expect(s.team.missing == ["personnel"])
        #expect(s.reasons.contains { $0.rule == "team.required-departments" && $0.message.zh.contains("人事") })
    }

    @Test("exactly one leader")
    func oneLeader() {
        var c = R.clean()
        c.team[1].leader = true
        #expect(R.evaluator().evaluate(c).state == .preparing)
        c.team[0].leader = false
        c.team[1].leader = false
        let s = R.evaluator().evaluate(c)
        #expect(!s.team.valid)
        #expect(s.reasons.contains { $0.rule == "team.one-leader" })
    }

    @Test("nobody twice")
    func nobodyTwice() {
        var c = R.clean()
        c.team.append(TeamMember(name: "乙", department: "audit", unit: "县审计局"))
        let s = R.evaluator().evaluate(c)
        #expect(!s.team.valid)
        #expect(s.reasons.contains { $0.rule == "team.no-duplicates" })
    }

    @Test("no member from the audited unit, and never the official")
    func independence() {
        var c = R.clean()
        c.team[2].unit = c.post.unit
        var s = R.evaluator().evaluate(c)
        #expect(s.team.conflicts == ["丙"])
        #expect(s.state == .preparing)
        c = R.clean()
        c.team[3].name = c.official.name
        s = R.evaluator().evaluate(c)
        #expect(s.team.conflicts == [c.official.name])
    }

    @Test("completion is actual over target when higher is better, the mirror when lower is better")
    func completion() {
        let p = R.seed.indicators
        #expect(IndicatorRules.completion(of: .quantitative(target: 5, actual: 5.2, better: .higher), policy: p)! == 5.2 / 5)
        #expect(IndicatorRules.completion(of: .quantitative(target: 4, actual: 5, better: .lower), policy: p)! == 0.8)
        #expect(IndicatorRules.completion(of: .quantitative(target: 4, actual: 2, better: .lower), policy: p)! == 2)
    }

    @Test("zero targets: higher is always met at ≥ 0; lower is met only at 0")
    func zeroTarget() {
        let p = R.seed.indicators
        #expect(IndicatorRules.completion(of: .quantitative(target: 0, actual: 0, better: .lower), policy: p) == 1)
        #expect(IndicatorRules.completion(of: .quantitative(target: 0, actual: 1, better: .lower), policy: p) == 0)
        #expect(IndicatorRules.completion(of: .quantitative(target: 0, actual: 3, better: .higher), policy: p) == 1)
        #expect(IndicatorRules.completion(of: .quantitative(target: 3, actual: 0, better: .lower), policy: p) == 1.5)
    }

    @Test("a missing actual is not reported, never zero")
    func notReported() {
        var c = R.clean()
        c.indicators.append(Indicator(id: "x", area: "duties", name: "未报", measure: .quantitative(target: 10, actual: nil, better: .higher), weight: 100))
        let s = R.evaluator().evaluate(c)
        #expect(s.indicators.notReported == ["x"])
        #expect(s.state == .auditing)
        // The unreported indicator's large weight does not drag completion down.
        #expect(abs(s.indicators.completion! - (10 * 1.04 + 1) / 11) < 1e-9)
    }

    @Test("weighted completion per goal area and overall, capped")
    func weighted() {
        let inds = [
            Indicator(id: "a", area: "duties", name: "a", measure: .quantitative(target: 10, actual: 5, better: .higher), weight: 1),
            Indicator(id: "b", area: "duties", name: "b", measure: .quantitative(target: 10, actual: 30, better: .higher), weight: 3),
            Indicator(id: "c", area: "integrity", name: "c", measure: .qualitative(target: "t", rating: .partial), weight: 2),
            Indicator(id: "d", area: "integrity", name: "d", measure: .qualitative(target: "t", rating: .notAchieved), weight: 2),
        ]
        let s = IndicatorRules.summarize(inds, policy: R.seed, library: R.library)
        let duties = s.areas.first { $0.area == "duties" }!
        #expect(abs(duties.completion! - (0.5 + 3 * 1.5) / 4) < 1e-9)   // 300% capped at 150%
        #expect(s.areas.first { $0.area == "integrity" }!.completion == 0.25)
        #expect(abs(s.completion! - (0.5 + 4.5 + 1 + 0) / 8) < 1e-9)
        #expect(s.met == ["b"])
        #expect(s.unmet == ["a", "c", "d"])
    }

    @Test("met at 100 percent exactly")
    func metBoundary() {
        let s = IndicatorRules.summarize([
            Indicator(id: "a", area: "duties", name: "a", measure: .quantitative(target: 3, actual: 3, better: .higher)),
            Indicator(id: "b", area: "duties", name: "b", measure: .quantitative(target: 3, actual: 2.999, better: .higher)),
        ], policy: R.seed, library: R.library)
        #expect(s.met == ["a"])
        #expect(s.unmet == ["b"])
    }

    @Test("checklist progress per area; unlisted items are pending")
    func checklist() {
        var c = R.clean()
        c.handover?.items.removeValue(forKey: "seals")
        c.handover?.items.removeValue(forKey: "accounts")
        let s = R.evaluator().evaluate(c)
        #expect(s.checklist.pending == ["seals", "accounts"])
        #expect(s.checklist.total == 28)
        #expect(s.checklist.done == 26)
        #expect(s.checklist.areas.first { $0.area.id == "seals" }!.done == 1)
        #expect(s.state == .auditing)
    }

    @Test("not_applicable needs a reason; issue needs a finding")
    func itemRules() {
        var c = R.clean()
        c.handover?.items["lawsuits"] = ItemState(status: .notApplicable)
        c.handover?.items["debts"] = ItemState(status: .issue)
        let s = R.evaluator().evaluate(c)
        #expect(s.checklist.incomplete.sorted() == ["debts", "lawsuits"])
        #expect(s.state == .auditing)
        #expect(s.reasons.contains { $0.rule == "checklist.not-applicable-reason" })
        #expect(s.reasons.contains { $0.rule == "checklist.issue-finding" })
        c.handover?.items["lawsuits"] = ItemState(status: .notApplicable, reason: "无诉讼")
        c.handover?.items["debts"] = ItemState(status: .issue, finding: "F1")
        #expect(R.evaluator().evaluate(c).state == .readyForSignoff)
    }

    @Test("unverified and transferred findings hold the case; on hold wins over everything")
    func holding() {
        for status in [FindingStatus.unverified, .transferred] {
            var c = R.clean()
            c.team = []   // would be preparing
            c.findings.append(Finding(id: "F2", title: "待查", category: "finance", status: status))
            let s = R.evaluator().evaluate(c)
            #expect(s.state == .onHold)
            #expect(s.holdingFindings == ["F2"])
            #expect(s.consequences.contains(.onHold))
            #expect(s.placement?.recommended == .waiting)
        }
    }

    @Test("an open finding blocks sign-off; rectifying and resolved do not")
    func blocking() {
        var c = R.clean()
        c.findings.append(Finding(id: "F2", title: "未整改", category: "finance", status: .open))
        let s = R.evaluator().evaluate(c)
        #expect(s.state == .auditing)
        #expect(s.blockingFindings == ["F2"])
        c.findings[1].status = .rectifying
        #expect(R.evaluator().evaluate(c).state == .readyForSignoff)
    }

    @Test("state precedence: preparing before auditing")
    func precedence() {
        var c = R.clean()
        c.team.removeFirst()
        c.indicators[0].measure = .quantitative(target: 1, actual: nil, better: .higher)
        #expect(R.evaluator().evaluate(c).state == .preparing)
    }

    @Test("a case with no handover uses the workspace's default template, all pending")
    func noHandover() {
        var c = R.clean()
        c.handover = nil
        let s = R.evaluator().evaluate(c)
        #expect(s.checklist.template?.id == "handover-standard")
        #expect(s.checklist.pending.count == 28)
    }
}
