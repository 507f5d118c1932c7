import TermAudit

/// The sign-off's state: which required roles are missing, which signatures are stale or invalid.
public struct SignoffCheck: Sendable, Hashable {
    /// Required roles, in signing order, not validly signed.
    public var missing: [String]
    /// Reasons about stale or invalid signatures.
    public var reasons: [Reason]
}

/// Sign-off rules (签字交接): the policy's required roles, in order; verdicts come from the sign-off module.
public enum SignoffRules {
    public static func check(policy: Policy, signatures: [String: SignatureVerdict]) -> SignoffCheck {
        let required = policy.signoff.roles.filter(\.required).map(\.id)
        let missing = required.filter { signatures[$0] != .valid }
        var reasons: [Reason] = []
        for (role, verdict) in signatures.sorted(by: { $0.key < $1.key }) where verdict != .valid {
            reasons.append(Reason(rule: "signoff.\(verdict.rawValue)",
                                  message: Label(zh: verdict == .stale ? "\(role) 的签字在签字后内容已变动（失效）" : "\(role) 的签字无效",
                                                 en: verdict == .stale ? "The \(role) signature is stale: content changed after signing" : "The \(role) signature is invalid"),
                                  citation: policy.signoff.citation))
        }
        return SignoffCheck(missing: missing, reasons: reasons)
    }

    /// Why a case whose audit is concluded waits for signatures. "审计无问题" only when every finding is cleared;
    /// a finding still 持续整改 that the policy lets through is named instead.
    /// "审计无问题" only when the audit found nothing at all; findings all resolved say so instead.
    public static func missingReason(_ missing: [String], findings: [Finding], uncleared: [Finding], policy: Policy) -> Reason {
        let names = missing.map { r in policy.signoff.roles.first { $0.id == r }?.label.zh ?? r }
        let zhWait = "待签字：\(names.joined(separator: "、"))"
        let enWait = "awaiting signatures: \(missing.joined(separator: ", "))"
        if findings.isEmpty {
            return Reason(rule: "signoff.missing", message: Label(zh: "审计无问题，\(zhWait)", en: "Audit clean; \(enWait)"),
                          citation: policy.signoff.citation)
        }
        if uncleared.isEmpty {
            let ids = findings.map(\.id).joined(separator: "、")
            return Reason(rule: "signoff.missing",
                          message: Label(zh: "审计已办结，发现的问题（\(ids)）均已整改，\(zhWait)",
                                         en: "Audit concluded; every finding (\(findings.map(\.id).joined(separator: ", "))) is resolved; \(enWait)"),
                          citation: policy.signoff.citation)
        }
        let list = uncleared.map { "\($0.id)（\($0.status.label.zh)）" }.joined(separator: "、")
        let listEn = uncleared.map { "\($0.id) (\($0.status.rawValue))" }.joined(separator: ", ")
        return Reason(rule: "signoff.missing",
                      message: Label(zh: "审计已办结，问题 \(list) 尚未整改完毕，可办理交接；\(zhWait)",
                                     en: "Audit concluded with findings not yet cleared (\(listEn)) that the policy lets through to the handover; \(enWait)"),
                      citation: policy.findings.blockingCitation)
    }
}
