/// A policy: the rules in force and their values (`checklists/policies/*.yaml`, `kind: policy`).
///
/// Everything the source document leaves open is a value here, never a constant in code; every rule
/// carries the citation of where it comes from.
public struct Policy: Sendable, Hashable {
    public var id: String
    public var version: Int
    public var title: Label
    public var term: TermPolicy
    public var team: TeamPolicy
    public var findings: FindingsPolicy
    public var indicators: IndicatorPolicy
    public var assessment: AssessmentPolicy
    public var earlyLeave: EarlyLeavePolicy?
    /// Retirement ages (退休); nil: not checked.
    public var retirement: RetirementPolicy?
    /// What bars a promotion (选拔任用条例 Art. 24); nil: nothing beyond the personnel gate.
    public var promotionBar: PromotionBarPolicy?
    /// Which posts are under the term system and which under the appointment system, by unit kind and rank.
    public var postSystems: PostSystemsPolicy?
    public var signoff: SignoffPolicy
    public var publication: PublicationPolicy
    /// Labels and citations of every consequence code.
    public var consequences: [Consequence: ConsequenceDefinition]
    /// Placement options at term end (届满安置), by id.
    public var placements: [Placement: ConsequenceDefinition]

    public init(id: String, version: Int, title: Label, term: TermPolicy, team: TeamPolicy, findings: FindingsPolicy,
                indicators: IndicatorPolicy, assessment: AssessmentPolicy, earlyLeave: EarlyLeavePolicy?,
                signoff: SignoffPolicy, publication: PublicationPolicy,
                consequences: [Consequence: ConsequenceDefinition], placements: [Placement: ConsequenceDefinition],
                retirement: RetirementPolicy? = nil, promotionBar: PromotionBarPolicy? = nil, postSystems: PostSystemsPolicy? = nil) {
        self.retirement = retirement
        self.promotionBar = promotionBar
        self.postSystems = postSystems
        self.id = id
        self.version = version
        self.title = title
        self.term = term
        self.team = team
        self.findings = findings
        self.indicators = indicators
        self.assessment = assessment
        self.earlyLeave = earlyLeave
        self.signoff = signoff
        self.publication = publication
        self.consequences = consequences
        self.placements = placements
    }
}

/// How a term's counted start is derived from the decision date.
public enum CountedStartRule: Sendable, Hashable {
    /// Decided on or before the cutoff (month, day) → 1 January of that year; after → 1 January of the next year.
    case midYearCutoff(month: Int, day: Int)
    /// The term starts on the decision date.
    case decisionDate
}

/// Term rules (任期).
public struct TermPolicy: Sendable, Hashable {
    /// Length of a term in counted years.
    public var years: Int
    public var yearsCitation: Citation
    public var countedStart: CountedStartRule
    public var countedStartCitation: Citation
    /// Bases (选任/委任/聘任) for which a mid-term replacement serves the predecessor's remaining term.
    public var inheritFor: Set<Basis>
    public var inheritCitation: Citation
    /// Consecutive terms a principal may serve in the same post (nil: no limit).
    public var consecutiveTermLimit: Int?
    public var consecutiveTermLimitCitation: Citation?
    /// Whether deputies are re-appointed (or not) at the end of each term.
    public var deputyReappointment: Bool
    public var deputyReappointmentCitation: Citation?
    /// Cumulative years at one level after which no further nomination at that level (nil: no limit).
    public var yearsAtLevelLimit: Int?
    public var yearsAtLevelLimitCitation: Citation?

    public init(years: Int, yearsCitation: Citation, countedStart: CountedStartRule, countedStartCitation: Citation,
                inheritFor: Set<Basis>, inheritCitation: Citation, consecutiveTermLimit: Int?,
                consecutiveTermLimitCitation: Citation?, deputyReappointment: Bool,
                deputyReappointmentCitation: Citation?, yearsAtLevelLimit: Int?, yearsAtLevelLimitCitation: Citation?) {
        self.years = years
        self.yearsCitation = yearsCitation
        self.countedStart = countedStart
        self.countedStartCitation = countedStartCitation
        self.inheritFor = inheritFor
        self.inheritCitation = inheritCitation
        self.consecutiveTermLimit = consecutiveTermLimit
        self.consecutiveTermLimitCitation = consecutiveTermLimitCitation
        self.deputyReappointment = deputyReappointment
        self.deputyReappointmentCitation = deputyReappointmentCitation
        self.yearsAtLevelLimit = yearsAtLevelLimit
        self.yearsAtLevelLimitCitation = yearsAtLevelLimitCitation
    }
}

/// Audit team rules (审计组).
public struct TeamPolicy: Sendable, Hashable {
    /// Departments that must each have a member.
    public var requiredDepartments: [String]
    public var citation: Citation
    /// Why a member may not come from the audited unit.
    public var independenceCitation: Citation

    public init(requiredDepartments: [String], citation: Citation, independenceCitation: Citation) {
        self.requiredDepartments = requiredDepartments
        self.citation = citation
        self.independenceCitation = independenceCitation
    }
}

/// Which finding statuses hold a case (待岗) and which block sign-off.
public struct FindingsPolicy: Sendable, Hashable {
    public var holding: Set<FindingStatus>
    public var holdingCitation: Citation
    public var blocking: Set<FindingStatus>
    public var blockingCitation: Citation

    public init(holding: Set<FindingStatus>, holdingCitation: Citation, blocking: Set<FindingStatus>, blockingCitation: Citation) {
        self.holding = holding
        self.holdingCitation = holdingCitation
        self.blocking = blocking
        self.blockingCitation = blockingCitation
    }
}

/// Indicator completion rules.
public struct IndicatorPolicy: Sendable, Hashable {
    /// Completion at or above which an indicator is met (1.0 = 100%).
    public var metAt: Double
    /// Completion credited to each qualitative rating.
    public var ratingCredit: [Rating: Double]
    /// Completion is capped at this value when averaging (nil: no cap).
    public var completionCap: Double?
    public var citation: Citation

    public init(metAt: Double, ratingCredit: [Rating: Double], completionCap: Double?, citation: Citation) {
        self.metAt = metAt
        self.ratingCredit = ratingCredit
        self.completionCap = completionCap
        self.citation = citation
    }
}

/// A grade threshold: the first grade whose minimums are both met is given.
public struct GradeThreshold: Sendable, Hashable {
    public var grade: Grade
    public var minPerformance: Double?
    public var minOpinion: Double?

    public init(grade: Grade, minPerformance: Double? = nil, minOpinion: Double? = nil) {
        self.grade = grade
        self.minPerformance = minPerformance
        self.minOpinion = minOpinion
    }
}

/// A leadership-team class threshold (一类 … 四类).
public struct ClassThreshold: Sendable, Hashable {
    public var teamClass: Int
    public var minScore: Double?

    public init(teamClass: Int, minScore: Double? = nil) {
        self.teamClass = teamClass
        self.minScore = minScore
    }
}

/// Caps on the share of 优秀.
public struct ExcellentCaps: Sendable, Hashable {
    /// Share of leadership teams that may be class one.
    public var teams: Double?
    /// Share of officials that may be 优秀, overall.
    public var officials: Double?
    /// Share of officials that may be 优秀 among members of a team of a class.
    public var officialsByTeamClass: [Int: Double]
    /// How a share becomes a head count (default: down, "不超过" read literally).
    public var rounding: CapRounding
    public var citation: Citation

    public init(teams: Double?, officials: Double?, officialsByTeamClass: [Int: Double], rounding: CapRounding = .down,
                citation: Citation) {
        self.rounding = rounding
        self.teams = teams
        self.officials = officials
        self.officialsByTeamClass = officialsByTeamClass
        self.citation = citation
    }
}

/// How a share of a population becomes a head count for the caps on 优秀.
public enum CapRounding: String, Sendable, Hashable, CaseIterable {
    case halfUp = "half_up"
    case up
    case down

    /// The head count allowed: `share` of `population`, rounded this way.
    public func allowed(_ population: Int, _ share: Double) -> Int {
        let exact = Double(population) * share
        switch self {
        case .down: return Int((exact + 1e-9).rounded(.down))
        case .up: return Int((exact - 1e-9).rounded(.up))
        case .halfUp: return Int((exact + 1e-9).rounded(.toNearestOrAwayFromZero))
        }
    }
}

/// Caps on an official's grade from the team's class and from problems not rectified (考核结果的关联).
public struct GradeCaps: Sendable, Hashable {
    /// The best grade the principal of a team of a class may get (e.g. 3 → 称职, 4 → 基本称职).
    public var principalByTeamClass: [Int: Grade]
    /// The best grade in a year with audit problems not rectified (e.g. 称职: not 优秀).
    public var unrectified: Grade?
    public var citation: Citation

    public init(principalByTeamClass: [Int: Grade], unrectified: Grade?, citation: Citation) {
        self.principalByTeamClass = principalByTeamClass
        self.unrectified = unrectified
        self.citation = citation
    }
}

/// Assessment rules (考核): the two 100-point scales, grades, team classes, caps.
public struct AssessmentPolicy: Sendable, Hashable {
    public var scaleMax: Double
    public var scalesCitation: Citation
    /// Evaluated in order; the last usually has no minimums.
    public var grades: [GradeThreshold]
    public var gradesCitation: Citation
    public var teamClasses: [ClassThreshold]
    public var teamClassesCitation: Citation
    public var caps: ExcellentCaps?
    /// Caps on a grade from the team's class and unrectified problems; nil: none.
    public var gradeCaps: GradeCaps?
    /// Years of 基本称职 in a row that lead to not being re-appointed.
    public var basicYearsInARow: Int
    public var gradeConsequencesCitation: Citation

    public init(scaleMax: Double, scalesCitation: Citation, grades: [GradeThreshold], gradesCitation: Citation,
                teamClasses: [ClassThreshold], teamClassesCitation: Citation, caps: ExcellentCaps?,
                basicYearsInARow: Int, gradeConsequencesCitation: Citation, gradeCaps: GradeCaps? = nil) {
        self.gradeCaps = gradeCaps
        self.scaleMax = scaleMax
        self.scalesCitation = scalesCitation
        self.grades = grades
        self.gradesCitation = gradesCitation
        self.teamClasses = teamClasses
        self.teamClassesCitation = teamClassesCitation
        self.caps = caps
        self.basicYearsInARow = basicYearsInARow
        self.gradeConsequencesCitation = gradeConsequencesCitation
    }
}

/// Early leave: 30 years of service, below retirement age, at the official's wish.
public struct EarlyLeavePolicy: Sendable, Hashable {
    public var serviceYears: Int
    /// The retirement age when the policy has no `retirement` section (older policies); otherwise unused.
    public var retirementAge: Int?
    public var citation: Citation

    public init(serviceYears: Int, retirementAge: Int? = nil, citation: Citation) {
        self.serviceYears = serviceYears
        self.retirementAge = retirementAge
        self.citation = citation
    }
}

/// Retirement ages (退休年龄): the first entry whose sex and levels match gives the age.
public struct RetirementPolicy: Sendable, Hashable {
    public struct Age: Sendable, Hashable {
        /// nil: either sex.
        public var sex: Sex?
        /// nil: every level; otherwise the post levels (as written in `post.level`) it applies to.
        public var levels: Set<String>?
        public var age: Int

        public init(sex: Sex? = nil, levels: Set<String>? = nil, age: Int) {
            self.sex = sex
            self.levels = levels
            self.age = age
        }
    }

    public var ages: [Age]
    public var citation: Citation

    public init(ages: [Age], citation: Citation) {
        self.ages = ages
        self.citation = citation
    }

    /// The retirement age of an official of `sex` (nil: unknown) in a post at `level`; nil when no entry applies.
    /// With the sex unknown, only entries that do not depend on it apply.
    public func age(sex: Sex?, level: String) -> Int? {
        for a in ages {
            if let s = a.sex, s != sex { continue }
            if let l = a.levels, !l.contains(level) { continue }
            return a.age
        }
        return nil
    }
}

/// What bars a promotion (选拔任用条例 2019 Art. 24): a grade at or below `grade` in the previous year,
/// or a sanction still in force (its `until`, or its date plus the default period for its kind).
public struct PromotionBarPolicy: Sendable, Hashable {
    public var grade: Grade
    public var sanctionMonths: [SanctionKind: Int]
    public var citation: Citation
    public var periodsCitation: Citation

    public init(grade: Grade, sanctionMonths: [SanctionKind: Int], citation: Citation, periodsCitation: Citation) {
        self.grade = grade
        self.sanctionMonths = sanctionMonths
        self.citation = citation
        self.periodsCitation = periodsCitation
    }
}

/// The kind of a registered unit (units.yaml).
public enum UnitKind: String, Sendable, Hashable, CaseIterable {
    case partyCommittee = "party_committee"
    case government
    case governmentDepartment = "government_department"
    case partyMassDepartment = "party_mass_department"
    case institution
    case soe

    public var label: Label {
        switch self {
        case .partyCommittee: Label(zh: "党委", en: "Party committee")
        case .government: Label(zh: "政府", en: "government")
        case .governmentDepartment: Label(zh: "政府部门", en: "government department")
        case .partyMassDepartment: Label(zh: "党群部门", en: "Party or mass-organization department")
        case .institution: Label(zh: "事业单位", en: "public institution")
        case .soe: Label(zh: "国有企业", en: "state-owned enterprise")
        }
    }
}

/// Under which system a post falls (任期制 or 聘任制).
public enum PostSystem: String, Sendable, Hashable, CaseIterable {
    case term
    case appointment
    case neither

    public var label: Label {
        switch self {
        case .term: Label(zh: "任期制", en: "term system")
        case .appointment: Label(zh: "聘任制", en: "appointment system")
        case .neither: Label(zh: "不属任期制或聘任制", en: "neither term nor appointment system")
        }
    }
}

/// Which posts fall under the term system and which under the appointment system, by unit kind and rank.
public struct PostSystemsPolicy: Sendable, Hashable {
    public struct Scope: Sendable, Hashable {
        public var kinds: Set<UnitKind>
        public var ranks: Set<Rank>

        public init(kinds: Set<UnitKind>, ranks: Set<Rank>) {
            self.kinds = kinds
            self.ranks = ranks
        }

        public func contains(kind: UnitKind, rank: Rank) -> Bool { kinds.contains(kind) && ranks.contains(rank) }
    }

    public var term: [Scope]
    public var appointment: [Scope]
    public var citation: Citation

    public init(term: [Scope], appointment: [Scope], citation: Citation) {
        self.term = term
        self.appointment = appointment
        self.citation = citation
    }

    public func system(kind: UnitKind, rank: Rank) -> PostSystem {
        if term.contains(where: { $0.contains(kind: kind, rank: rank) }) { return .term }
        if appointment.contains(where: { $0.contains(kind: kind, rank: rank) }) { return .appointment }
        return .neither
    }
}

/// A sign-off role.
public struct SignoffRole: Sendable, Hashable {
    public var id: String
    public var label: Label
    public var required: Bool

    public init(id: String, label: Label, required: Bool) {
        self.id = id
        self.label = label
        self.required = required
    }
}

/// Who signs a handover and in which order.
public struct SignoffPolicy: Sendable, Hashable {
    /// Roles in signing order.
    public var roles: [SignoffRole]
    public var citation: Citation
    /// Whether one person may sign two roles of one case (default: no).
    public var onePersonManyRoles: Bool

    public init(roles: [SignoffRole], citation: Citation, onePersonManyRoles: Bool = false) {
        self.roles = roles
        self.citation = citation
        self.onePersonManyRoles = onePersonManyRoles
    }
}

/// What the public edition may show beyond the fixed rules.
public struct PublicationPolicy: Sendable, Hashable {
    public var teamNames: Bool
    /// The case states whose cases are published (default: the audit has concluded — ready for sign-off, signed off).
    public var states: Set<CaseState>
    /// Internal fields a locality also publishes (from `PublicationPolicy.publishable`).
    public var alsoPublic: Set<String>
    public var citation: Citation

    /// What a policy may add to the public edition: personal consequences and the placement advice. Identifiers,
    /// notes and matters under investigation can never be added.
    public static let publishable = ["consequences", "placement"]

    public init(teamNames: Bool, states: Set<CaseState> = [.readyForSignoff, .signedOff], alsoPublic: Set<String> = [],
                citation: Citation) {
        self.teamNames = teamNames
        self.states = states
        self.alsoPublic = alsoPublic
        self.citation = citation
    }
}

/// The label and citation of a consequence or a placement option.
public struct ConsequenceDefinition: Sendable, Hashable {
    public var label: Label
    public var citation: Citation

    public init(label: Label, citation: Citation) {
        self.label = label
        self.citation = citation
    }
}

/// Consequence codes the rules produce.
public enum Consequence: String, Sendable, Hashable, CaseIterable, Codable {
    case priorityPromotion = "priority_promotion"
    case admonishment
    case notReappointed = "not_reappointed"
    case exchangeOrNonLeadership = "exchange_or_non_leadership"
    case reappointmentDue = "reappointment_due"
    case earlyLeaveEligible = "early_leave_eligible"
    case retirementDue = "retirement_due"
    case promotionBarred = "promotion_barred"
    case onHold = "on_hold"
    case levelYearsLimit = "level_years_limit"
    case teamCommendation = "team_commendation"
    case teamTalk = "team_talk"
    case teamReorganization = "team_reorganization"
}

/// Placement options at term end (届满安置).
public enum Placement: String, Sendable, Hashable, CaseIterable, Codable {
    case promote
    case `continue`
    case exchange
    case earlyLeave = "early_leave"
    case nonLeadership = "non_leadership"
    case subordinateUnit = "subordinate_unit"
    case demote
    case retire
    case waiting
}

extension UnitKind: Labelled {}
extension PostSystem: Labelled {}
