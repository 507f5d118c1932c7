import Testing
import TermAudit
import TermAuditRules

@Suite("Term rules")
struct TermRulesTests {
    let cutoff = CountedStartRule.midYearCutoff(month: 6, day: 30)

    func post(_ decided: String, inherits: String? = nil, rank: Rank = .principal, basis: Basis = .appointed, before: Int = 0) -> Post {
        Post(unit: "u", title: "t", rank: rank, level: "科级", system: "s", basis: basis, decided: R.day(decided),
             inherits: inherits.flatMap { DayRange(text: $0) }, termsBefore: before)
    }

    @Test("counted start on 30 June stays in the same year")
    func june30() {
        #expect(TermRules.countedStart(decided: R.day("2019-06-30"), rule: cutoff) == R.day("2019-01-01"))
    }

    @Test("counted start after 30 June moves to next year")
    func july1() {
        #expect(TermRules.countedStart(decided: R.day("2019-07-01"), rule: cutoff) == R.day("2020-01-01"))
    }

    @Test("counted start on 31 December moves to next year; 1 January stays")
    func yearEnds() {
        #expect(TermRules.countedStart(decided: R.day("2019-12-31"), rule: cutoff) == R.day("2020-01-01"))
        #expect(TermRules.countedStart(decided: R.day("2019-01-01"), rule: cutoff) == R.day("2019-01-01"))
    }

    @Test("a seed-city term ends on the last day of the fifth counted year")
    func termEnd() {
        let w = TermRules.window(post: post("2019-07-15"), policy: R.seed)
        #expect(w.start == R.day("2020-01-01"))
        #expect(w.end == R.day("2024-12-31"))
        #expect(w.number == 1)
        #expect(!w.inherited)
        #expect(w.reasons.first?.rule == "term.counted-start")
        #expect(w.reasons.first?.citation?.source == .seed)
    }

    @Test("a national term counts from the decision date and lasts five years; a term counted from 29 February ends 28 February")
    func nationalTerm() {
        let w = TermRules.window(post: post("2019-07-15"), policy: R.national)
        #expect(w.start == R.day("2019-07-15"))
        #expect(w.end == R.day("2024-07-14"))
        let leap = TermRules.window(post: post("2020-02-29"), policy: R.national)
        #expect(leap.end == R.day("2025-02-28"))
    }

    @Test("a mid-term replacement takes the predecessor's counted term")
    func inherited() {
        let w = TermRules.window(post: post("2019-07-15", inherits: "2018-01-01..2022-12-31"), policy: R.seed)
        #expect(w.start == R.day("2018-01-01"))
        #expect(w.end == R.day("2022-12-31"))
        #expect(w.inherited)
        #expect(w.reasons.map(\.rule) == ["term.inherited"])
    }

    @Test("under the national policy only elected posts inherit the remaining term")
    func inheritedNational() {
        let appointed = TermRules.window(post: post("2019-07-15", inherits: "2018-01-01..2022-12-31"), policy: R.national)
        #expect(!appointed.inherited)
        #expect(appointed.start == R.day("2019-07-15"))
        #expect(appointed.reasons.map(\.rule) == ["term.counted-start", "term.inherited"])
        let elected = TermRules.window(post: post("2019-07-15", inherits: "2018-01-01..2022-12-31", basis: .elected), policy: R.national)
        #expect(elected.inherited)
    }

    @Test("the term number is terms_before + 1 and a head's second term is the last")
    func twoTermLimit() {
        #expect(TermRules.window(post: post("2019-01-10", before: 0), policy: R.seed).limitReached == false)
        let second = TermRules.window(post: post("2019-01-10", before: 1), policy: R.seed)
        #expect(second.number == 2)
        #expect(second.limitReached)
        #expect(second.reasons.contains { $0.rule == "term.last-term" })
        #expect(TermRules.window(post: post("2019-01-10", rank: .deputy, before: 1), policy: R.seed).limitReached == false)
    }

    @Test("two-term limit at term end gives exchange_or_non_leadership")
    func limitConsequence() {
        let s = R.evaluator().evaluate(R.clean(decided: "2019-03-01", termsBefore: 1))
        #expect(s.consequences.contains(.exchangeOrNonLeadership))
        let first = R.evaluator().evaluate(R.clean(decided: "2019-03-01", termsBefore: 0))
        #expect(!first.consequences.contains(.exchangeOrNonLeadership))
    }

    @Test("a deputy at term end is due for re-appointment; not under the national policy")
    func deputyReappointment() {
        let s = R.evaluator().evaluate(R.clean(rank: .deputy))
        #expect(s.consequences.contains(.reappointmentDue))
        let transfer = R.evaluator(asOf: "2022-06-01").evaluate(R.clean(rank: .deputy, trigger: .transfer))
        #expect(!transfer.consequences.contains(.reappointmentDue))
        #expect(!R.evaluator(R.national).evaluate(R.clean(rank: .deputy)).consequences.contains(.reappointmentDue))
    }

    @Test("15 cumulative years at a level stop further nomination")
    func yearsAtLevel() {
        var c = R.clean(decided: "2020-03-01")
        c.post.yearsAtLevel = 10   // + 4 whole years in this post by 2024-12-31 = 14
        #expect(!R.evaluator().evaluate(c).consequences.contains(.levelYearsLimit))
        c.post.yearsAtLevel = 11   // 15
        let s = R.evaluator().evaluate(c)
        #expect(s.consequences.contains(.levelYearsLimit))
        #expect(s.reasons.first { $0.rule == "term.years-at-level" }?.citation?.source == .nat)
    }

    @Test("30 years of service below retirement age allows early leave")
    func earlyLeave() {
        var c = R.clean()
        c.official.serviceStart = R.day("1994-12-31")   // exactly 30 years on 2024-12-31
        #expect(R.evaluator().evaluate(c).consequences.contains(.earlyLeaveEligible))
        c.official.serviceStart = R.day("1995-01-01")
        #expect(!R.evaluator().evaluate(c).consequences.contains(.earlyLeaveEligible))
        c.official.serviceStart = R.day("1980-01-01")
        c.official.born = R.day("1964-12-31")           // 60 on 2024-12-31: at retirement age
        #expect(!R.evaluator().evaluate(c).consequences.contains(.earlyLeaveEligible))
    }
}
