import TermAudit
import TermAuditStore

/// 我的待办 on the desk: for each of the account's roles, the cases that wait for it, counted from the case index
/// (one indexed count each, over the cases the account sees) and linked to the list filtered to them.
struct DeskTodo: Sendable {
    var label: Label
    var count: Int
    var link: String

    /// The queries behind each role's work: (what, the list's URL parameters, the store query).
    static func queries(for user: SignedIn, library: Library) -> [(Label, [(String, String)], Store.CaseQuery)] {
        var out: [(Label, [(String, String)], Store.CaseQuery)] = []
        let roles = Set(user.grants.map(\.role))
        if roles.contains(Role.admin.rawValue) {
            out.append((L("组建审计组、写明交接各方", "Teams and parties to name"), [("state", "preparing")], Store.CaseQuery(state: "preparing")))
        }
        // The departments the account's person audits for: a member grant's own, else each the cases give them.
        var departments = Set<String>()
        for g in user.grants where g.role == Role.member.rawValue {
            if !g.department.isEmpty { departments.insert(g.department) }
            else { for p in user.parts where p.role == Role.member.rawValue { departments.insert(p.department) } }
        }
        for department in departments.sorted() {
            let d = library.department(department)
            out.append((Label(zh: "待\(d.zh)审查事项、给出结论", en: "Items to examine and conclusions to give (\(d.en))"),
                        [("state", "auditing"), ("department", department)], Store.CaseQuery(state: "auditing", pendingDepartment: department)))
        }
        if roles.contains(Role.leader.rawValue) {
            out.append((L("审计中，待各部门办结", "Being audited"), [("state", "auditing")], Store.CaseQuery(state: "auditing")))
        }
        if roles.contains(Role.leader.rawValue) || roles.contains(Role.signer.rawValue) || roles.contains(Role.admin.rawValue) {
            out.append((L("待签字", "Waiting for signatures"), [("state", "ready_for_signoff")], Store.CaseQuery(state: "ready_for_signoff")))
        }
        out.append((L("有逾期事项（交接或整改）", "Something overdue (handover or rectification)"), [("overdue", "1")], Store.CaseQuery(overdueOnly: true)))
        return out
    }

    /// The counts for `user` (blocks).
    static func list(for user: SignedIn, desk: Desk) throws -> [DeskTodo] {
        try queries(for: user, library: desk.library).map { label, parameters, query in
            var q = query
            q.visibleTo = user.seesEveryCase ? nil : user.username
            return DeskTodo(label: label, count: try desk.store.count(q),
                            link: "/cases?" + parameters.map { "\($0.0)=\(Paths.query($0.1))" }.joined(separator: "&"))
        }
    }
}
