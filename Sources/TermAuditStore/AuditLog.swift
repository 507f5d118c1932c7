import Foundation
import SQLKit
import TermAuditSignoff

/// One entry of the store's audit log: who did what to what, when, from where, and how it ended.
///
/// Entries name accounts, case ids and actions — never identity numbers, staff ids or other personal data of the
/// people in the cases.
public struct AuditEvent: Sendable, Equatable {
    public var seq: Int
    /// UTC, ISO 8601 (`StoreClock`).
    public var at: String
    /// The account (or `cli:NAME` for the command line).
    public var actor: String
    /// `sign-in`, `sign-in-failed`, `denied`, `export`, `account-add`, …
    public var action: String
    /// What it was about: a case id, an account, a route.
    public var subject: String
    /// Where from: an IP address, or `cli`.
    public var address: String
    /// `ok`, `refused`, …
    public var outcome: String
    public var previousHash: String
    public var hash: String
}

extension Store {
    /// Appends an entry to the audit log (its own transaction), chained to the one before.
    @discardableResult
    public func audit(actor: String, action: String, subject: String, address: String, outcome: String) throws -> AuditEvent {
        try db.write { sql in
            try Self.appendAudit(sql, actor: actor, action: action, subject: subject, address: address, outcome: outcome)
        }
    }

    /// Appends an entry inside a transaction that is open already (with the change it records).
    @discardableResult
    static func appendAudit(_ sql: any SQLDatabase, actor: String, action: String, subject: String, address: String, outcome: String) throws -> AuditEvent {
        let last = try sql.raw("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1").first().wait()
        let seq = (try last.map { try $0.decode(column: "seq", as: Int.self) } ?? 0) + 1
        let previous = try last.map { try $0.decode(column: "hash", as: String.self) } ?? ""
        var e = AuditEvent(seq: seq, at: StoreClock.now(), actor: actor, action: action, subject: subject, address: address, outcome: outcome,
                           previousHash: previous, hash: "")
        e.hash = hash(e)
        try sql.raw("""
            INSERT INTO audit_log (seq, at, actor, action, subject, address, outcome, previous_hash, hash)
            VALUES (\(bind: e.seq), \(bind: e.at), \(bind: e.actor), \(bind: e.action), \(bind: e.subject), \(bind: e.address),
                    \(bind: e.outcome), \(bind: e.previousHash), \(bind: e.hash))
            """).run().wait()
        return e
    }

    /// Audit log entries after `seq`, oldest first.
    public func auditLog(after seq: Int = 0, limit: Int = 1000) throws -> [AuditEvent] {
        try db.sql.raw("""
            SELECT seq, at, actor, action, subject, address, outcome, previous_hash, hash FROM audit_log
            WHERE seq > \(bind: seq) ORDER BY seq LIMIT \(literal: max(0, limit))
            """).all().wait().map { r in
            AuditEvent(seq: try r.decode(column: "seq", as: Int.self), at: try r.decode(column: "at", as: String.self),
                       actor: try r.decode(column: "actor", as: String.self), action: try r.decode(column: "action", as: String.self),
                       subject: try r.decode(column: "subject", as: String.self), address: try r.decode(column: "address", as: String.self),
                       outcome: try r.decode(column: "outcome", as: String.self), previousHash: try r.decode(column: "previous_hash", as: String.self),
                       hash: try r.decode(column: "hash", as: String.self))
        }
    }

    /// The hash chaining an audit entry: SHA-256 of the canonical JSON of its facts and the previous entry's hash.
    static func hash(_ e: AuditEvent) -> String {
        let doc: CanonicalJSON = .object([
            "format": .string(RevisionHash.format), "audit": .number(Double(e.seq)), "at": .string(e.at), "actor": .string(e.actor),
            "action": .string(e.action), "subject": .string(e.subject), "address": .string(e.address), "outcome": .string(e.outcome),
            "previous_hash": .string(e.previousHash),
        ])
        return CaseDigest.sha256Hex(doc.utf8)
    }

    /// The first audit entry whose chain is broken, if any.
    func checkAuditLog() throws -> [StoreProblem] {
        var previous: AuditEvent?
        var after = 0
        while true {
            let page = try auditLog(after: after, limit: 1000)
            if page.isEmpty { return [] }
            for e in page {
                let expected = (previous?.seq ?? 0) + 1
                var message: String?
                if e.seq != expected { message = "entry \(expected) is missing" }
                else if e.previousHash != (previous?.hash ?? "") { message = "does not follow entry \(expected - 1)" }
                else if Self.hash(e) != e.hash { message = "its hash does not match its facts (changed after it was written)" }
                if let message { return [StoreProblem(subject: "audit log entry \(e.seq)", message: message)] }
                previous = e
            }
            after = page.last!.seq
        }
    }
}
