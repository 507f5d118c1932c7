import Foundation
import SQLKit
import TermAudit
import TermAuditSignoff

/// The current revision of one workspace document (settings, unit registry, signer roster, a checklist file).
public struct StoredDocument: Sendable, Equatable {
    /// Workspace-relative path: `termaudit.yaml`, `units.yaml`, `signers.yaml`, `checklists/…`.
    public var path: String
    public var kind: String
    public var revision: Int
    public var body: String
    public var bodySHA256: String
    public var hash: String
}

/// A case's current revision and what is derived from it (the case index).
public struct CaseHead: Sendable, Equatable {
    public var caseID: String
    public var revision: Int
    public var path: String
    public var digest: String
    public var sectionDigests: [String: String]
    public var bodySHA256: String
    public var hash: String
    public var withdrawn: Bool
    public var state: String
    public var unit: String
    public var official: String
    public var termEnd: String
}

/// One revision of a case, as recorded.
public struct CaseRevision: Sendable, Equatable {
    public var caseID: String
    public var revision: Int
    public var path: String
    /// The case file's text; nil for a withdrawal.
    public var body: String?
    public var bodySHA256: String
    public var digest: String
    public var previousDigest: String
    public var sectionDigests: [String: String]
    /// The sections this revision changed, in case-file order (`signoffs` included).
    public var sections: [String]
    public var author: String
    public var at: String
    public var note: String
    public var withdrawn: Bool
    public var previousHash: String
    public var hash: String
}

/// A shared store of workspaces: SQLite (one file, embedded) or PostgreSQL.
///
/// Cases are kept as append-only revisions, hash-chained per case (see `RevisionHash`); the workspace's documents
/// the same way. `cases` indexes each case's current revision with its derived state for listing.
public final class Store: Sendable {
    let db: StoreDatabase
    public var location: StoreLocation { db.location }
    /// Schema versions applied when the store was opened.
    public let migrated: [Int]

    private init(db: StoreDatabase, migrated: [Int]) {
        self.db = db
        self.migrated = migrated
    }

    /// Opens (and with `create`, creates) the store at `location`, checks it is a termaudit store and brings its
    /// schema up to date (`migrate: false` refuses an old schema instead).
    public static func open(_ location: StoreLocation, create: Bool = false, migrate: Bool = true) throws -> Store {
        let db = try StoreDatabase.open(location, create: create)
        do {
            let applied = try Schema.prepare(db, migrate: migrate || create)
            return Store(db: db, migrated: applied)
        } catch let e as StoreError {
            db.close()
            throw e
        } catch {
            db.close()
            throw StoreError.damaged(location, error)
        }
    }

    public func close() { db.close() }

    /// The schema version and when each migration ran.
    public func migrations() throws -> [(version: Int, description: String, appliedAt: String)] {
        try db.sql.raw("SELECT version, description, applied_at FROM termaudit_migrations ORDER BY version").all().wait().map {
            (try $0.decode(column: "version", as: Int.self), try $0.decode(column: "description", as: String.self),
             try $0.decode(column: "applied_at", as: String.self))
        }
    }

    // MARK: Reading

    /// The current revision of every document that exists, by path.
    public func documents() throws -> [StoredDocument] {
        let rows = try db.sql.raw("""
            SELECT d.path, d.kind, d.revision, d.body, d.body_sha256, d.hash FROM document_revisions d
            WHERE d.revision = (SELECT MAX(e.revision) FROM document_revisions e WHERE e.path = d.path)
            ORDER BY d.path
            """).all().wait()
        return try rows.compactMap { r in
            guard let body = try r.decodeNil(column: "body") ? nil : r.decode(column: "body", as: String.self) else { return nil }
            return StoredDocument(path: try r.decode(column: "path", as: String.self), kind: try r.decode(column: "kind", as: String.self),
                                  revision: try r.decode(column: "revision", as: Int.self), body: body,
                                  bodySHA256: try r.decode(column: "body_sha256", as: String.self), hash: try r.decode(column: "hash", as: String.self))
        }
    }

    /// The latest revision of every document path, removed ones included (for importing).
    func documentHeads(_ sql: any SQLDatabase) throws -> [String: (revision: Int, sha: String?, hash: String)] {
        let rows = try sql.raw("""
            SELECT d.path, d.revision, d.body_sha256, d.body IS NULL AS removed, d.hash FROM document_revisions d
            WHERE d.revision = (SELECT MAX(e.revision) FROM document_revisions e WHERE e.path = d.path)
            """).all().wait()
        var out: [String: (revision: Int, sha: String?, hash: String)] = [:]
        for r in rows {
            let removed = try r.decode(column: "removed", as: Bool.self)
            out[try r.decode(column: "path", as: String.self)] = (try r.decode(column: "revision", as: Int.self),
                                                                  removed ? nil : try r.decode(column: "body_sha256", as: String.self),
                                                                  try r.decode(column: "hash", as: String.self))
        }
        return out
    }

    static let headColumns = "case_id, revision, path, digest, section_digests, body_sha256, hash, withdrawn, state, unit, official, term_end"

    static func head(_ r: any SQLRow) throws -> CaseHead {
        CaseHead(caseID: try r.decode(column: "case_id", as: String.self), revision: try r.decode(column: "revision", as: Int.self),
                 path: try r.decode(column: "path", as: String.self), digest: try r.decode(column: "digest", as: String.self),
                 sectionDigests: SectionDigests.decode(try r.decode(column: "section_digests", as: String.self)),
                 bodySHA256: try r.decode(column: "body_sha256", as: String.self), hash: try r.decode(column: "hash", as: String.self),
                 withdrawn: try r.decode(column: "withdrawn", as: Int.self) != 0, state: try r.decode(column: "state", as: String.self),
                 unit: try r.decode(column: "unit", as: String.self), official: try r.decode(column: "official", as: String.self),
                 termEnd: try r.decode(column: "term_end", as: String.self))
    }

    /// Every case's current revision, in case-id order; withdrawn cases only when asked for.
    public func heads(includeWithdrawn: Bool = false, state: String? = nil, unit: String? = nil) throws -> [CaseHead] {
        var q = SQLQueryString("SELECT \(unsafeRaw: Self.headColumns) FROM cases WHERE 1 = 1")
        if !includeWithdrawn { q.appendLiteral(" AND withdrawn = 0") }
        if let state { q.appendInterpolation(unsafeRaw: " AND state = "); q.appendInterpolation(bind: state) }
        if let unit { q.appendInterpolation(unsafeRaw: " AND unit = "); q.appendInterpolation(bind: unit) }
        q.appendLiteral(" ORDER BY case_id")
        return try db.sql.raw(q).all().wait().map(Self.head)
    }

    /// The current cases' ids and recorded paths, in case-id order (what a case stream needs, and little memory).
    public func caseList() throws -> [(caseID: String, path: String)] {
        try db.sql.raw("SELECT case_id, path FROM cases WHERE withdrawn = 0 ORDER BY case_id").all().wait().map {
            (try $0.decode(column: "case_id", as: String.self), try $0.decode(column: "path", as: String.self))
        }
    }

    /// What an import compares a folder's case with: each case's revision, text SHA-256, path and whether withdrawn.
    func headSummaries(_ sql: any SQLDatabase) throws -> [String: (revision: Int, bodySHA256: String, path: String, withdrawn: Bool)] {
        var out: [String: (revision: Int, bodySHA256: String, path: String, withdrawn: Bool)] = [:]
        for r in try sql.raw("SELECT case_id, revision, body_sha256, path, withdrawn FROM cases").all().wait() {
            out[try r.decode(column: "case_id", as: String.self)] = (try r.decode(column: "revision", as: Int.self),
                                                                     try r.decode(column: "body_sha256", as: String.self),
                                                                     try r.decode(column: "path", as: String.self),
                                                                     try r.decode(column: "withdrawn", as: Int.self) != 0)
        }
        return out
    }

    /// The current revision of each of these cases (in a transaction: PostgreSQL locks their index rows).
    func heads(_ sql: any SQLDatabase, ids: [String], lock: Bool) throws -> [String: CaseHead] {
        guard !ids.isEmpty else { return [:] }
        var out: [String: CaseHead] = [:]
        let suffix = lock && db.engine == .postgres ? " FOR UPDATE" : ""
        for r in try sql.raw("SELECT \(unsafeRaw: Self.headColumns) FROM cases WHERE case_id IN (\(binds: ids))\(unsafeRaw: suffix)").all().wait() {
            let h = try Self.head(r)
            out[h.caseID] = h
        }
        return out
    }

    /// One line of the case index, for lists.
    public struct Listing: Sendable, Equatable {
        public var caseID: String
        public var revision: Int
        public var state: String
        public var unit: String
        public var official: String
        public var termEnd: String
        /// The departments of the audit program that have not given their conclusion.
        public var pending: [String] = []
        /// How many handover items and findings are overdue.
        public var overdue = 0
    }

    /// What a list of cases asks for: filters (each an indexed or bounded condition), an order and a page.
    public struct CaseQuery: Sendable, Equatable {
        public enum Order: String, Sendable, CaseIterable {
            case id, termEnd = "term_end", name, unit
            var column: String {
                switch self {
                case .id: "case_id"
                case .termEnd: "term_end"
                case .name: "official"
                case .unit: "unit"
                }
            }
        }
        public var state: String?
        /// Any of these states (the published ones).
        public var states: [String]?
        /// The unit, exactly.
        public var unit: String?
        /// Part of the official's name, the unit or the case id.
        public var search: String?
        /// Only cases where this department has not given its conclusion.
        public var pendingDepartment: String?
        /// Term ends on or after / on or before (YYYY-MM-DD).
        public var termEndFrom: String?
        public var termEndTo: String?
        /// Only cases with something overdue.
        public var overdueOnly = false
        /// Only the cases an account's grants cover (an indexed join on its grants, never the visible set).
        public var visibleTo: String?
        public var order: Order = .id
        /// Keyset paging: the cursor of the last case of the previous page (`cursor(of:)`).
        public var after: String?
        public var limit: Int?

        public init(state: String? = nil, unit: String? = nil, search: String? = nil, pendingDepartment: String? = nil,
                    termEndFrom: String? = nil, termEndTo: String? = nil, overdueOnly: Bool = false, visibleTo: String? = nil,
                    order: Order = .id, after: String? = nil, limit: Int? = nil) {
            self.state = state
            self.unit = unit
            self.search = search
            self.pendingDepartment = pendingDepartment
            self.termEndFrom = termEndFrom
            self.termEndTo = termEndTo
            self.overdueOnly = overdueOnly
            self.visibleTo = visibleTo
            self.order = order
            self.after = after
            self.limit = limit
        }

        /// Where the next page starts after `row`: its case id, or its sort key and case id (case ids hold no `|`).
        public func cursor(of row: Listing) -> String {
            switch order {
            case .id: row.caseID
            case .termEnd: row.termEnd + "|" + row.caseID
            case .name: row.official + "|" + row.caseID
            case .unit: row.unit + "|" + row.caseID
            }
        }
    }

    static let listingColumns = "case_id, revision, state, unit, official, term_end, pending, overdue"

    static func listing(_ r: any SQLRow) throws -> Listing {
        Listing(caseID: try r.decode(column: "case_id", as: String.self), revision: try r.decode(column: "revision", as: Int.self),
                state: try r.decode(column: "state", as: String.self), unit: try r.decode(column: "unit", as: String.self),
                official: try r.decode(column: "official", as: String.self), termEnd: try r.decode(column: "term_end", as: String.self),
                pending: try r.decode(column: "pending", as: String.self).split(separator: ",").map(String.init),
                overdue: try r.decode(column: "overdue", as: Int.self))
    }

    /// The current cases from the index, by state and/or unit, in case-id order: one indexed query, no case read.
    /// A page: at most `limit` cases after the case id `after` (keyset paging: as fast at the last page as the first).
    /// `visibleTo`: only the cases an account's grants cover (an indexed join on its grants, never the visible set).
    public func list(state: String? = nil, unit: String? = nil, visibleTo: String? = nil, after: String? = nil, limit: Int? = nil) throws -> [Listing] {
        try list(CaseQuery(state: state, unit: unit, visibleTo: visibleTo, after: after, limit: limit))
    }

    /// One page of the current cases a query asks for, from the index (no case is read).
    public func list(_ query: CaseQuery) throws -> [Listing] {
        var q = SQLQueryString("SELECT \(unsafeRaw: Self.listingColumns) FROM cases WHERE withdrawn = 0")
        Self.filter(&q, query)
        let column = query.order.column
        if let after = query.after {
            if query.order == .id {
                q.appendInterpolation(unsafeRaw: " AND case_id > ")
                q.appendInterpolation(bind: after)
            } else {
                // The key, then the case id: everything before the last `|` is the key.
                let key: String, id: String
                if let cut = after.lastIndex(of: "|") {
                    (key, id) = (String(after[..<cut]), String(after[after.index(after: cut)...]))
                } else {
                    (key, id) = (after, "")   // a bare key: the cases after it
                }
                q.appendInterpolation(unsafeRaw: " AND (\(column) > ")
                q.appendInterpolation(bind: key)
                q.appendInterpolation(unsafeRaw: " OR (\(column) = ")
                q.appendInterpolation(bind: key)
                q.appendInterpolation(unsafeRaw: " AND case_id > ")
                q.appendInterpolation(bind: id)
                q.appendLiteral("))")
            }
        }
        q.appendInterpolation(unsafeRaw: query.order == .id ? " ORDER BY case_id" : " ORDER BY \(column), case_id")
        if let limit = query.limit { q.appendInterpolation(unsafeRaw: " LIMIT \(max(0, limit))") }
        return try db.sql.raw(q).all().wait().map(Self.listing)
    }

    /// One current case's line of the index.
    public func listing(_ caseID: String) throws -> Listing? {
        try db.sql.raw("""
            SELECT \(unsafeRaw: Self.listingColumns) FROM cases WHERE withdrawn = 0 AND case_id = \(bind: caseID)
            """).first().wait().map(Self.listing)
    }

    /// How many current cases the index has in a state and/or unit.
    public func count(state: String? = nil, unit: String? = nil, visibleTo: String? = nil) throws -> Int {
        try count(CaseQuery(state: state, unit: unit, visibleTo: visibleTo))
    }

    /// How many current cases a query's filters select (its order and page aside).
    public func count(_ query: CaseQuery) throws -> Int {
        var q = SQLQueryString("SELECT count(*) AS n FROM cases WHERE withdrawn = 0")
        Self.filter(&q, query)
        return try db.sql.raw(q).first().wait().map { try $0.decode(column: "n", as: Int.self) } ?? 0
    }

    /// How many current cases are in each state (those `visibleTo` an account, when given).
    public func countByState(visibleTo: String? = nil) throws -> [String: Int] {
        var q = SQLQueryString("SELECT state, count(*) AS n FROM cases WHERE withdrawn = 0")
        Self.filter(&q, CaseQuery(visibleTo: visibleTo))
        q.appendLiteral(" GROUP BY state")
        var out: [String: Int] = [:]
        for r in try db.sql.raw(q).all().wait() {
            out[try r.decode(column: "state", as: String.self)] = try r.decode(column: "n", as: Int.self)
        }
        return out
    }

    /// How many current cases were derived for another reference date or policy (the index needs `refresh`).
    public func staleCount(asOf: String, policy: String) throws -> Int {
        try db.sql.raw("""
            SELECT count(*) AS n FROM cases WHERE withdrawn = 0 AND (derived_as_of <> \(bind: asOf) OR derived_policy <> \(bind: policy))
            """).first().wait().map { try $0.decode(column: "n", as: Int.self) } ?? 0
    }

    /// Text for a LIKE pattern (with `ESCAPE '\'`): its wildcards and the escape character match themselves.
    static func likeEscaped(_ text: String) -> String {
        var out = ""
        for ch in text {
            if ch == "%" || ch == "_" || ch == "\\" { out.append("\\") }
            out.append(ch)
        }
        return out
    }

    static func filter(_ q: inout SQLQueryString, _ query: CaseQuery) {
        if let state = query.state { q.appendInterpolation(unsafeRaw: " AND state = "); q.appendInterpolation(bind: state) }
        if let states = query.states {
            if states.isEmpty { q.appendInterpolation(unsafeRaw: " AND 1 = 0") } else {
                q.appendInterpolation(unsafeRaw: " AND state IN (")
                q.appendInterpolation(binds: states)
                q.appendLiteral(")")
            }
        }
        if let unit = query.unit { q.appendInterpolation(unsafeRaw: " AND unit = "); q.appendInterpolation(bind: unit) }
        if let search = query.search?.trimmingCharacters(in: .whitespaces), !search.isEmpty {
            let pattern = "%" + likeEscaped(search) + "%"
            for (i, column) in ["official", "unit", "case_id"].enumerated() {
                q.appendInterpolation(unsafeRaw: i == 0 ? " AND (\(column) LIKE " : " OR \(column) LIKE ")
                q.appendInterpolation(bind: pattern)
                q.appendInterpolation(unsafeRaw: " ESCAPE '\\'")
            }
            q.appendLiteral(")")
        }
        if let d = query.pendingDepartment {
            q.appendInterpolation(unsafeRaw: " AND pending LIKE ")
            q.appendInterpolation(bind: "%," + likeEscaped(d) + ",%")
            q.appendInterpolation(unsafeRaw: " ESCAPE '\\'")
        }
        if let from = query.termEndFrom { q.appendInterpolation(unsafeRaw: " AND term_end >= "); q.appendInterpolation(bind: from) }
        if let to = query.termEndTo { q.appendInterpolation(unsafeRaw: " AND term_end <= "); q.appendInterpolation(bind: to) }
        if query.overdueOnly { q.appendInterpolation(unsafeRaw: " AND overdue > 0") }
        if let visibleTo = query.visibleTo {
            // The rights table (docs/security.md) as SQL: a grant on this case (any role but reader); an administrator's
            // grant; or a leader, member or signer grant without a case, where the case names the account's person in
            // that part (and, for a member grant with a department, in that department). AccessTests checks it agrees
            // with `CaseRights` for every account and case.
            q.appendInterpolation(unsafeRaw: " AND EXISTS (SELECT 1 FROM grants g WHERE g.username = ")
            q.appendInterpolation(bind: visibleTo)
            q.appendInterpolation(unsafeRaw: """
                 AND g.role <> 'reader' AND (g.case_id = cases.case_id OR (g.case_id = '' AND (g.role = 'admin' OR EXISTS (
                SELECT 1 FROM accounts a JOIN case_people p ON p.person = a.person
                WHERE a.username = g.username AND a.person <> '' AND p.case_id = cases.case_id AND p.role = g.role
                AND (g.department = '' OR g.department = p.department))))))
                """)
        }
    }

    /// The current text of each of these cases (those that exist and are not withdrawn).
    public func caseBodies(_ ids: [String]) throws -> [String: (revision: Int, path: String, body: String)] {
        guard !ids.isEmpty else { return [:] }
        let rows = try db.sql.raw("""
            SELECT r.case_id, r.revision, r.path, r.body FROM cases c
            JOIN case_revisions r ON r.case_id = c.case_id AND r.revision = c.revision
            WHERE c.case_id IN (\(binds: ids)) AND c.withdrawn = 0
            """).all().wait()
        var out: [String: (revision: Int, path: String, body: String)] = [:]
        for r in rows {
            out[try r.decode(column: "case_id", as: String.self)] = (try r.decode(column: "revision", as: Int.self),
                                                                     try r.decode(column: "path", as: String.self),
                                                                     try r.decode(column: "body", as: String.self))
        }
        return out
    }

    static let revisionColumns = """
        case_id, revision, path, body, body_sha256, digest, previous_digest, section_digests, sections, author, at, note, withdrawn, \
        previous_hash, hash
        """

    static func revision(_ r: any SQLRow) throws -> CaseRevision {
        CaseRevision(caseID: try r.decode(column: "case_id", as: String.self), revision: try r.decode(column: "revision", as: Int.self),
                     path: try r.decode(column: "path", as: String.self),
                     body: try r.decodeNil(column: "body") ? nil : try r.decode(column: "body", as: String.self),
                     bodySHA256: try r.decode(column: "body_sha256", as: String.self), digest: try r.decode(column: "digest", as: String.self),
                     previousDigest: try r.decode(column: "previous_digest", as: String.self),
                     sectionDigests: SectionDigests.decode(try r.decode(column: "section_digests", as: String.self)),
                     sections: try r.decode(column: "sections", as: String.self).split(separator: ",").map(String.init),
                     author: try r.decode(column: "author", as: String.self), at: try r.decode(column: "at", as: String.self),
                     note: try r.decode(column: "note", as: String.self), withdrawn: try r.decode(column: "withdrawn", as: Int.self) != 0,
                     previousHash: try r.decode(column: "previous_hash", as: String.self), hash: try r.decode(column: "hash", as: String.self))
    }

    /// Every revision of a case, oldest first.
    public func revisions(of caseID: String) throws -> [CaseRevision] {
        try db.sql.raw("SELECT \(unsafeRaw: Self.revisionColumns) FROM case_revisions WHERE case_id = \(bind: caseID) ORDER BY revision")
            .all().wait().map(Self.revision)
    }

    /// Revisions of all cases in (case id, revision) order, a page at a time, after the given key.
    public func revisionPage(after key: (caseID: String, revision: Int)?, limit: Int) throws -> [CaseRevision] {
        let q: SQLQueryString
        if let key {
            q = """
                SELECT \(unsafeRaw: Self.revisionColumns) FROM case_revisions
                WHERE case_id > \(bind: key.caseID) OR (case_id = \(bind: key.caseID) AND revision > \(bind: key.revision))
                ORDER BY case_id, revision LIMIT \(literal: limit)
                """
        } else {
            q = "SELECT \(unsafeRaw: Self.revisionColumns) FROM case_revisions ORDER BY case_id, revision LIMIT \(literal: limit)"
        }
        return try db.sql.raw(q).all().wait().map(Self.revision)
    }

    /// Every revision of every document, in (path, revision) order.
    public func documentRevisions() throws -> [(path: String, revision: Int, kind: String, body: String?, bodySHA256: String,
                                                     author: String, at: String, note: String, previousHash: String, hash: String)] {
        try db.sql.raw("""
            SELECT path, revision, kind, body, body_sha256, author, at, note, previous_hash, hash FROM document_revisions
            ORDER BY path, revision
            """).all().wait().map { r in
            (try r.decode(column: "path", as: String.self), try r.decode(column: "revision", as: Int.self), try r.decode(column: "kind", as: String.self),
             try r.decodeNil(column: "body") ? nil : try r.decode(column: "body", as: String.self), try r.decode(column: "body_sha256", as: String.self),
             try r.decode(column: "author", as: String.self), try r.decode(column: "at", as: String.self), try r.decode(column: "note", as: String.self),
             try r.decode(column: "previous_hash", as: String.self), try r.decode(column: "hash", as: String.self))
        }
    }

    // MARK: Writing (inside a transaction)

    /// Appends a document revision (body nil: removed).
    static func appendDocument(_ sql: any SQLDatabase, path: String, kind: String, body: String?, previous: (revision: Int, hash: String)?,
                               author: String, at: String, note: String) throws {
        let revision = (previous?.revision ?? 0) + 1
        let sha = body.map { CaseDigest.sha256Hex(Data($0.utf8)) } ?? ""
        let previousHash = previous?.hash ?? ""
        let hash = RevisionHash.document(path: path, revision: revision, kind: kind, bodySHA256: sha, removed: body == nil,
                                         author: author, at: at, note: note, previousHash: previousHash)
        try sql.raw("""
            INSERT INTO document_revisions (path, revision, kind, body, body_sha256, author, at, note, previous_hash, hash)
            VALUES (\(bind: path), \(bind: revision), \(bind: kind), \(bind: body), \(bind: sha), \(bind: author), \(bind: at), \(bind: note),
                    \(bind: previousHash), \(bind: hash))
            """).run().wait()
    }

    /// What a new case revision holds, worked out before the write.
    public struct NewCaseRevision: Sendable {
        public var caseID: String
        public var path: String
        public var body: String?
        public var digest: String
        public var sectionDigests: [String: String]
        public var derived: DerivedState
    }

    /// Appends a revision after `head` (nil: the case's first) and moves the case index to it. Returns the new head.
    @discardableResult
    static func appendCase(_ sql: any SQLDatabase, _ new: NewCaseRevision, after head: CaseHead?, author: String, at: String, note: String) throws -> CaseHead {
        let revision = (head?.revision ?? 0) + 1
        let bodySHA = new.body.map { CaseDigest.sha256Hex(Data($0.utf8)) } ?? ""
        let previousDigest = head?.digest ?? "", previousHash = head?.hash ?? ""
        let sections = SectionDigests.changed(from: head?.sectionDigests ?? [:], to: new.sectionDigests)
        let withdrawn = new.body == nil
        let hash = RevisionHash.case(caseID: new.caseID, revision: revision, path: new.path, bodySHA256: bodySHA, digest: new.digest,
                                     previousDigest: previousDigest, sections: sections, author: author, at: at, note: note,
                                     withdrawn: withdrawn, previousHash: previousHash)
        let digests = SectionDigests.encode(new.sectionDigests)
        try sql.raw("""
            INSERT INTO case_revisions (case_id, revision, path, body, body_sha256, digest, previous_digest, section_digests, sections,
                                        author, at, note, withdrawn, previous_hash, hash)
            VALUES (\(bind: new.caseID), \(bind: revision), \(bind: new.path), \(bind: new.body), \(bind: bodySHA), \(bind: new.digest),
                    \(bind: previousDigest), \(bind: digests), \(bind: sections.joined(separator: ",")), \(bind: author), \(bind: at),
                    \(bind: note), \(bind: withdrawn ? 1 : 0), \(bind: previousHash), \(bind: hash))
            """).run().wait()
        let d = new.derived
        try sql.raw("""
            INSERT INTO cases (case_id, revision, path, digest, section_digests, body_sha256, hash, withdrawn, state, unit, official,
                               term_end, derived_as_of, derived_policy, pending, overdue)
            VALUES (\(bind: new.caseID), \(bind: revision), \(bind: new.path), \(bind: new.digest), \(bind: digests), \(bind: bodySHA),
                    \(bind: hash), \(bind: withdrawn ? 1 : 0), \(bind: d.state), \(bind: d.unit), \(bind: d.official), \(bind: d.termEnd),
                    \(bind: d.asOf), \(bind: d.policy), \(bind: d.pendingColumn), \(bind: d.overdue))
            ON CONFLICT (case_id) DO UPDATE SET revision = excluded.revision, path = excluded.path, digest = excluded.digest,
                section_digests = excluded.section_digests, body_sha256 = excluded.body_sha256, hash = excluded.hash,
                withdrawn = excluded.withdrawn, state = excluded.state, unit = excluded.unit, official = excluded.official,
                term_end = excluded.term_end, derived_as_of = excluded.derived_as_of, derived_policy = excluded.derived_policy,
                pending = excluded.pending, overdue = excluded.overdue
            """).run().wait()
        try writePeople(sql, caseID: new.caseID, withdrawn ? [] : d.people)
        return CaseHead(caseID: new.caseID, revision: revision, path: new.path, digest: new.digest, sectionDigests: new.sectionDigests,
                        bodySHA256: bodySHA, hash: hash, withdrawn: withdrawn, state: d.state, unit: d.unit, official: d.official, termEnd: d.termEnd)
    }
}

extension Store {
    /// Sets a case's derived state anew (the policy, reference date, units or signers changed; the case did not).
    static func rederive(_ sql: any SQLDatabase, caseID: String, _ d: DerivedState) throws {
        try sql.raw("""
            UPDATE cases SET state = \(bind: d.state), unit = \(bind: d.unit), official = \(bind: d.official), term_end = \(bind: d.termEnd),
                derived_as_of = \(bind: d.asOf), derived_policy = \(bind: d.policy), pending = \(bind: d.pendingColumn),
                overdue = \(bind: d.overdue)
            WHERE case_id = \(bind: caseID)
            """).run().wait()
        try writePeople(sql, caseID: caseID, d.people)
    }
}

/// What the store derives from a case when a revision is written (the rules' state, for listing without evaluating).
public struct DerivedState: Sendable, Equatable {
    public var state: String
    public var unit: String
    public var official: String
    public var termEnd: String
    /// The reference date and the policy the state was derived for.
    public var asOf: String
    public var policy: String
    /// The departments of the audit program that have not given their conclusion.
    public var pending: [String] = []
    /// How many handover items and findings are overdue.
    public var overdue = 0

    /// The people the case names and their parts (team leader and members, handover parties): the access index.
    public var people: [CasePerson] = []

    /// `pending` as stored: `,a,b,` (empty when none), so one department is found with LIKE '%,a,%'.
    var pendingColumn: String { pending.isEmpty ? "" : "," + pending.joined(separator: ",") + "," }
}

/// One part a person plays in a case, as the case names them: the grant role it answers to (`leader`, `member`,
/// `signer`), the part itself (`leader`, `member`, `outgoing`, `incoming`, `supervisor`) and, for team members,
/// their department. An account bound to the person (`Account.person`) holds its role's grant on the case.
public struct CasePerson: Sendable, Hashable {
    public var caseID: String
    public var person: String
    public var role: String
    public var part: String
    public var department: String

    public init(caseID: String, person: String, role: String, part: String, department: String = "") {
        self.caseID = caseID
        self.person = person
        self.role = role
        self.part = part
        self.department = department
    }

    /// The parts `c` names: the team's leader (also a member of their department), each member, and the handover
    /// parties by their role id.
    public static func named(in c: AuditCase) -> [CasePerson] {
        var out: [CasePerson] = []
        for m in c.team where !m.name.isEmpty {
            if m.leader { out.append(CasePerson(caseID: c.id, person: m.name, role: "leader", part: "leader", department: m.department)) }
            out.append(CasePerson(caseID: c.id, person: m.name, role: "member", part: "member", department: m.department))
        }
        for (part, name) in (c.handover?.parties ?? [:]).sorted(by: { $0.key < $1.key }) where !name.isEmpty {
            out.append(CasePerson(caseID: c.id, person: name, role: "signer", part: part))
        }
        return Array(Set(out)).sorted { ($0.person, $0.role, $0.part, $0.department) < ($1.person, $1.role, $1.part, $1.department) }
    }
}

extension Store {
    /// Replaces a case's rows of the access index.
    static func writePeople(_ sql: any SQLDatabase, caseID: String, _ people: [CasePerson]) throws {
        try sql.raw("DELETE FROM case_people WHERE case_id = \(bind: caseID)").run().wait()
        for p in people {
            try sql.raw("""
                INSERT INTO case_people (case_id, person, role, part, department)
                VALUES (\(bind: caseID), \(bind: p.person), \(bind: p.role), \(bind: p.part), \(bind: p.department))
                """).run().wait()
        }
    }

    /// Every part `person` plays in the current cases (nothing for an empty name).
    public func parts(of person: String) throws -> [CasePerson] {
        guard !person.isEmpty else { return [] }
        return try db.sql.raw("""
            SELECT p.case_id, p.role, p.part, p.department FROM case_people p JOIN cases c ON c.case_id = p.case_id
            WHERE p.person = \(bind: person) AND c.withdrawn = 0 ORDER BY p.case_id, p.role, p.part
            """).all().wait().map {
            CasePerson(caseID: try $0.decode(column: "case_id", as: String.self), person: person, role: try $0.decode(column: "role", as: String.self),
                       part: try $0.decode(column: "part", as: String.self), department: try $0.decode(column: "department", as: String.self))
        }
    }
}

/// Section digests as stored: `name=sha256` joined by `;`, names sorted.
enum SectionDigests {
    static func encode(_ d: [String: String]) -> String {
        d.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ";")
    }

    static func decode(_ s: String) -> [String: String] {
        var out: [String: String] = [:]
        for part in s.split(separator: ";") {
            let kv = part.split(separator: "=", maxSplits: 1)
            if kv.count == 2 { out[String(kv[0])] = String(kv[1]) }
        }
        return out
    }

    /// The sections whose digest differs, in case-file order, then any others by name.
    static func changed(from old: [String: String], to new: [String: String]) -> [String] {
        let order = CaseDigest.sectionNames + ["signoffs"]
        let names = Set(old.keys).union(new.keys)
        let changed = names.filter { old[$0] != new[$0] }
        return order.filter(changed.contains) + changed.filter { !order.contains($0) }.sorted()
    }
}

/// The hashes that chain revisions: SHA-256 of the canonical JSON (RFC 8785) of the revision's facts, which
/// include the previous revision's hash. Changing, removing or reordering any recorded revision breaks every hash
/// after it (`db check` names the first).
public enum RevisionHash {
    public static let format = "termaudit-revision-v1"

    public static func `case`(caseID: String, revision: Int, path: String, bodySHA256: String, digest: String, previousDigest: String,
                              sections: [String], author: String, at: String, note: String, withdrawn: Bool, previousHash: String) -> String {
        let doc: CanonicalJSON = .object([
            "format": .string(format), "case": .string(caseID), "revision": .number(Double(revision)), "path": .string(path),
            "body_sha256": .string(bodySHA256), "digest": .string(digest), "previous_digest": .string(previousDigest),
            "sections": .array(sections.map { .string($0) }), "author": .string(author), "at": .string(at), "note": .string(note),
            "withdrawn": .bool(withdrawn), "previous_hash": .string(previousHash),
        ])
        return CaseDigest.sha256Hex(doc.utf8)
    }

    public static func document(path: String, revision: Int, kind: String, bodySHA256: String, removed: Bool, author: String, at: String,
                                note: String, previousHash: String) -> String {
        let doc: CanonicalJSON = .object([
            "format": .string(format), "document": .string(path), "revision": .number(Double(revision)), "kind": .string(kind),
            "body_sha256": .string(bodySHA256), "removed": .bool(removed), "author": .string(author), "at": .string(at),
            "note": .string(note), "previous_hash": .string(previousHash),
        ])
        return CaseDigest.sha256Hex(doc.utf8)
    }
}
