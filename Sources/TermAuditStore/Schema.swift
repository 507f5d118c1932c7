import Foundation
import SQLKit

/// The store's schema: versioned migrations, run in order, each in one transaction, recorded in
/// `termaudit_migrations`. A store whose schema is newer than this program's is refused (an older program must not
/// write records it does not understand); a database without `termaudit_meta` but with other tables is not ours and
/// is refused; nothing is written to a refused database.
enum Schema {
    struct Migration: Sendable {
        var version: Int
        var description: String
        /// Statements for both engines, and the ones that differ.
        var common: [String]
        var sqlite: [String] = []
        var postgres: [String] = []
    }

    static let application = "termaudit"

    /// The newest schema this program knows.
    static var latest: Int { migrations.last!.version }

    static let migrations: [Migration] = [
        Migration(
            version: 1,
            description: "workspace documents, cases and their revisions (hash-chained), the case index",
            common: [
                "CREATE TABLE termaudit_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
                "CREATE TABLE termaudit_migrations (version INTEGER PRIMARY KEY, description TEXT NOT NULL, applied_at TEXT NOT NULL)",
                // Settings, unit registry, signer roster and the checklists in force, by workspace-relative path.
                // body NULL: the document was removed by that revision.
                """
                CREATE TABLE document_revisions (
                    path TEXT NOT NULL, revision INTEGER NOT NULL, kind TEXT NOT NULL, body TEXT, body_sha256 TEXT NOT NULL,
                    author TEXT NOT NULL, at TEXT NOT NULL, note TEXT NOT NULL, previous_hash TEXT NOT NULL, hash TEXT NOT NULL,
                    PRIMARY KEY (path, revision))
                """,
                // Every revision of every case: the case file's text as written, its canonical digest (what signatures
                // cover), the previous revision's digest, and a hash over both and the revision's facts.
                """
                CREATE TABLE case_revisions (
                    case_id TEXT NOT NULL, revision INTEGER NOT NULL, path TEXT NOT NULL, body TEXT, body_sha256 TEXT NOT NULL,
                    digest TEXT NOT NULL, previous_digest TEXT NOT NULL, section_digests TEXT NOT NULL, sections TEXT NOT NULL,
                    author TEXT NOT NULL, at TEXT NOT NULL, note TEXT NOT NULL, withdrawn INTEGER NOT NULL,
                    previous_hash TEXT NOT NULL, hash TEXT NOT NULL,
                    PRIMARY KEY (case_id, revision))
                """,
                // The index of current revisions, with each case's derived state: rebuilt from the revisions when the
                // policy or the reference date changes; `db check` compares it with them.
                """
                CREATE TABLE cases (
                    case_id TEXT PRIMARY KEY, revision INTEGER NOT NULL, path TEXT NOT NULL, digest TEXT NOT NULL,
                    section_digests TEXT NOT NULL, body_sha256 TEXT NOT NULL, hash TEXT NOT NULL, withdrawn INTEGER NOT NULL,
                    state TEXT NOT NULL, unit TEXT NOT NULL, official TEXT NOT NULL, term_end TEXT NOT NULL,
                    derived_as_of TEXT NOT NULL, derived_policy TEXT NOT NULL)
                """,
                "CREATE INDEX cases_by_state ON cases (state, unit, case_id)",
                "CREATE INDEX cases_by_unit ON cases (unit, case_id)",
            ],
            sqlite: ["document_revisions", "case_revisions"].flatMap { t in
                ["UPDATE", "DELETE"].map { op in
                    "CREATE TRIGGER \(t)_no_\(op.lowercased()) BEFORE \(op) ON \(t) BEGIN SELECT RAISE(ABORT, '\(t) are append-only'); END"
                }
            },
            postgres: [
                """
                CREATE FUNCTION termaudit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN RAISE EXCEPTION '% are append-only', TG_TABLE_NAME; END $$
                """,
            ] + ["document_revisions", "case_revisions"].map { t in
                "CREATE TRIGGER \(t)_append_only BEFORE UPDATE OR DELETE ON \(t) FOR EACH STATEMENT EXECUTE FUNCTION termaudit_append_only()"
            }
        ),
        Migration(
            version: 2,
            description: "case index: listing indexes in case-id order (by state, by unit, all), for paged lists",
            common: [
                "DROP INDEX cases_by_state",
                "DROP INDEX cases_by_unit",
                "CREATE INDEX cases_listing ON cases (withdrawn, case_id)",
                "CREATE INDEX cases_listing_state ON cases (withdrawn, state, case_id)",
                "CREATE INDEX cases_listing_unit ON cases (withdrawn, unit, case_id)",
            ]
        ),
        Migration(
            version: 3,
            description: "accounts, their grants (role, case, department), sessions (ids stored hashed) and the audit log (append-only, hash-chained)",
            common: [
                // An account; `person` binds it to the name used in cases (team members, parties), when it has one.
                """
                CREATE TABLE accounts (
                    username TEXT PRIMARY KEY, display_name TEXT NOT NULL, person TEXT NOT NULL, password_hash TEXT NOT NULL,
                    disabled INTEGER NOT NULL, created_at TEXT NOT NULL, changed_at TEXT NOT NULL)
                """,
                // What an account may do: a role, on every case ('') or one case, for a department ('' for none).
                """
                CREATE TABLE grants (
                    username TEXT NOT NULL, role TEXT NOT NULL, case_id TEXT NOT NULL, department TEXT NOT NULL,
                    granted_by TEXT NOT NULL, granted_at TEXT NOT NULL,
                    PRIMARY KEY (username, role, case_id, department))
                """,
                "CREATE INDEX grants_by_case ON grants (case_id, role)",
                // Sessions by the SHA-256 of their random id (the id itself is only in the cookie).
                """
                CREATE TABLE sessions (
                    id_sha256 TEXT PRIMARY KEY, username TEXT NOT NULL, csrf_sha256 TEXT NOT NULL, created_at TEXT NOT NULL,
                    last_seen TEXT NOT NULL, expires_at TEXT NOT NULL)
                """,
                "CREATE INDEX sessions_by_account ON sessions (username)",
                // Who did what, when, from where, with what outcome; never personal data (docs/store.md).
                """
                CREATE TABLE audit_log (
                    seq INTEGER PRIMARY KEY, at TEXT NOT NULL, actor TEXT NOT NULL, action TEXT NOT NULL, subject TEXT NOT NULL,
                    address TEXT NOT NULL, outcome TEXT NOT NULL, previous_hash TEXT NOT NULL, hash TEXT NOT NULL)
                """,
            ],
            sqlite: ["UPDATE", "DELETE"].map { op in
                "CREATE TRIGGER audit_log_no_\(op.lowercased()) BEFORE \(op) ON audit_log BEGIN SELECT RAISE(ABORT, 'audit_log are append-only'); END"
            },
            postgres: [
                "CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log FOR EACH STATEMENT EXECUTE FUNCTION termaudit_append_only()",
            ]
        ),
        Migration(
            version: 4,
            description: "case index: the departments without a conclusion and the overdue count of each case, listing by term end and by name",
            common: [
                "ALTER TABLE cases ADD COLUMN pending TEXT NOT NULL DEFAULT ''",
                "ALTER TABLE cases ADD COLUMN overdue INTEGER NOT NULL DEFAULT 0",
                // Derived anew by the next refresh (`db refresh`, or `serve` when it opens the store).
                "UPDATE cases SET derived_as_of = ''",
                "CREATE INDEX cases_listing_term_end ON cases (withdrawn, term_end, case_id)",
                "CREATE INDEX cases_listing_official ON cases (withdrawn, official, case_id)",
            ],
            // Lists sort by code point on both engines (SQLite's BINARY), whatever the PostgreSQL database's locale.
            postgres: ["case_id", "official", "unit", "term_end"].map { "ALTER TABLE cases ALTER COLUMN \($0) TYPE TEXT COLLATE \"C\"" }
        ),
        Migration(
            version: 5,
            description: "access index: the people each case names and their parts (team leader, members by department, handover parties); one account per person",
            common: [
                """
                CREATE TABLE case_people (
                    case_id TEXT NOT NULL, person TEXT NOT NULL, role TEXT NOT NULL, part TEXT NOT NULL, department TEXT NOT NULL,
                    PRIMARY KEY (case_id, person, role, part, department))
                """,
                "CREATE INDEX case_people_by_person ON case_people (person, case_id)",
                "CREATE UNIQUE INDEX accounts_one_per_person ON accounts (person) WHERE person <> ''",
                // Filled by the next refresh (`db refresh`, or `serve` when it opens the store).
                "UPDATE cases SET derived_as_of = ''",
            ]
        ),
        Migration(
            version: 6,
            description: "sign-in throttling: failed sign-ins per account name (hashed) and per address, with when the next try may come",
            common: [
                """
                CREATE TABLE sign_in_failures (
                    key TEXT PRIMARY KEY, failures INTEGER NOT NULL, last_failure TEXT NOT NULL, not_before TEXT NOT NULL)
                """,
            ]
        ),
    ]

    /// The tables in the database.
    static func tables(_ db: StoreDatabase) throws -> Set<String> {
        try tablesInTransaction(db.sql, engine: db.engine)
    }

    /// The store's schema version, after checking the store is ours; nil for an empty database.
    static func version(_ db: StoreDatabase) throws -> Int? {
        let tables = try tables(db)
        if tables.isEmpty { return nil }
        guard tables.contains("termaudit_meta") else {
            throw StoreError("not-a-store", "\(db.location) is a database of something else (it has tables but no termaudit_meta)",
                             hint: "give the URL of a termaudit store, or of an empty database to create one; nothing was written")
        }
        let rows = try db.sql.raw("SELECT key, value FROM termaudit_meta").all().wait()
        var meta: [String: String] = [:]
        for r in rows { meta[try r.decode(column: "key", as: String.self)] = try r.decode(column: "value", as: String.self) }
        guard meta["application"] == application, let v = meta["schema_version"].flatMap(Int.init) else {
            throw StoreError("not-a-store", "\(db.location) is not a termaudit store (its termaudit_meta does not say so)",
                             hint: "nothing was written")
        }
        return v
    }

    /// Checks the store and brings its schema up to date. `migrate: false` refuses an out-of-date schema instead.
    static func prepare(_ db: StoreDatabase, migrate: Bool) throws -> [Int] {
        let current = try version(db) ?? 0
        if current > latest {
            throw StoreError("newer-schema", "\(db.location) has schema version \(current); this termaudit knows versions up to \(latest)",
                             hint: "use a newer termaudit with this store; nothing was written")
        }
        if current == latest { return [] }
        guard migrate else {
            throw StoreError("old-schema", "\(db.location) has schema version \(current); this termaudit needs \(latest)",
                             hint: "run `termaudit db migrate --database \(db.location)`")
        }
        var applied: [Int] = []
        for m in migrations where m.version > current {
            let statements = m.common + (db.engine == .sqlite ? m.sqlite : m.postgres)
            let at = StoreClock.now()
            try db.write { sql in
                // Someone else may have migrated meanwhile: look again inside the transaction.
                let tables = try Schema.tablesInTransaction(sql, engine: db.engine)
                if m.version > 1 || tables.contains("termaudit_meta") {
                    let row = try sql.raw("SELECT value FROM termaudit_meta WHERE key = 'schema_version'").first().wait()
                    if let v = try row.map({ try $0.decode(column: "value", as: String.self) }).flatMap(Int.init), v >= m.version { return }
                }
                for s in statements { try sql.raw(SQLQueryString(s)).run().wait() }
                if m.version == 1 {
                    try sql.raw("INSERT INTO termaudit_meta (key, value) VALUES ('application', \(bind: application))").run().wait()
                    try sql.raw("INSERT INTO termaudit_meta (key, value) VALUES ('store_id', \(bind: UUID().uuidString.lowercased()))").run().wait()
                    try sql.raw("INSERT INTO termaudit_meta (key, value) VALUES ('created_at', \(bind: at))").run().wait()
                    try sql.raw("INSERT INTO termaudit_meta (key, value) VALUES ('schema_version', \(bind: String(m.version)))").run().wait()
                } else {
                    try sql.raw("UPDATE termaudit_meta SET value = \(bind: String(m.version)) WHERE key = 'schema_version'").run().wait()
                }
                try sql.raw("INSERT INTO termaudit_migrations (version, description, applied_at) VALUES (\(bind: m.version), \(bind: m.description), \(bind: at))").run().wait()
            }
            applied.append(m.version)
        }
        return applied
    }

    static func tablesInTransaction(_ sql: any SQLDatabase, engine: StoreDatabase.Engine) throws -> Set<String> {
        let rows: [any SQLRow]
        switch engine {
        case .sqlite: rows = try sql.raw("SELECT name FROM sqlite_master WHERE type = 'table'").all().wait()
        case .postgres: rows = try sql.raw("SELECT table_name AS name FROM information_schema.tables WHERE table_schema = current_schema()").all().wait()
        }
        return Set(try rows.map { try $0.decode(column: "name", as: String.self) })
    }
}

/// Times recorded in the store: UTC, to the second, ISO 8601 (`2026-12-06T09:30:00Z`).
public enum StoreClock {
    public static func now() -> String { string(Date()) }

    /// A time the store wrote (nil when it is not one).
    public static func date(_ stored: String) -> Date? { formatter().date(from: stored) }

    public static func string(_ date: Date) -> String { formatter().string(from: date) }

    static func formatter() -> ISO8601DateFormatter {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime]
        f.timeZone = TimeZone(identifier: "UTC")
        return f
    }
}
