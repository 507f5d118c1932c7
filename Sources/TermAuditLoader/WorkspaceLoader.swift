import Foundation
import TermAudit

/// The result of loading: the workspace when it could be read, and every diagnostic of every file.
public struct LoadResult: Sendable {
    public var workspace: Workspace?
    public var diagnostics: [Diagnostic]
    /// The workspace folder.
    public var root: URL?
    /// Case files read, in order.
    public var files: [URL]

    /// Whether any diagnostic is an error.
    public var hasErrors: Bool { diagnostics.contains { $0.severity == .error } }

    /// The workspace's valid cases apart from the invalid ones, so that one broken case file does not hide the others:
    /// `settings` are the errors outside case files (settings, library, unit registry: nothing can be trusted then);
    /// `cases` the errors of case files, including duplicate ids (every case of a duplicated id is left out).
    public func partitioned() -> (valid: LoadResult, settings: [Diagnostic], cases: [Diagnostic]) {
        let caseFiles = Set(files.map { YAMLFiles.display($0) })
        let errors = diagnostics.filter { $0.severity == .error }
        let caseErrors = errors.filter { caseFiles.contains($0.location.file) }
        let settingsErrors = errors.filter { !caseFiles.contains($0.location.file) }
        let badFiles = Set(caseErrors.map(\.location.file))
        var valid = self
        if var ws = workspace {
            var counts: [String: Int] = [:]
            for c in ws.cases { counts[c.id, default: 0] += 1 }
            ws.cases = ws.cases.filter { !badFiles.contains($0.location.file) && counts[$0.id] == 1 }
            valid.workspace = ws
        }
        valid.diagnostics = diagnostics.filter { $0.severity != .error }
        return (valid, settingsErrors, caseErrors)
    }
}

/// Finds and loads a workspace: `termaudit.yaml`, the checklist library, and `cases/**/*.yaml`.
public enum WorkspaceLoader {
    /// The name of the workspace settings file.
    public static let configName = "termaudit.yaml"

    /// Loads the workspace at `path` (a workspace folder, a folder inside one, or a single case file).
    ///
    /// Every file is read and every error collected; files are parsed in parallel.
    public static func load(path: String, policyOverride: String? = nil) -> LoadResult {
        load(path: path, policyOverride: policyOverride, casesToo: true)
    }

    static func load(path: String, policyOverride: String?, casesToo: Bool) -> LoadResult {
        let url = URL(fileURLWithPath: path).standardizedFileURL
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDir) else {
            return LoadResult(workspace: nil, diagnostics: [Diagnostic(at: SourceLocation(file: path, line: 1, column: 1), code: "not-found",
                                                                         message: "no such file or folder: \(path)",
                                                                         hint: "give a workspace folder (with termaudit.yaml) or a case file")],
                              root: nil, files: [])
        }
        guard let root = findRoot(from: isDir.boolValue ? url : url.deletingLastPathComponent()) else {
            return LoadResult(workspace: nil, diagnostics: [Diagnostic(at: SourceLocation(file: path, line: 1, column: 1), code: "no-workspace",
                                                                         message: "no \(configName) in \(path) or any folder above it",
                                                                         hint: "run inside a workspace, or create \(configName) (see docs/case-file.md)")],
                              root: nil, files: [])
        }
        var diagnostics: [Diagnostic] = []
        let configURL = root.appendingPathComponent(configName)
        let configReader = YAMLReader(file: YAMLFiles.display(configURL))
        let config = readConfig(configURL, configReader)
        diagnostics += configReader.diagnostics
        guard var config else { return LoadResult(workspace: nil, diagnostics: diagnostics, root: root, files: []) }
        if let policyOverride { config.policy = policyOverride }

        guard let libraryURL = findLibrary(root: root, config: config) else {
            diagnostics.append(Diagnostic(at: SourceLocation(file: configReader.file, line: 1, column: 1), code: "no-library",
                                          message: "cannot find the checklists folder",
                                          hint: "set `library: PATH/TO/checklists` in \(configName) or TERMAUDIT_CHECKLISTS"))
            return LoadResult(workspace: nil, diagnostics: diagnostics, root: root, files: [])
        }
        let (library, libDiagnostics) = LibraryLoader.load(directory: libraryURL)
        diagnostics += libDiagnostics
        if libDiagnostics.contains(where: { $0.code == "no-library" }) {
            // Without checklists every policy, department and area would be reported unknown: show only the cause.
            return LoadResult(workspace: nil, diagnostics: diagnostics.sortedForDisplay(), root: root, files: [])
        }
        let configLoc = SourceLocation(file: configReader.file, line: 1, column: 1)
        if library.policies[config.policy] == nil {
            diagnostics.append(Diagnostic(at: configLoc, code: "unknown-policy", message: "policy '\(config.policy)' is not defined in \(YAMLFiles.display(libraryURL))",
                                          hint: Suggest.hint(for: config.policy, in: library.policies.keys.sorted())))
        }
        if let p = config.auditProgram, library.auditPrograms[p] == nil {
            diagnostics.append(Diagnostic(at: configLoc, code: "unknown-program", message: "audit program '\(p)' is not defined",
                                          hint: Suggest.hint(for: p, in: library.auditPrograms.keys.sorted())))
        }
        let departmentIDs = library.departments.map(\.id)
        for (p, items) in config.auditReassign.sorted(by: { $0.key < $1.key }) {
            guard let program = library.auditPrograms[p] else {
                diagnostics.append(Diagnostic(at: configLoc, code: "unknown-program", message: "audit_reassign names unknown audit program '\(p)'",
                                              hint: Suggest.hint(for: p, in: library.auditPrograms.keys.sorted())))
                continue
            }
            for (item, dept) in items.sorted(by: { $0.key < $1.key }) {
                if !program.items.contains(where: { $0.id == item }) {
                    diagnostics.append(Diagnostic(at: configLoc, code: "unknown-item", message: "audit_reassign: '\(item)' is not an item of \(p)",
                                                  hint: Suggest.hint(for: item, in: program.items.map(\.id))))
                }
                if !departmentIDs.contains(dept) {
                    diagnostics.append(Diagnostic(at: configLoc, code: "unknown-id", message: "audit_reassign: unknown department '\(dept)'",
                                                  hint: Suggest.hint(for: dept, in: departmentIDs)))
                }
            }
        }
        // The unit registry, when the workspace has one.
        var units: UnitRegistry?
        let unitsURL = root.appendingPathComponent(UnitsReader.fileName)
        if FileManager.default.fileExists(atPath: unitsURL.path) {
            let unitsReader = YAMLReader(file: YAMLFiles.display(unitsURL))
            units = UnitsReader.read(unitsURL, unitsReader)
            diagnostics += unitsReader.diagnostics
        }
        for t in config.handoverChecklists where library.handoverTemplates[t] == nil {
            diagnostics.append(Diagnostic(at: configLoc, code: "unknown-template", message: "handover checklist '\(t)' is not defined",
                                          hint: Suggest.hint(for: t, in: library.handoverTemplates.keys.sorted())))
        }

        if !casesToo {
            // `openStream` lists the case files itself, as paths.
            return LoadResult(workspace: Workspace(config: config, library: library, cases: [], units: units), diagnostics: diagnostics.sortedForDisplay(),
                              root: root, files: [])
        }
        let files = casePaths(url, isDirectory: isDir.boolValue, root: root, libraryURL: libraryURL).map { URL(fileURLWithPath: $0, isDirectory: false) }
        let (loaded, caseDiagnostics) = loadCases(files, library: library, policy: library.policies[config.policy], context: CaseContext(config, units: units))
        let cases = loaded.sorted { ($0.id, $0.location.file) < ($1.id, $1.location.file) }
        diagnostics += caseDiagnostics

        // Case ids are unique across files.
        var byID: [String: AuditCase] = [:]
        for c in cases {
            if let first = byID[c.id] {
                diagnostics.append(Diagnostic(at: c.location, code: "duplicate-case", message: "case id '\(c.id)' is also used by \(first.location.file)",
                                              hint: "give each case its own id"))
            } else {
                byID[c.id] = c
            }
        }
        let workspace = Workspace(config: config, library: library, cases: cases, units: units)
        return LoadResult(workspace: workspace, diagnostics: diagnostics.sortedForDisplay(), root: root, files: files)
    }

    /// The case files read for `url`, sorted: the file itself, or every YAML file under the folder except the settings
    /// and anything inside the checklists folder — at the workspace root, only those under `cases/`.
    static func casePaths(_ url: URL, isDirectory: Bool, root: URL, libraryURL: URL) -> [String] {
        guard isDirectory else { return [url.path] }
        let library = libraryURL.path + "/", cases = root.appendingPathComponent("cases").path + "/"
        let atRoot = url.path == root.path
        return YAMLFiles.listPaths(under: url.path).filter { p in
            !p.hasSuffix("/" + configName) && !p.hasPrefix(library) && (!atRoot || p.hasPrefix(cases))
        }
    }

    /// Parses case files in parallel; results keep the order of `files`.
    /// `context`: what the workspace settings add to the checks of each case (`CaseContext`).
    public static func loadCases(_ files: [URL], library: Library, policy: Policy?, context: CaseContext = CaseContext()) -> ([AuditCase], [Diagnostic]) {
        let results = ParallelMap.map(files) { file -> (AuditCase?, [Diagnostic]) in
            let reader = YAMLReader(file: YAMLFiles.display(file))
            guard let data = try? Data(contentsOf: file) else {
                reader.report(line: 1, column: 1, code: "unreadable", "cannot read the file")
                return (nil, reader.diagnostics)
            }
            guard let root = reader.parse(data: data) else { return (nil, reader.diagnostics) }
            var c = CaseReader(reader: reader, library: library, policy: policy, context: context).read(root)
            let o = origin(file, c)
            c?.origin = o
            return (c, reader.diagnostics)
        }
        return (results.compactMap(\.0), results.flatMap(\.1))
    }

    /// Parses one case from text (for tests and tools); the file name is used in diagnostics.
    public static func parseCase(text: String, file: String, library: Library, policy: Policy?, context: CaseContext = CaseContext()) -> (AuditCase?, [Diagnostic]) {
        let reader = YAMLReader(file: file)
        guard let root = reader.parse(data: Data(text.utf8)) else { return (nil, reader.diagnostics) }
        let c = CaseReader(reader: reader, library: library, policy: policy, context: context).read(root)
        return (c, reader.diagnostics)
    }

    /// Parses one case from a file's bytes, with the same checks as a file (size, encoding, BOM, NUL); for tools and
    /// the fuzz target.
    public static func parseCase(data: Data, file: String, library: Library, policy: Policy?, context: CaseContext = CaseContext()) -> (AuditCase?, [Diagnostic]) {
        let reader = YAMLReader(file: file)
        guard let root = reader.parse(data: data) else { return (nil, reader.diagnostics) }
        let c = CaseReader(reader: reader, library: library, policy: policy, context: context).read(root)
        return (c, reader.diagnostics)
    }

    static func findRoot(from start: URL) -> URL? {
        var dir = start
        while true {
            if FileManager.default.fileExists(atPath: dir.appendingPathComponent(configName).path) { return dir }
            let parent = dir.deletingLastPathComponent()
            if parent.path == dir.path { return nil }
            dir = parent
        }
    }

    /// The checklists folder: `library:` in the settings, else TERMAUDIT_CHECKLISTS, else `checklists/` in the
    /// workspace or the nearest folder above it.
    static func findLibrary(root: URL, config: WorkspaceConfig) -> URL? {
        if let lib = config.library {
            let u = lib.hasPrefix("/") ? URL(fileURLWithPath: lib) : root.appendingPathComponent(lib)
            return u.standardizedFileURL
        }
        if let env = ProcessInfo.processInfo.environment["TERMAUDIT_CHECKLISTS"], !env.isEmpty {
            return URL(fileURLWithPath: env).standardizedFileURL
        }
        return searchUp(from: root) ?? bundledLibrary()
    }

    static func searchUp(from start: URL) -> URL? {
        var dir = start
        while true {
            let c = dir.appendingPathComponent("checklists")
            if FileManager.default.fileExists(atPath: c.appendingPathComponent("vocabulary.yaml").path) { return c }
            let parent = dir.deletingLastPathComponent()
            if parent.path == dir.path { return nil }
            dir = parent
        }
    }

    /// The checklists that ship with termaudit: `share/termaudit/checklists` beside an installed binary,
    /// or the repository's `checklists/` above a binary built in `.build/`.
    static func bundledLibrary() -> URL? {
        let exe = URL(fileURLWithPath: CommandLine.arguments.first ?? "").resolvingSymlinksInPath()
        let bin = exe.deletingLastPathComponent()
        let installed = bin.deletingLastPathComponent().appendingPathComponent("share/termaudit/checklists")
        if FileManager.default.fileExists(atPath: installed.appendingPathComponent("vocabulary.yaml").path) { return installed }
        return searchUp(from: bin)
    }

    /// The checklists folder for commands that need no workspace: TERMAUDIT_CHECKLISTS, the workspace around the
    /// current folder, any `checklists/` above it, or the bundled one.
    public static func libraryForCurrentDirectory() -> URL? {
        let cwd = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
        if let root = findRoot(from: cwd), let c = readConfigQuietly(root), let u = findLibrary(root: root, config: c) { return u }
        if let env = ProcessInfo.processInfo.environment["TERMAUDIT_CHECKLISTS"], !env.isEmpty { return URL(fileURLWithPath: env) }
        return searchUp(from: cwd) ?? bundledLibrary()
    }

    /// The policy of the workspace around the current folder, if any.
    public static func workspacePolicyForCurrentDirectory() -> String? {
        let cwd = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
        guard let root = findRoot(from: cwd) else { return nil }
        return readConfigQuietly(root)?.policy
    }

    static func readConfigQuietly(_ root: URL) -> WorkspaceConfig? {
        let url = root.appendingPathComponent(configName)
        return readConfig(url, YAMLReader(file: url.path))
    }

    static func readConfig(_ url: URL, _ r: YAMLReader) -> WorkspaceConfig? {
        guard let data = try? Data(contentsOf: url) else {
            r.report(line: 1, column: 1, code: "unreadable", "cannot read the file")
            return nil
        }
        guard let root = r.parse(data: data),
              let f = r.mapping(root, of: "the workspace settings", keys: ["jurisdiction", "policy", "handover_checklists",
                                                                           "period", "as_of", "library", "audit_program", "audit_reassign"]) else { return nil }
        let jurisdiction = f.required("jurisdiction") { r.text($0, "jurisdiction") }
        let policy = f.required("policy") { r.identifier($0, "policy") }
        var lists: [String] = []
        _ = f.optional("handover_checklists") { n -> Bool? in
            r.sequence(n, of: "handover_checklists") { x, _ in if let id = r.identifier(x, "checklist id") { lists.append(id) } }
            return true
        }
        let period = f.optional("period") { r.text($0, "period") }
        let asOf = f.optional("as_of") { r.day($0, "as_of") }
        let library = f.optional("library") { r.text($0, "library") }
        let program = f.optional("audit_program") { r.identifier($0, "audit_program") }
        var reassign: [String: [String: String]] = [:]
        _ = f.optional("audit_reassign") { n -> Bool? in
            guard case .mapping(let m) = n else {
                r.report(n, code: "wrong-type", "audit_reassign should map program id → {item id: department}")
                return nil
            }
            for (pk, pv) in m {
                guard let pid = r.identifier(pk, "program id") else { continue }
                guard case .mapping(let items) = pv else {
                    r.report(pv, code: "wrong-type", "audit_reassign.\(pid) should map item id → department")
                    continue
                }
                for (ik, iv) in items {
                    if let iid = r.identifier(ik, "item id"), let d = r.identifier(iv, "department") { reassign[pid, default: [:]][iid] = d }
                }
            }
            return true
        }
        guard let jurisdiction, let policy else { return nil }
        return WorkspaceConfig(jurisdiction: jurisdiction, policy: policy, handoverChecklists: lists, period: period,
                               asOf: asOf, library: library, auditProgram: program, auditReassign: reassign)
    }
}

extension Array where Element == Diagnostic {
    /// Sorted by file, line, column; stable otherwise.
    func sortedForDisplay() -> [Diagnostic] {
        enumerated().sorted { a, b in
            if a.element.location != b.element.location { return a.element.location < b.element.location }
            return a.offset < b.offset
        }.map(\.element)
    }
}

/// Maps over an array on all cores, keeping order.
public enum ParallelMap {
    public static func map<T: Sendable, R: Sendable>(_ items: [T], _ transform: @Sendable (T) -> R) -> [R] {
        if items.count < 2 { return items.map(transform) }
        let box = ResultBox<R>(count: items.count)
        let chunks = Swift.min(items.count, Swift.max(1, ProcessInfo.processInfo.activeProcessorCount * 4))
        DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
            var i = chunk
            while i < items.count {
                box.set(i, transform(items[i]))
                i += chunks
            }
        }
        return box.values()
    }
}

private final class ResultBox<R: Sendable>: @unchecked Sendable {
    private var storage: [R?]
    private let lock = NSLock()

    init(count: Int) { storage = Array(repeating: nil, count: count) }

    func set(_ i: Int, _ v: R) {
        lock.lock()
        storage[i] = v
        lock.unlock()
    }

    func values() -> [R] { storage.map { $0! } }
}

/// What the workspace settings add to the checks of one case file.
public struct CaseContext: Sendable {
    /// The workspace's reference date: decisions, conclusions, signatures, assessment years and sanctions after it
    /// are errors. nil: not checked.
    public var asOf: Day?
    /// The audit program that applies to cases without an `audit:` section. With a program (the case's own or this
    /// one) departments are tracked, and every finding must belong to a department.
    public var auditProgram: String?
    /// The workspace's reassignment of audit items to departments (program → item → department).
    public var auditReassign: [String: [String: String]]
    /// The unit registry: with one, every `post.unit` and team member's `unit` must name a registered unit.
    public var units: UnitRegistry?

    public init(asOf: Day? = nil, auditProgram: String? = nil, auditReassign: [String: [String: String]] = [:],
                units: UnitRegistry? = nil) {
        self.asOf = asOf
        self.auditProgram = auditProgram
        self.auditReassign = auditReassign
        self.units = units
    }

    public init(_ config: WorkspaceConfig, units: UnitRegistry? = nil) {
        self.init(asOf: config.asOf, auditProgram: config.auditProgram, auditReassign: config.auditReassign, units: units)
    }

    /// The context of a loaded workspace.
    public init(_ workspace: Workspace) { self.init(workspace.config, units: workspace.units) }
}

/// A workspace opened for streaming: settings and library loaded, case files listed and ordered by case id,
/// cases parsed in parallel a few at a time so that memory does not grow with the number of cases.
public struct CaseStream: Sendable {
    /// One case file and the id found by a quick scan (nil when the file has no readable id).
    public struct Entry: Sendable {
        public var id: String?
        public var path: String

        public init(id: String?, path: String) {
            self.id = id
            self.path = path
        }
    }

    public var config: WorkspaceConfig
    public var library: Library
    public var root: URL
    /// The unit registry (`units.yaml`), when the workspace has one.
    public var units: UnitRegistry? = nil
    /// Case files in case-id order (for a store: each case's recorded path, which names it in messages).
    public var entries: [Entry]
    /// Problems found before any case was parsed: settings and library, and with `openStream` duplicate ids.
    public var diagnostics: [Diagnostic]
    /// Where the case texts come from: nil for the files at the entries' paths; a store gives its records.
    public var texts: (any CaseTextSource)? = nil
    /// The checklists folder in force.
    public var libraryURL: URL? = nil

    public init(config: WorkspaceConfig, library: Library, root: URL, units: UnitRegistry? = nil, entries: [Entry],
                diagnostics: [Diagnostic], texts: (any CaseTextSource)? = nil, libraryURL: URL? = nil) {
        self.config = config
        self.library = library
        self.root = root
        self.units = units
        self.entries = entries
        self.diagnostics = diagnostics
        self.texts = texts
        self.libraryURL = libraryURL
    }

    /// The policy in force.
    public var policy: Policy? { library.policies[config.policy] }

    /// Keeps only the cases with these ids; unknown ids are returned.
    public mutating func select(_ ids: [String]) -> [String] {
        guard !ids.isEmpty else { return [] }
        let known = Set(entries.compactMap(\.id))
        entries = entries.filter { $0.id.map(ids.contains) ?? false }
        return ids.filter { !known.contains($0) }
    }

    /// Parses the cases in parallel and hands each to `body`, in order, with its diagnostics (see the other `forEach`).
    public func forEach(batch: Int = 64, _ body: (AuditCase?, [Diagnostic]) throws -> Void) rethrows {
        try forEach(batch: batch, transform: { _ in () }) { c, diagnostics, _ in try body(c, diagnostics) }
    }

    /// Parses the cases on background threads (one per CPU), runs `transform` there on each case read without errors,
    /// and hands each case to `body` on the calling thread, in order, with its diagnostics and the transform's result
    /// (nil when the file did not parse or has errors).
    ///
    /// Work that does not need the caller's state — evaluating, digesting, rendering — belongs in `transform`, so that
    /// it runs in parallel and in the background while `body` handles earlier cases. At most `2 × batch` cases
    /// (and their results) are held at a time. When `body` throws, the background work stops before the error is
    /// rethrown; nothing runs in the background once this returns.
    ///
    /// `callerFirst`: for callers whose `body` keeps the calling thread busy (the export writes the workbook there).
    /// The parse threads then run at a lower scheduling priority, so that when CPUs are short the writer, which sets
    /// the pace, is not made to take turns with them; they use every CPU time it leaves.
    public func forEach<T: Sendable>(batch: Int = 64, callerFirst: Bool = false, transform: @escaping @Sendable (AuditCase) -> T,
                                     _ body: (AuditCase?, [Diagnostic], T?) throws -> Void) rethrows {
        let policy = self.policy, library = self.library, context = CaseContext(config, units: units)
        let entries = self.entries, texts = self.texts
        let paths = entries.map(\.path)
        guard !paths.isEmpty else { return }
        let pipeline = OrderedPipeline<(AuditCase?, [Diagnostic], T?)>(count: paths.count, window: Swift.max(1, 2 * batch)) { i in
            let (c, diagnostics) = texts.map { WorkspaceLoader.parseText($0, index: i, of: entries, library: library, policy: policy, context: context) }
                ?? WorkspaceLoader.parseFile(URL(fileURLWithPath: paths[i]), library: library, policy: policy, context: context)
            guard let c, !diagnostics.contains(where: { $0.severity == .error }) else { return (c, diagnostics, nil) }
            return (c, diagnostics, transform(c))
        }
        pipeline.start(workers: Swift.min(paths.count, Swift.max(1, ProcessInfo.processInfo.activeProcessorCount)),
                       lowerPriority: callerFirst)
        defer { pipeline.stop() }
        for i in 0..<paths.count {
            let item = pipeline.take(i)
            try body(item.0, item.1, item.2)
            pipeline.discard(item)
        }
    }
}

/// The text of one case from somewhere other than a file (a store's record).
public struct CaseText: Sendable {
    public var data: Data
    public var origin: CaseOrigin

    public init(data: Data, origin: CaseOrigin) {
        self.data = data
        self.origin = origin
    }
}

/// Where a `CaseStream`'s case texts come from when they are not files: called on the stream's worker threads, in
/// roughly ascending order of `index`, so a source may read ahead in batches.
public protocol CaseTextSource: Sendable {
    func text(at index: Int, of entries: [CaseStream.Entry]) throws -> CaseText
}

/// Items `0..<count` made by `make` on worker threads and taken in order by one consumer; a worker starts item `i`
/// only when the consumer has taken item `i - window`, so at most `window` results wait at a time.
///
/// `@unchecked Sendable`: every mutable property is read and written only with `condition` locked.
private final class OrderedPipeline<Item: Sendable>: @unchecked Sendable {
    private let condition = NSCondition()
    private let count: Int
    private let window: Int
    private let make: @Sendable (Int) -> Item
    /// Results by `index % window`.
    private var slots: [Item?]
    /// The next item a worker will make.
    private var next = 0
    /// Items taken by the consumer.
    private var taken = 0
    private var stopped = false
    private var running = 0
    /// Items the consumer is done with, freed by the next worker to start an item: tearing a case down is not the
    /// consumer's work.
    private var done: [Item] = []

    init(count: Int, window: Int, make: @escaping @Sendable (Int) -> Item) {
        self.count = count
        self.window = window
        self.make = make
        slots = Array(repeating: nil, count: window)
    }

    /// Starts the workers: threads of their own, not Dispatch's, since they wait while the consumer catches up and
    /// would otherwise hold Dispatch's few threads (one per CPU on Linux) away from other work.
    func start(workers: Int, lowerPriority: Bool = false) {
        condition.lock()
        running = workers
        condition.unlock()
        for _ in 0..<workers {
            let thread = Thread {
                #if os(Linux)
                // Linux keeps a nice value per thread, and `who` 0 names the calling thread: 5 steps below the
                // caller gives a third of its CPU share when they compete.
                if lowerPriority {
                    let who = __priority_which_t(PRIO_PROCESS.rawValue)
                    _ = setpriority(who, 0, getpriority(who, 0) + 5)
                }
                #endif
                self.work()
            }
            thread.name = "termaudit-parse"
            thread.stackSize = 8 << 20
            thread.start()
        }
    }

    private func work() {
        var garbage: [Item] = []
        condition.lock()
        while true {
            while !stopped && next < count && next >= taken + window { condition.wait() }
            if stopped || next >= count { break }
            let i = next
            next += 1
            swap(&garbage, &done)
            condition.unlock()
            garbage.removeAll(keepingCapacity: true)
            let item = make(i)
            condition.lock()
            slots[i % window] = item
            condition.broadcast()
        }
        running -= 1
        condition.broadcast()
        condition.unlock()
    }

    /// Waits for item `i` (taken in order, each once).
    func take(_ i: Int) -> Item {
        condition.lock()
        defer { condition.unlock() }
        while slots[i % window] == nil { condition.wait() }
        let item = slots[i % window].take()!
        taken = i + 1
        condition.broadcast()
        return item
    }

    /// Hands back an item the consumer is done with, to be freed on a worker thread.
    func discard(_ item: Item) {
        condition.lock()
        done.append(item)
        condition.unlock()
    }

    /// Stops the workers (each finishes the item it is making) and waits for them.
    func stop() {
        condition.lock()
        stopped = true
        condition.broadcast()
        while running > 0 { condition.wait() }
        condition.unlock()
    }
}

/// What `WorkspaceLoader.load` reports about the cases of a workspace, gathered from a `CaseStream` one case at a time
/// without keeping the cases: the diagnostics of every file, duplicate case ids (reported as `load` does: at the later
/// file in (id, file) order), and the number of cases read. Only the id and location of each case are kept.
public struct CaseCheck: Sendable {
    /// Cases read (files that gave a case, with or without errors).
    public private(set) var caseCount = 0
    /// Whether any diagnostic so far is an error (duplicate ids are found only by `diagnostics()`).
    public private(set) var hasErrors: Bool
    private var settings: [Diagnostic]
    private var found: [Diagnostic] = []
    private var cases: [(id: String, location: SourceLocation)] = []

    /// Starts from the diagnostics of the settings and the library (from `WorkspaceLoader.openForChecking`).
    public init(settings: [Diagnostic]) {
        self.settings = settings
        hasErrors = settings.contains { $0.severity == .error }
    }

    /// Notes one file's result.
    public mutating func add(_ c: AuditCase?, _ diagnostics: [Diagnostic]) {
        found += diagnostics
        if !hasErrors && diagnostics.contains(where: { $0.severity == .error }) { hasErrors = true }
        if let c {
            caseCount += 1
            // Fresh copies, made here: keeping the parser's own strings would pin the memory around them.
            var location = c.location
            location.file = String(decoding: Array(location.file.utf8), as: UTF8.self)
            cases.append((String(decoding: Array(c.id.utf8), as: UTF8.self), location))
        }
    }

    /// The ids of the cases read, in the order of `WorkspaceLoader.load` (by id, then file).
    public var caseIDs: [String] { ordered.map(\.id) }

    private var ordered: [(id: String, location: SourceLocation)] {
        cases.sorted { ($0.id, $0.location.file) < ($1.id, $1.location.file) }
    }

    /// Every diagnostic, sorted for display: the same list, in the same order, as `WorkspaceLoader.load` gives.
    public func diagnostics() -> [Diagnostic] {
        var all = settings + found
        var first: (id: String, location: SourceLocation)?
        for c in ordered {
            if let f = first, f.id == c.id {
                all.append(Diagnostic(at: c.location, code: "duplicate-case", message: "case id '\(c.id)' is also used by \(f.location.file)",
                                      hint: "give each case its own id"))
            } else {
                first = c
            }
        }
        return all.sortedForDisplay()
    }
}

extension WorkspaceLoader {
    /// Opens a workspace for streaming (see `CaseStream`); case-level problems are reported as the cases are read.
    public static func openStream(path: String, policyOverride: String? = nil) -> (CaseStream?, [Diagnostic]) {
        let url = URL(fileURLWithPath: path).standardizedFileURL
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDir) else {
            return (nil, [Diagnostic(at: SourceLocation(file: path, line: 1, column: 1), code: "not-found", message: "no such file or folder: \(path)")])
        }
        // Settings and library: the same checks as `load`, with no case files.
        let probe = load(path: path, policyOverride: policyOverride, casesToo: false)
        guard let ws = probe.workspace, let root = probe.root, !probe.hasErrors,
              let libraryURL = findLibrary(root: root, config: ws.config) else { return (nil, probe.diagnostics) }
        let entries = orderedEntries(url, isDirectory: isDir.boolValue, root: root, libraryURL: libraryURL, library: ws.library)
        var diagnostics: [Diagnostic] = []
        var previous: CaseStream.Entry?
        for e in entries {
            if let id = e.id, let p = previous, p.id == id {
                diagnostics.append(Diagnostic(at: idLocation(path: e.path, library: ws.library),
                                              code: "duplicate-case", message: "case id '\(id)' is also used by \(YAMLFiles.display(URL(fileURLWithPath: p.path)))",
                                              hint: "give each case its own id"))
            }
            previous = e
        }
        return (CaseStream(config: ws.config, library: ws.library, root: root, units: ws.units, entries: entries, diagnostics: diagnostics,
                           libraryURL: libraryURL), diagnostics)
    }

    /// Opens a workspace to read every case, for commands that report as `load` does (`validate`, `status`) but stream:
    /// the diagnostics are those `load` gives before reading case files, and the stream is returned whenever the
    /// settings and the library could be read — also when they have errors, since `load` then still reads (and
    /// reports) the case files. No duplicate check is made here: feed the cases to a `CaseCheck`.
    /// The settings, library and unit registry of the workspace at `path`, checked as `load` checks them, without
    /// reading any case file.
    public static func loadSettings(path: String, policyOverride: String? = nil) -> LoadResult {
        load(path: path, policyOverride: policyOverride, casesToo: false)
    }

    public static func openForChecking(path: String, policyOverride: String? = nil) -> (CaseStream?, [Diagnostic]) {
        let probe = load(path: path, policyOverride: policyOverride, casesToo: false)
        let url = URL(fileURLWithPath: path).standardizedFileURL
        var isDir: ObjCBool = false
        guard let ws = probe.workspace, let root = probe.root, let libraryURL = findLibrary(root: root, config: ws.config),
              FileManager.default.fileExists(atPath: url.path, isDirectory: &isDir) else { return (nil, probe.diagnostics) }
        let entries = orderedEntries(url, isDirectory: isDir.boolValue, root: root, libraryURL: libraryURL, library: ws.library)
        return (CaseStream(config: ws.config, library: ws.library, root: root, units: ws.units, entries: entries, diagnostics: probe.diagnostics,
                           libraryURL: libraryURL), probe.diagnostics)
    }

    /// The case files for `url` in case-id order. A quick scan finds each file's id; a file whose id the scan cannot
    /// read for certain (flow style, quotes with escapes, a tag, the value on the next line …) is parsed to find it,
    /// so that the order is the same as `load`'s; files that do not give a case come last, by path.
    static func orderedEntries(_ url: URL, isDirectory: Bool, root: URL, libraryURL: URL, library: Library) -> [CaseStream.Entry] {
        let paths = casePaths(url, isDirectory: isDirectory, root: root, libraryURL: libraryURL)
        let ids = ParallelMap.map(paths) { path in
            quickID(path: path) ?? parseFile(URL(fileURLWithPath: path), library: library, policy: nil).0?.id
        }
        var entries = zip(ids, paths).map { CaseStream.Entry(id: $0.0, path: $0.1) }
        entries.sort { ($0.id ?? "\u{10FFFF}", $0.path) < ($1.id ?? "\u{10FFFF}", $1.path) }
        return entries
    }

    /// Where `validate` reports a duplicate case id: the `id:` value in that file (found by parsing it; rare).
    static func idLocation(path: String, library: Library) -> SourceLocation {
        let url = URL(fileURLWithPath: path)
        return parseFile(url, library: library, policy: nil).0?.location ?? SourceLocation(file: YAMLFiles.display(url), line: 1, column: 1)
    }

    /// Parses one case file.
    static func parseFile(_ file: URL, library: Library, policy: Policy?, context: CaseContext = CaseContext()) -> (AuditCase?, [Diagnostic]) {
        let reader = YAMLReader(file: YAMLFiles.display(file))
        guard let data = try? Data(contentsOf: file) else {
            reader.report(line: 1, column: 1, code: "unreadable", "cannot read the file")
            return (nil, reader.diagnostics)
        }
        guard let root = reader.parse(data: data) else { return (nil, reader.diagnostics) }
        var c = CaseReader(reader: reader, library: library, policy: policy, context: context).read(root)
        let o = origin(file, c)
        c?.origin = o
        return (c, reader.diagnostics)
    }

    /// Parses one case of a text source (a store's record).
    static func parseText(_ source: any CaseTextSource, index: Int, of entries: [CaseStream.Entry], library: Library, policy: Policy?,
                          context: CaseContext) -> (AuditCase?, [Diagnostic]) {
        let name = entries[index].path
        let text: CaseText
        do {
            text = try source.text(at: index, of: entries)
        } catch {
            let reader = YAMLReader(file: name)
            reader.report(line: 1, column: 1, code: "unreadable", "cannot read the case: \(error)")
            return (nil, reader.diagnostics)
        }
        var (c, diagnostics) = parseCase(data: text.data, file: name, library: library, policy: policy, context: context)
        c?.origin = text.origin
        if c == nil, diagnostics.isEmpty {
            diagnostics = [Diagnostic(at: SourceLocation(file: name, line: 1, column: 1), code: "unreadable", message: "the record holds no case")]
        }
        return (c, diagnostics)
    }

    /// A case file's origin: its absolute path, and where the case starts in it.
    static func origin(_ file: URL, _ c: AuditCase?) -> CaseOrigin {
        .file(path: file.standardizedFileURL.path, line: c?.location.line ?? 1, column: c?.location.column ?? 1)
    }

    /// The value of a top-level `id:` line (block style), without parsing the YAML; nil when there is none or when
    /// it is not certainly the id the parser will read (anything but a valid id, plain or in quotes without escapes).
    static func quickID(path: String) -> String? {
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        var bytes = data[...]
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes = bytes.dropFirst(3) }
        var lineStart = bytes.startIndex
        while lineStart < bytes.endIndex {
            let lineEnd = bytes[lineStart...].firstIndex(of: 10) ?? bytes.endIndex
            let line = bytes[lineStart..<lineEnd]
            if line.starts(with: Array("id:".utf8)) {
                var v = String(decoding: line.dropFirst(3), as: UTF8.self)
                if let hash = v.range(of: " #") { v = String(v[..<hash.lowerBound]) }
                v = v.trimmingCharacters(in: .whitespaces.union(CharacterSet(charactersIn: "\r")))
                if v.count >= 2, let f = v.first, f == v.last, f == "\"" || f == "'" { v = String(v.dropFirst().dropLast()) }
                return isPlainID(v) ? v : nil
            }
            lineStart = lineEnd < bytes.endIndex ? bytes.index(after: lineEnd) : bytes.endIndex
        }
        return nil
    }

    /// Whether `s` is a valid case id as `YAMLReader.identifier` checks it: up to 64 ASCII letters, digits, '-', '_'
    /// or '.', starting with a letter or digit. Such text reads the same plain or quoted.
    static func isPlainID(_ s: String) -> Bool {
        func alphanumeric(_ b: UInt8) -> Bool { (b >= 0x30 && b <= 0x39) || (b | 0x20 >= 0x61 && b | 0x20 <= 0x7A) }
        let u = s.utf8
        return u.count <= 64 && u.first.map(alphanumeric) == true
            && u.allSatisfy { alphanumeric($0) || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: ".") }
    }
}
