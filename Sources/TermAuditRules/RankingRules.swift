import TermAudit

/// One official's place in a ranking group.
public struct RankEntry: Sendable, Hashable {
    public var caseID: String
    public var name: String
    public var unit: String
    public var grade: Grade?
    public var performance: Double?
    public var opinion: Double?
    public var teamClass: Int?
    /// 1-based rank within the group; equal grade and scores share a rank.
    public var rank: Int
}

/// A ranking group: the same level and the same system (同层级、同系统).
public struct RankGroup: Sendable, Hashable {
    public var level: String
    public var system: String
    public var entries: [RankEntry]
}

/// A breach of a cap on 优秀.
public struct CapBreach: Sendable, Hashable {
    public var scope: String
    public var count: Int
    public var population: Int
    public var cap: Double
    public var allowed: Int
    public var reason: Reason
}

/// Two or more cases of one unit that record different team scores (or classes) for the same year.
public struct TeamScoreConflict: Sendable, Hashable {
    public var unit: String
    /// Each case with where its year's record is, and the score and class it gives.
    public var entries: [(caseID: String, location: SourceLocation, score: Double?, teamClass: Int?)]
    public var reason: Reason

    public static func == (a: Self, b: Self) -> Bool { a.unit == b.unit && a.entries.map(\.caseID) == b.entries.map(\.caseID) }
    public func hash(into h: inout Hasher) { h.combine(unit); h.combine(entries.map(\.caseID)) }
}

/// Grades, ranks and team classes of one year, with the cap checks.
public struct RankingReport: Sendable, Hashable {
    public var year: Int
    public var groups: [RankGroup]
    /// Team class by unit.
    public var teamClasses: [String: Int]
    public var breaches: [CapBreach]
    /// Units whose cases disagree on the team's score or class that year: an error (nothing is chosen silently).
    public var conflicts: [TeamScoreConflict] = []
    /// Grade caps applied to this year's grades (`assessment.cap-*` reasons), by case id.
    public var capped: [String: [Reason]] = [:]
}

/// Ranking rules: order within the same level and system; caps on 优秀.
public enum RankingRules {
    /// The latest year any case is assessed in.
    public static func latestYear(_ cases: [AuditCase]) -> Int? {
        cases.flatMap { $0.assessment.map(\.year) }.max()
    }

    /// `units`: with a registry, cases of one unit are found by identity (name or alias), and reported by its name.
    public static func rank(_ cases: [AuditCase], year: Int, policy: Policy, units: UnitRegistry? = nil) -> RankingReport {
        let a = policy.assessment
        var byGroup: [String: (String, String, [RankEntry])] = [:]
        var teamClasses: [String: Int] = [:]
        var capped: [String: [Reason]] = [:]
        var teamRecords: [String: [(caseID: String, location: SourceLocation, score: Double?, teamClass: Int?)]] = [:]
        for c in cases {
            guard let y = c.assessment.first(where: { $0.year == year }) else { continue }
            guard let o = AssessmentRules.outcomes(c, policy: a).outcomes.first(where: { $0.year == year }) else { continue }
            if !o.capReasons.isEmpty { capped[c.id] = o.capReasons }
            let unit = units?.unit(named: c.post.unit)?.name ?? c.post.unit
            if y.teamScore != nil || y.teamClass != nil {
                teamRecords[unit, default: []].append((c.id, y.location, y.teamScore, y.teamClass))
            }
            if let k = o.teamClass { teamClasses[unit] = min(teamClasses[unit] ?? k, k) }
            let key = c.post.level + "\u{1F}" + c.post.system
            var g = byGroup[key] ?? (c.post.level, c.post.system, [])
            g.2.append(RankEntry(caseID: c.id, name: c.official.name, unit: c.post.unit, grade: o.grade, performance: o.performance,
                                 opinion: o.opinion, teamClass: o.teamClass, rank: 0))
            byGroup[key] = g
        }
        var groups: [RankGroup] = []
        for (_, (level, system, entries)) in byGroup {
            let sorted = entries.sorted { x, y in
                let gx = x.grade?.order ?? 9, gy = y.grade?.order ?? 9
                if gx != gy { return gx < gy }
                let sx = (x.performance ?? -1) + (x.opinion ?? -1), sy = (y.performance ?? -1) + (y.opinion ?? -1)
                if sx != sy { return sx > sy }
                return x.caseID < y.caseID
            }
            var ranked: [RankEntry] = []
            for (i, var e) in sorted.enumerated() {
                if i > 0, let prev = ranked.last, prev.grade == e.grade,
                   (prev.performance ?? -1) + (prev.opinion ?? -1) == (e.performance ?? -1) + (e.opinion ?? -1) {
                    e.rank = prev.rank
                } else {
                    e.rank = i + 1
                }
                ranked.append(e)
            }
            groups.append(RankGroup(level: level, system: system, entries: ranked))
        }
        groups.sort { ($0.level, $0.system) < ($1.level, $1.system) }

        var breaches: [CapBreach] = []
        if let caps = a.caps {
            let all = groups.flatMap(\.entries).filter { $0.grade != nil }
            func check(_ scope: Label, _ population: [RankEntry], _ cap: Double?) {
                guard let cap, !population.isEmpty else { return }
                let count = population.filter { $0.grade == .excellent }.count
                let allowed = caps.rounding.allowed(population.count, cap)
                if count > allowed {
                    let names = population.filter { $0.grade == .excellent }.map(\.name).joined(separator: "、")
                    breaches.append(CapBreach(scope: scope.en, count: count, population: population.count, cap: cap, allowed: allowed,
                                              reason: Reason(rule: "assessment.excellent-cap",
                                                             message: Label(zh: "\(year) 年\(scope.zh)优秀 \(count) 人（\(names)），共 \(population.count) 人，超过 \(Fmt.percent(cap)) 的比例（至多 \(allowed) 人）",
                                                                            en: "\(year): \(count) of \(population.count) \(scope.en) graded excellent, over the \(Fmt.percent(cap)) cap (at most \(allowed))"),
                                                             citation: caps.citation)))
                }
            }
            check(Label(zh: "全体领导干部中", en: "officials"), all, caps.officials)
            for k in caps.officialsByTeamClass.keys.sorted() {
                check(Label(zh: "\(k)类班子成员中", en: "members of class-\(k) teams"), all.filter { $0.teamClass == k }, caps.officialsByTeamClass[k])
            }
            if let teamCap = caps.teams, !teamClasses.isEmpty {
                let n = teamClasses.count
                let ones = teamClasses.filter { $0.value == 1 }.map(\.key).sorted()
                let allowed = caps.rounding.allowed(n, teamCap)
                if ones.count > allowed {
                    breaches.append(CapBreach(scope: "teams", count: ones.count, population: n, cap: teamCap, allowed: allowed,
                                              reason: Reason(rule: "assessment.team-cap",
                                                             message: Label(zh: "\(year) 年一类（优秀）班子 \(ones.count) 个（\(ones.joined(separator: "、"))），共 \(n) 个，超过 \(Fmt.percent(teamCap))（至多 \(allowed) 个）",
                                                                            en: "\(year): \(ones.count) of \(n) teams in class one, over the \(Fmt.percent(teamCap)) cap (at most \(allowed))"),
                                                             citation: caps.citation)))
                }
            }
        }
        var conflicts: [TeamScoreConflict] = []
        for (unit, records) in teamRecords.sorted(by: { $0.key < $1.key }) where records.count > 1 {
            let scores = Set(records.compactMap(\.score)), classes = Set(records.compactMap(\.teamClass))
            guard scores.count > 1 || classes.count > 1 else { continue }
            let list = records.map { r in "\(r.caseID)（\(r.location.file)：\(r.score.map { "得分 \(Fmt.number($0))" } ?? "")\(r.teamClass.map { " \($0)类" } ?? "")）" }
            let listEn = records.map { r in "\(r.caseID) (\(r.location.file): \(r.score.map { "score \(Fmt.number($0))" } ?? "")\(r.teamClass.map { " class \($0)" } ?? ""))" }
            conflicts.append(TeamScoreConflict(unit: unit, entries: records, reason: Reason(
                rule: "assessment.team-score-conflict",
                message: Label(zh: "\(year) 年\(unit)领导班子的考核记录不一致：\(list.joined(separator: "；"))；同一单位同一年度的班子得分和类别只能有一个",
                               en: "\(year): the cases of \(unit) record different team results: \(listEn.joined(separator: "; ")); one unit has one team score and class a year"),
                citation: a.teamClassesCitation)))
        }
        return RankingReport(year: year, groups: groups, teamClasses: teamClasses, breaches: breaches, conflicts: conflicts, capped: capped)
    }
}
