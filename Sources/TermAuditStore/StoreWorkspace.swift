import Foundation
import TermAudit
import TermAuditLoader
import TermAuditReport
import TermAuditRules
import TermAuditSignoff

/// A store opened as a workspace: its documents (settings, units, signers, checklists) laid out in a private folder
/// and read by the same loader as a folder workspace; its cases streamed from their current revisions.
///
/// The folder is the loader's view of the documents, never written back; it is removed by `close()`.
public final class StoreWorkspace: Sendable {
    public let store: Store
    /// The private folder holding the documents (the workspace root the loader sees).
    public let root: URL
    public let settings: LoadResult

    private init(store: Store, root: URL, settings: LoadResult) {
        self.store = store
        self.root = root
        self.settings = settings
    }

    /// Opens the store's workspace; refuses a store without settings.
    public static func open(_ store: Store, policyOverride: String? = nil) throws -> StoreWorkspace {
        let documents = try store.documents()
        guard documents.contains(where: { $0.path == WorkspaceLoader.configName }) else {
            throw StoreError("empty-store", "\(store.location) holds no workspace yet",
                             hint: "import one with `termaudit db import WORKSPACE --database \(store.location)`")
        }
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("termaudit-store-\(UUID().uuidString.lowercased())")
        do {
            try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            for d in documents {
                let url = try StorePaths.resolve(d.path, under: root)
                try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
                try Data(d.body.utf8).write(to: url)
            }
        } catch {
            try? FileManager.default.removeItem(at: root)
            throw error
        }
        let settings = WorkspaceLoader.loadSettings(path: root.path, policyOverride: policyOverride)
        return StoreWorkspace(store: store, root: root, settings: settings)
    }

    public func close() {
        try? FileManager.default.removeItem(at: root)
    }

    /// The cases as a stream, in case-id order, like a folder's (`WorkspaceLoader.openForChecking`): returned
    /// whenever the settings could be read, with their diagnostics.
    public func stream() throws -> CaseStream? {
        stream(cases: try store.caseList())
    }

    func stream(cases: [(caseID: String, path: String)]) -> CaseStream? {
        guard let ws = settings.workspace else { return nil }
        let entries = cases.map { CaseStream.Entry(id: $0.caseID, path: $0.path) }
        return CaseStream(config: ws.config, library: ws.library, root: root, units: ws.units, entries: entries,
                          diagnostics: settings.diagnostics, texts: StoreCaseReader(store: store),
                          libraryURL: root.appendingPathComponent(StorePaths.library))
    }

    /// Every current case, read and checked (for the commands that hold the workspace in memory: rank, sign, verify).
    public func load() throws -> LoadResult {
        var result = settings
        guard var ws = settings.workspace else { return result }
        guard let stream = try stream() else { return result }
        var cases: [AuditCase] = []
        var diagnostics = settings.diagnostics
        stream.forEach { c, d in
            if let c { cases.append(c) }
            diagnostics += d
        }
        ws.cases = cases
        result.workspace = ws
        result.diagnostics = diagnostics
        // The cases' names, so that their errors are told apart from the settings' (`LoadResult.partitioned`).
        result.files = stream.entries.map { URL(fileURLWithPath: $0.path) }
        return result
    }
}

/// Case texts read from the store in batches, in the order the stream asks for them.
///
/// `@unchecked Sendable`: `cache` is read and written only with `lock` held.
final class StoreCaseReader: CaseTextSource, @unchecked Sendable {
    let store: Store
    private let lock = NSLock()
    private var cache: [String: CaseText] = [:]
    static let batch = 256

    init(store: Store) { self.store = store }

    func text(at index: Int, of entries: [CaseStream.Entry]) throws -> CaseText {
        guard let id = entries[index].id else { throw StoreError("unreadable", "entry \(index) has no case id") }
        lock.lock()
        defer { lock.unlock() }
        if let t = cache.removeValue(forKey: id) { return t }
        let ids = entries[index..<min(entries.count, index + Self.batch)].compactMap(\.id)
        let bodies = try store.caseBodies(ids)
        for (caseID, b) in bodies where cache[caseID] == nil {
            cache[caseID] = CaseText(data: Data(b.body.utf8), origin: .record(id: caseID, revision: b.revision))
        }
        guard let t = cache.removeValue(forKey: id) else {
            throw StoreError("unreadable", "case \(id) has no current revision in the store")
        }
        return t
    }
}

/// What the store derives from each case as it is written.
struct Deriver: Sendable {
    let evaluator: CaseEvaluator
    let signoffs: StatusSignoffs
    let policyID: String

    init?(stream: CaseStream, caseIDs: [String], asOf: Day) {
        guard let policy = stream.policy else { return nil }
        evaluator = CaseEvaluator(workspace: Workspace(config: stream.config, library: stream.library, cases: [], units: stream.units),
                                  policy: policy, asOf: asOf)
        signoffs = StatusSignoffs(root: stream.root, policy: policy, caseIDs: caseIDs, units: stream.units)
        policyID = policy.id
    }

    func derive(_ c: AuditCase) -> DerivedState {
        let s = evaluator.evaluate(c, signatures: signoffs.verdicts(c))
        return DerivedState(state: s.state.rawValue, unit: c.post.unit, official: c.official.name, termEnd: s.term.end.description,
                            asOf: evaluator.asOf.description, policy: policyID,
                            pending: s.audit.departments.filter { !$0.concluded }.map(\.department),
                            overdue: s.checklist.overdue.count + s.overdueFindings.count, people: CasePerson.named(in: c))
    }

    /// The section digests a revision records: the canonical sections, and the sign-off records.
    static func sectionDigests(_ c: AuditCase, _ digest: CaseDigest) -> [String: String] {
        var d = digest.sectionDigests
        if !c.signoffs.isEmpty {
            let text = c.signoffs.map { SignedMessage.text($0, caseID: c.id) + "\n" + $0.signature }.joined(separator: "\n")
            d["signoffs"] = CaseDigest.sha256Hex(Data(text.utf8))
        }
        return d
    }
}

/// Paths of documents and cases inside a workspace, checked so that nothing recorded can point outside it.
public enum StorePaths {
    /// Where the checklists in force are kept, relative to the workspace.
    public static let library = "checklists"

    public static func isSafe(_ path: String) -> Bool {
        guard !path.isEmpty, !path.hasPrefix("/"), !path.contains("\0"), !path.contains("\\"), path.utf8.count <= 1024 else { return false }
        return path.split(separator: "/", omittingEmptySubsequences: false).allSatisfy { $0 != "" && $0 != "." && $0 != ".." }
    }

    static func resolve(_ path: String, under root: URL) throws -> URL {
        guard isSafe(path) else {
            throw StoreError("bad-path", "the store records a document at '\(path)', which is not a plain relative path",
                             hint: "the store may have been altered; run `termaudit db check`")
        }
        return root.appendingPathComponent(path)
    }
}

extension StoreWorkspace {
    /// The revisions of a case after the last one whose text has this SHA-256 (all, when none has), for people:
    /// who, when, the note, and each field changed.
    public func changes(of caseID: String, sinceText sha: String) throws -> [String] {
        let history = try StoreHistory.history(self, caseID: caseID)
        let base = history.lastIndex { $0.revision.bodySHA256 == sha }
        var out: [String] = []
        for e in history[(base.map { $0 + 1 } ?? 0)...] {
            let r = e.revision
            out.append("r\(r.revision) \(StoreHistory.beijing(r.at)) 北京时间 \(r.author)" + (r.note.isEmpty ? "" : "「\(r.note)」")
                       + (r.withdrawn ? " 撤回 (withdrawn)" : ""))
            out += e.changes.prefix(20).map { "  \($0)" }
            if e.changes.count > 20 { out.append("  … \(e.changes.count - 20) more") }
        }
        return out
    }

    /// Writes case texts back to this store as new revisions by `author` (see `StoreCaseWriter`).
    public func writer(author: String, today: Day) -> StoreCaseWriter {
        StoreCaseWriter(workspace: self, author: author, today: today)
    }
}

/// A store as the place case texts are written back to: each replaced text is a new revision, all in one transaction,
/// each based on the revision whose text was read — a case whose current revision no longer holds that text (someone
/// wrote in between) stops the whole write with `CaseTextChanged`, and nothing is written.
public struct StoreCaseWriter: CaseTextStore {
    let workspace: StoreWorkspace
    let author: String
    let today: Day

    public func text(of c: AuditCase) throws -> String {
        guard case .record(let id, _) = c.origin else { throw StoreError("not-a-record", "\(c.location.file) was not read from the store") }
        guard let b = try workspace.store.caseBodies([id])[id] else { throw StoreError("unknown-case", "the store has no current revision of case \(id)") }
        return b.body
    }

    /// Reads a text as a revision of case `id`: parsed, checked, digested and derived; refused unless it is a valid
    /// case of that id.
    func checker() throws -> @Sendable (_ id: String, _ text: String, _ display: String) throws -> Store.NewCaseRevision {
        guard let ws = workspace.settings.workspace, let stream = workspace.stream(cases: []) else {
            throw StoreError("settings", "the store's settings cannot be read")
        }
        let context = CaseContext(ws)
        let ids = try workspace.store.caseList().map(\.caseID)
        guard let deriver = Deriver(stream: stream, caseIDs: ids, asOf: ws.config.asOf ?? today) else {
            throw StoreError("no-policy", "the store's policy is not defined")
        }
        return { id, text, display in
            let (c, diagnostics) = WorkspaceLoader.parseCase(data: Data(text.utf8), file: display, library: ws.library, policy: ws.policy, context: context)
            let errors = diagnostics.filter { $0.severity == .error }
            guard let c, errors.isEmpty, c.id == id else {
                throw StoreError("invalid", "the new text of case \(id) does not read as a valid case: \(errors.first.map(\.description) ?? "wrong id")")
            }
            let digest = CaseDigest(c)
            return Store.NewCaseRevision(caseID: id, path: "", body: text, digest: digest.digest, sectionDigests: Deriver.sectionDigests(c, digest),
                                         derived: deriver.derive(c))
        }
    }

    /// Adds a new case at `path` (workspace-relative, `cases/…/ID.yaml`): its first revision, by this writer's author.
    /// Refused when the id is taken — also by a withdrawn case, whose history keeps its id — or the path is, or the
    /// text is not a valid case of that id. Returns the new head.
    public func create(caseID: String, path: String, text: String, note: String) throws -> CaseHead {
        var new = try checker()(caseID, text, path)
        new.path = path
        let store = workspace.store, at = StoreClock.now(), author = self.author, new_ = new
        return try store.db.write { sql in
            if try store.heads(sql, ids: [caseID], lock: true)[caseID] != nil {
                throw StoreError("exists", "case \(caseID) exists already in \(store.location)", hint: "choose another case id")
            }
            if try sql.raw("SELECT case_id FROM cases WHERE path = \(bind: path)").first().wait() != nil {
                throw StoreError("exists", "\(path) is taken by another case in \(store.location)", hint: "choose another case id or folder")
            }
            return try Store.appendCase(sql, new_, after: nil, author: author, at: at, note: note)
        }
    }

    public func replace(_ edits: [CaseTextEdit], note: String) throws -> [String] {
        let revision = try checker()
        // Each new text checked before the transaction.
        var prepared: [(CaseTextEdit, Store.NewCaseRevision)] = []
        for e in edits {
            guard case .record(let id, _) = e.origin, id == e.caseID else { throw StoreError("not-a-record", "\(e.display) was not read from the store") }
            prepared.append((e, try revision(id, e.new, e.display)))
        }
        let store = workspace.store, merge = CaseMerge(workspace: workspace)
        let at = StoreClock.now(), author = self.author, prepared_ = prepared
        return try store.db.write { sql in
            var written: [String] = []
            for (e, new) in prepared_ {
                // The current revision, locked until the end of the transaction (PostgreSQL; SQLite holds the write lock).
                guard let head = try store.heads(sql, ids: [new.caseID], lock: true)[new.caseID], !head.withdrawn else {
                    throw CaseTextChanged(display: e.display, since: ["the case was withdrawn or is gone"])
                }
                var next = new
                if head.bodySHA256 != CaseDigest.sha256Hex(Data(e.old.utf8)) {
                    // Written since this text was read: merged field by field, or refused naming who changed what.
                    guard let theirs = try store.caseBodies([new.caseID])[new.caseID]?.body else { throw CaseTextChanged(display: e.display) }
                    next = try revision(new.caseID, try merge.merge(e, theirs: theirs), e.display)
                }
                next.path = head.path
                if CaseDigest.sha256Hex(Data((next.body ?? "").utf8)) == head.bodySHA256 {
                    written.append("\(store.location) \(head.caseID) r\(head.revision) (unchanged)")   // nothing new: no revision
                    continue
                }
                let h = try Store.appendCase(sql, next, after: head, author: author, at: at, note: note)
                written.append("\(store.location) \(h.caseID) r\(h.revision)")
            }
            return written
        }
    }
}

extension Store {
    /// Withdraws a case: a revision with no text (the case leaves the lists, its history stays). Refused for an
    /// unknown or already withdrawn case.
    @discardableResult
    public func withdraw(_ caseID: String, author: String, note: String) throws -> CaseHead {
        let at = StoreClock.now()
        return try db.write { sql in
            guard let head = try heads(sql, ids: [caseID], lock: true)[caseID] else {
                throw StoreError("unknown-case", "the store has no case '\(caseID)'")
            }
            guard !head.withdrawn else { throw StoreError("withdrawn", "case \(caseID) is already withdrawn (revision \(head.revision))") }
            let derived = DerivedState(state: head.state, unit: head.unit, official: head.official, termEnd: head.termEnd, asOf: "", policy: "")
            let new = NewCaseRevision(caseID: caseID, path: head.path, body: nil, digest: head.digest, sectionDigests: head.sectionDigests,
                                      derived: derived)
            return try Store.appendCase(sql, new, after: head, author: author, at: at, note: note)
        }
    }
}

extension StoreWorkspace {
    /// Derives every current case's state anew (for another reference date, or after the day changed for a workspace
    /// without `as_of`) and stores it in the case index, in one transaction. Revisions are not touched. Returns how
    /// many cases changed state.
    public func refresh(asOf: Day) throws -> (cases: Int, changed: Int) {
        guard let stream = try stream() else { throw StoreError("settings", "the store's settings cannot be read") }
        guard let deriver = Deriver(stream: stream, caseIDs: stream.entries.compactMap(\.id), asOf: asOf) else {
            throw StoreError("no-policy", "the store's policy is not defined")
        }
        let db = store.db
        let before = Dictionary(try store.list().map { ($0.caseID, $0.state) }, uniquingKeysWith: { a, _ in a })
        var count = 0, changed = 0
        try db.begin()
        do {
            try stream.forEach(transform: { c in deriver.derive(c) }) { c, _, derived in
                guard let c, let d = derived ?? nil else { return }
                try Store.rederive(db.sql, caseID: c.id, d)
                count += 1
                if before[c.id] != d.state { changed += 1 }
            }
            try db.commit()
        } catch {
            try? db.rollback()
            throw error
        }
        return (count, changed)
    }
}
