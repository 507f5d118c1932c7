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
    public var signoff: SignoffPolicy
    public var publication: PublicationPolicy
    /// Labels and citations of every consequence code.
    public var consequences: [Consequence: ConsequenceDefinition]
    /// Placement options at term end (届满安置), by id.
    public var placements: [Placement: ConsequenceDefinition]

    public init(id: String, version: Int, title: Label, term: TermPolicy, team: TeamPolicy, findings: FindingsPolicy,
                indicators: IndicatorPolicy, assessment: AssessmentPolicy, earlyLeave: EarlyLeavePolicy?,
                signoff: SignoffPolicy, publication: PublicationPolicy,
                consequences: [Consequence: ConsequenceDefinition], placements: [Placement: ConsequenceDefinition]) {
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
    public var citation: Citation

    public init(teams: Double?, officials: Double?, officialsByTeamClass: [Int: Double], citation: Citation) {
        self.teams = teams
        self.officials = officials
        self.officialsByTeamClass = officialsByTeamClass
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
    /// Years of 基本称职 in a row that lead to not being re-appointed.
    public var basicYearsInARow: Int
    public var gradeConsequencesCitation: Citation

    public init(scaleMax: Double, scalesCitation: Citation, grades: [GradeThreshold], gradesCitation: Citation,
                teamClasses: [ClassThreshold], teamClassesCitation: Citation, caps: ExcellentCaps?,
                basicYearsInARow: Int, gradeConsequencesCitation: Citation) {
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
    public var retirementAge: Int
    public var citation: Citation

    public init(serviceYears: Int, retirementAge: Int, citation: Citation) {
        self.serviceYears = serviceYears
        self.retirementAge = retirementAge
        self.citation = citation
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

    public init(roles: [SignoffRole], citation: Citation) {
        self.roles = roles
        self.citation = citation
    }
}

/// What the public edition may show beyond the fixed rules.
public struct PublicationPolicy: Sendable, Hashable {
    public var teamNames: Bool
    public var citation: Citation

    public init(teamNames: Bool, citation: Citation) {
        self.teamNames = teamNames
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
    case waiting
}
