import TermAudit
import TermAuditRules
import TermAuditStore

/// The roles an account can be granted (issue 17 binds them to cases and departments in full).
public enum Role: String, Sendable, CaseIterable {
    /// 组织部门管理员: opens cases, names teams, parties and signers, manages accounts, exports, publishes.
    case admin
    /// 审计组长: on the cases whose team they lead.
    case leader
    /// 审计组成员 of a department, on the cases of their team.
    case member
    /// 签字人 (移交人, 接交人, 监交人): on the case they sign.
    case signer
    /// 查阅: what the public edition publishes.
    case reader

    /// The roles that change cases and export the internal and fill-in editions.
    static let editing: Set<String> = [Role.admin.rawValue, Role.leader.rawValue, Role.member.rawValue]

    public var label: Label {
        switch self {
        case .admin: Label(zh: "组织部门管理员", en: "organization administrator")
        case .leader: Label(zh: "审计组长", en: "team leader")
        case .member: Label(zh: "审计组成员", en: "team member")
        case .signer: Label(zh: "签字人", en: "signer")
        case .reader: Label(zh: "查阅", en: "reader")
        }
    }
}

enum Roles {
    static func describe(_ g: Grant, lang: Language) -> String {
        var s = Role(rawValue: g.role)?.label.text(lang) ?? g.role
        if !g.department.isEmpty { s += lang == .zh ? "（\(g.department)）" : " (\(g.department))" }
        s += g.caseID.isEmpty ? (lang == .zh ? " · 全部案卷" : " · every case") : (lang == .zh ? " · 案卷 \(g.caseID)" : " · case \(g.caseID)")
        return s
    }

    static func verdict(_ v: SignatureVerdict, lang: Language) -> String {
        switch v {
        case .valid: lang == .zh ? "已签，核验有效" : "signed, verified"
        case .stale: lang == .zh ? "已签，但案卷此后有改动（签字失效）" : "signed, but the case changed since (stale)"
        case .invalid: lang == .zh ? "签字无效" : "invalid signature"
        }
    }
}
