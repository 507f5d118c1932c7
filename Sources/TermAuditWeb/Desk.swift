import Foundation
import NIOPosix
import TermAudit
import TermAuditLoader
import TermAuditReport
import TermAuditRules
import TermAuditStore

/// What the web application reads and writes, over one store: the workspace's settings read once, each case read
/// from its current revision and evaluated by the same rules as the command line. Store calls block, so they run
/// on the desk's thread pool (`blocking`), never on an event loop.
public final class Desk: Sendable {
    public let store: Store
    public let workspace: StoreWorkspace
    public let library: Library
    public let policy: Policy
    let stream: CaseStream
    let evaluator: CaseEvaluator
    let signoffs: StatusSignoffs
    /// The ids of the cases when the desk opened (a signature copied from one of them to another is `wrong-case`).
    let caseIDs: [String]
    let pool: NIOThreadPool

    /// The settings' errors (the workspace cannot be served with them).
    public struct Unservable: Error, CustomStringConvertible {
        public var diagnostics: [Diagnostic]
        public var description: String {
            (["the store's workspace settings have errors:"] + diagnostics.filter { $0.severity == .error }.map { "  \($0)" })
                .joined(separator: "\n")
        }
    }

    private init(store: Store, workspace: StoreWorkspace, stream: CaseStream, policy: Policy, evaluator: CaseEvaluator,
                 signoffs: StatusSignoffs, caseIDs: [String], pool: NIOThreadPool) {
        self.store = store
        self.workspace = workspace
        self.library = stream.library
        self.policy = policy
        self.stream = stream
        self.evaluator = evaluator
        self.signoffs = signoffs
        self.caseIDs = caseIDs
        self.pool = pool
    }

    /// Opens the store's workspace for serving; `asOf` defaults to the workspace's `as_of`, else today in Beijing.
    public static func open(_ store: Store, asOf: Day? = nil, threads: Int = 4) throws -> Desk {
        let workspace = try StoreWorkspace.open(store)
        guard let stream = try workspace.stream(), let policy = stream.policy,
              !workspace.settings.diagnostics.contains(where: { $0.severity == .error }) else {
            workspace.close()
            throw Unservable(diagnostics: workspace.settings.diagnostics)
        }
        let day = asOf ?? stream.config.asOf ?? beijingToday()
        // The list reads each case's state from the store's index: derived anew when it was derived for another day
        // or policy (a workspace without as_of on a new day, another --as-of, a newer schema's columns).
        if try store.staleCount(asOf: day.description, policy: policy.id) > 0 {
            do { _ = try workspace.refresh(asOf: day) } catch {
                workspace.close()
                throw error
            }
        }
        let evaluator = CaseEvaluator(workspace: Workspace(config: stream.config, library: stream.library, cases: [], units: stream.units),
                                      policy: policy, asOf: day)
        let caseIDs = stream.entries.compactMap(\.id)
        let signoffs = StatusSignoffs(root: stream.root, policy: policy, caseIDs: caseIDs, units: stream.units)
        let pool = NIOThreadPool(numberOfThreads: threads)
        pool.start()
        return Desk(store: store, workspace: workspace, stream: stream, policy: policy, evaluator: evaluator, signoffs: signoffs, caseIDs: caseIDs,
                    pool: pool)
    }

    public func close() async {
        try? await pool.shutdownGracefully()
        workspace.close()
    }

    /// The reference date the cases are evaluated on.
    public var asOf: Day { evaluator.asOf }

    /// Runs `body` (which may block on the store) on the desk's threads.
    public func blocking<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await pool.runIfActive(body)
    }

    static func beijingToday() -> Day {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "Asia/Shanghai")!
        let c = calendar.dateComponents([.year, .month, .day], from: Date())
        return Day(year: c.year!, month: c.month!, day: c.day!)!
    }

    // MARK: One case

    /// A case as the application shows it: the status the rules give, at a revision.
    public struct CaseView: Sendable {
        public var status: CaseStatus
        public var revision: Int
        public var json: CaseJSON { CaseJSON(status, library: library) }
        let library: Library
    }

    /// Why a case cannot be shown: its current text has errors (possible only when written around termaudit).
    public struct InvalidCase: Error {
        public var diagnostics: [Diagnostic]
    }

    /// The current revision of `caseID`, read and evaluated; nil when there is no such (current) case. Blocks.
    public func caseView(_ caseID: String) throws -> CaseView? {
        guard let body = try store.caseBodies([caseID])[caseID] else { return nil }
        let (c, diagnostics) = parse(caseID: caseID, path: body.path, text: body.body, revision: body.revision)
        guard let c else { throw InvalidCase(diagnostics: diagnostics) }
        let status = evaluator.evaluate(c, signatures: signoffs.verdicts(c))
        return CaseView(status: status, revision: body.revision, library: library)
    }

    /// Reads one case text exactly as the command line reads a case file of the workspace.
    func parse(caseID: String, path: String, text: String, revision: Int) -> (AuditCase?, [Diagnostic]) {
        var one = stream
        one.entries = [CaseStream.Entry(id: caseID, path: path)]
        one.diagnostics = []
        one.texts = OneCaseText(text: CaseText(data: Data(text.utf8), origin: .record(id: caseID, revision: revision)))
        var result: (AuditCase?, [Diagnostic]) = (nil, [])
        one.forEach { c, d in result = (c, d) }
        return result
    }
}

/// One case text, given.
struct OneCaseText: CaseTextSource {
    let text: CaseText
    func text(at index: Int, of entries: [CaseStream.Entry]) throws -> CaseText { text }
}
