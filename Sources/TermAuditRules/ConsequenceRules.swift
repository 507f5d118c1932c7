import TermAudit

/// The consequences of a case (term limits, re-appointment, assessment, age, sanctions, 待岗), with their reasons.
public struct ConsequenceCheck: Sendable, Hashable {
    /// In the order of `Consequence.allCases`.
    public var consequences: [Consequence]
    public var reasons: [Reason]
    /// The official's age at `as_of`, when the birth date is known.
    public var age: Int?
    /// The retirement age that applies, when the policy gives one.
    public var retirementAge: Int?
    /// What bars a promotion now (empty: nothing).
    public var promotionBars: [Reason]
}

/// Consequence rules (考核结果运用、任期届满、退休、提前离岗).
public enum ConsequenceRules {
    /// - Parameters:
    ///   - system: the post's system from the unit registry; nil when unit kinds are unknown (then principals
    ///     count as term-system and deputies as appointment-system posts, as before the registry).
    public static func check(_ c: AuditCase, policy: Policy, asOf: Day, term: TermWindow, outcomes: [YearOutcome],
                             onHold: Bool, system: PostSystem?) -> ConsequenceCheck {
        var found: [Consequence] = []
        var reasons: [Reason] = []
        func add(_ k: Consequence, _ r: Reason) {
            if !found.contains(k) { found.append(k) }
            reasons.append(r)
        }
        for (k, r) in AssessmentRules.consequences(outcomes, policy: policy.assessment) { add(k, r) }

        let atTermEnd = isAtTermEnd(c, term: term, asOf: asOf)
        let termSystem = system.map { $0 == .term } ?? (c.post.rank == .principal)
        let appointmentSystem = system.map { $0 == .appointment } ?? (c.post.rank == .deputy)
        if term.limitReached && atTermEnd && termSystem {
            add(.exchangeOrNonLeadership, Reason(rule: "term.consecutive-limit",
                                                 message: Label(zh: "正职同一职位任期届满已达上限，应交流或改任非领导职务",
                                                                en: "Principal at the end of the last permitted term: exchange or non-leadership post"),
                                                 citation: policy.term.consecutiveTermLimitCitation))
        }
        if appointmentSystem && policy.term.deputyReappointment && atTermEnd {
            add(.reappointmentDue, Reason(rule: "term.deputy-reappointment",
                                          message: Label(zh: "副职聘期届满（\(term.end)），需作出是否重新聘任的决定",
                                                         en: "Deputy's term ends \(term.end): re-appointment decision due"),
                                          citation: policy.term.deputyReappointmentCitation))
        }
        if let limit = policy.term.yearsAtLevelLimit, let before = c.post.yearsAtLevel {
            let inPost = max(0, c.post.decided.wholeYears(until: asOf))
            if before + inPost >= limit {
                add(.levelYearsLimit, Reason(rule: "term.years-at-level",
                                             message: Label(zh: "同一层次累计任职 \(before + inPost) 年（此前 \(before) 年，本职 \(inPost) 年），已满 \(limit) 年，不再推荐提名",
                                                            en: "\(before + inPost) years at this level (\(before) before, \(inPost) in this post): reaches \(limit), no further nomination at this level"),
                                             citation: policy.term.yearsAtLevelLimitCitation))
            }
        }

        // Age: retirement (退休) and early leave (提前离岗).
        let age = c.official.born.map { $0.wholeYears(until: asOf) }
        let retirementAge = policy.retirement?.age(sex: c.official.sex, level: c.post.level) ?? policy.earlyLeave?.retirementAge
        if let age, let ra = retirementAge, age >= ra, let rp = policy.retirement {
            add(.retirementDue, Reason(rule: "retirement.age",
                                       message: Label(zh: "年龄 \(age) 岁，已达退休年龄 \(ra) 岁，办理退休手续",
                                                      en: "Aged \(age): at or past the retirement age of \(ra); retirement is due"),
                                       citation: rp.citation))
        }
        if let el = policy.earlyLeave, let start = c.official.serviceStart {
            let service = start.wholeYears(until: asOf)
            let below = age.flatMap { a in retirementAge.map { a < $0 } } ?? true
            if service >= el.serviceYears && below {
                let ageText = age.map { "，年龄 \($0) 岁" } ?? ""
                add(.earlyLeaveEligible, Reason(rule: "placement.early-leave",
                                                message: Label(zh: "工作满 \(service) 年\(ageText)，未到退休年龄，本人自愿可提前离岗",
                                                               en: "\(service) years of service, below retirement age: may leave early if they wish"),
                                                citation: el.citation))
            }
        }

        // Promotion bars (选拔任用条例 Art. 24).
        var bars: [Reason] = []
        if let bar = policy.promotionBar {
            // The previous year's result (or this year's, once given).
            if let latest = outcomes.last(where: { $0.grade != nil && $0.year >= asOf.year - 1 }), let g = latest.grade, g >= bar.grade {
                bars.append(Reason(rule: "promotion.bar-grade",
                                   message: Label(zh: "\(latest.year) 年度考核\(g.rawValue)，不得列为提拔考察对象",
                                                  en: "\(latest.year): graded \(g.rawValue); not a candidate for promotion"),
                                   citation: bar.citation))
            }
            for s in c.official.sanctions {
                let until = s.until ?? bar.sanctionMonths[s.kind].map { s.date.adding(months: $0) }
                guard let until, s.date <= asOf, asOf < until else { continue }
                bars.append(Reason(rule: "promotion.bar-sanction",
                                   message: Label(zh: "\(s.date) 受\(s.kind.label.zh)，影响期至 \(until)，期内不得提拔",
                                                  en: "\(s.kind.label.en) of \(s.date), in force until \(until): no promotion meanwhile"),
                                   citation: s.until == nil ? bar.periodsCitation : bar.citation))
            }
            for b in bars { add(.promotionBarred, b) }
        }

        if onHold {
            add(.onHold, Reason(rule: "state.on-hold",
                                message: Label(zh: "存在一时难以查清或已移送的问题，待岗至问题查清", en: "Unresolved matters: on hold until cleared"),
                                citation: policy.findings.holdingCitation))
        }
        return ConsequenceCheck(consequences: Consequence.allCases.filter { found.contains($0) }, reasons: reasons,
                                age: age, retirementAge: retirementAge, promotionBars: bars)
    }

    /// Whether the case is at the end of the term: audited for the term end, or the term has ended by `as_of`.
    public static func isAtTermEnd(_ c: AuditCase, term: TermWindow, asOf: Day) -> Bool {
        c.trigger == .termEnd || term.end <= asOf
    }
}
