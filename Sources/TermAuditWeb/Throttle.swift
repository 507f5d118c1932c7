import Foundation
import TermAuditStore

/// How failed sign-ins slow further tries: per account name and per address, a growing delay, then a lockout. The
/// counts are kept in the store, so every server of a scaled-out deployment sees them.
public struct ThrottleSettings: Sendable {
    /// Failures in a row allowed before any delay.
    public var free = 3
    /// The delay after each further failure: `baseDelay`, doubling each time, at most `maxDelay`.
    public var baseDelay: TimeInterval = 1
    public var maxDelay: TimeInterval = 60
    /// After this many failures in a row for one account name, no try is checked for `lockout`.
    public var accountLockAfter = 10
    /// After this many failures in a row from one address (any account names), the same.
    public var addressLockAfter = 30
    public var lockout: TimeInterval = 15 * 60
    /// Failures are forgotten this long after the last one.
    public var forgetAfter: TimeInterval = 15 * 60

    public init() {}
}

/// The throttle's rules (pure): the keys a try is counted under, and what one more failure makes of a count.
enum Throttle {
    /// The account name as typed (hashed: a mistyped name may be anything, even an identity number) and the address.
    static func keys(username: String, address: String) -> [String] {
        var keys = ["account:" + Tokens.sha256(username.lowercased())]
        if address != "-" { keys.append("address:" + address) }
        return keys
    }

    /// How long until a try may be checked again (nil: now).
    static func wait(_ records: [SignInFailures], now: Date) -> TimeInterval? {
        let wait = records.map { $0.notBefore.timeIntervalSince(now) }.max() ?? 0
        return wait > 0 ? wait : nil
    }

    /// The count after one more failure at `now`.
    static func next(_ key: String, _ old: SignInFailures?, now: Date, settings s: ThrottleSettings) -> SignInFailures {
        let before = old.map { now.timeIntervalSince($0.lastFailure) < s.forgetAfter ? $0.failures : 0 } ?? 0
        let failures = before + 1
        let lockAt = key.hasPrefix("account:") ? s.accountLockAfter : s.addressLockAfter
        var delay: TimeInterval = 0
        if failures >= lockAt {
            delay = s.lockout
        } else if failures > s.free {
            delay = min(s.maxDelay, s.baseDelay * pow(2, Double(failures - s.free - 1)))
        }
        // Whole seconds, rounded up (the store keeps times to the second; a wait is never shortened).
        let notBefore = delay > 0 ? Date(timeIntervalSince1970: (now.timeIntervalSince1970 + delay).rounded(.up)) : now
        return SignInFailures(key: key, failures: failures, lastFailure: now, notBefore: notBefore)
    }
}
