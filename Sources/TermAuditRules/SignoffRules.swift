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

/// A person as a case or a roster names them: a name, told apart from others of the same name by a staff id or a
/// unit where those are known.
public struct PersonIdentity: Sendable, Hashable, CustomStringConvertible {
    public var name: String
    public var staffID: String?
    public var unit: String?

    public init(name: String, staffID: String? = nil, unit: String? = nil) {
        self.name = name
        self.staffID = staffID
        self.unit = unit
    }

    /// Whether `other` can be this person: the same name, and no known staff id or unit that differs (units by
    /// identity when a registry is given).
    public func admits(_ other: PersonIdentity, units: UnitRegistry? = nil) -> Bool {
        guard name == other.name else { return false }
        if let a = staffID, let b = other.staffID, a != b { return false }
        if let a = unit, let b = other.unit, !(units?.same(a, b) ?? (a == b)) { return false }
        return true
    }

    public var description: String {
        name + ([staffID, unit].compactMap { $0 }.isEmpty ? "" : "（\([staffID, unit].compactMap { $0 }.joined(separator: "，"))）")
    }
}

/// Why a person may not sign a role of a case (`SignoffRules.refusal`).
public enum SignerRefusal: Sendable, Hashable {
    /// The case names nobody for the role.
    case nobodyNamed
    /// The case names someone else (this person).
    case notNamed(PersonIdentity)
    /// The signer has already signed another role (its id) of the case.
    case alreadySignedAs(String)
}

/// Who a case names for a sign-off role.
public struct ExpectedSigner: Sendable, Hashable {
    public var role: SignoffRole
    /// nil: the case names nobody for the role (then the case is not ready for sign-off).
    public var person: PersonIdentity?
    /// Where the case names them, e.g. 审计组组长 or handover.parties.incoming.
    public var source: Label
}

extension SignoffRules {
    /// Who may sign each role of the policy on this case, in signing order — one rule for `sign`, `verify`, the
    /// workbook's signature sheet and the server: the team leader (审计组组长) signs `team_leader`; the audited
    /// official `outgoing` (handover.parties.outgoing, when given, is that official); the persons named in
    /// `handover.parties` sign `incoming` and `supervisor` (and any other role of the policy).
    public static func expectedSigners(_ c: AuditCase, policy: Policy) -> [ExpectedSigner] {
        policy.signoff.roles.map { role in
            switch role.id {
            case "team_leader":
                let leaders = c.team.filter(\.leader)
                return ExpectedSigner(role: role, person: leaders.count == 1 ? PersonIdentity(name: leaders[0].name, unit: leaders[0].unit) : nil,
                                      source: Label(zh: "审计组组长", en: "the audit team's leader"))
            case "outgoing":
                return ExpectedSigner(role: role, person: PersonIdentity(name: c.official.name, staffID: c.official.staffID, unit: c.post.unit),
                                      source: Label(zh: "被审计人（移交人）", en: "the audited official (outgoing)"))
            default:
                return ExpectedSigner(role: role, person: c.handover?.parties[role.id].map { PersonIdentity(name: $0) },
                                      source: Label(zh: "交接各方中的\(role.label.zh)", en: "handover.parties.\(role.id)"))
            }
        }
    }

    /// Why a signer may not sign a role of the case (nil: they may) — the one rule `sign` and `verify` apply: the
    /// case must name someone for the role, the signer must be that person (by identity), and one person signs one
    /// role of a case unless the policy allows more. `signedBy`: the roles already validly signed and by whom.
    public static func refusal(role: String, signer: PersonIdentity, case c: AuditCase, signedBy: [(role: String, person: PersonIdentity)],
                               policy: Policy, units: UnitRegistry?) -> SignerRefusal? {
        guard let named = expectedSigners(c, policy: policy).first(where: { $0.role.id == role })?.person else { return .nobodyNamed }
        guard named.admits(signer, units: units) else { return .notNamed(named) }
        if !policy.signoff.onePersonManyRoles, let other = signedBy.first(where: { $0.role != role && $0.person == signer }) {
            return .alreadySignedAs(other.role)
        }
        return nil
    }

    /// Why a case is not ready for sign-off for want of named signers (nil when every required role names someone).
    public static func partiesMissing(_ c: AuditCase, policy: Policy) -> Reason? {
        let missing = expectedSigners(c, policy: policy).filter { $0.role.required && $0.person == nil }
        guard !missing.isEmpty else { return nil }
        return Reason(rule: "signoff.parties-missing",
                      message: Label(zh: "未写明签字人：\(missing.map(\.role.label.zh).joined(separator: "、"))（交接各方写在 handover.parties），暂不能签字",
                                     en: "No signer named for: \(missing.map(\.role.id).joined(separator: ", ")) (name them in handover.parties); not ready for sign-off"),
                      citation: policy.signoff.citation)
    }
}
