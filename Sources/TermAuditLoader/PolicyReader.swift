import TermAudit

/// Reads a policy file (`kind: policy`) into a `Policy`.
struct PolicyReader {
    let reader: YAMLReader
    let departments: [String]

    static let keys = ["kind", "id", "version", "title", "term", "team", "findings", "indicators", "assessment",
                       "early_leave", "retirement", "promotion_bar", "post_systems", "signoff", "publication", "consequences", "placements"]

    private var r: YAMLReader { reader }

    func read(_ f: Fields) -> Policy? {
        guard let h = LibraryLoader.header(f, r) else { return nil }
        let term = f.required("term") { readTerm($0) }
        let team = f.required("team") { readTeam($0) }
        let findings = f.required("findings") { readFindings($0) }
        let indicators = f.required("indicators") { readIndicators($0) }
        let assessment = f.required("assessment") { readAssessment($0) }
        let early = f.optional("early_leave") { readEarlyLeave($0) }
        let retirement = f.optional("retirement") { readRetirement($0) }
        let bar = f.optional("promotion_bar") { readPromotionBar($0) }
        let systems = f.optional("post_systems") { readPostSystems($0) }
        let signoff = f.required("signoff") { readSignoff($0) }
        let publication = f.required("publication") { readPublication($0) }
        let consequences = f.required("consequences") { readDefinitions($0, "consequences", Consequence.self) }
        let placements = f.required("placements") { readDefinitions($0, "placements", Placement.self) }
        guard let term, let team, let findings, let indicators, let assessment, let signoff, let publication,
              let consequences, let placements else { return nil }
        return Policy(id: h.id, version: h.version, title: h.title, term: term, team: team, findings: findings,
                      indicators: indicators, assessment: assessment, earlyLeave: early, signoff: signoff,
                      publication: publication, consequences: consequences, placements: placements,
                      retirement: retirement, promotionBar: bar, postSystems: systems)
    }

    private func cite(_ f: Fields, _ key: String = "citation") -> Citation? {
        f.required(key) { r.citation($0, key) }
    }

    func readTerm(_ node: Node) -> TermPolicy? {
        guard let f = r.mapping(node, of: "term", keys: ["years", "years_citation", "counted_start", "inherit",
                                                           "consecutive_term_limit", "deputy_reappointment", "years_at_level_limit"]) else { return nil }
        let years = f.required("years") { r.integer($0, "term.years", in: 1...20) }
        let yc = cite(f, "years_citation")
        var startCitation: Citation?
        let start: CountedStartRule? = f.required("counted_start") { n in
            guard let s = r.mapping(n, of: "counted_start", keys: ["rule", "cutoff", "citation"]) else { return nil }
            startCitation = cite(s)
            guard let rule = s.required("rule", { r.oneOf($0, "counted_start.rule", ["mid_year_cutoff", "decision_date"]) }) else { return nil }
            if rule == "decision_date" { return .decisionDate }
            return s.required("cutoff") { c -> CountedStartRule? in
                guard let t = r.text(c, "cutoff") else { return nil }
                let p = t.split(separator: "-")
                guard p.count == 2, let m = Int(p[0]), let d = Int(p[1]), Day(year: 2000, month: m, day: d) != nil else {
                    r.report(c, code: "bad-value", "cutoff '\(t)' should be a month and day MM-DD", hint: "e.g. \"06-30\"")
                    return nil
                }
                return .midYearCutoff(month: m, day: d)
            }
        }
        var inheritCitation: Citation?
        let inherit: Set<Basis>? = f.required("inherit") { n in
            guard let s = r.mapping(n, of: "inherit", keys: ["bases", "citation"]) else { return nil }
            inheritCitation = cite(s)
            var set = Set<Basis>()
            _ = s.required("bases") { b -> Bool? in
                r.sequence(b, of: "bases") { x, _ in if let v = r.choice(x, "basis", Basis.self) { set.insert(v) } }
                return true
            }
            return set
        }
        var limit: Int?, limitCitation: Citation?
        _ = f.optional("consecutive_term_limit") { n -> Bool? in
            guard let s = r.mapping(n, of: "consecutive_term_limit", keys: ["terms", "citation"]) else { return nil }
            limit = s.required("terms") { r.integer($0, "terms", in: 1...10) }
            limitCitation = cite(s)
            return true
        }
        var deputy = false, deputyCitation: Citation?
        _ = f.optional("deputy_reappointment") { n -> Bool? in
            guard let s = r.mapping(n, of: "deputy_reappointment", keys: ["enabled", "citation"]) else { return nil }
            deputy = s.required("enabled") { r.bool($0, "enabled") } ?? false
            deputyCitation = cite(s)
            return true
        }
        var level: Int?, levelCitation: Citation?
        _ = f.optional("years_at_level_limit") { n -> Bool? in
            guard let s = r.mapping(n, of: "years_at_level_limit", keys: ["years", "citation"]) else { return nil }
            level = s.required("years") { r.integer($0, "years", in: 1...60) }
            levelCitation = cite(s)
            return true
        }
        guard let years, let yc, let start, let startCitation, let inherit, let inheritCitation else { return nil }
        return TermPolicy(years: years, yearsCitation: yc, countedStart: start, countedStartCitation: startCitation,
                          inheritFor: inherit, inheritCitation: inheritCitation, consecutiveTermLimit: limit,
                          consecutiveTermLimitCitation: limitCitation, deputyReappointment: deputy,
                          deputyReappointmentCitation: deputyCitation, yearsAtLevelLimit: level,
                          yearsAtLevelLimitCitation: levelCitation)
    }

    func readTeam(_ node: Node) -> TeamPolicy? {
        guard let f = r.mapping(node, of: "team", keys: ["required_departments", "citation", "independence_citation"]) else { return nil }
        var depts: [String] = []
        _ = f.required("required_departments") { n -> Bool? in
            r.sequence(n, of: "required_departments") { x, _ in if let d = r.oneOf(x, "department", departments) { depts.append(d) } }
            return true
        }
        guard let c = cite(f), let ic = cite(f, "independence_citation") else { return nil }
        return TeamPolicy(requiredDepartments: depts, citation: c, independenceCitation: ic)
    }

    func readFindings(_ node: Node) -> FindingsPolicy? {
        guard let f = r.mapping(node, of: "findings", keys: ["holding", "holding_citation", "blocking", "blocking_citation"]) else { return nil }
        func statuses(_ key: String) -> Set<FindingStatus> {
            var set = Set<FindingStatus>()
            _ = f.required(key) { n -> Bool? in
                r.sequence(n, of: key) { x, _ in if let s = r.choice(x, "status", FindingStatus.self) { set.insert(s) } }
                return true
            }
            return set
        }
        let holding = statuses("holding"), blocking = statuses("blocking")
        guard let hc = cite(f, "holding_citation"), let bc = cite(f, "blocking_citation") else { return nil }
        return FindingsPolicy(holding: holding, holdingCitation: hc, blocking: blocking, blockingCitation: bc)
    }

    func readIndicators(_ node: Node) -> IndicatorPolicy? {
        guard let f = r.mapping(node, of: "indicators", keys: ["met_at", "rating_credit", "completion_cap", "citation"]) else { return nil }
        let metAt = f.required("met_at") { r.number($0, "met_at") }
        var credit: [Rating: Double] = [:]
        _ = f.required("rating_credit") { n -> Bool? in
            guard let m = r.mapping(n, of: "rating_credit", keys: Rating.allCases.map(\.rawValue)) else { return nil }
            for rating in Rating.allCases {
                credit[rating] = m.required(rating.rawValue) { r.number($0, rating.rawValue) }
            }
            return true
        }
        let cap = f.optional("completion_cap") { r.number($0, "completion_cap") }
        guard let metAt, let c = cite(f) else { return nil }
        return IndicatorPolicy(metAt: metAt, ratingCredit: credit, completionCap: cap, citation: c)
    }

    func readAssessment(_ node: Node) -> AssessmentPolicy? {
        guard let f = r.mapping(node, of: "assessment", keys: ["scale_max", "scales_citation", "grades", "grades_citation",
                                                                 "team_classes", "team_classes_citation", "basic_years_in_a_row",
                                                                 "consequences_citation", "excellent_caps", "grade_caps"]) else { return nil }
        let scaleMax = f.required("scale_max") { r.number($0, "scale_max") }
        var grades: [GradeThreshold] = []
        _ = f.required("grades") { n -> Bool? in
            r.sequence(n, of: "grades") { x, i in
                guard let g = r.mapping(x, of: "grades[\(i)]", keys: ["grade", "min_performance", "min_opinion"]) else { return }
                guard let grade = g.required("grade", { self.grade($0, "grade") }) else { return }
                grades.append(GradeThreshold(grade: grade, minPerformance: g.optional("min_performance") { r.number($0, "min_performance") },
                                             minOpinion: g.optional("min_opinion") { r.number($0, "min_opinion") }))
            }
            return true
        }
        var classes: [ClassThreshold] = []
        _ = f.required("team_classes") { n -> Bool? in
            r.sequence(n, of: "team_classes") { x, i in
                guard let c = r.mapping(x, of: "team_classes[\(i)]", keys: ["class", "min_score"]) else { return }
                guard let k = c.required("class", { r.integer($0, "class", in: 1...4) }) else { return }
                classes.append(ClassThreshold(teamClass: k, minScore: c.optional("min_score") { r.number($0, "min_score") }))
            }
            return true
        }
        let years = f.required("basic_years_in_a_row") { r.integer($0, "basic_years_in_a_row", in: 1...10) }
        let caps: ExcellentCaps? = f.optional("excellent_caps") { n in
            guard let c = r.mapping(n, of: "excellent_caps", keys: ["teams", "officials", "officials_by_team_class", "rounding", "citation"]) else { return nil }
            var byClass: [Int: Double] = [:]
            _ = c.optional("officials_by_team_class") { m -> Bool? in
                guard case .mapping(let mm) = m else {
                    r.report(m, code: "wrong-type", "officials_by_team_class should be a mapping of class → share")
                    return nil
                }
                for (k, v) in mm {
                    guard let cls = r.integer(k, "team class", in: 1...4), let share = r.number(v, "share") else { continue }
                    byClass[cls] = share
                }
                return true
            }
            let rounding = c.optional("rounding") { r.choice($0, "excellent_caps.rounding", CapRounding.self) } ?? .down
            guard let cc = cite(c) else { return nil }
            return ExcellentCaps(teams: c.optional("teams") { r.number($0, "teams") },
                                 officials: c.optional("officials") { r.number($0, "officials") },
                                 officialsByTeamClass: byClass, rounding: rounding, citation: cc)
        }
        let gradeCaps: GradeCaps? = f.optional("grade_caps") { n in
            guard let c = r.mapping(n, of: "grade_caps", keys: ["principal_by_team_class", "unrectified_findings", "citation"]) else { return nil }
            var byClass: [Int: Grade] = [:]
            _ = c.optional("principal_by_team_class") { m -> Bool? in
                guard case .mapping(let mm) = m else {
                    r.report(m, code: "wrong-type", "principal_by_team_class should be a mapping of class → grade")
                    return nil
                }
                for (k, v) in mm {
                    guard let cls = r.integer(k, "team class", in: 1...4), let g = grade(v, "grade") else { continue }
                    byClass[cls] = g
                }
                return true
            }
            let unrectified = c.optional("unrectified_findings") { grade($0, "unrectified_findings") }
            guard let cc = cite(c) else { return nil }
            return GradeCaps(principalByTeamClass: byClass, unrectified: unrectified, citation: cc)
        }
        guard let scaleMax, let years, let sc = cite(f, "scales_citation"), let gc = cite(f, "grades_citation"),
              let tc = cite(f, "team_classes_citation"), let cc = cite(f, "consequences_citation") else { return nil }
        if grades.isEmpty { r.report(node, code: "bad-value", "assessment.grades is empty", hint: "list the four grades with their minimums") }
        return AssessmentPolicy(scaleMax: scaleMax, scalesCitation: sc, grades: grades, gradesCitation: gc, teamClasses: classes,
                                teamClassesCitation: tc, caps: caps, basicYearsInARow: years, gradeConsequencesCitation: cc,
                                gradeCaps: gradeCaps)
    }

    func readEarlyLeave(_ node: Node) -> EarlyLeavePolicy? {
        guard let f = r.mapping(node, of: "early_leave", keys: ["service_years", "retirement_age", "citation"]) else { return nil }
        let s = f.required("service_years") { r.integer($0, "service_years", in: 1...60) }
        let a = f.optional("retirement_age") { r.integer($0, "retirement_age", in: 40...80) }
        guard let s, let c = cite(f) else { return nil }
        return EarlyLeavePolicy(serviceYears: s, retirementAge: a, citation: c)
    }

    /// `retirement: {ages: [{sex?, levels?, age}], citation}`: the first matching entry gives the age.
    func readRetirement(_ node: Node) -> RetirementPolicy? {
        guard let f = r.mapping(node, of: "retirement", keys: ["ages", "citation"]) else { return nil }
        var ages: [RetirementPolicy.Age] = []
        _ = f.required("ages") { n -> Bool? in
            r.sequence(n, of: "retirement.ages") { x, i in
                guard let m = r.mapping(x, of: "retirement.ages[\(i)]", keys: ["sex", "levels", "age"]) else { return }
                let sex = m.optional("sex") { r.choice($0, "sex", Sex.self) }
                var levels: Set<String>?
                _ = m.optional("levels") { l -> Bool? in
                    var set = Set<String>()
                    r.sequence(l, of: "levels") { y, _ in if let t = r.text(y, "level") { set.insert(t) } }
                    levels = set
                    return true
                }
                guard let age = m.required("age", { r.integer($0, "age", in: 40...80) }) else { return }
                ages.append(RetirementPolicy.Age(sex: sex, levels: levels, age: age))
            }
            return true
        }
        guard let c = cite(f) else { return nil }
        if ages.isEmpty { r.report(node, code: "bad-value", "retirement.ages is empty", hint: "give at least one {age: N}") }
        return RetirementPolicy(ages: ages, citation: c)
    }

    /// `post_systems: {term: [{kinds: [...], ranks: [...]}], appointment: [...], citation}`: which posts are under the
    /// term system and which under the appointment system, by unit kind and rank.
    func readPostSystems(_ node: Node) -> PostSystemsPolicy? {
        guard let f = r.mapping(node, of: "post_systems", keys: ["term", "appointment", "citation"]) else { return nil }
        func scopes(_ key: String) -> [PostSystemsPolicy.Scope] {
            var out: [PostSystemsPolicy.Scope] = []
            _ = f.optional(key) { n -> Bool? in
                r.sequence(n, of: "post_systems.\(key)") { x, i in
                    guard let m = r.mapping(x, of: "post_systems.\(key)[\(i)]", keys: ["kinds", "ranks"]) else { return }
                    var kinds = Set<UnitKind>(), ranks = Set<Rank>()
                    _ = m.required("kinds") { k -> Bool? in
                        r.sequence(k, of: "kinds") { y, _ in if let v = r.choice(y, "unit kind", UnitKind.self) { kinds.insert(v) } }
                        return true
                    }
                    _ = m.required("ranks") { k -> Bool? in
                        r.sequence(k, of: "ranks") { y, _ in if let v = r.choice(y, "rank", Rank.self) { ranks.insert(v) } }
                        return true
                    }
                    out.append(PostSystemsPolicy.Scope(kinds: kinds, ranks: ranks))
                }
                return true
            }
            return out
        }
        let term = scopes("term"), appointment = scopes("appointment")
        guard let c = cite(f) else { return nil }
        return PostSystemsPolicy(term: term, appointment: appointment, citation: c)
    }

    /// `promotion_bar: {grade, sanction_months: {admonishment, organizational, disciplinary}, citation, periods_citation}`.
    /// A grade (优秀, 称职, 基本称职, 不称职, or its English id); anything else is a located `bad-value`.
    func grade(_ node: Node, _ what: String) -> Grade? {
        guard let t = r.text(node, what) else { return nil }
        if let v = Grade(text: t) { return v }
        r.report(node, code: "bad-value", "\(what) '\(t)' is not one of 优秀, 称职, 基本称职, 不称职")
        return nil
    }

    func readPromotionBar(_ node: Node) -> PromotionBarPolicy? {
        guard let f = r.mapping(node, of: "promotion_bar", keys: ["grade", "sanction_months", "citation", "periods_citation"]) else { return nil }
        let grade = f.required("grade") { self.grade($0, "grade") }
        var months: [SanctionKind: Int] = [:]
        _ = f.required("sanction_months") { n -> Bool? in
            guard let m = r.mapping(n, of: "sanction_months", keys: SanctionKind.allCases.map(\.rawValue)) else { return nil }
            for k in SanctionKind.allCases {
                months[k] = m.required(k.rawValue) { r.integer($0, k.rawValue, in: 1...120) }
            }
            return true
        }
        guard let grade, let c = cite(f), let pc = cite(f, "periods_citation") else { return nil }
        return PromotionBarPolicy(grade: grade, sanctionMonths: months, citation: c, periodsCitation: pc)
    }

    func readSignoff(_ node: Node) -> SignoffPolicy? {
        guard let f = r.mapping(node, of: "signoff", keys: ["roles", "one_person_many_roles", "citation"]) else { return nil }
        var roles: [SignoffRole] = []
        _ = f.required("roles") { n -> Bool? in
            r.sequence(n, of: "roles") { x, i in
                guard let m = r.mapping(x, of: "roles[\(i)]", keys: ["id", "label", "required"]) else { return }
                let id = m.required("id") { r.identifier($0, "role id") }
                let label = m.required("label") { r.label($0, "label") }
                let req = m.optional("required") { r.bool($0, "required") } ?? true
                guard let id, let label else { return }
                roles.append(SignoffRole(id: id, label: label, required: req))
            }
            return true
        }
        let many = f.optional("one_person_many_roles") { r.bool($0, "one_person_many_roles") } ?? false
        guard let c = cite(f) else { return nil }
        return SignoffPolicy(roles: roles, citation: c, onePersonManyRoles: many)
    }

    func readPublication(_ node: Node) -> PublicationPolicy? {
        guard let f = r.mapping(node, of: "publication", keys: ["team_names", "states", "also_public", "citation"]) else { return nil }
        let names = f.required("team_names") { r.bool($0, "team_names") }
        var states: Set<CaseState> = [.readyForSignoff, .signedOff]
        _ = f.optional("states") { n -> Bool? in
            states = []
            r.sequence(n, of: "publication.states") { x, _ in if let st = r.choice(x, "case state", CaseState.self) { states.insert(st) } }
            return true
        }
        var also: Set<String> = []
        _ = f.optional("also_public") { n -> Bool? in
            r.sequence(n, of: "publication.also_public") { x, _ in
                if let v = r.oneOf(x, "publication.also_public", PublicationPolicy.publishable) { also.insert(v) }
            }
            return true
        }
        guard let names, let c = cite(f) else { return nil }
        return PublicationPolicy(teamNames: names, states: states, alsoPublic: also, citation: c)
    }

    func readDefinitions<K: RawRepresentable & CaseIterable & Hashable>(_ node: Node, _ what: String, _ type: K.Type) -> [K: ConsequenceDefinition]? where K.RawValue == String {
        let keys = K.allCases.map(\.rawValue)
        guard let f = r.mapping(node, of: what, keys: keys) else { return nil }
        var out: [K: ConsequenceDefinition] = [:]
        for k in K.allCases {
            _ = f.required(k.rawValue) { n -> Bool? in
                guard let m = r.mapping(n, of: "\(what).\(k.rawValue)", keys: ["label", "citation"]) else { return nil }
                let label = m.required("label") { r.label($0, "label") }
                let c = m.required("citation") { r.citation($0, "citation") }
                if let label, let c { out[k] = ConsequenceDefinition(label: label, citation: c) }
                return true
            }
        }
        return out
    }
}
