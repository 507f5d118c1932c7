import Foundation
import TermAudit
import TermAuditStore

/// The demonstration: a store made from a workspace folder (the samples) and an account for every role.
public enum Demo {
    public struct DemoAccount: Sendable {
        public var username: String
        public var displayName: String
        public var password: String
        public var grant: Grant
    }

    /// The demonstration accounts: one per role, and one team member per department.
    static let people: [(username: String, zh: String, grant: Grant)] = [
        ("admin", "组织部 管理员", Grant(role: Role.admin.rawValue)),
        ("leader", "审计组长", Grant(role: Role.leader.rawValue)),
        ("jijian", "审计组成员（纪检监察）", Grant(role: Role.member.rawValue, department: "discipline")),
        ("zuzhi", "审计组成员（组织）", Grant(role: Role.member.rawValue, department: "organization")),
        ("renshi", "审计组成员（人事）", Grant(role: Role.member.rawValue, department: "personnel")),
        ("shenji", "审计组成员（审计）", Grant(role: Role.member.rawValue, department: "audit")),
        ("signer", "签字人", Grant(role: Role.signer.rawValue)),
        ("reader", "查阅人", Grant(role: Role.reader.rawValue)),
    ]

    /// Imports `samples` into the (new) store and adds the demonstration accounts with new random passwords.
    /// `logN`: the password hashes' cost (tests lower it).
    public static func prepare(_ store: Store, samples: String, logN: Int = PasswordHash.defaultLogN, today: Day) throws -> [DemoAccount] {
        _ = try FolderTransfer.importFolder(samples, into: store, author: "demo", note: "示例工作区 (the samples)", today: today)
        var out: [DemoAccount] = []
        for p in people {
            let password = readablePassword()
            try store.addAccount(Account(username: p.username, displayName: p.zh, passwordHash: try PasswordHash.make(password, logN: logN)),
                                 grants: [p.grant], by: "demo", address: "cli")
            out.append(DemoAccount(username: p.username, displayName: p.zh, password: password, grant: p.grant))
        }
        return out
    }

    /// 16 characters from an alphabet without look-alikes (no 0/O, 1/l/I).
    static func readablePassword() -> String {
        let alphabet = Array("abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789")
        var rng = SystemRandomNumberGenerator()
        return String((0..<16).map { _ in alphabet[Int.random(in: 0..<alphabet.count, using: &rng)] })
    }
}
