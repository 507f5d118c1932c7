import TermAudit

/// The counted term of a post under a policy.
public struct TermWindow: Sendable, Hashable {
    public var decided: Day
    public var start: Day
    public var end: Day
    /// The term number in this post (`terms_before + 1`).
    public var number: Int
    /// Whether the term is the predecessor's remaining term.
    public var inherited: Bool
    /// Whether this is the last term a principal may serve in the post.
    public var limitReached: Bool
    public var reasons: [Reason]
}

/// Term rules (任期): counted start, end, inherited terms, term number, limits.
public enum TermRules {
    /// The counted start of a term decided on `decided` (seed city: on or before 30 June → 1 January that year,
    /// after → 1 January of the next year).
    public static func countedStart(decided: Day, rule: CountedStartRule) -> Day {
        switch rule {
        case .decisionDate:
            return decided
        case let .midYearCutoff(month, day):
            if (decided.month, decided.day) <= (month, day) { return Day.januaryFirst(decided.year) }
            return Day.januaryFirst(decided.year + 1)
        }
    }

    /// The last day of a term of `years` counted years starting on `start`.
    public static func end(start: Day, years: Int) -> Day { start.termEnd(years: years) }

    /// The counted window of a post's current term.
    public static func window(post: Post, policy: Policy) -> TermWindow {
        let t = policy.term
        var reasons: [Reason] = []
        var start: Day
        var end: Day
        var inherited = false
        if let inherits = post.inherits, t.inheritFor.contains(post.basis) {
            start = inherits.start
            end = inherits.end
            inherited = true
            reasons.append(Reason(rule: "term.inherited",
                                  message: Label(zh: "任期内因组织调整到职，按前任剩余任期计算：\(start) 至 \(end)",
                                                 en: "Placed mid-term: serves the predecessor's remaining term, \(start) to \(end)"),
                                  citation: t.inheritCitation))
        } else {
            start = countedStart(decided: post.decided, rule: t.countedStart)
            end = Self.end(start: start, years: t.years)
            switch t.countedStart {
            case let .midYearCutoff(m, d):
                let cutoff = "\(m)月\(d)日"
                let after = start.year > post.decided.year
                reasons.append(Reason(rule: "term.counted-start",
                                      message: Label(zh: "任职决定 \(post.decided)，\(after ? "在\(cutoff)以后，任期从次年" : "在\(cutoff)以前（含），任期从当年")1月1日起算：\(start) 至 \(end)",
                                                     en: "Decided \(post.decided), \(after ? "after" : "on or before") the \(m)/\(d) cutoff: term counted from \(start) to \(end)"),
                                      citation: t.countedStartCitation))
            case .decisionDate:
                reasons.append(Reason(rule: "term.counted-start",
                                      message: Label(zh: "任期自任职决定之日起算：\(start) 至 \(end)",
                                                     en: "Term counted from the decision: \(start) to \(end)"),
                                      citation: t.countedStartCitation))
            }
            if post.inherits != nil {
                reasons.append(Reason(rule: "term.inherited",
                                      message: Label(zh: "本政策下\(post.basis.label.zh)职务不承继前任剩余任期，已按任职决定计算",
                                                     en: "Under this policy a \(post.basis.rawValue) post does not take the predecessor's remaining term; counted from the decision"),
                                      citation: t.inheritCitation))
            }
        }
        let number = post.termsBefore + 1
        var limitReached = false
        if post.rank == .principal, let limit = t.consecutiveTermLimit, number >= limit {
            limitReached = true
            reasons.append(Reason(rule: "term.last-term",
                                  message: Label(zh: "同一职位第 \(number) 个任期，已达 \(limit) 个任期上限，届满后应交流或改任非领导职务",
                                                 en: "Term \(number) in the same post reaches the limit of \(limit): exchange or non-leadership post at its end"),
                                  citation: t.consecutiveTermLimitCitation))
        }
        return TermWindow(decided: post.decided, start: start, end: end, number: number, inherited: inherited,
                          limitReached: limitReached, reasons: reasons)
    }
}
