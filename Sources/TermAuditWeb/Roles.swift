import TermAudit
import TermAuditRules
import TermAuditStore

enum Roles {
    static func describe(_ g: Grant, lang: Language) -> String {
        var s = Role(rawValue: g.role)?.label.text(lang) ?? g.role
        if !g.department.isEmpty { s += lang == .zh ? "（\(g.department)）" : " (\(g.department))" }
        if !g.caseID.isEmpty {
            s += lang == .zh ? " · 案卷 \(g.caseID)" : " · case \(g.caseID)"
        } else if g.role == Role.admin.rawValue || g.role == Role.reader.rawValue {
            s += lang == .zh ? " · 全部案卷" : " · every case"
        } else {
            s += lang == .zh ? " · 案卷写明本人的案卷" : " · the cases naming the person"
        }
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
