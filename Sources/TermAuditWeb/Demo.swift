import Foundation
import TermAudit
import TermAuditStore

/// The demonstration: a store made from a workspace folder (the samples) and an account for every role.
public enum Demo {
    public struct DemoAccount: Sendable {
        public var username: String
        public var displayName: String
        public var password: String
        public var grants: [Grant]
    }

    /// The demonstration accounts: an administrator, a reader, and people the sample cases name — the team leader
    /// 陆佳 (2024-002, -005, -010, -013, -023, -027, -028), a member of each of four departments (严刚 纪检监察, 钟玲 组织,
    /// 范琳 人事, 方敏 审计) and the handover parties of 2024-010 (林静 移交人, 葛宇 接交人; 苏晴 监交人 is also an
    /// organization member). Bound to their names, they see and change what those people do (docs/security.md).
    static let people: [(username: String, zh: String, person: String, grants: [Grant])] = [
        ("admin", "组织部 管理员", "", [Grant(role: Role.admin.rawValue)]),
        ("leader", "审计组长 陆佳", "陆佳", [Grant(role: Role.leader.rawValue)]),
        ("jijian", "审计组成员（纪检监察）严刚", "严刚", [Grant(role: Role.member.rawValue)]),
        ("zuzhi", "审计组成员（组织）钟玲", "钟玲", [Grant(role: Role.member.rawValue), Grant(role: Role.signer.rawValue)]),
        ("renshi", "审计组成员（人事）范琳", "范琳", [Grant(role: Role.member.rawValue)]),
        ("shenji", "审计组成员（审计）方敏", "方敏", [Grant(role: Role.member.rawValue)]),
        ("signer", "移交人 林静", "林静", [Grant(role: Role.signer.rawValue)]),
        ("geyu", "接交人 葛宇", "葛宇", [Grant(role: Role.signer.rawValue)]),
        ("suqing", "监交人 苏晴", "苏晴", [Grant(role: Role.member.rawValue), Grant(role: Role.signer.rawValue)]),
        ("reader", "查阅人", "", [Grant(role: Role.reader.rawValue)]),
    ]

    /// Imports `samples` into the (new) store and adds the demonstration accounts with new random passwords.
    /// `logN`: the password hashes' cost (tests lower it).
    public static func prepare(_ store: Store, samples: String, logN: Int = PasswordHash.defaultLogN, today: Day) throws -> [DemoAccount] {
        _ = try FolderTransfer.importFolder(samples, into: store, author: "demo", note: "示例工作区 (the samples)", today: today)
        var out: [DemoAccount] = []
        for p in people {
            let password = readablePassword()
            try store.addAccount(Account(username: p.username, displayName: p.zh, person: p.person,
                                         passwordHash: try PasswordHash.make(password, logN: logN)),
                                 grants: p.grants, by: "demo", address: "cli")
            out.append(DemoAccount(username: p.username, displayName: p.zh, password: password, grants: p.grants))
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
