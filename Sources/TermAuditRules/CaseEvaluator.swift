import TermAudit

/// The derived state of a case, never typed by hand.
public enum CaseState: String, Sendable, Hashable, CaseIterable, Encodable {
    /// 待岗: a finding cannot be cleared for now.
    case onHold = "on_hold"
    /// 组建审计组: the audit team is not valid.
    case preparing
    /// 审计中: something is pending.
    case auditing
    /// 待签字: the audit is clean; required signatures are missing.
    case readyForSignoff = "ready_for_signoff"
    /// 已签字: every required signature is present and valid.
    case signedOff = "signed_off"

    public var label: Label {
        switch self {
        case .onHold: Label(zh: "待岗", en: "on hold")
        case .preparing: Label(zh: "组建审计组", en: "preparing")
        case .auditing: Label(zh: "审计中", en: "auditing")
        case .readyForSignoff: Label(zh: "待签字", en: "ready for sign-off")
        case .signedOff: Label(zh: "已签字", en: "signed off")
        }
    }
}

/// What verification found of one sign-off record (from the sign-off module; rules do no cryptography).
public enum SignatureVerdict: String, Sendable, Hashable, Encodable {
    case valid, stale, invalid
}

/// The recommended placement at term end, with alternatives and reasons.
public struct PlacementAdvice: Sendable, Hashable {
    public var recommended: Placement
    public var alternatives: [Placement]
    public var reasons: [Reason]
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

    public init(library: Library, policy: Policy, asOf: Day, defaultTemplate: String? = nil, defaultProgram: String? = nil,
                reassign: [String: [String: String]] = [:]) {
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
                  defaultProgram: workspace.config.auditProgram, reassign: workspace.config.auditReassign)
    }

    /// Evaluates one case; `signatures` gives the verdict of each signed role (verified elsewhere).
    public func evaluate(_ c: AuditCase, signatures: [String: SignatureVerdict] = [:]) -> CaseStatus {
        var reasons: [Reason] = []
        let term = TermRules.window(post: c.post, policy: policy)
        reasons += term.reasons
        let team = TeamRules.check(c, policy: policy, library: library)
        reasons += team.reasons
        let indicators = IndicatorRules.summarize(c.indicators, policy: policy, library: library)
        reasons += indicators.reasons
        let checklist = ChecklistRules.summarize(c, defaultTemplate: defaultTemplate, library: library)
        reasons += checklist.reasons
        let audit = AuditWorkRules.summarize(c, library: library, defaultProgram: defaultProgram, reassign: reassign,
                                             requiredOrder: policy.team.requiredDepartments)
        reasons += audit.reasons

        let fp = policy.findings
        let holding = c.findings.filter { fp.holding.contains($0.status) }
        let blocking = c.findings.filter { fp.blocking.contains($0.status) && !fp.holding.contains($0.status) }
        for f in holding {
            reasons.append(Reason(rule: "findings.holding",
                                  message: Label(zh: "问题 \(f.id)「\(f.title)」\(f.status.label.zh)，问题查清前待岗",
                                                 en: "Finding \(f.id) is \(f.status.rawValue): on hold until cleared"),
                                  citation: fp.holdingCitation))
        }
        for f in blocking {
            reasons.append(Reason(rule: "findings.blocking",
                                  message: Label(zh: "问题 \(f.id)「\(f.title)」尚未整改，不能签字交接",
                                                 en: "Finding \(f.id) is open: blocks sign-off"),
                                  citation: fp.blockingCitation))
        }

        // Signatures: the required roles, in order.
        let required = policy.signoff.roles.filter(\.required).map(\.id)
        let missingSignatures = required.filter { signatures[$0] != .valid }

        let state: CaseState
        if !holding.isEmpty {
            state = .onHold
        } else if !team.valid {
            state = .preparing
        } else if !indicators.notReported.isEmpty || !checklist.pending.isEmpty || !checklist.incomplete.isEmpty
                    || !blocking.isEmpty || checklist.template == nil || !audit.complete {
            state = .auditing
        } else if !missingSignatures.isEmpty {
            state = .readyForSignoff
            let names = missingSignatures.map { r in policy.signoff.roles.first { $0.id == r }?.label.zh ?? r }
            reasons.append(Reason(rule: "signoff.missing",
                                  message: Label(zh: "审计无问题，待签字：\(names.joined(separator: "、"))",
                                                 en: "Audit clean; awaiting signatures: \(missingSignatures.joined(separator: ", "))"),
                                  citation: policy.signoff.citation))
        } else {
            state = .signedOff
        }
        for (role, verdict) in signatures.sorted(by: { $0.key < $1.key }) where verdict != .valid {
            reasons.append(Reason(rule: "signoff.\(verdict.rawValue)",
                                  message: Label(zh: verdict == .stale ? "\(role) 的签字在签字后内容已变动（失效）" : "\(role) 的签字无效",
                                                 en: verdict == .stale ? "The \(role) signature is stale: content changed after signing" : "The \(role) signature is invalid"),
                                  citation: policy.signoff.citation))
        }

        // Consequences.
        var consequences: [Consequence] = []
        func add(_ k: Consequence, _ r: Reason) {
            if !consequences.contains(k) { consequences.append(k) }
            reasons.append(r)
        }
        let outcomes = AssessmentRules.outcomes(c.assessment, policy: policy.assessment)
        for (k, r) in AssessmentRules.consequences(outcomes, policy: policy.assessment) { add(k, r) }
        let atTermEnd = c.trigger == .termEnd || term.end <= asOf
        if term.limitReached && atTermEnd {
            add(.exchangeOrNonLeadership, Reason(rule: "term.consecutive-limit",
                                                 message: Label(zh: "正职同一职位任期届满已达上限，应交流或改任非领导职务",
                                                                en: "Principal at the end of the last permitted term: exchange or non-leadership post"),
                                                 citation: policy.term.consecutiveTermLimitCitation))
        }
        if c.post.rank == .deputy && policy.term.deputyReappointment && atTermEnd {
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
        if let el = policy.earlyLeave, let start = c.official.serviceStart {
            let service = start.wholeYears(until: asOf)
            let age = c.official.born.map { $0.wholeYears(until: asOf) }
            if service >= el.serviceYears && (age.map { $0 < el.retirementAge } ?? true) {
                let ageText = age.map { "，年龄 \($0) 岁" } ?? ""
                add(.earlyLeaveEligible, Reason(rule: "placement.early-leave",
                                                message: Label(zh: "工作满 \(service) 年\(ageText)，未到退休年龄，本人自愿可提前离岗",
                                                               en: "\(service) years of service, below retirement age: may leave early if they wish"),
                                                citation: el.citation))
            }
        }
        if state == .onHold {
            add(.onHold, Reason(rule: "state.on-hold",
                                message: Label(zh: "存在一时难以查清或已移送的问题，待岗至问题查清", en: "Unresolved matters: on hold until cleared"),
                                citation: fp.holdingCitation))
        }

        let placement = Self.placement(c, state: state, term: term, consequences: consequences, latest: outcomes.last(where: { $0.grade != nil })?.grade,
                                       policy: policy, atTermEnd: atTermEnd)
        if let placement { reasons += placement.reasons }
        return CaseStatus(auditCase: c, state: state, term: term, team: team, indicators: indicators, checklist: checklist, audit: audit,
                          holdingFindings: holding.map(\.id), blockingFindings: blocking.map(\.id), assessment: outcomes,
                          consequences: Consequence.allCases.filter { consequences.contains($0) }, placement: placement,
                          missingSignatures: missingSignatures, signatures: signatures, reasons: reasons)
    }

    /// The placement at term end among the policy's options (届满安置), with the reasons.
    static func placement(_ c: AuditCase, state: CaseState, term: TermWindow, consequences: [Consequence], latest: Grade?,
                          policy: Policy, atTermEnd: Bool) -> PlacementAdvice? {
        func cite(_ p: Placement) -> Citation? { policy.placements[p]?.citation }
        func reason(_ p: Placement, _ zh: String, _ en: String) -> Reason {
            Reason(rule: "placement.\(p.rawValue)", message: Label(zh: "建议安置：\(policy.placements[p]?.label.zh ?? p.rawValue)——\(zh)", en: "Suggested placement: \(p.rawValue) — \(en)"), citation: cite(p))
        }
        var alternatives: [Placement] = []
        if consequences.contains(.earlyLeaveEligible) { alternatives.append(.earlyLeave) }
        let rec: Placement
        let r: Reason
        if state == .onHold {
            rec = .waiting; r = reason(.waiting, "问题查清前待岗", "on hold until the matters are cleared")
        } else if latest == .incompetent {
            rec = .waiting; r = reason(.waiting, "当年不称职，待岗培训", "incompetent this year: waiting with training")
            alternatives.append(.nonLeadership)
        } else if consequences.contains(.notReappointed) {
            rec = .nonLeadership; r = reason(.nonLeadership, "连续基本称职，不再聘任", "basically competent years running: not re-appointed")
            alternatives += [.subordinateUnit, .waiting]
        } else if c.trigger == .promotion {
            rec = .promote; r = reason(.promote, "因提拔重用离任", "leaving for a promotion")
        } else if consequences.contains(.exchangeOrNonLeadership) {
            if let g = latest, g <= .competent {
                rec = .exchange; r = reason(.exchange, "两个任期届满，考核称职以上，宜交流任职", "two terms done and competent or better: exchange")
                alternatives.append(.nonLeadership)
            } else {
                rec = .nonLeadership; r = reason(.nonLeadership, "两个任期届满，不宜交流", "two terms done and unsuitable for exchange")
                alternatives.append(.subordinateUnit)
            }
        } else if c.trigger == .transfer {
            rec = .exchange; r = reason(.exchange, "调整岗位", "transferred")
        } else if latest == .excellent {
            rec = .promote; r = reason(.promote, "任期届满且考核优秀", "term done with an excellent grade")
            alternatives += [.exchange, .continue]
        } else if latest == .basicallyCompetent {
            rec = .continue; r = reason(.continue, "考核基本称职，限期整改后视情况聘任", "basically competent: continue on condition of correction")
            alternatives.append(.subordinateUnit)
        } else if atTermEnd || consequences.contains(.reappointmentDue) {
            rec = .continue; r = reason(.continue, "任期届满，考核称职", "term done, competent")
            alternatives += [.exchange, .promote]
        } else {
            return nil
        }
        return PlacementAdvice(recommended: rec, alternatives: alternatives.filter { $0 != rec }, reasons: [r])
    }
}
