import TermAudit
import TermAuditLoader
import TermAuditStore

/// What one account may do on one case: the rights table of docs/security.md, decided here and nowhere else.
///
/// Rights come from the account's grants and the parts its person plays in the case (the access index,
/// `CasePerson`): an administrator's grant holds on every case; a grant on a case holds on that case; a leader,
/// member or signer grant without a case holds where the case names the account's person in that part.
public struct CaseRights: Sendable, Equatable {
    /// 组织部门管理员: the case's facts, team, parties and dates, the handover, indicators and assessment.
    public var admin = false
    /// 审计组长 of the case's team: everything the team records, every department's audit items and conclusions.
    public var leads = false
    /// 审计组成员 of these departments: their audit items and conclusion, and the team's shared sections.
    public var departments: Set<String> = []
    /// The sign-off roles (`team_leader`, `outgoing`, `incoming`, `supervisor`) the account's person holds here.
    public var signingRoles: Set<String> = []
    /// A signer's grant on this very case (sees it even before being named a party).
    public var signerGrant = false

    /// Whether the account sees the case's internal view.
    public var sees: Bool { admin || leads || !departments.isEmpty || !signingRoles.isEmpty || signerGrant }
    /// Whether some part of the case is the account's to change.
    public var editsSomething: Bool { admin || leads || !departments.isEmpty }
    /// Whether the account may sign the case in some role.
    public var signs: Bool { !signingRoles.isEmpty }

    /// The sections only the organization department changes (the team leader and members record the audit).
    static let adminSections: Set<String> = ["official", "post", "trigger", "team"]
    /// The sections the team shares: every member and the leader change them (and the administrator, but for
    /// findings, which are the team's alone).
    static let teamSections: Set<String> = ["indicators", "assessment", "findings"]
    /// Keys of `handover` only the administrator changes (the checklist items are everyone's who edits the case).
    static let adminHandoverKeys: Set<String> = ["parties", "notified", "due", "checklist"]

    /// Whether the account may change the value at `path` (`section.key.…`, as the forms name their inputs);
    /// `department(item)` is the department of an audit item of the case's program.
    public func mayChange(_ path: String, department: (String) -> String?) -> Bool {
        let parts = path.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        let section = parts[0]
        switch section {
        case _ where Self.adminSections.contains(section):
            return admin
        case "indicators", "assessment":
            return admin || leads || !departments.isEmpty
        case "findings":
            return leads || !departments.isEmpty
        case "handover":
            if parts.count > 1 && Self.adminHandoverKeys.contains(parts[1]) || parts.count == 1 { return admin }
            return admin || leads || !departments.isEmpty
        case "audit":
            guard parts.count > 2 else { return leads }   // the program, or the whole section
            if leads { return true }
            switch parts[1] {
            case "items": return department(parts[2]).map(departments.contains) ?? false
            case "conclusions": return departments.contains(parts[2])
            default: return false
            }
        default:
            return false   // signoffs are written by signing; anything else is nobody's
        }
    }

    /// Whether some value of `section` could be the account's to change (whether to offer its form).
    public func mayEdit(section: String) -> Bool {
        switch section {
        case "audit", "findings": leads || !departments.isEmpty
        case "indicators", "assessment", "handover": editsSomething
        case _ where Self.adminSections.contains(section): admin
        default: false
        }
    }

    /// The paths whose values differ between two sections flattened by `flat`, in order.
    static func changedPaths(_ was: [String: String], _ now: [String: String]) -> [String] {
        Set(was.keys).union(now.keys).filter { was[$0] != now[$0] }.sorted()
    }

    /// A section's values by path, flattened as the forms name them (lists whole, at their section). Written-out
    /// defaults are left out, so they never count as changes: an empty value is no value, a checklist or audit item
    /// `pending` is an item not listed, a bare status is its `status`.
    static func flat(_ tree: CaseTree?, _ name: String) -> [String: String] {
        var raw: [String: String] = [:]
        FormTree.flatten(tree, prefix: name, into: &raw)
        var out: [String: String] = [:]
        for (k, v) in raw where !v.isEmpty {
            let key = normalized(k)
            if v == "pending" && key.hasSuffix(".status") && (key.hasPrefix("audit.items.") || key.hasPrefix("handover.items.")) { continue }
            out[key] = v
        }
        return out
    }

    /// `audit.items.X` (a bare status) as `audit.items.X.status`; other paths as they are.
    static func normalized(_ path: String) -> String {
        let parts = path.split(separator: ".", omittingEmptySubsequences: false)
        if parts.count == 3 && parts[1] == "items" && (parts[0] == "audit" || parts[0] == "handover") { return path + ".status" }
        return path
    }
}

extension SignedIn {
    /// The account's rights on `caseID` (pure: from the grants and parts read with the session).
    public func rights(_ caseID: String) -> CaseRights {
        var r = CaseRights()
        let here = parts.filter { $0.caseID == caseID }
        for g in grants {
            guard let role = Role(rawValue: g.role) else { continue }
            let mine = g.caseID == caseID
            guard mine || g.caseID.isEmpty else { continue }
            switch role {
            case .admin:
                r.admin = true
            case .reader:
                break
            case .leader:
                if mine || here.contains(where: { $0.role == "leader" }) { r.leads = true }
                if here.contains(where: { $0.role == "leader" }) { r.signingRoles.insert("team_leader") }
            case .member:
                if mine { r.departments.insert(g.department) }
                else { for p in here where p.role == "member" && (g.department.isEmpty || g.department == p.department) { r.departments.insert(p.department) } }
            case .signer:
                if mine { r.signerGrant = true }
                for p in here where p.role == "signer" { r.signingRoles.insert(p.part) }
            }
        }
        return r
    }

    /// The changed values among `old` → `new` (top-level sections of `view`'s case) the account may not change;
    /// empty when every change is theirs. The program or checklist in force, written out with the first entries of
    /// its section, is no change.
    func refusedChanges(_ view: Desk.CaseView, old: [String: CaseTree], new: [(name: String, value: CaseTree)]) -> [String] {
        let rights = rights(view.status.auditCase.id), departments = Desk.itemDepartments(view)
        let inForce = ["audit.program": view.status.audit.program?.id, "handover.checklist": view.status.checklist.template?.id]
        var refused: [String] = []
        for (name, value) in new {
            let before = CaseRights.flat(old[name], name), after = CaseRights.flat(value, name)
            refused += CaseRights.changedPaths(before, after).filter { path in
                if before[path] == nil, let value = inForce[path] ?? nil, after[path] == value { return false }
                return !rights.mayChange(path, department: { departments[$0] })
            }
        }
        return refused
    }

    /// Whether the account sees `caseID`'s internal view.
    public func sees(_ caseID: String) -> Bool { rights(caseID).sees }
    /// Whether some part of `caseID` is the account's to change.
    public func edits(_ caseID: String) -> Bool { rights(caseID).editsSomething }
    /// Whether the account may sign `caseID` in some role.
    public func signs(_ caseID: String) -> Bool { rights(caseID).signs }
    /// Whether the account sees every case (an administrator).
    public var seesEveryCase: Bool { grants.contains { $0.role == Role.admin.rawValue } }
}

extension Desk {
    /// The department of each audit item of the case's program.
    static func itemDepartments(_ view: CaseView) -> [String: String] {
        Dictionary(view.status.audit.items.map { ($0.item.id, $0.department) }, uniquingKeysWith: { a, _ in a })
    }
}

extension Desk.CaseView {
    /// A value's path (`audit.items.integrity.note`, as the forms and the rights name it) in the words of the forms
    /// and the workbook, for people: `审计事项「…」（纪检监察）的备注`. Unknown parts are shown as they are.
    func describe(_ path: String, lang: Language = .zh) -> String {
        let parts = path.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        let zh = lang == .zh
        func field(_ key: String?) -> String {
            guard let key else { return "" }
            let names: [String: (String, String)] = [
                "status": ("状态", "status"), "note": ("备注", "note"), "examiner": ("审查人", "examiner"), "findings": ("关联问题", "findings"),
                "reason": ("理由", "reason"), "result": ("结论", "result"), "by": ("结论人", "by"), "date": ("日期", "date"),
                "finding": ("关联问题", "finding"),
            ]
            let n = names[key] ?? (key, key)
            return zh ? "的\(n.0)" : " \(n.1)"
        }
        let sections: [String: (String, String)] = [
            "official": ("基本情况（被审计人）", "basic facts (official)"), "post": ("基本情况（职务）", "basic facts (post)"),
            "trigger": ("基本情况（审计原因）", "basic facts (trigger)"), "team": ("审计组", "audit team"), "indicators": ("指标", "indicators"),
            "assessment": ("考核", "assessment"), "findings": ("问题与整改", "findings"), "signoffs": ("签字", "signatures"),
        ]
        switch parts[0] {
        case "audit" where parts.count >= 3 && parts[1] == "items":
            let row = status.audit.items.first { $0.item.id == parts[2] }
            let label = row.map { zh ? $0.item.label.zh : $0.item.label.en } ?? parts[2]
            let dept = row.map { library.department($0.department).text(lang) }.map { zh ? "（\($0)）" : " (\($0))" } ?? ""
            return (zh ? "审计事项「\(label)」\(dept)" : "audit item “\(label)”\(dept)") + field(parts.count > 3 ? parts[3] : nil)
        case "audit" where parts.count >= 3 && parts[1] == "conclusions":
            let dept = library.department(parts[2]).text(lang)
            return (zh ? "\(dept)的部门结论" : "the \(dept) conclusion") + (parts.count > 3 ? field(parts[3]) : "")
        case "audit":
            return zh ? "审计事项与结论" : "the audit program"
        case "handover" where parts.count >= 3 && parts[1] == "items":
            return (zh ? "交接事项 \(parts[2])" : "handover item \(parts[2])") + field(parts.count > 3 ? parts[3] : nil)
        case "handover" where parts.count >= 2:
            let names: [String: (String, String)] = ["parties": ("交接当事人", "the parties"), "notified": ("通知日期", "the notice date"),
                                                     "due": ("交接期限", "the due date"), "checklist": ("交接清单模板", "the checklist")]
            let n = names[parts[1]] ?? (parts[1], parts[1])
            return zh ? "工作交接的\(n.0)" : "handover: \(n.1)"
        default:
            let n = sections[parts[0]] ?? (parts[0], parts[0])
            return zh ? n.0 : n.1
        }
    }
}
