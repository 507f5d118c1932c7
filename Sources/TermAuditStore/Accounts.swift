import Crypto
import Foundation
import SQLKit
import TermAudit
import _CryptoExtras

/// The roles an account can be granted (docs/security.md: who may do what).
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

/// A person who signs in: an account name, the name shown, and the name the cases use for them (`person`, empty
/// when the account is nobody named in a case, e.g. an administrator).
public struct Account: Sendable, Equatable {
    public var username: String
    public var displayName: String
    public var person: String
    /// `PasswordHash.make`'s text: the algorithm, its costs, the salt and the hash; never the password.
    public var passwordHash: String
    public var disabled: Bool
    public var createdAt: String
    public var changedAt: String

    public init(username: String, displayName: String, person: String = "", passwordHash: String, disabled: Bool = false,
                createdAt: String = "", changedAt: String = "") {
        self.username = username
        self.displayName = displayName
        self.person = person
        self.passwordHash = passwordHash
        self.disabled = disabled
        self.createdAt = createdAt
        self.changedAt = changedAt
    }

    /// Account names: 2–32 of a–z, 0–9, `.`, `_`, `-`, starting with a letter (they appear in URLs, logs and cookies).
    public static func isValidName(_ name: String) -> Bool {
        guard (2...32).contains(name.count), let first = name.unicodeScalars.first, ("a"..."z").contains(first) else { return false }
        return name.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || "._-".unicodeScalars.contains($0) }
    }
}

/// What an account may do: a role, on every case (`caseID` empty) or one, for a department (empty for none).
public struct Grant: Sendable, Hashable, CustomStringConvertible {
    public var role: String
    public var caseID: String
    public var department: String

    public init(role: String, caseID: String = "", department: String = "") {
        self.role = role
        self.caseID = caseID
        self.department = department
    }

    /// `member (audit) on 2024-001`, `admin on every case`, `leader on the cases naming the person`: for messages
    /// and the audit log (no personal data).
    public var description: String {
        let scope = !caseID.isEmpty ? " on \(caseID)"
            : role == Role.admin.rawValue || role == Role.reader.rawValue ? " on every case" : " on the cases naming the person"
        return role + (department.isEmpty ? "" : " (\(department))") + scope
    }

    /// Why this grant cannot be given, or nil: the role must be known; administrators and readers hold for every
    /// case and no department; a department belongs to a member's grant only.
    public var problem: String? {
        guard let role = Role(rawValue: role) else {
            return "'\(self.role)' is not a role (one of \(Role.allCases.map(\.rawValue).joined(separator: ", ")))"
        }
        switch role {
        case .admin, .reader:
            if !caseID.isEmpty { return "a\(role == .admin ? "n" : "") \(role.rawValue) grant holds for every case: give no case" }
            if !department.isEmpty { return "a department belongs to a member's grant only" }
        case .leader, .signer:
            if !department.isEmpty { return "a department belongs to a member's grant only" }
        case .member:
            if !caseID.isEmpty && department.isEmpty { return "a member's grant on one case needs the department they audit for" }
        }
        return nil
    }
}

/// What a password must be: at least 10 characters (and at most 1024), not the account name.
public enum PasswordPolicy {
    public static let minimumLength = 10
    public static let maximumLength = 1024

    /// Refuses a password the policy does not allow, saying what would be right.
    public static func check(_ password: String, username: String) throws {
        if password.count < minimumLength {
            throw StoreError("weak-password", "the password has \(password.count) characters; it needs at least \(minimumLength)",
                             hint: "a passphrase of several words is easy to remember and hard to guess")
        }
        if password.count > maximumLength {
            throw StoreError("weak-password", "the password has more than \(maximumLength) characters")
        }
        if password.lowercased() == username.lowercased() || Set(password).count == 1 {
            throw StoreError("weak-password", "the password is the account name or one character repeated",
                             hint: "choose something nobody could guess from the account")
        }
    }

    /// The hash to store for a new password the policy allows (typed twice, `again` the second time). Slow: off the
    /// event loop.
    public static func hash(_ password: String, again: String? = nil, username: String) throws -> String {
        if let again, again != password { throw StoreError("passwords-differ", "两次输入的密码不一致 (the two passwords differ)") }
        try check(password, username: username)
        return try PasswordHash.make(password)
    }
}

/// A signed-in session as the store keeps it: only hashes of its id and of its CSRF token.
public struct StoredSession: Sendable, Equatable {
    public var username: String
    public var csrfSHA256: String
    public var createdAt: String
    public var lastSeen: String
    public var expiresAt: String
}

/// Salted, slow password hashes: scrypt (swift-crypto), its costs recorded with the hash so they can be raised later.
public enum PasswordHash {
    /// scrypt's cost N = 2^15, r = 8, p = 1 (about 32 MiB and a few hundred milliseconds): the default.
    public static let defaultLogN = 15

    /// `scrypt$LOGN$8$1$SALT$HASH` (base64) for `password`. Blocks the thread: call it off the event loop.
    public static func make(_ password: String, logN: Int = defaultLogN) throws -> String {
        var salt = [UInt8](repeating: 0, count: 16)
        var rng = SystemRandomNumberGenerator()
        for i in salt.indices { salt[i] = UInt8.random(in: 0...255, using: &rng) }
        let key = try derive(password, salt: salt, logN: logN)
        return "scrypt$\(logN)$8$1$\(Data(salt).base64EncodedString())$\(key.base64EncodedString())"
    }

    /// Whether `password` matches `hash` (compared in constant time). False for a hash that cannot be read.
    public static func verify(_ password: String, against hash: String) -> Bool {
        let parts = hash.split(separator: "$", omittingEmptySubsequences: false)
        guard parts.count == 6, parts[0] == "scrypt", let logN = Int(parts[1]), (10...20).contains(logN), parts[2] == "8", parts[3] == "1",
              let salt = Data(base64Encoded: String(parts[4])), let expected = Data(base64Encoded: String(parts[5])),
              let got = try? derive(password, salt: Array(salt), logN: logN), got.count == expected.count
        else { return false }
        var diff: UInt8 = 0
        for (a, b) in zip(got, expected) { diff |= a ^ b }
        return diff == 0
    }

    static func derive(_ password: String, salt: [UInt8], logN: Int) throws -> Data {
        let key = try KDF.Scrypt.deriveKey(from: Array(password.utf8), salt: salt, outputByteCount: 32, rounds: 1 << logN,
                                           blockSize: 8, parallelism: 1)
        return key.withUnsafeBytes { Data($0) }
    }
}

extension Store {
    // MARK: Accounts

    static let accountColumns = "username, display_name, person, password_hash, disabled, created_at, changed_at"

    static func account(_ r: any SQLRow) throws -> Account {
        Account(username: try r.decode(column: "username", as: String.self), displayName: try r.decode(column: "display_name", as: String.self),
                person: try r.decode(column: "person", as: String.self), passwordHash: try r.decode(column: "password_hash", as: String.self),
                disabled: try r.decode(column: "disabled", as: Int.self) != 0, createdAt: try r.decode(column: "created_at", as: String.self),
                changedAt: try r.decode(column: "changed_at", as: String.self))
    }

    // MARK: Managing accounts (each change in one transaction with its audit-log entry)

    /// Adds an account with its grants, logged as `account-add` by `by` from `address`.
    public func addAccount(_ a: Account, grants: [Grant], by: String, address: String) throws {
        guard Account.isValidName(a.username) else {
            throw StoreError("bad-account", "'\(a.username)' is not an account name",
                             hint: "2 to 32 of a–z, 0–9, '.', '_' and '-', starting with a letter")
        }
        for g in grants { if let problem = g.problem { throw StoreError("bad-grant", problem) } }
        let now = StoreClock.now()
        try db.write { sql in
            if try sql.raw("SELECT 1 AS x FROM accounts WHERE username = \(bind: a.username)").first().wait() != nil {
                throw StoreError("account-exists", "an account named '\(a.username)' exists already")
            }
            if !a.person.isEmpty, let other = try Self.boundAccount(sql, person: a.person, except: a.username) {
                throw StoreError("person-bound", "the account '\(other)' is bound to that person already",
                                 hint: "one account per person: bind the other account to nobody first")
            }
            try sql.raw("""
                INSERT INTO accounts (\(unsafeRaw: Self.accountColumns))
                VALUES (\(bind: a.username), \(bind: a.displayName), \(bind: a.person), \(bind: a.passwordHash), \(bind: a.disabled ? 1 : 0),
                        \(bind: now), \(bind: now))
                """).run().wait()
            for g in grants { try Self.insertGrant(sql, a.username, g, by: by, at: now) }
            try Self.appendAudit(sql, actor: by, action: "account-add", subject: a.username, address: address,
                                 outcome: grants.isEmpty ? "ok" : grants.map(\.description).joined(separator: "; "))
        }
    }

    /// Disables (or enables again) an account; disabling ends its sessions at once.
    public func setDisabled(_ username: String, _ disabled: Bool, by: String, address: String) throws {
        try changeAccount(username, action: disabled ? "account-disable" : "account-enable", by: by, address: address) { sql, now in
            try sql.raw("UPDATE accounts SET disabled = \(bind: disabled ? 1 : 0), changed_at = \(bind: now) WHERE username = \(bind: username)")
                .run().wait()
            if disabled { try sql.raw("DELETE FROM sessions WHERE username = \(bind: username)").run().wait() }
            return "ok"
        }
    }

    /// Gives an account a new password hash and ends its sessions.
    public func setPassword(_ username: String, hash: String, by: String, address: String) throws {
        try changeAccount(username, action: "account-password", by: by, address: address) { sql, now in
            try sql.raw("UPDATE accounts SET password_hash = \(bind: hash), changed_at = \(bind: now) WHERE username = \(bind: username)")
                .run().wait()
            try sql.raw("DELETE FROM sessions WHERE username = \(bind: username)").run().wait()
            return "ok"
        }
    }

    /// Binds an account to the person the cases name (empty: to nobody). One account per person.
    public func bind(_ username: String, person: String, by: String, address: String) throws {
        try changeAccount(username, action: "account-bind", by: by, address: address) { sql, now in
            if !person.isEmpty, let other = try Self.boundAccount(sql, person: person, except: username) {
                throw StoreError("person-bound", "the account '\(other)' is bound to that person already",
                                 hint: "one account per person: bind the other account to nobody first")
            }
            try sql.raw("UPDATE accounts SET person = \(bind: person), changed_at = \(bind: now) WHERE username = \(bind: username)")
                .run().wait()
            return person.isEmpty ? "unbound" : "bound"   // never the name itself: the log holds no personal data
        }
    }

    /// Gives an account a grant, logged; refuses a grant that is not well formed.
    public func grant(_ username: String, _ g: Grant, by: String, address: String) throws {
        if let problem = g.problem { throw StoreError("bad-grant", problem) }
        try changeAccount(username, action: "account-grant", by: by, address: address) { sql, now in
            try Self.insertGrant(sql, username, g, by: by, at: now)
            return g.description
        }
    }

    /// Takes a grant away (and with it what it let the account do, from its next request on).
    public func revoke(_ username: String, _ g: Grant, by: String, address: String) throws {
        try changeAccount(username, action: "account-revoke", by: by, address: address) { sql, now in
            let had = try sql.raw("""
                SELECT 1 AS x FROM grants WHERE username = \(bind: username) AND role = \(bind: g.role) AND case_id = \(bind: g.caseID)
                AND department = \(bind: g.department)
                """).first().wait() != nil
            guard had else {
                throw StoreError("no-grant", "'\(username)' has no grant \(g.description)", hint: "`termaudit user list` shows each account's grants")
            }
            try sql.raw("""
                DELETE FROM grants WHERE username = \(bind: username) AND role = \(bind: g.role) AND case_id = \(bind: g.caseID)
                AND department = \(bind: g.department)
                """).run().wait()
            try sql.raw("UPDATE accounts SET changed_at = \(bind: now) WHERE username = \(bind: username)").run().wait()
            return g.description
        }
    }

    /// Ends every session of an account (sign out everywhere), logged.
    public func endSessions(of username: String, by: String, address: String) throws {
        try changeAccount(username, action: "sign-out-everywhere", by: by, address: address) { sql, _ in
            try sql.raw("DELETE FROM sessions WHERE username = \(bind: username)").run().wait()
            return "ok"
        }
    }

    /// Runs one change to an existing account and logs it (the body's answer is the entry's outcome).
    func changeAccount(_ username: String, action: String, by: String, address: String,
                       _ body: @escaping (any SQLDatabase, String) throws -> String) throws {
        let now = StoreClock.now()
        try db.write { sql in
            guard try sql.raw("SELECT 1 AS x FROM accounts WHERE username = \(bind: username)").first().wait() != nil else {
                throw StoreError("no-account", "there is no account named '\(username)'", hint: "`termaudit user list` lists the accounts")
            }
            let outcome = try body(sql, now)
            try Self.appendAudit(sql, actor: by, action: action, subject: username, address: address, outcome: outcome)
        }
    }

    static func insertGrant(_ sql: any SQLDatabase, _ username: String, _ g: Grant, by: String, at: String) throws {
        try sql.raw("""
            INSERT INTO grants (username, role, case_id, department, granted_by, granted_at)
            VALUES (\(bind: username), \(bind: g.role), \(bind: g.caseID), \(bind: g.department), \(bind: by), \(bind: at))
            ON CONFLICT DO NOTHING
            """).run().wait()
    }

    static func boundAccount(_ sql: any SQLDatabase, person: String, except username: String) throws -> String? {
        try sql.raw("SELECT username FROM accounts WHERE person = \(bind: person) AND username <> \(bind: username)").first().wait()
            .map { try $0.decode(column: "username", as: String.self) }
    }

    /// The sessions an account has open now.
    public func sessionCount(of username: String) throws -> Int {
        try db.sql.raw("SELECT COUNT(*) AS n FROM sessions WHERE username = \(bind: username)").first().wait()
            .map { try $0.decode(column: "n", as: Int.self) } ?? 0
    }

    /// The account named `username`, if there is one.
    public func account(_ username: String) throws -> Account? {
        try db.sql.raw("SELECT \(unsafeRaw: Self.accountColumns) FROM accounts WHERE username = \(bind: username)").first().wait()
            .map(Self.account)
    }

    /// Every account, by name.
    public func accounts() throws -> [Account] {
        try db.sql.raw("SELECT \(unsafeRaw: Self.accountColumns) FROM accounts ORDER BY username").all().wait().map(Self.account)
    }

    /// The grants of `username`.
    public func grants(of username: String) throws -> [Grant] {
        try db.sql.raw("SELECT role, case_id, department FROM grants WHERE username = \(bind: username) ORDER BY role, case_id, department")
            .all().wait().map(Self.grant)
    }

    /// Every account's grants, by account name (one query, for the list of accounts).
    public func grantsByAccount() throws -> [String: [Grant]] {
        var out: [String: [Grant]] = [:]
        for row in try db.sql.raw("SELECT username, role, case_id, department FROM grants ORDER BY username, role, case_id, department").all().wait() {
            out[try row.decode(column: "username", as: String.self), default: []].append(try Self.grant(row))
        }
        return out
    }

    /// The sessions open now, by account name (one query; accounts without any are left out).
    public func sessionCounts() throws -> [String: Int] {
        var out: [String: Int] = [:]
        for row in try db.sql.raw("SELECT username, COUNT(*) AS n FROM sessions GROUP BY username").all().wait() {
            out[try row.decode(column: "username", as: String.self)] = try row.decode(column: "n", as: Int.self)
        }
        return out
    }

    static func grant(_ row: any SQLRow) throws -> Grant {
        Grant(role: try row.decode(column: "role", as: String.self), caseID: try row.decode(column: "case_id", as: String.self),
              department: try row.decode(column: "department", as: String.self))
    }

    // MARK: Sessions

    /// Records a new session by the SHA-256 of its id and of its CSRF token.
    public func createSession(idSHA256: String, username: String, csrfSHA256: String, expiresAt: String) throws {
        let now = StoreClock.now()
        try db.write { sql in
            try sql.raw("""
                INSERT INTO sessions (id_sha256, username, csrf_sha256, created_at, last_seen, expires_at)
                VALUES (\(bind: idSHA256), \(bind: username), \(bind: csrfSHA256), \(bind: now), \(bind: now), \(bind: expiresAt))
                """).run().wait()
        }
    }

    /// The session whose id hashes to `idSHA256`, if it exists (expired or not: the caller decides).
    public func session(idSHA256: String) throws -> StoredSession? {
        try db.sql.raw("""
            SELECT username, csrf_sha256, created_at, last_seen, expires_at FROM sessions WHERE id_sha256 = \(bind: idSHA256)
            """).first().wait().map {
            StoredSession(username: try $0.decode(column: "username", as: String.self), csrfSHA256: try $0.decode(column: "csrf_sha256", as: String.self),
                          createdAt: try $0.decode(column: "created_at", as: String.self), lastSeen: try $0.decode(column: "last_seen", as: String.self),
                          expiresAt: try $0.decode(column: "expires_at", as: String.self))
        }
    }

    /// Notes that the session was used now.
    public func touchSession(idSHA256: String) throws {
        let now = StoreClock.now()
        try db.write { sql in
            try sql.raw("UPDATE sessions SET last_seen = \(bind: now) WHERE id_sha256 = \(bind: idSHA256)").run().wait()
        }
    }

    /// Ends one session.
    public func deleteSession(idSHA256: String) throws {
        try db.write { sql in try sql.raw("DELETE FROM sessions WHERE id_sha256 = \(bind: idSHA256)").run().wait() }
    }
}

/// Failed sign-ins under one key (an account name's hash, or an address): how many in a row, the last, and the time
/// before which no further try is checked.
public struct SignInFailures: Sendable, Equatable {
    public var key: String
    public var failures: Int
    public var lastFailure: Date
    public var notBefore: Date

    public init(key: String, failures: Int, lastFailure: Date, notBefore: Date) {
        self.key = key
        self.failures = failures
        self.lastFailure = lastFailure
        self.notBefore = notBefore
    }
}

extension Store {
    // MARK: Sign-in throttling (the policy is the web application's; the store keeps the counts, shared by every server)

    /// The failures recorded under these keys.
    public func signInFailures(_ keys: [String]) throws -> [SignInFailures] {
        guard !keys.isEmpty else { return [] }
        return try db.sql.raw("SELECT key, failures, last_failure, not_before FROM sign_in_failures WHERE key IN (\(binds: keys))")
            .all().wait().map(Self.signInFailures)
    }

    /// Records one more failure under each key, in one transaction: `next` turns the count so far (nil: none, or
    /// forgotten) into the new record.
    public func recordSignInFailure(_ keys: [String], next: @escaping (String, SignInFailures?) -> SignInFailures) throws {
        try db.write { sql in
            for key in keys {
                let old = try sql.raw("SELECT key, failures, last_failure, not_before FROM sign_in_failures WHERE key = \(bind: key)")
                    .first().wait().map(Self.signInFailures)
                let n = next(key, old)
                try sql.raw("""
                    INSERT INTO sign_in_failures (key, failures, last_failure, not_before)
                    VALUES (\(bind: key), \(bind: n.failures), \(bind: StoreClock.string(n.lastFailure)), \(bind: StoreClock.string(n.notBefore)))
                    ON CONFLICT (key) DO UPDATE SET failures = excluded.failures, last_failure = excluded.last_failure, not_before = excluded.not_before
                    """).run().wait()
            }
        }
    }

    static func signInFailures(_ r: any SQLRow) throws -> SignInFailures {
        SignInFailures(key: try r.decode(column: "key", as: String.self), failures: try r.decode(column: "failures", as: Int.self),
                       lastFailure: StoreClock.date(try r.decode(column: "last_failure", as: String.self)) ?? .distantPast,
                       notBefore: StoreClock.date(try r.decode(column: "not_before", as: String.self)) ?? .distantPast)
    }

    /// Forgets the failures under a key (a successful sign-in; an administrator's unlock).
    public func clearSignInFailures(_ key: String) throws {
        try db.write { sql in try sql.raw("DELETE FROM sign_in_failures WHERE key = \(bind: key)").run().wait() }
    }
}
