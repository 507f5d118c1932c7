import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing
import TermAudit
@testable import TermAuditStore
@testable import TermAuditWeb

/// 账号管理 and 我的账号 in the browser: the same store methods as `termaudit user`, each change logged with the
/// administrator's account and address; sessions end when an account is disabled or its password changes.
@Suite struct AccountPagesTests {
    @Test("an administrator adds, binds, grants, revokes, resets and disables an account; each takes effect at once and is logged")
    func administer() async throws {
        let f = try Fixture.make(grants: [])
        let (admin, member) = (f.password("admin"), f.password("renshi"))
        let store = f.store
        try await f.test { client in
            let a = try await client.signIn("admin", admin)
            let list = String(buffer: try await client.get("/admin/accounts", a).body)
            #expect(list.contains(#"<a href="/admin/accounts/renshi">renshi</a>"#))
            #expect(list.contains("范琳"))
            // A short password: the form comes back saying why; nothing is added.
            let fields = [("username", "wu.min"), ("display_name", "吴敏"), ("person", "钟玲-x"), ("role", "member"), ("department", "audit"), ("case", "")]
            let short = try await client.postForm("/admin/accounts", a, fields + [("password", "short"), ("again", "short")])
            #expect(String(buffer: short.body).contains("it needs at least 10"))
            #expect(String(buffer: short.body).contains(#"value="wu.min""#), "what was typed is kept")
            #expect(try store.account("wu.min") == nil)
            let added = try await client.postForm("/admin/accounts", a, fields + [("password", "吴敏的长密码很安全可靠"), ("again", "吴敏的长密码很安全可靠")])
            #expect(added.status == .seeOther)
            #expect(added.headers[.location] == "/admin/accounts/wu.min")
            #expect(try store.grants(of: "wu.min") == [Grant(role: "member", department: "audit")])
            let w = try await client.signIn("wu.min", "吴敏的长密码很安全可靠")
            // Bound to a person no case names: sees nothing; bound to 方敏 (audit on 2024-009): sees 2024-009.
            #expect(try await client.get("/api/v1/cases/2024-009", w).status == .notFound)
            #expect(try await client.postForm("/admin/accounts/shenji/bind", a, [("person", "")]).status == .seeOther)
            #expect(try await client.postForm("/admin/accounts/wu.min/bind", a, [("person", "方敏")]).status == .seeOther)
            #expect(try await client.get("/api/v1/cases/2024-009", w).status == .ok)
            // A grant on one case, then revoked.
            #expect(try await client.postForm("/admin/accounts/wu.min/grant", a, [("role", "leader"), ("case", "2024-010"), ("department", "")]).status == .seeOther)
            #expect(try await client.get("/api/v1/cases/2024-010", w).status == .ok)
            let badGrant = try await client.postForm("/admin/accounts/wu.min/grant", a, [("role", "member"), ("case", "2099-001"), ("department", "audit")])
            #expect(String(buffer: badGrant.body).contains("the store has no case &#39;2099-001&#39;"))
            #expect(try await client.postForm("/admin/accounts/wu.min/revoke", a, [("role", "leader"), ("case", "2024-010"), ("department", "")]).status == .seeOther)
            #expect(try await client.get("/api/v1/cases/2024-010", w).status == .notFound)
            // A new password ends the account's sessions; the old password no longer works.
            #expect(try await client.postForm("/admin/accounts/wu.min/password", a, [("password", "另一个很长很长的密码啊"), ("again", "另一个很长很长的密码啊")]).status == .seeOther)
            #expect(try await client.get("/api/v1/cases", w).status == .unauthorized)
            let w2 = try await client.signIn("wu.min", "另一个很长很长的密码啊")
            // Disabled: its session ends at once.
            #expect(try await client.postForm("/admin/accounts/wu.min/disable", a, []).status == .seeOther)
            #expect(try await client.get("/api/v1/cases", w2).status == .unauthorized)
            #expect(String(buffer: try await client.postForm("/admin/accounts/admin/disable", a, []).body).contains("不能停用自己的账号"))
            // Nobody else manages accounts.
            let m = try await client.signIn("renshi", member)
            #expect(try await client.get("/admin/accounts", m).status == .forbidden)
            #expect(try await client.postForm("/admin/accounts/renshi/grant", m, [("role", "admin"), ("case", ""), ("department", "")]).status == .forbidden)
            #expect(!String(buffer: try await client.get("/", m).body).contains("/admin/accounts"))
            // The log: each change by the administrator, from where; no person's name, no password.
            let log = try store.auditLog().filter { $0.action.hasPrefix("account-") && $0.actor == "admin" }
            #expect(log.map(\.action) == ["account-add", "account-bind", "account-bind", "account-grant", "account-revoke", "account-password",
                                          "account-disable"])
            #expect(log.allSatisfy { $0.address == "127.0.0.1" })
            #expect(!(try store.auditLog()).contains { "\($0.subject) \($0.outcome)".contains("方敏") || "\($0.subject) \($0.outcome)".contains("密码") })
        }
    }

    @Test("my account: a wrong current password is refused; a new one ends every session; sign out everywhere ends them all")
    func myAccount() async throws {
        let f = try Fixture.make(grants: [])
        let password = f.password("jijian")
        let store = f.store
        try await f.test { client in
            let one = try await client.signIn("jijian", password), two = try await client.signIn("jijian", password)
            let page = String(buffer: try await client.get("/account", one).body)
            #expect(page.contains("严刚") && page.contains(">2</dd>"))
            let wrong = try await client.postForm("/account/password", one, [("current", "nope"), ("password", "一个新的长密码终于来了"), ("again", "一个新的长密码终于来了")])
            #expect(String(buffer: wrong.body).contains("当前密码不正确"))
            let changed = try await client.postForm("/account/password", one, [("current", password), ("password", "一个新的长密码终于来了"), ("again", "一个新的长密码终于来了")])
            #expect(changed.headers[.location] == "/login?changed=1")
            #expect(try await client.get("/api/v1/cases", one).status == .unauthorized)
            #expect(try await client.get("/api/v1/cases", two).status == .unauthorized)
            let three = try await client.signIn("jijian", "一个新的长密码终于来了"), four = try await client.signIn("jijian", "一个新的长密码终于来了")
            #expect(try await client.postForm("/account/sign-out-everywhere", three, []).status == .seeOther)
            #expect(try await client.get("/api/v1/cases", four).status == .unauthorized)
            #expect(try store.sessionCount(of: "jijian") == 0)
        }
    }

    @Test("signing in again from a browser that has a session ends that session (a new id every time)")
    func noFixation() async throws {
        let f = try Fixture.make(grants: [])
        let password = f.password("zuzhi")
        let store = f.store
        try await f.test { client in
            let first = try await client.signIn("zuzhi", password)
            let again = try await client.execute(uri: "/login", method: .post,
                                                 headers: [.cookie: first.cookie, .contentType: "application/x-www-form-urlencoded",
                                                           HTTPField.Name("X-CSRF-Token")!: first.csrf],
                                                 body: ByteBuffer(string: "username=zuzhi&password=\(password)"))
            #expect(again.status == .seeOther)
            let cookie = String(try #require(again.headers[.setCookie]).split(separator: ";")[0])
            #expect(cookie != first.cookie)
            #expect(try await client.get("/api/v1/cases", first).status == .unauthorized)
            #expect(try await client.execute(uri: "/api/v1/cases", method: .get, headers: [.cookie: cookie]).status == .ok)
            #expect(try store.sessionCount(of: "zuzhi") == 1)
        }
    }
}
