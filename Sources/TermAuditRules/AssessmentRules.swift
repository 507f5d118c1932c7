import TermAudit

/// One year's assessment outcome.
public struct YearOutcome: Sendable, Hashable {
    public var year: Int
    /// The grade: as given, or from the scores; nil when neither.
    public var grade: Grade?
    /// Whether the grade was given by the committee (it then stands as given).
    public var gradeGiven: Bool
    public var teamClass: Int?
    public var performance: Double?
    public var opinion: Double?
    /// The grade the scores gave, when a cap lowered it (`grade` is then the grade after the cap).
    public var gradeBeforeCap: Grade? = nil
    /// The grade caps that apply to this year (`assessment.cap-*`), lowering it or flagging a committee grade.
    public var capReasons: [Reason] = []
}

/// Assessment rules (考核): grades from the two 100-point scales, team classes.
public enum AssessmentRules {
    /// The grade from the two scores: the first threshold whose minimums are both met.
    public static func grade(performance: Double, opinion: Double, policy: AssessmentPolicy) -> Grade? {
        for t in policy.grades {
            if let m = t.minPerformance, performance < m { continue }
            if let m = t.minOpinion, opinion < m { continue }
            return t.grade
        }
        return nil
    }

    /// The team class from a team score: the first threshold met.
    public static func teamClass(score: Double, policy: AssessmentPolicy) -> Int? {
        for t in policy.teamClasses {
            if let m = t.minScore, score < m { continue }
            return t.teamClass
        }
        return nil
    }

    /// Every assessed year with its grade and class.
    public static func outcomes(_ years: [AssessmentYear], policy: AssessmentPolicy) -> [YearOutcome] {
        years.sorted { $0.year < $1.year }.map { y in
            var g = y.grade
            if g == nil, let p = y.performance, let o = y.opinion { g = grade(performance: p, opinion: o, policy: policy) }
            let cls = y.teamClass ?? y.teamScore.flatMap { teamClass(score: $0, policy: policy) }
            return YearOutcome(year: y.year, grade: g, gradeGiven: y.grade != nil, teamClass: cls,
                               performance: y.performance, opinion: y.opinion)
        }
    }

    /// The first run of `n` consecutive calendar years graded 基本称职, if any (any years of the term, not only the latest).
    public static func basicRun(_ outcomes: [YearOutcome], n: Int) -> [YearOutcome]? {
        let graded = outcomes.filter { $0.grade != nil }
        guard n >= 1, graded.count >= n else { return nil }
        for i in 0...(graded.count - n) {
            let run = Array(graded[i..<(i + n)])
            if run.allSatisfy({ $0.grade == .basicallyCompetent }) && zip(run, run.dropFirst()).allSatisfy({ $1.year == $0.year + 1 }) {
                return run
            }
        }
        return nil
    }

    /// A case's outcomes with the grade caps applied (`assessment.grade_caps`): a principal's grade is capped by the
    /// class of the team that year (`assessment.cap-team-class`), and the latest graded year's by findings not yet
    /// rectified (`assessment.cap-unrectified`). A grade from the scores is lowered, and the reason shows the grade
    /// before and after; a grade given by the committee stands as given, and one above a cap is flagged.
    public static func outcomes(_ c: AuditCase, policy: AssessmentPolicy) -> (outcomes: [YearOutcome], reasons: [Reason]) {
        var out = outcomes(c.assessment, policy: policy)
        guard let caps = policy.gradeCaps else { return (out, []) }
        let unrectified = c.findings.filter { $0.status != .resolved }.map(\.id)
        let latest = out.lastIndex { $0.grade != nil }
        for i in out.indices {
            guard let g = out[i].grade else { continue }
            let y = out[i].year
            var applied: [(cap: Grade, rule: String, why: Label)] = []
            if c.post.rank == .principal, let k = out[i].teamClass, let m = caps.principalByTeamClass[k], g < m {
                applied.append((m, "assessment.cap-team-class",
                                Label(zh: "领导班子评为\(["一", "二", "三", "四"][max(1, min(k, 4)) - 1])类，主要负责人至多评为\(m.rawValue)", en: "the team is in class \(k): its principal is graded \(m.label.en) at best")))
            }
            if i == latest, !unrectified.isEmpty, let m = caps.unrectified, g < m {
                applied.append((m, "assessment.cap-unrectified",
                                Label(zh: "审计发现问题 \(unrectified.joined(separator: "、")) 尚未整改完毕，至多评为\(m.rawValue)",
                                      en: "audit findings \(unrectified.joined(separator: ", ")) are not rectified: \(m.label.en) at best")))
            }
            guard let worst = applied.max(by: { $0.cap < $1.cap }) else { continue }
            for a in applied {
                if out[i].gradeGiven {
                    out[i].capReasons.append(Reason(rule: a.rule,
                                          message: Label(zh: "\(y) 年度考核委员会确定为\(g.rawValue)，但\(a.why.zh)；按原样成立，请核实",
                                                         en: "\(y): the committee gave \(g.label.en), but \(a.why.en); it stands as given — please check"),
                                          citation: caps.citation))
                } else {
                    out[i].capReasons.append(Reason(rule: a.rule,
                                          message: Label(zh: "\(y) 年度按分数为\(g.rawValue)，\(a.why.zh) → \(worst.cap.rawValue)",
                                                         en: "\(y): the scores give \(g.label.en); \(a.why.en) → \(worst.cap.label.en)"),
                                          citation: caps.citation))
                }
            }
            if !out[i].gradeGiven {
                out[i].gradeBeforeCap = g
                out[i].grade = worst.cap
            }
        }
        return (out, out.flatMap(\.capReasons))
    }

    /// Consequences of the assessments, with reasons.
    public static func consequences(_ outcomes: [YearOutcome], policy: AssessmentPolicy) -> [(Consequence, Reason)] {
        var out: [(Consequence, Reason)] = []
        let graded = outcomes.filter { $0.grade != nil }
        let c = policy.gradeConsequencesCitation
        if let latest = graded.last, let g = latest.grade {
            let how = latest.gradeGiven ? "（考核委员会确定）" : "（工作实绩 \(Fmt.number(latest.performance ?? 0))，民意测评 \(Fmt.number(latest.opinion ?? 0))）"
            let howEn = latest.gradeGiven ? " (given by the committee)" : " (performance \(Fmt.number(latest.performance ?? 0)), opinion \(Fmt.number(latest.opinion ?? 0)))"
            switch g {
            case .excellent:
                out.append((.priorityPromotion, Reason(rule: "assessment.excellent",
                                                       message: Label(zh: "\(latest.year) 年度考核优秀\(how)，优先提拔使用", en: "\(latest.year): excellent\(howEn); priority for promotion"),
                                                       citation: c)))
            case .basicallyCompetent:
                out.append((.admonishment, Reason(rule: "assessment.basically-competent",
                                                  message: Label(zh: "\(latest.year) 年度考核基本称职\(how)，诫勉谈话，限期改正", en: "\(latest.year): basically competent\(howEn); admonishing talk, correct within a deadline"),
                                                  citation: c)))
            case .incompetent:
                out.append((.notReappointed, Reason(rule: "assessment.incompetent",
                                                    message: Label(zh: "\(latest.year) 年度考核不称职\(how)，不再任用（改任非领导职务、降职使用，或待岗、培训）",
                                                                   en: "\(latest.year): incompetent\(howEn); not appointed again (non-leadership post, demotion, waiting or training)"),
                                                    citation: c)))
            case .competent:
                break
            }
        }
        let n = policy.basicYearsInARow
        if let run = basicRun(outcomes, n: n) {
            let years = run.map { String($0.year) }
            out.append((.notReappointed, Reason(rule: "assessment.basic-in-a-row",
                                                message: Label(zh: "连续 \(n) 年基本称职（\(years.joined(separator: "、"))），不再任用（改任非领导职务、降职使用，或待岗、培训）",
                                                               en: "Basically competent \(n) years running (\(years.joined(separator: ", "))): not appointed again"),
                                                citation: c)))
        }
        if let latest = outcomes.last(where: { $0.teamClass != nil }), let k = latest.teamClass {
            let tc = policy.teamClassesCitation
            switch k {
            case 1: out.append((.teamCommendation, Reason(rule: "assessment.team-class", message: Label(zh: "\(latest.year) 年领导班子评为一类，通报表扬，实行物质奖励", en: "\(latest.year): class-one team; commendation"), citation: tc)))
            case 3: out.append((.teamTalk, Reason(rule: "assessment.team-class", message: Label(zh: "\(latest.year) 年领导班子评为三类，对班子诫勉或提醒谈话", en: "\(latest.year): class-three team; admonishing or reminding talk"), citation: tc)))
            case 4: out.append((.teamReorganization, Reason(rule: "assessment.team-class", message: Label(zh: "\(latest.year) 年领导班子评为四类，进行组织调整", en: "\(latest.year): class-four team; reorganization"), citation: tc)))
            default: break
            }
        }
        return out
    }
}
