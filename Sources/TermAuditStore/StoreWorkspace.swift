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
    public func stream(heads: [CaseHead]) -> CaseStream? {
        guard let ws = settings.workspace else { return nil }
        let entries = heads.map { CaseStream.Entry(id: $0.caseID, path: $0.path) }
        return CaseStream(config: ws.config, library: ws.library, root: root, units: ws.units, entries: entries,
                          diagnostics: settings.diagnostics, texts: StoreCaseTexts(store: store),
                          libraryURL: root.appendingPathComponent(StorePaths.library))
    }

    /// Every current case, read and checked (for the commands that hold the workspace in memory: rank, sign, verify).
    public func load() throws -> LoadResult {
        var result = settings
        guard var ws = settings.workspace else { return result }
        let heads = try store.heads()
        guard let stream = stream(heads: heads) else { return result }
        var cases: [AuditCase] = []
        var diagnostics = settings.diagnostics
        stream.forEach { c, d in
            if let c { cases.append(c) }
            diagnostics += d
        }
        ws.cases = cases
        result.workspace = ws
        result.diagnostics = diagnostics
        return result
    }
}

/// Case texts read from the store in batches, in the order the stream asks for them.
///
/// `@unchecked Sendable`: `cache` is read and written only with `lock` held.
final class StoreCaseTexts: CaseTextSource, @unchecked Sendable {
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
                            asOf: evaluator.asOf.description, policy: policyID)
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
