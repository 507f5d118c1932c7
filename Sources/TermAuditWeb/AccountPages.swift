import Foundation
import HTTPTypes
import Hummingbird
import TermAudit
import TermAuditStore

/// 我的账号 (every account: its roles, a new password, signing out everywhere) and 账号管理 (organization
/// administrators: every account — add, disable, enable, reset a password, bind to a person, grant and revoke).
/// Each change goes through the store's account methods: one transaction with its audit-log entry, as
/// `termaudit user` does; passwords are hashed off the event loop.
extension WebApp {
    func addAccounts(to router: Router<WebContext>) {
        router.get("/account") { request, context in
            guard let user = context.user else { return signInFirst(request) }
            let sessions = try await desk.blocking { [desk] in try desk.store.sessionCount(of: user.username) }
            return Replies.html(Pages.myAccount(lang: context.lang, user: user, sessions: sessions))
        }
        router.post("/account/password") { request, context in
            guard let user = context.user else { return signInFirst(request) }
            var request = request
            let form = Form.parse(String(buffer: try await request.collectBody(upTo: context.maxUploadSize)))
            let (current, new, again) = (form["current"] ?? "", form["password"] ?? "", form["again"] ?? "")
            let throttle = sessions.throttle
            let problem: String? = try await desk.blocking { [desk] in
                // The current password is checked as a sign-in is, and counted as one when wrong.
                switch try desk.checkPassword(username: user.username, password: current, address: context.address, throttle: throttle, now: Date()) {
                case .throttled(let seconds):
                    return "失败次数过多，请 \(seconds) 秒后再试 (too many failed tries; try again in \(seconds) s)"
                case .wrong:
                    try desk.store.audit(actor: user.username, action: "account-password", subject: user.username, address: context.address,
                                         outcome: "wrong-current-password")
                    return "当前密码不正确 (the current password is wrong)"
                case .right:
                    break
                }
                do {
                    try desk.store.setPassword(user.username, hash: try PasswordPolicy.hash(new, again: again, username: user.username), by: user.username,
                                               address: context.address)
                } catch let e as StoreError { return e.description }
                return nil
            }
            if let problem {
                let sessions = try await desk.blocking { [desk] in try desk.store.sessionCount(of: user.username) }
                return Replies.html(Pages.myAccount(lang: context.lang, user: user, sessions: sessions, problem: problem))
            }
            // Every session ended with the old password, this one too: sign in with the new one.
            var r = Replies.redirect("/login?changed=1")
            r.setCookie(expiredSessionCookie)
            return r
        }
        router.post("/account/sign-out-everywhere") { request, context in
            guard let user = context.user else { return signInFirst(request) }
            try await desk.blocking { [desk] in try desk.store.endSessions(of: user.username, by: user.username, address: context.address) }
            var r = Replies.redirect("/login")
            r.setCookie(expiredSessionCookie)
            return r
        }

        router.get("/admin/accounts") { request, context in
            guard let user = context.user else { return signInFirst(request) }
            guard user.managesAccounts else { return try await forbidden(request, context, user) }
            return Replies.html(try await accountList(user, context))
        }
        router.post("/admin/accounts") { request, context in
            guard let user = context.user else { return signInFirst(request) }
            guard user.managesAccounts else { return try await forbidden(request, context, user) }
            var request = request
            let form = Form.parse(String(buffer: try await request.collectBody(upTo: context.maxUploadSize)))
            let name = (form["username"] ?? "").trimmingCharacters(in: .whitespaces)
            let grant = Grant(form: form)
            let person = (form["person"] ?? "").trimmingCharacters(in: .whitespaces)
            let display = (form["display_name"] ?? "").trimmingCharacters(in: .whitespaces)
            let (password, again) = (form["password"] ?? "", form["again"] ?? "")
            let problem: String? = try await desk.blocking { [desk] in
                do {
                    try desk.checkGrant(grant)
                    let account = Account(username: name, displayName: display.isEmpty ? (person.isEmpty ? name : person) : display, person: person,
                                          passwordHash: try PasswordPolicy.hash(password, again: again, username: name))
                    try desk.store.addAccount(account, grants: [grant], by: user.username, address: context.address)
                    return nil
                } catch let e as StoreError { return e.description }
            }
            if let problem { return Replies.html(try await accountList(user, context, problem: problem, form: form)) }
            return Replies.redirect("/admin/accounts/\(Paths.segment(name))")
        }
        router.get("/admin/accounts/{name}") { request, context in
            guard let user = context.user else { return signInFirst(request) }
            guard user.managesAccounts else { return try await forbidden(request, context, user) }
            let name = try context.parameters.require("name")
            guard let page = try await accountPage(user, context, name) else { return notFound(request, context) }
            return Replies.html(page)
        }
        router.post("/admin/accounts/{name}/{action}") { request, context in
            guard let user = context.user else { return signInFirst(request) }
            guard user.managesAccounts else { return try await forbidden(request, context, user) }
            let name = try context.parameters.require("name"), action = try context.parameters.require("action")
            var request = request
            let form = Form.parse(String(buffer: try await request.collectBody(upTo: context.maxUploadSize)))
            let by = user.username, address = context.address
            let problem: String? = try await desk.blocking { [desk] in
                do {
                    guard try desk.store.account(name) != nil else { return "没有账号 \(name) (no such account)" }
                    let grant = Grant(form: form)
                    switch action {
                    case "disable":
                        guard name != by else { return "不能停用自己的账号 (you cannot disable your own account)" }
                        try desk.store.setDisabled(name, true, by: by, address: address)
                    case "enable": try desk.store.setDisabled(name, false, by: by, address: address)
                    case "sign-out": try desk.store.endSessions(of: name, by: by, address: address)
                    case "bind": try desk.store.bind(name, person: (form["person"] ?? "").trimmingCharacters(in: .whitespaces), by: by, address: address)
                    case "grant":
                        try desk.checkGrant(grant)
                        try desk.store.grant(name, grant, by: by, address: address)
                    case "revoke":
                        if name == by && grant.role == Role.admin.rawValue { return "不能撤销自己的管理员角色 (you cannot revoke your own administrator role)" }
                        try desk.store.revoke(name, grant, by: by, address: address)
                    case "password":
                        let hash = try PasswordPolicy.hash(form["password"] ?? "", again: form["again"] ?? "", username: name)
                        try desk.store.setPassword(name, hash: hash, by: by, address: address)
                    default:
                        return "unknown"
                    }
                    return nil
                } catch let e as StoreError { return e.description }
            }
            if problem == "unknown" { return notFound(request, context) }
            if let problem {
                guard let page = try await accountPage(user, context, name, problem: problem) else { return notFound(request, context) }
                return Replies.html(page)
            }
            return Replies.redirect("/admin/accounts/\(Paths.segment(name))")
        }
    }

    func accountList(_ user: SignedIn, _ context: WebContext, problem: String? = nil, form: [String: String] = [:]) async throws -> String {
        let rows = try await desk.blocking { [desk] in
            let grants = try desk.store.grantsByAccount(), sessions = try desk.store.sessionCounts()
            return try desk.store.accounts().map { ($0, grants[$0.username] ?? [], sessions[$0.username] ?? 0) }
        }
        return Pages.accountList(lang: context.lang, user: user, rows: rows, library: desk.library, problem: problem, form: form)
    }

    func accountPage(_ user: SignedIn, _ context: WebContext, _ name: String, problem: String? = nil) async throws -> String? {
        guard let (account, grants, sessions) = try await desk.blocking({ [desk] () -> (Account, [Grant], Int)? in
            guard let a = try desk.store.account(name) else { return nil }
            return (a, try desk.store.grants(of: name), try desk.store.sessionCount(of: name))
        }) else { return nil }
        return Pages.accountPage(lang: context.lang, user: user, account: account, grants: grants, sessions: sessions, library: desk.library,
                                 problem: problem)
    }
}

extension Desk {
    /// Refuses a grant that is not well formed, a department the library does not know or a case the store does not hold.
    func checkGrant(_ g: Grant) throws {
        if let problem = g.problem { throw StoreError("bad-grant", problem) }
        if !g.department.isEmpty && !library.departments.contains(where: { $0.id == g.department }) {
            throw StoreError("bad-grant", "'\(g.department)' is not a department of the library")
        }
        if !g.caseID.isEmpty, try store.caseBodies([g.caseID])[g.caseID] == nil {
            throw StoreError("no-case", "the store has no case '\(g.caseID)'")
        }
    }
}

extension SignedIn {
    /// Whether the account manages accounts: an organization administrator, as for seeing every case.
    public var managesAccounts: Bool { seesEveryCase }
}

extension Grant {
    /// A grant as the account forms post it (`role`, `case`, `department`).
    init(form: [String: String]) {
        self.init(role: form["role"] ?? "", caseID: (form["case"] ?? "").trimmingCharacters(in: .whitespaces), department: form["department"] ?? "")
    }
}

extension Pages {
    static func myAccount(lang: Language, user: SignedIn, sessions: Int, problem: String? = nil) -> String {
        var page = Layout(title: L("我的账号", "My account"), lang: lang, user: user, path: "/account")
        let t = page.t
        page.main { h in
            h.el("h1", text: t("我的账号", "My account"))
            h.el("section", ["class": "card"]) { h in
                h.el("dl") { h in
                    h.el("dt", text: t("账号", "Account")); h.el("dd", text: user.username)
                    h.el("dt", text: t("名称", "Name")); h.el("dd", text: user.account.displayName)
                    h.el("dt", text: t("案卷中的人员", "Person in the cases")); h.el("dd", text: user.account.person.isEmpty ? "—" : user.account.person)
                    h.el("dt", text: t("角色", "Roles"))
                    h.el("dd", text: user.grants.map { Roles.describe($0, lang: lang) }.joined(separator: "；"))
                    h.el("dt", text: t("已登录的会话", "Open sessions")); h.el("dd", text: String(sessions))
                }
            }
            h.el("section", ["class": "card", "id": "password"]) { h in
                h.el("h2", text: t("修改密码", "Change the password"))
                if let problem { h.el("p", ["class": "error", "role": "alert"], text: problem) }
                h.el("form", ["method": "post", "action": "/account/password", "class": "stack"]) { h in
                    h.void("input", ["type": "hidden", "name": "_csrf", "value": user.csrfToken])
                    passwordInputs(&h, t, current: true)
                    h.el("p", ["class": "muted"], text: t("修改后所有会话（包括本会话）都将退出，请用新密码重新登录。",
                                                          "Every session ends (this one too): sign in again with the new password."))
                    h.el("button", ["type": "submit", "class": "primary"], text: t("修改密码", "Change the password"))
                }
            }
            h.el("section", ["class": "card", "id": "everywhere"]) { h in
                h.el("h2", text: t("在所有设备上退出", "Sign out everywhere"))
                h.el("form", ["method": "post", "action": "/account/sign-out-everywhere"]) { h in
                    h.void("input", ["type": "hidden", "name": "_csrf", "value": user.csrfToken])
                    h.el("button", ["type": "submit"], text: t("结束全部 \(sessions) 个会话", "End all \(sessions) sessions"))
                }
            }
        }
        return page.render()
    }

    static func passwordInputs(_ h: inout HTML, _ t: (String, String) -> String, current: Bool = false) {
        if current {
            h.el("label", ["for": "current"], text: t("当前密码", "Current password"))
            h.void("input", ["id": "current", "name": "current", "type": "password", "autocomplete": "current-password", "required": ""])
        }
        h.el("label", ["for": "password"], text: t("新密码（至少 \(PasswordPolicy.minimumLength) 个字符）", "New password (at least \(PasswordPolicy.minimumLength) characters)"))
        h.void("input", ["id": "password", "name": "password", "type": "password", "autocomplete": "new-password", "required": "",
                         "minlength": String(PasswordPolicy.minimumLength)])
        h.el("label", ["for": "again"], text: t("再输入一次", "Again"))
        h.void("input", ["id": "again", "name": "again", "type": "password", "autocomplete": "new-password", "required": "",
                         "minlength": String(PasswordPolicy.minimumLength)])
    }

    static func roleChoices(_ h: inout HTML, _ t: (String, String) -> String, lang: Language, library: Library, form: [String: String] = [:]) {
        h.el("label", ["for": "role"], text: t("角色", "Role"))
        h.el("select", ["id": "role", "name": "role", "required": ""]) { h in
            h.el("option", ["value": "", "selected": (form["role"] ?? "").isEmpty ? "" : nil], text: t("— 选择角色 —", "— choose a role —"))
            for r in Role.allCases { h.el("option", ["value": r.rawValue, "selected": form["role"] == r.rawValue ? "" : nil], text: r.label.text(lang)) }
        }
        h.el("label", ["for": "department"], text: t("部门（审计组成员）", "Department (team members)"))
        h.el("select", ["id": "department", "name": "department"]) { h in
            h.el("option", ["value": ""], text: t("— 按案卷 —", "— as the cases say —"))
            for d in library.departments {
                h.el("option", ["value": d.id, "selected": form["department"] == d.id ? "" : nil], text: d.label.text(lang))
            }
        }
        h.el("label", ["for": "case"], text: t("案卷编号（留空：按案卷写明的人员）", "Case id (empty: the cases naming the person)"))
        h.void("input", ["id": "case", "name": "case", "value": form["case"] ?? ""])
    }

    static func accountList(lang: Language, user: SignedIn, rows: [(Account, [Grant], Int)], library: Library, problem: String?,
                            form: [String: String]) -> String {
        var page = Layout(title: L("账号管理", "Accounts"), lang: lang, user: user, path: "/admin/accounts")
        let t = page.t
        page.main { h in
            h.el("h1", text: t("账号管理", "Accounts"))
            h.el("section", ["class": "card"]) { h in
                h.el("div", ["class": "scroll"]) { h in
                    h.el("table", ["class": "list"]) { h in
                        thead(&h, [t("账号", "Account"), t("名称", "Name"), t("案卷中的人员", "Person"), t("角色", "Roles"), t("状态", "State"),
                                   t("会话", "Sessions")], numeric: [5])
                        h.el("tbody") { h in
                            for (a, grants, sessions) in rows {
                                h.el("tr") { h in
                                    h.el("td") { h in h.el("a", ["href": "/admin/accounts/\(Paths.segment(a.username))"], text: a.username) }
                                    h.el("td", text: a.displayName)
                                    h.el("td", text: a.person.isEmpty ? "—" : a.person)
                                    h.el("td", text: grants.map { Roles.describe($0, lang: lang) }.joined(separator: "；"))
                                    h.el("td", text: a.disabled ? t("已停用", "disabled") : t("启用", "enabled"))
                                    h.el("td", ["class": "num"], text: String(sessions))
                                }
                            }
                        }
                    }
                }
            }
            h.el("section", ["class": "card", "id": "add"]) { h in
                h.el("h2", text: t("新增账号", "Add an account"))
                if let problem { h.el("p", ["class": "error", "role": "alert"], text: problem) }
                h.el("form", ["method": "post", "action": "/admin/accounts", "class": "stack"]) { h in
                    h.void("input", ["type": "hidden", "name": "_csrf", "value": user.csrfToken])
                    h.el("label", ["for": "username"], text: t("账号（a–z、0–9、.、_、-，字母开头）", "Account name (a–z, 0–9, '.', '_', '-', starting with a letter)"))
                    h.void("input", ["id": "username", "name": "username", "value": form["username"] ?? "", "required": "", "autocomplete": "off"])
                    h.el("label", ["for": "display_name"], text: t("名称", "Name shown"))
                    h.void("input", ["id": "display_name", "name": "display_name", "value": form["display_name"] ?? ""])
                    h.el("label", ["for": "person"], text: t("案卷中的人员（与案卷所写姓名一致）", "Person in the cases (as the cases write the name)"))
                    h.void("input", ["id": "person", "name": "person", "value": form["person"] ?? ""])
                    roleChoices(&h, t, lang: lang, library: library, form: form)
                    passwordInputs(&h, t)
                    h.el("button", ["type": "submit", "class": "primary"], text: t("新增账号", "Add the account"))
                }
            }
        }
        return page.render()
    }

    static func accountPage(lang: Language, user: SignedIn, account a: Account, grants: [Grant], sessions: Int, library: Library,
                            problem: String?) -> String {
        var page = Layout(title: L("账号 \(a.username)", "Account \(a.username)"), lang: lang, user: user, path: "/admin/accounts/\(Paths.segment(a.username))")
        let t = page.t
        let base = "/admin/accounts/\(Paths.segment(a.username))"
        func button(_ h: inout HTML, _ action: String, _ label: String, fields: [(String, String)] = []) {
            h.el("form", ["method": "post", "action": "\(base)/\(action)", "class": "inline"]) { h in
                h.void("input", ["type": "hidden", "name": "_csrf", "value": user.csrfToken])
                for (k, v) in fields { h.void("input", ["type": "hidden", "name": k, "value": v]) }
                h.el("button", ["type": "submit"], text: label)
            }
        }
        page.main { h in
            h.el("p", ["class": "crumbs"]) { h in h.el("a", ["href": "/admin/accounts"], text: t("← 账号管理", "← Accounts")) }
            h.el("h1", text: "\(a.username) · \(a.displayName)")
            if let problem { h.el("p", ["class": "error", "role": "alert"], text: problem) }
            h.el("section", ["class": "card"]) { h in
                h.el("dl") { h in
                    h.el("dt", text: t("状态", "State")); h.el("dd", text: a.disabled ? t("已停用", "disabled") : t("启用", "enabled"))
                    h.el("dt", text: t("已登录的会话", "Open sessions")); h.el("dd", text: String(sessions))
                    h.el("dt", text: t("建立 / 最近修改", "Created / changed")); h.el("dd", text: "\(StoreHistory.beijing(a.createdAt)) / \(StoreHistory.beijing(a.changedAt)) \(t("北京时间", "Beijing time"))")
                }
                h.el("p") { h in
                    if a.disabled { button(&h, "enable", t("启用", "Enable")) } else { button(&h, "disable", t("停用（立即结束其会话）", "Disable (ends its sessions now)")) }
                    button(&h, "sign-out", t("结束其全部会话", "End its sessions"))
                }
            }
            h.el("section", ["class": "card", "id": "grants"]) { h in
                h.el("h2", text: t("角色", "Roles"))
                h.el("ul") { h in
                    for g in grants {
                        h.el("li") { h in
                            h.text(Roles.describe(g, lang: lang) + " ")
                            button(&h, "revoke", t("撤销", "Revoke"), fields: [("role", g.role), ("case", g.caseID), ("department", g.department)])
                        }
                    }
                }
                h.el("form", ["method": "post", "action": "\(base)/grant", "class": "stack"]) { h in
                    h.void("input", ["type": "hidden", "name": "_csrf", "value": user.csrfToken])
                    roleChoices(&h, t, lang: lang, library: library)
                    h.el("button", ["type": "submit", "class": "primary"], text: t("授予角色", "Grant the role"))
                }
            }
            h.el("section", ["class": "card", "id": "person"]) { h in
                h.el("h2", text: t("案卷中的人员", "Person in the cases"))
                h.el("form", ["method": "post", "action": "\(base)/bind", "class": "stack"]) { h in
                    h.void("input", ["type": "hidden", "name": "_csrf", "value": user.csrfToken])
                    h.el("label", ["for": "person"], text: t("姓名（与案卷所写一致；留空：不绑定）", "Name (as the cases write it; empty: nobody)"))
                    h.void("input", ["id": "person", "name": "person", "value": a.person])
                    h.el("button", ["type": "submit"], text: t("保存", "Save"))
                }
            }
            h.el("section", ["class": "card", "id": "password"]) { h in
                h.el("h2", text: t("重置密码", "Reset the password"))
                h.el("form", ["method": "post", "action": "\(base)/password", "class": "stack"]) { h in
                    h.void("input", ["type": "hidden", "name": "_csrf", "value": user.csrfToken])
                    passwordInputs(&h, t)
                    h.el("p", ["class": "muted"], text: t("重置后该账号的全部会话立即结束。", "Its sessions end at once."))
                    h.el("button", ["type": "submit"], text: t("重置密码", "Reset the password"))
                }
            }
        }
        return page.render()
    }
}
