import ArgumentParser
import Foundation
import TermAudit
import TermAuditLoader
import TermAuditReport
import TermAuditStore

/// Opening a workspace from a folder or, with `--database`, from a store.
enum Workspaces {
    /// The stores' workspaces opened while the command runs (their private settings folders are removed at exit).
    nonisolated(unsafe) static var openedAll: [StoreWorkspace] = []
    static var opened: StoreWorkspace? { openedAll.last }

    /// Runs `body`; a store's refusal (or, with `anyError`, any error) is printed on stderr and ends the command with
    /// status 1.
    static func refusing<T>(anyError: Bool = false, _ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let e as StoreError {
            Terminal.eprint("error: \(e)")
            throw ExitCode(1)
        } catch where anyError && !(error is ExitCode) {
            Terminal.eprint("error: \(error)")
            throw ExitCode(1)
        }
    }

    static func store(_ url: String, create: Bool = false) throws -> Store {
        let location: StoreLocation
        do { location = try StoreLocation(url) } catch { throw ValidationError("--database: \(error)") }
        return try refusing { try Store.open(location, create: create) }
    }

    static func openStore(_ url: String, policy: String? = nil) throws -> StoreWorkspace {
        let store = try store(url)
        let ws = try refusing { try StoreWorkspace.open(store, policyOverride: policy) }
        if openedAll.isEmpty { atexit { for w in Workspaces.openedAll { w.close() } } }
        openedAll.append(ws)
        return ws
    }

    /// Who changes the store from this command line: TERMAUDIT_USER, else the login name.
    static func author() -> String {
        let env = ProcessInfo.processInfo.environment
        if let name = env["TERMAUDIT_USER"] ?? env["USER"] ?? env["LOGNAME"], !name.isEmpty { return name }
        if let pw = getpwuid(getuid()), let name = pw.pointee.pw_name { return String(cString: name) }
        return "unknown"
    }

    /// Where changed cases are written: the folder's files, or (with `--database`, after `openStore`) the store.
    static func texts(database: String?) throws -> any CaseTextStore {
        guard database != nil, let ws = opened else { return FolderCaseTexts() }
        return ws.writer(author: author(), today: Session.today())
    }

    /// `WorkspaceLoader.openStream` for a folder, or the same for a store (whose case ids are unique by construction).
    static func openStream(_ options: WorkspaceOptions) throws -> (CaseStream?, [Diagnostic]) {
        guard options.database != nil else { return WorkspaceLoader.openStream(path: options.path, policyOverride: options.policy) }
        let ws = try openStore(options.database!, policy: options.policy)
        guard !ws.settings.hasErrors else { return (nil, ws.settings.diagnostics) }
        return (try ws.stream(), ws.settings.diagnostics)
    }

    /// `WorkspaceLoader.openForChecking` for a folder, or the same for a store.
    static func openForChecking(_ options: WorkspaceOptions) throws -> (CaseStream?, [Diagnostic]) {
        guard options.database != nil else { return WorkspaceLoader.openForChecking(path: options.path, policyOverride: options.policy) }
        let ws = try openStore(options.database!, policy: options.policy)
        return (try ws.stream(), ws.settings.diagnostics)
    }
}

/// `termaudit db`: the shared store.
struct Db: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "共享库 — the shared store (SQLite or PostgreSQL): create, import, export, check, history.",
        discussion: """
        A store keeps what a workspace folder keeps, every change to a case as a new revision (hash-chained).
        --database takes sqlite:PATH (or a path ending in .db) or postgres://USER:PASSWORD@HOST:PORT/DB.
        """,
        subcommands: [DbMigrate.self, DbImport.self, DbExport.self, DbList.self, DbHistory.self, DbCheck.self, DbWithdraw.self, DbRefresh.self]
    )
}

struct DatabaseOption: ParsableArguments {
    @Option(help: "sqlite:PATH (or PATH.db) or postgres://USER:PASSWORD@HOST:PORT/DB.")
    var database: String
}

/// `termaudit db migrate`: creates the store or brings its schema up to date.
struct DbMigrate: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "migrate", abstract: "Create the store, or bring its schema up to date.")

    @OptionGroup var db: DatabaseOption

    func run() throws {
        let store = try Workspaces.store(db.database, create: true)
        let applied = store.migrated
        let history = try store.migrations()
        store.close()
        if applied.isEmpty {
            print("✓ \(store.location): schema version \(history.last?.version ?? 0), up to date")
        } else {
            for m in history where applied.contains(m.version) { print("+ version \(m.version): \(m.description)") }
            print("✓ \(store.location): schema version \(history.last?.version ?? 0)")
        }
    }
}

/// `termaudit db import`: a folder workspace into the store.
struct DbImport: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Import a workspace folder into the store (a new revision for each case that changed).",
        discussion: "Every case must be valid; otherwise nothing is written. Creates the store when it does not exist."
    )

    @Argument(help: "The workspace folder (with termaudit.yaml).")
    var workspace: String

    @OptionGroup var db: DatabaseOption

    @Option(help: "Who imports (recorded with each revision; default: TERMAUDIT_USER, else the login name).")
    var author: String?

    @Option(help: "A note recorded with each revision.")
    var note: String?

    func run() throws {
        let store = try Workspaces.store(db.database, create: true)
        defer { store.close() }
        let who = author ?? Workspaces.author()
        let summary = try Workspaces.refusing {
            do {
                return try FolderTransfer.importFolder(workspace, into: store, author: who, note: note ?? "db import", today: Session.today())
            } catch let e as FolderImportRefused {
                store.close()
                Session.fail(e.diagnostics)
            }
        }
        for id in summary.added { print("+ \(id)") }
        for id in summary.changed { print("~ \(id)") }
        for d in summary.documents { print("~ \(d)") }
        print("✓ \(store.location): \(summary.added.count) 新增, \(summary.changed.count) 更新, \(summary.unchanged) 未变"
              + " (\(summary.added.count) added, \(summary.changed.count) changed, \(summary.unchanged) unchanged; \(summary.documents.count) documents changed)")
        if !summary.notInFolder.isEmpty {
            Terminal.eprint("note: \(summary.notInFolder.count) cases in the store are not in the folder and were kept: "
                            + summary.notInFolder.prefix(10).joined(separator: ", ") + (summary.notInFolder.count > 10 ? ", …" : ""))
        }
    }
}

/// `termaudit db export`: the store's workspace as a folder.
struct DbExport: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write the store's workspace to a new folder (settings, checklists, every current case as recorded)."
    )

    @OptionGroup var db: DatabaseOption

    @Option(help: "The folder to create (must not exist, or be empty).")
    var out: String

    func run() throws {
        let store = try Workspaces.store(db.database)
        defer { store.close() }
        let n = try Workspaces.refusing { try FolderTransfer.exportFolder(store, to: URL(fileURLWithPath: out)) }
        print("✓ \(out): \(n.cases) 个案卷, \(n.documents) 个设置与清单文件 (\(n.cases) cases, \(n.documents) documents)")
    }
}


/// `termaudit db check`: re-verifies every hash chain and the case index.
struct DbCheck: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Re-verify the store: every revision's hash chain, text and digest, and the case index.",
        discussion: "Exit status 0 when everything verifies, 1 when something does not (each broken chain named at its first broken revision)."
    )

    @OptionGroup var db: DatabaseOption

    func run() throws {
        let ws = try Workspaces.openStore(db.database)
        let report = try Workspaces.refusing(anyError: true) { try StoreCheck.run(ws) }
        for p in report.problems { print("✗ \(p)") }
        if report.problems.isEmpty {
            print("✓ \(ws.store.location): \(report.cases) 个案卷、\(report.revisions) 个版本、\(report.documents) 个文件，链条完整"
                  + " (\(report.cases) cases, \(report.revisions) revisions, \(report.documents) documents: every chain verifies)")
        } else {
            print("✗ \(report.problems.count) 处问题 (\(report.problems.count) problems)")
            throw ExitCode(1)
        }
    }
}

/// `termaudit db history`: a case's revisions, field by field.
struct DbHistory: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "history",
        abstract: "A case's revisions: who, when (Beijing time), the sections and fields changed."
    )

    @Argument(help: "The case id.")
    var caseID: String

    @OptionGroup var db: DatabaseOption

    @Option(help: "Output format: text or json.")
    var format: OutputFormat = .text

    func run() throws {
        let ws = try Workspaces.openStore(db.database)
        let entries = try Workspaces.refusing(anyError: true) { try StoreHistory.history(ws, caseID: caseID) }
        switch format {
        case .json:
            print(try JSONOutput.string(entries.map(HistoryJSON.init)))
        case .text:
            print("\(caseID) — \(entries.count) 个版本 (\(entries.count) revision\(entries.count == 1 ? "" : "s"))")
            for e in entries {
                let r = e.revision
                print("")
                print("r\(r.revision)  \(StoreHistory.beijing(r.at)) 北京时间  \(r.author)" + (r.note.isEmpty ? "" : "  「\(r.note)」"))
                print("    digest \(r.digest.prefix(16))…  hash \(r.hash.prefix(16))…")
                if r.revision == 1 {
                    print("    首个版本 (first revision)")
                    continue
                }
                if r.withdrawn { print("    撤回 (withdrawn)") }
                print("    改动部分 (sections): " + (r.sections.isEmpty ? "无（仅注释或格式） none (comments or layout only)" : r.sections.joined(separator: ", ")))
                for c in e.changes { print("    \(c)") }
            }
        }
    }

    struct HistoryJSON: Encodable {
        var revision: Int, at: String, author: String, note: String, digest: String, previousDigest: String, hash: String
        var withdrawn: Bool, sections: [String], changes: [Change]
        struct Change: Encodable { var path: String, old: String?, new: String? }
        enum CodingKeys: String, CodingKey {
            case revision, at, author, note, digest, previousDigest = "previous_digest", hash, withdrawn, sections, changes
        }
        init(_ e: StoreHistory.Entry) {
            let r = e.revision
            revision = r.revision; at = r.at; author = r.author; note = r.note; digest = r.digest; previousDigest = r.previousDigest
            hash = r.hash; withdrawn = r.withdrawn; sections = r.sections
            changes = r.revision == 1 ? [] : e.changes.map { Change(path: $0.path, old: $0.old, new: $0.new) }
        }
    }
}


/// `termaudit db list`: the cases from the store's index, by state and unit, without reading any case.
struct DbList: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List the store's cases by state and unit from its index (the state derived when each revision was written).",
        discussion: "Fast at any size: no case is read or evaluated. `status --database` evaluates every case for a reference date."
    )

    @OptionGroup var db: DatabaseOption

    @Option(help: "Only cases in this state (code or label: on_hold/待岗, preparing/组建审计组, auditing/审计中, ready_for_signoff/待签字, signed_off/已签字).")
    var state: String?

    @Option(help: "Only cases of this unit (as written in the case).")
    var unit: String?

    @Option(help: "At most this many cases (a page).")
    var limit: Int?

    @Option(help: "Only cases after this case id (the next page: the last id of the one before).")
    var after: String?

    @Option(help: "Output format: text or json.")
    var format: OutputFormat = .text

    func run() throws {
        if let limit, limit < 1 { throw ValidationError("--limit must be at least 1") }
        var code: String?
        if let state {
            guard let s = CaseState(codeOrLabel: state) else {
                throw ValidationError("--state '\(state)' is not a state; one of \(CaseState.allowedList)")
            }
            code = s.rawValue
        }
        let store = try Workspaces.store(db.database)
        defer { store.close() }
        let started = DispatchTime.now()
        let heads = try store.list(state: code, unit: unit, after: after, limit: limit)
        let total = try store.count(state: code, unit: unit)
        let milliseconds = Double(DispatchTime.now().uptimeNanoseconds - started.uptimeNanoseconds) / 1e6
        switch format {
        case .json:
            struct Row: Encodable {
                var id: String, state: String, unit: String, official: String, termEnd: String, revision: Int
                enum CodingKeys: String, CodingKey { case id, state, unit, official, termEnd = "term_end", revision }
            }
            print(try JSONOutput.string(heads.map { Row(id: $0.caseID, state: $0.state, unit: $0.unit, official: $0.official, termEnd: $0.termEnd,
                                                          revision: $0.revision) }))
        case .text:
            let rows = heads.map { h in
                [h.caseID, CaseState(rawValue: h.state)?.label.zh ?? h.state, h.unit, h.official, h.termEnd, "r\(h.revision)"]
            }
            let header = ["案卷 case", "状态 state", "单位 unit", "姓名 official", "任期届满 term end", "版本 rev"]
            let widths = (0..<header.count).map { i in ([header] + rows).map { DisplayWidth.of($0[i]) }.max() ?? 0 }
            print(StatusText.line(header, widths: widths))
            for r in rows { print(StatusText.line(r, widths: widths)) }
            let shown = heads.count == total ? "\(total) 个案卷 (\(total) cases" : "\(heads.count) / \(total) 个案卷 (\(heads.count) of \(total) cases"
            print(shown + "; index query \(String(format: "%.1f", milliseconds)) ms)")
        }
    }
}

/// `termaudit db withdraw`: a case leaves the store's lists as a revision of its own; its history stays.
struct DbWithdraw: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "withdraw",
        abstract: "Withdraw a case (撤回): a revision with no text; the history stays, and importing the case again brings it back."
    )

    @Argument(help: "The case id.")
    var caseID: String

    @OptionGroup var db: DatabaseOption

    @Option(help: "Why (recorded with the revision).")
    var note: String

    func run() throws {
        let store = try Workspaces.store(db.database)
        defer { store.close() }
        let h = try Workspaces.refusing { try store.withdraw(caseID, author: Workspaces.author(), note: note) }
        print("✓ 已撤回案卷 \(caseID)（版本 r\(h.revision)）(case \(caseID) withdrawn as revision \(h.revision))")
    }
}

/// `termaudit db refresh`: the case index's derived states for another day.
struct DbRefresh: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "refresh",
        abstract: "Derive every case's state anew for a reference date and store it in the case index (what `db list` shows).",
        discussion: "The index is derived when each revision is written (and again when the settings change on import); a workspace without as_of needs this when the day changes."
    )

    @OptionGroup var db: DatabaseOption

    @Option(help: "Reference date YYYY-MM-DD (default: the workspace's as_of, else today).")
    var asOf: String?

    func run() throws {
        let ws = try Workspaces.openStore(db.database)
        var day = ws.settings.workspace?.config.asOf ?? Session.today()
        if let asOf {
            guard let d = Day(iso: asOf) else { throw ValidationError("--as-of '\(asOf)' is not a date YYYY-MM-DD") }
            day = d
        }
        let n = try Workspaces.refusing(anyError: true) { try ws.refresh(asOf: day) }
        print("✓ \(ws.store.location): \(n.cases) 个案卷的状态已按 \(day) 重新计算，\(n.changed) 个有变化 (\(n.cases) cases derived for \(day); \(n.changed) changed state)")
    }
}
