import TermAudit

/// What verification found of one sign-off record (from the sign-off module; rules do no cryptography).
public enum SignatureVerdict: String, Sendable, Hashable, Encodable {
    case valid, stale, invalid
}

/// Everything the rules conclude about one case.
public struct CaseStatus: Sendable {
    public var auditCase: AuditCase
    public var state: CaseState
    public var term: TermWindow
    public var team: TeamCheck
    public var indicators: IndicatorSummary
    public var checklist: ChecklistSummary
    /// Each department's part of the audit.
    public var audit: AuditWorkSummary
    public var holdingFindings: [String]
    public var blockingFindings: [String]
    /// Findings not yet 已整改 (they keep the personnel gate shut).
    public var unclearedFindings: [String]
    /// Findings past their due date and not cleared.
    public var overdueFindings: [String]
    /// Under which system the post falls; nil when unit kinds are unknown.
    public var postSystem: PostSystem?
    public var assessment: [YearOutcome]
    public var consequences: [Consequence]
    public var placement: PlacementAdvice?
    /// Sign-off roles required by the policy and not (validly) signed.
    public var missingSignatures: [String]
    public var signatures: [String: SignatureVerdict]
    public var reasons: [Reason]

    /// The latest assessed grade.
    public var latestGrade: Grade? { assessment.last(where: { $0.grade != nil })?.grade }
}

/// Evaluates cases: pure functions of a case, the library, the policy and a reference date.
public struct CaseEvaluator: Sendable {
    public var library: Library
    public var policy: Policy
    /// The reference date (审计基准日) for term and age questions.
    public var asOf: Day
    /// The handover template for cases that name none.
    public var defaultTemplate: String?
    /// The audit program for cases that name none.
    public var defaultProgram: String?
    /// Audit program items reassigned to another department: program → item → department.
    public var reassign: [String: [String: String]]
    /// The unit registry: units are told apart by identity and their kind decides the post's system; nil when the
    /// workspace has none (unit kinds unknown: principals count as term-system and deputies as appointment-system posts).
    public var units: UnitRegistry?

    public init(library: Library, policy: Policy, asOf: Day, defaultTemplate: String? = nil, defaultProgram: String? = nil,
                reassign: [String: [String: String]] = [:], units: UnitRegistry? = nil) {
        self.units = units
        self.library = library
        self.policy = policy
        self.asOf = asOf
        self.defaultTemplate = defaultTemplate
        self.defaultProgram = defaultProgram
        self.reassign = reassign
    }

    /// An evaluator for a workspace, with its settings.
    public init(workspace: Workspace, policy: Policy, asOf: Day) {
        self.init(library: workspace.library, policy: policy, asOf: asOf, defaultTemplate: workspace.config.handoverChecklists.first,
                  defaultProgram: workspace.config.auditProgram, reassign: workspace.config.auditReassign, units: workspace.units)
    }

    /// The post's system (任期制 / 聘任制 / neither) from its unit's kind and the rank; nil when the unit kinds are
    /// unknown (no registry, or the policy has no `post_systems`).
    public static func postSystem(_ c: AuditCase, policy: Policy, units: UnitRegistry?) -> PostSystem? {
        guard let unit = units?.unit(named: c.post.unit), let systems = policy.postSystems else { return nil }
        return systems.system(kind: unit.kind, rank: c.post.rank)
    }

    /// The audit program items of a case with the department answering for each (the program, its reassignments),
    /// and the departments in the policy's order: what the audit team fills in.
    public func auditWork(_ c: AuditCase) -> AuditWorkSummary {
        AuditWorkRules.summarize(c, library: library, defaultProgram: defaultProgram, reassign: reassign,
                                 requiredOrder: policy.team.requiredDepartments)
    }

    /// Evaluates one case; `signatures` gives the verdict of each signed role (verified elsewhere).
    public func evaluate(_ c: AuditCase, signatures: [String: SignatureVerdict] = [:]) -> CaseStatus {
        var reasons: [Reason] = []
        let term = TermRules.window(post: c.post, policy: policy)
        reasons += term.reasons
        let team = TeamRules.check(c, policy: policy, library: library, units: units)
        reasons += team.reasons
        let indicators = IndicatorRules.summarize(c.indicators, policy: policy, library: library)
        reasons += indicators.reasons
        let checklist = ChecklistRules.summarize(c, defaultTemplate: defaultTemplate, library: library, asOf: asOf)
        reasons += checklist.reasons
        let audit = AuditWorkRules.summarize(c, library: library, defaultProgram: defaultProgram, reassign: reassign,
                                             requiredOrder: policy.team.requiredDepartments, conflicted: Set(team.conflicts))
        reasons += audit.reasons

        let findings = FindingRules.check(c, policy: policy, asOf: asOf)
        reasons += findings.reasons
        let signoff = SignoffRules.check(policy: policy, signatures: signatures)
        let missingSignatures = signoff.missing

        let state: CaseState
        if !findings.holding.isEmpty {
            state = .onHold
        } else if !team.valid {
            state = .preparing
        } else if !indicators.notReported.isEmpty || !checklist.pending.isEmpty || !checklist.incomplete.isEmpty
                    || !findings.blocking.isEmpty || checklist.template == nil || !audit.complete {
            state = .auditing
        } else if let noParties = SignoffRules.partiesMissing(c, policy: policy) {
            // Concluded, but nobody is named to sign some role: not ready for sign-off yet.
            state = .auditing
            reasons.append(noParties)
        } else if !missingSignatures.isEmpty {
            state = .readyForSignoff
            reasons.append(SignoffRules.missingReason(missingSignatures, findings: c.findings, uncleared: findings.uncleared, policy: policy))
        } else {
            state = .signedOff
        }
        reasons += signoff.reasons

        let (outcomes, capReasons) = AssessmentRules.outcomes(c, policy: policy.assessment)
        reasons += capReasons
        let system = Self.postSystem(c, policy: policy, units: units)
        if system == .neither, let unit = units?.unit(named: c.post.unit) {
            reasons.append(Reason(rule: "term.system",
                                  message: Label(zh: "\(unit.name)（\(unit.kind.label.zh)）\(c.post.rank.label.zh)不属任期制或聘任制：不适用两个任期上限和副职重新聘任",
                                                 en: "A \(c.post.rank.rawValue) of \(unit.name) (\(unit.kind.label.en)) is under neither the term nor the appointment system: no two-term limit, no re-appointment"),
                                  citation: policy.postSystems?.citation))
        }
        let consequences = ConsequenceRules.check(c, policy: policy, asOf: asOf, term: term, outcomes: outcomes,
                                                  onHold: state == .onHold, system: system)
        reasons += consequences.reasons
        let placement = PlacementRules.advise(c, state: state, consequences: consequences,
                                              latest: outcomes.last(where: { $0.grade != nil })?.grade, findings: findings,
                                              policy: policy, atTermEnd: ConsequenceRules.isAtTermEnd(c, term: term, asOf: asOf))
        if let placement { reasons += placement.reasons }
        return CaseStatus(auditCase: c, state: state, term: term, team: team, indicators: indicators, checklist: checklist, audit: audit,
                          holdingFindings: findings.holding.map(\.id), blockingFindings: findings.blocking.map(\.id),
                          unclearedFindings: findings.uncleared.map(\.id), overdueFindings: findings.overdue.map(\.id), postSystem: system,
                          assessment: outcomes, consequences: consequences.consequences, placement: placement,
                          missingSignatures: missingSignatures, signatures: signatures, reasons: reasons)
    }
}
