import TermAudit

/// What the findings mean for a case: who is held, what blocks sign-off, what is not cleared, what is late.
public struct FindingCheck: Sendable, Hashable {
    /// Findings that put the official on hold (待岗): the policy's `holding` statuses.
    public var holding: [Finding]
    /// Findings that block the handover sign-off: the policy's `blocking` statuses (not holding).
    public var blocking: [Finding]
    /// Findings not cleared (anything but 已整改): they bar any placement that changes the appointment.
    public var uncleared: [Finding]
    /// Findings past their `due` date at `as_of` and not cleared.
    public var overdue: [Finding]
    public var reasons: [Reason]
}

/// Finding rules (审计发现问题): 待岗 until cleared, sign-off blocked while open, deadlines.
public enum FindingRules {
    /// Only 已整改 clears a finding. 持续整改 may let the handover go ahead where the policy's `blocking` list
    /// leaves it out, but it never clears the way to an appointment (docs/decisions.md).
    public static func isCleared(_ f: Finding) -> Bool { f.status == .resolved }

    public static let overdueCitation = Citation(source: .local, ref: "整改期限: the finding's own due date (限期整改, seed §3); checked at as_of")

    public static func check(_ c: AuditCase, policy: Policy, asOf: Day) -> FindingCheck {
        let fp = policy.findings
        var reasons: [Reason] = []
        let holding = c.findings.filter { fp.holding.contains($0.status) }
        let blocking = c.findings.filter { fp.blocking.contains($0.status) && !fp.holding.contains($0.status) }
        let uncleared = c.findings.filter { !isCleared($0) }
        let overdue = uncleared.filter { f in f.due.map { $0 < asOf } ?? false }
        for f in holding {
            reasons.append(Reason(rule: "findings.holding",
                                  message: Label(zh: "问题 \(f.id)「\(f.title)」\(f.status.label.zh)，问题查清前待岗",
                                                 en: "Finding \(f.id) is \(f.status.rawValue): on hold until cleared"),
                                  citation: fp.holdingCitation))
        }
        for f in blocking {
            reasons.append(Reason(rule: "findings.blocking",
                                  message: Label(zh: "问题 \(f.id)「\(f.title)」\(f.status.label.zh)，不能签字交接",
                                                 en: "Finding \(f.id) is \(f.status.rawValue): blocks sign-off"),
                                  citation: fp.blockingCitation))
        }
        for f in overdue {
            let due = f.due.map(\.description) ?? ""
            reasons.append(Reason(rule: "findings.overdue",
                                  message: Label(zh: "问题 \(f.id)「\(f.title)」整改期限 \(due) 已过，仍为\(f.status.label.zh)",
                                                 en: "Finding \(f.id) was due \(due) and is still \(f.status.rawValue)"),
                                  citation: overdueCitation))
        }
        return FindingCheck(holding: holding, blocking: blocking, uncleared: uncleared, overdue: overdue, reasons: reasons)
    }
}
