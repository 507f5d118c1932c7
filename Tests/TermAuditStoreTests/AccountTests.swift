import Foundation
import Testing
import TermAudit
@testable import TermAuditStore

/// Accounts managed from the command line (`termaudit user …`) on both engines: passwords only from standard input
/// and only good ones; each change logged with who made it and nothing personal; refusals change nothing.
@Suite struct AccountTests {
    func user(_ args: [String], _ url: String, stdin: String? = nil) throws -> (out: String, err: String, status: Int32) {
        let r = try S.run([S.termaudit, "user"] + args + ["--database", url], stdin: stdin, env: ["TERMAUDIT_USER": "zhang.admin"])
        return (String(decoding: r.out, as: UTF8.self), r.err, r.status)
    }

    func url(_ engine: S.Engine) throws -> String {
        switch try S.location(engine) {
        case .sqlite(let path): "sqlite:" + path
        case .postgres(let url): url
        }
    }

    @Test(arguments: S.engines) func everyAccountsGrantsAndSessionsReadAtOnceAgreeWithEachAccounts(engine: S.Engine) throws {
        let store = try S.open(try S.location(engine))
        defer { S.close(store) }
        let hash = try PasswordPolicy.hash("a-long-passphrase", again: "a-long-passphrase", username: "ada")
        #expect(PasswordHash.verify("a-long-passphrase", against: hash))
        #expect(throws: StoreError.self) { try PasswordPolicy.hash("a-long-passphrase", again: "a-long-passphrasE", username: "ada") }
        try store.addAccount(Account(username: "ada", displayName: "甲", passwordHash: hash), grants: [Grant(role: "admin")], by: "t", address: "t")
        try store.addAccount(Account(username: "bo", displayName: "乙", passwordHash: hash),
                             grants: [Grant(role: "reader"), Grant(role: "member", department: "audit")], by: "t", address: "t")
        try store.addAccount(Account(username: "cy", displayName: "丙", passwordHash: hash), grants: [], by: "t", address: "t")
        for (i, name) in ["ada", "bo", "bo"].enumerated() {
            try store.createSession(idSHA256: "s\(i)", username: name, csrfSHA256: "c\(i)", expiresAt: "2099-01-01T00:00:00Z")
        }
        let grants = try store.grantsByAccount(), sessions = try store.sessionCounts()
        for a in try store.accounts() {
            #expect(grants[a.username] ?? [] == (try store.grants(of: a.username)), "\(a.username)")
            #expect(sessions[a.username] ?? 0 == (try store.sessionCount(of: a.username)), "\(a.username)")
        }
        #expect(sessions == ["ada": 1, "bo": 2])
        #expect(grants["bo"]?.count == 2 && grants["cy"] == nil)
    }

    @Test(arguments: S.engines) func addListDisableResetGrantRevoke(engine: S.Engine) throws {
        let url = try url(engine)
        let setup = try S.run([S.termaudit, "db", "import", S.samples.path, "--database", url])
        #expect(setup.status == 0, "\(setup.err)")

        // A short password is refused, saying what is needed; nothing is added and nothing logged.
        let short = try user(["add", "ada", "--role", "admin"], url, stdin: "too-short\n")
        #expect(short.status == 1)
        #expect(short.err.contains("at least 10"))
        // No password at all, or the password as an argument: refused.
        #expect(try user(["add", "ada", "--role", "admin"], url, stdin: "").err.contains("no password on standard input"))
        #expect(try user(["add", "ada", "--role", "admin", "--password", "a-long-passphrase"], url, stdin: "").status != 0)
        let store = try S.open(try StoreLocation(url))
        defer { S.close(store) }
        #expect(try store.account("ada") == nil)
        #expect(try store.auditLog().allSatisfy { !$0.action.hasPrefix("account-") })

        // Added: the hash verifies the password read from standard input (and only that one).
        let added = try user(["add", "ada", "--role", "admin", "--name", "组织部 张"], url, stdin: "a-long-passphrase\nignored second line\n")
        #expect(added.status == 0, "\(added.err)")
        let ada = try #require(try store.account("ada"))
        #expect(ada.displayName == "组织部 张")
        #expect(PasswordHash.verify("a-long-passphrase", against: ada.passwordHash))
        #expect(!PasswordHash.verify("ignored second line", against: ada.passwordHash))
        #expect(try store.grants(of: "ada") == [Grant(role: "admin")])
        #expect(try user(["add", "ada", "--role", "admin"], url, stdin: "a-long-passphrase\n").err.contains("exists already"))

        // A member bound to a person; grants checked against the library and the store's cases.
        let caseID = try #require(try store.list().first?.caseID)
        #expect(try user(["add", "wu", "--role", "member", "--department", "nonesuch", "--case", caseID], url, stdin: "member-passphrase\n")
            .err.contains("not a department of the library"))
        #expect(try user(["add", "wu", "--role", "member", "--department", "audit", "--case", "2099-999"], url, stdin: "member-passphrase\n")
            .err.contains("no case '2099-999'"))
        #expect(try user(["add", "wu", "--role", "member", "--case", caseID], url, stdin: "member-passphrase\n").err.contains("needs the department"))
        #expect(try user(["add", "wu", "--role", "admin", "--case", caseID], url, stdin: "member-passphrase\n").err.contains("give no case"))
        #expect(try store.account("wu") == nil)
        #expect(try user(["add", "wu", "--role", "member", "--department", "audit", "--case", caseID, "--person", "吴敏"], url,
                         stdin: "member-passphrase\n").status == 0)
        #expect(try store.account("wu")?.person == "吴敏")
        #expect(try user(["grant", "wu", "--role", "leader"], url).status == 0)
        #expect(Set(try store.grants(of: "wu")) == [Grant(role: "member", caseID: caseID, department: "audit"), Grant(role: "leader")])
        // One account per person.
        #expect(try user(["bind", "ada", "--person", "吴敏"], url).err.contains("bound to that person already"))

        // Sessions end when the account is disabled or its password reset.
        try store.createSession(idSHA256: "s1", username: "wu", csrfSHA256: "c", expiresAt: "2999-01-01T00:00:00Z")
        try store.createSession(idSHA256: "s2", username: "ada", csrfSHA256: "c", expiresAt: "2999-01-01T00:00:00Z")
        #expect(try user(["disable", "wu"], url).status == 0)
        #expect(try store.account("wu")?.disabled == true)
        #expect(try store.session(idSHA256: "s1") == nil)
        #expect(try store.session(idSHA256: "s2") != nil)
        #expect(try user(["enable", "wu"], url).status == 0)
        #expect(try user(["reset-password", "ada"], url, stdin: "ada").err.contains("at least 10"))
        #expect(try user(["reset-password", "ada"], url, stdin: "a-new-long-passphrase\n").status == 0)
        #expect(PasswordHash.verify("a-new-long-passphrase", against: try #require(try store.account("ada")).passwordHash))
        #expect(try store.session(idSHA256: "s2") == nil)
        #expect(try user(["reset-password", "nobody"], url, stdin: "a-new-long-passphrase\n").err.contains("no account named 'nobody'"))

        // Revoke: only a grant the account has.
        #expect(try user(["revoke", "wu", "--role", "admin"], url).err.contains("has no grant admin on every case"))
        #expect(try user(["revoke", "wu", "--role", "leader"], url).status == 0)
        #expect(try store.grants(of: "wu") == [Grant(role: "member", caseID: caseID, department: "audit")])
        let listed = try user(["list"], url).out
        #expect(listed.contains("wu\t吴敏 — 吴敏\tmember (audit) on \(caseID)"))

        // The audit log: every change, by whom, from the command line; no password, no person's name.
        let log = try store.auditLog().filter { $0.action.hasPrefix("account-") }
        #expect(log.map(\.action) == ["account-add", "account-add", "account-grant", "account-disable", "account-enable", "account-password",
                                      "account-revoke"])
        #expect(log.allSatisfy { $0.actor == "cli:zhang.admin" && $0.address == "cli" })
        #expect(log[1].outcome == "member (audit) on \(caseID)")
        let all = try store.auditLog().map { "\($0.actor) \($0.subject) \($0.outcome)" }.joined(separator: "\n")
        for secret in ["a-long-passphrase", "member-passphrase", "a-new-long-passphrase", "吴敏"] { #expect(!all.contains(secret)) }
        #expect(try store.checkAuditLog().isEmpty)
    }

    @Test func passwordPolicy() throws {
        for bad in ["", "123456789", "aaaaaaaaaaaa", "Zhang.Wei1"] {
            #expect(throws: StoreError.self) { try PasswordPolicy.check(bad, username: "zhang.wei1") }
        }
        try PasswordPolicy.check("青山县审计局经济责任", username: "zhang")   // ten characters, not ten bytes
        #expect(throws: StoreError.self) { try PasswordPolicy.check(String(repeating: "ab", count: 513), username: "zhang") }
    }
}
