import ArgumentParser
import Foundation
import TermAudit
import TermAuditStore

/// `termaudit user`: the accounts of the web application.
struct User: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "账号 — the web application's accounts: add, disable, reset a password, grant and revoke roles.",
        discussion: """
        Passwords are read from standard input (the first line), never from an argument; at a terminal they are asked
        for twice without being shown. Every change is written to the store's audit log with who made it
        (TERMAUDIT_USER, else the login name).
        Roles: admin (组织部门管理员), leader (审计组长), member (审计组成员, with --department), signer (签字人), reader (查阅).
        Without --case a leader, member or signer grant holds on the cases that name the account's person (--person)
        in that part; with --case it holds on that case. See docs/security.md.
        """,
        subcommands: [UserAdd.self, UserList.self, UserDisable.self, UserEnable.self, UserResetPassword.self, UserGrant.self, UserRevoke.self,
                      UserBind.self, UserSignOut.self]
    )
}

/// The store the accounts are in: --database, else the web application's default store.
struct AccountStoreOptions: ParsableArguments {
    @Option(help: "The store: sqlite:PATH (or PATH.db) or postgres://USER:PASSWORD@HOST:PORT/DB (default: DATA/termaudit.db).")
    var database: String?

    @Option(help: "The folder holding the default store (as for `serve`).")
    var data: String = "termaudit-data"

    var url: String { database ?? "sqlite:" + URL(fileURLWithPath: data).appendingPathComponent("termaudit.db").path }

    func open() throws -> Store { try Workspaces.store(url) }

    /// Who makes the change, for the audit log.
    var actor: String { "cli:" + Workspaces.author() }
}

/// A grant named by options.
struct GrantOptions: ParsableArguments {
    @Option(help: "admin, leader, member, signer or reader.")
    var role: String

    @Option(name: .customLong("case"), help: "The case the grant holds on (default: the cases naming the account's person; every case for admin and reader).")
    var caseID: String?

    @Option(help: "A member's department (discipline, organization, personnel, audit, … from the library's vocabulary).")
    var department: String?

    var grant: Grant { Grant(role: role, caseID: caseID ?? "", department: department ?? "") }

    /// Refuses a grant that is not well formed, a department the store's library does not know, and a case it does
    /// not hold.
    func checked(in store: Store, url: String) throws -> Grant {
        let g = grant
        if let problem = g.problem { throw StoreError("bad-grant", problem) }
        if let caseID, try store.caseBodies([caseID])[caseID] == nil {
            throw StoreError("no-case", "--case: the store has no case '\(caseID)'", hint: "`termaudit db list` lists them")
        }
        if let department {
            let ws = try Workspaces.openStore(url)
            let known = ws.settings.workspace?.library.departments.map(\.id) ?? []
            if !known.isEmpty && !known.contains(department) {
                throw StoreError("bad-grant", "--department: '\(department)' is not a department of the library",
                                 hint: "one of \(known.joined(separator: ", "))")
            }
        }
        return g
    }
}

/// Passwords from standard input: at a terminal asked twice, not shown; otherwise the first line.
enum PasswordInput {
    static func read(for username: String) throws -> String {
        let password: String
        if isatty(STDIN_FILENO) != 0 {
            guard let first = getpass("Password for \(username) (at least \(PasswordPolicy.minimumLength) characters): ").map({ String(cString: $0) }),
                  let again = getpass("Again: ").map({ String(cString: $0) }) else { throw StoreError("no-password", "no password was given") }
            guard first == again else { throw StoreError("no-password", "the two passwords differ; nothing was changed") }
            password = first
        } else {
            let data = FileHandle.standardInput.readDataToEndOfFile()
            guard let text = String(data: data, encoding: .utf8) else { throw StoreError("no-password", "standard input is not UTF-8 text") }
            password = String(text.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: false).first ?? "")
                .trimmingCharacters(in: CharacterSet(charactersIn: "\r"))
            guard !password.isEmpty else {
                throw StoreError("no-password", "no password on standard input",
                                 hint: "e.g. `termaudit user add NAME --role admin < password-file`; nothing was changed")
            }
        }
        return password
    }

    /// The hash of a password the policy allows.
    static func hash(for username: String) throws -> String {
        try Workspaces.refusing {
            try PasswordPolicy.hash(try read(for: username), username: username)
        }
    }
}

struct UserAdd: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "add", abstract: "Add an account (password on standard input).")

    @Argument(help: "The account name: 2–32 of a–z, 0–9, '.', '_', '-', starting with a letter.")
    var username: String

    @OptionGroup var grant: GrantOptions

    @Option(help: "The name shown for the account (default: its person, else the account name).")
    var name: String?

    @Option(help: "The person the cases name for this account (a team member or a party), exactly as the cases write it.")
    var person: String?

    @OptionGroup var store: AccountStoreOptions

    func validate() throws {
        guard Account.isValidName(username) else {
            throw ValidationError("'\(username)' is not an account name: 2 to 32 of a–z, 0–9, '.', '_' and '-', starting with a letter")
        }
    }

    func run() throws {
        let s = try store.open()
        defer { s.close() }
        let g = try Workspaces.refusing { try grant.checked(in: s, url: store.url) }
        let hash = try PasswordInput.hash(for: username)
        let account = Account(username: username, displayName: name ?? person ?? username, person: person ?? "", passwordHash: hash)
        try Workspaces.refusing { try s.addAccount(account, grants: [g], by: store.actor, address: "cli") }
        print("added \(username): \(g)")
    }
}

struct UserList: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List the accounts, their grants and open sessions.")

    @OptionGroup var store: AccountStoreOptions

    func run() throws {
        let s = try store.open()
        defer { s.close() }
        try Workspaces.refusing {
            for a in try s.accounts() {
                let grants = try s.grants(of: a.username).map(\.description)
                let person = a.person.isEmpty ? "" : " — \(a.person)"
                print("\(a.username)\(a.disabled ? " [disabled]" : "")\t\(a.displayName)\(person)\t\(grants.joined(separator: "; "))\t"
                      + "\(try s.sessionCount(of: a.username)) session(s)")
            }
        }
    }
}

/// The commands that name one account and change it.
protocol AccountChange: ParsableCommand {
    var username: String { get }
    var store: AccountStoreOptions { get }
    func change(_ s: Store) throws -> String
}

extension AccountChange {
    func run() throws {
        let s = try store.open()
        defer { s.close() }
        let done = try Workspaces.refusing { try change(s) }
        print("\(username): \(done)")
    }
}

struct UserDisable: AccountChange {
    static let configuration = CommandConfiguration(commandName: "disable", abstract: "Disable an account: it cannot sign in, and its sessions end at once.")
    @Argument var username: String
    @OptionGroup var store: AccountStoreOptions
    func change(_ s: Store) throws -> String {
        try s.setDisabled(username, true, by: store.actor, address: "cli")
        return "disabled; its sessions are ended"
    }
}

struct UserEnable: AccountChange {
    static let configuration = CommandConfiguration(commandName: "enable", abstract: "Enable a disabled account again.")
    @Argument var username: String
    @OptionGroup var store: AccountStoreOptions
    func change(_ s: Store) throws -> String {
        try s.setDisabled(username, false, by: store.actor, address: "cli")
        return "enabled"
    }
}

struct UserResetPassword: AccountChange {
    static let configuration = CommandConfiguration(commandName: "reset-password",
                                                    abstract: "Give an account a new password (on standard input); its sessions end.")
    @Argument var username: String
    @OptionGroup var store: AccountStoreOptions
    func change(_ s: Store) throws -> String {
        guard try s.account(username) != nil else {
            throw StoreError("no-account", "there is no account named '\(username)'", hint: "`termaudit user list` lists the accounts")
        }
        try s.setPassword(username, hash: try PasswordInput.hash(for: username), by: store.actor, address: "cli")
        return "new password set; its sessions are ended"
    }
}

struct UserGrant: AccountChange {
    static let configuration = CommandConfiguration(commandName: "grant", abstract: "Give an account a role.")
    @Argument var username: String
    @OptionGroup var grant: GrantOptions
    @OptionGroup var store: AccountStoreOptions
    func change(_ s: Store) throws -> String {
        let g = try grant.checked(in: s, url: store.url)
        try s.grant(username, g, by: store.actor, address: "cli")
        return "granted \(g)"
    }
}

struct UserRevoke: AccountChange {
    static let configuration = CommandConfiguration(commandName: "revoke", abstract: "Take a role away from an account.")
    @Argument var username: String
    @OptionGroup var grant: GrantOptions
    @OptionGroup var store: AccountStoreOptions
    func change(_ s: Store) throws -> String {
        try s.revoke(username, grant.grant, by: store.actor, address: "cli")
        return "revoked \(grant.grant)"
    }
}

struct UserBind: AccountChange {
    static let configuration = CommandConfiguration(commandName: "bind",
                                                    abstract: "Bind an account to the person the cases name (one account per person).")
    @Argument var username: String
    @Option(help: "The person's name exactly as the cases write it; empty binds the account to nobody.")
    var person: String
    @OptionGroup var store: AccountStoreOptions
    func change(_ s: Store) throws -> String {
        try s.bind(username, person: person.trimmingCharacters(in: .whitespaces), by: store.actor, address: "cli")
        return person.isEmpty ? "bound to nobody" : "bound to \(person)"
    }
}

struct UserSignOut: AccountChange {
    static let configuration = CommandConfiguration(commandName: "sign-out", abstract: "End every session of an account (sign out everywhere).")
    @Argument var username: String
    @OptionGroup var store: AccountStoreOptions
    func change(_ s: Store) throws -> String {
        try s.endSessions(of: username, by: store.actor, address: "cli")
        return "every session ended"
    }
}
