import TermAudit

/// The placement advice at term end (届满安置).
public struct PlacementAdvice: Sendable, Hashable {
    /// The recommended placement; nil while the personnel gate is shut (see `onceCleared`).
    public var recommended: Placement?
    /// The placement the rules would recommend once the gate opens (set only while it is shut).
    public var onceCleared: Placement?
    /// Findings that must be cleared (已整改) before an appointment changes.
    public var blockingFindings: [String]
    /// Whether the audit must first be concluded (the case is still 组建审计组 or 审计中).
    public var awaitsConclusion: Bool
    public var alternatives: [Placement]
    public var reasons: [Reason]
}

/// Placement rules: a decision table over the state, the consequences and the latest grade, then the
/// promotion bars (Art. 24), then the personnel gate (经审核没有问题的，方可进行任免).
public enum PlacementRules {
    /// Placements that change the appointment: never recommended before the gate opens.
    public static let gated: Set<Placement> = [.promote, .exchange, .continue]

    public static func advise(_ c: AuditCase, state: CaseState, consequences: ConsequenceCheck, latest: Grade?,
                              findings: FindingCheck, policy: Policy, atTermEnd: Bool) -> PlacementAdvice? {
        let has = { (k: Consequence) in consequences.consequences.contains(k) }
        func cite(_ p: Placement) -> Citation? { policy.placements[p]?.citation }
        func name(_ p: Placement) -> String { policy.placements[p]?.label.zh ?? p.rawValue }
        func reason(_ p: Placement, _ zh: String, _ en: String) -> Reason {
            Reason(rule: "placement.\(p.rawValue)", message: Label(zh: "建议安置：\(name(p))——\(zh)", en: "Suggested placement: \(p.rawValue) — \(en)"), citation: cite(p))
        }
        var alternatives: [Placement] = []
        if has(.earlyLeaveEligible) { alternatives.append(.earlyLeave) }
        var rec: Placement
        var reasons: [Reason] = []
        if state == .onHold {
            rec = .waiting; reasons.append(reason(.waiting, "问题查清前待岗", "on hold until the matters are cleared"))
            if has(.retirementDue) { alternatives.append(.retire) }
        } else if has(.retirementDue) {
            let age = consequences.age.map { "年龄 \($0) 岁，" } ?? ""
            rec = .retire; reasons.append(reason(.retire, "\(age)已达退休年龄，办理退休手续", "retirement age reached"))
        } else if latest == .incompetent {
            rec = .nonLeadership
            reasons.append(reason(.nonLeadership, "当年不称职，不再任用：改任非领导职务，或降职使用、待岗培训", "incompetent this year: not appointed again"))
            alternatives += [.demote, .waiting]
        } else if has(.notReappointed) {
            rec = .nonLeadership
            reasons.append(reason(.nonLeadership, "连续基本称职，不再任用：改任非领导职务，或降职使用、待岗培训", "basically competent years running: not appointed again"))
            alternatives += [.demote, .waiting, .subordinateUnit]
        } else if c.trigger == .promotion {
            rec = .promote; reasons.append(reason(.promote, "因提拔重用离任", "leaving for a promotion"))
        } else if has(.exchangeOrNonLeadership) {
            if let g = latest, g <= .competent {
                rec = .exchange; reasons.append(reason(.exchange, "两个任期届满，考核称职以上，宜交流任职", "two terms done and competent or better: exchange"))
                alternatives.append(.nonLeadership)
            } else {
                rec = .nonLeadership; reasons.append(reason(.nonLeadership, "两个任期届满，不宜交流", "two terms done and unsuitable for exchange"))
                alternatives.append(.subordinateUnit)
            }
        } else if c.trigger == .transfer {
            rec = .exchange; reasons.append(reason(.exchange, "调整岗位", "transferred"))
        } else if latest == .excellent {
            rec = .promote; reasons.append(reason(.promote, "任期届满且考核优秀", "term done with an excellent grade"))
            alternatives += [.exchange, .continue]
        } else if latest == .basicallyCompetent {
            rec = .continue; reasons.append(reason(.continue, "考核基本称职，限期改正后视情况任用", "basically competent: continue on condition of correction"))
            alternatives.append(.subordinateUnit)
        } else if atTermEnd || has(.reappointmentDue) {
            rec = .continue; reasons.append(reason(.continue, "任期届满，考核称职", "term done, competent"))
            alternatives += [.exchange, .promote]
        } else {
            return nil
        }

        // Promotion bars: a promotion that would be recommended is not; the official continues (or is exchanged).
        if !consequences.promotionBars.isEmpty {
            if rec == .promote {
                rec = c.trigger == .transfer ? .exchange : .continue
                let why = consequences.promotionBars.map(\.message.zh).joined(separator: "；")
                reasons.append(Reason(rule: "placement.promotion-barred",
                                      message: Label(zh: "不建议提拔：\(why)；建议\(name(rec))",
                                                     en: "Promotion not recommended (\(consequences.promotionBars.map(\.rule).joined(separator: ", "))); suggested: \(rec.rawValue)"),
                                      citation: policy.promotionBar?.citation))
            }
            alternatives.removeAll { $0 == .promote }
        }
        alternatives = alternatives.filter { $0 != rec }

        // The personnel gate.
        let concluded = state == .readyForSignoff || state == .signedOff
        if gated.contains(rec) && (!concluded || !findings.uncleared.isEmpty) {
            var first: [String] = [], firstEn: [String] = []
            if !concluded {
                first.append("审计办结（当前：\(state.label.zh)）"); firstEn.append("the audit concluded (now: \(state.rawValue))")
            }
            if !findings.uncleared.isEmpty {
                first.append("问题 " + findings.uncleared.map { "\($0.id)（\($0.status.label.zh)）" }.joined(separator: "、") + " 整改完毕并核实")
                firstEn.append("findings " + findings.uncleared.map { "\($0.id) (\($0.status.rawValue))" }.joined(separator: ", ") + " resolved")
            }
            reasons.append(Reason(rule: "placement.gate",
                                  message: Label(zh: "经审核没有问题的，方可进行任免：须先\(first.joined(separator: "，并"))，届时建议\(name(rec))",
                                                 en: "No appointment before a clean audit: first \(firstEn.joined(separator: " and ")); then: \(rec.rawValue)"),
                                  citation: policy.findings.blockingCitation))
            return PlacementAdvice(recommended: nil, onceCleared: rec, blockingFindings: findings.uncleared.map(\.id),
                                   awaitsConclusion: !concluded, alternatives: alternatives, reasons: reasons)
        }
        return PlacementAdvice(recommended: rec, onceCleared: nil, blockingFindings: [], awaitsConclusion: false,
                               alternatives: alternatives, reasons: reasons)
    }
}

extension PlacementAdvice {
    /// One line for tables: the recommendation, or, while the gate is shut, what it waits for.
    public func summary(policy: Policy) -> Label {
        func label(_ p: Placement) -> Label { policy.placements[p]?.label ?? Label(zh: p.rawValue, en: p.rawValue) }
        if let r = recommended { return label(r) }
        var zh: [String] = [], en: [String] = []
        if awaitsConclusion { zh.append("审计未办结"); en.append("audit not concluded") }
        if !blockingFindings.isEmpty {
            zh.append("问题未清：" + blockingFindings.joined(separator: "、"))
            en.append("findings not cleared: " + blockingFindings.joined(separator: ", "))
        }
        let then = onceCleared.map(label)
        return Label(zh: "暂不任免（\(zh.joined(separator: "；"))）" + (then.map { "，届时\($0.zh)" } ?? ""),
                     en: "No appointment yet (\(en.joined(separator: "; ")))" + (then.map { "; then \($0.en)" } ?? ""))
    }
}
