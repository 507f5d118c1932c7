import ArgumentParser
import Foundation
import TermAudit
import TermAuditLoader
import TermAuditRules
import TermAuditStore

/// A loaded, valid workspace and the evaluator for it; commands that need valid input start here.
struct Session {
    var workspace: Workspace
    var policy: Policy
    var evaluator: CaseEvaluator
    var load: LoadResult
    /// With `validCasesOnly`: the errors of the case files left out (reported by `finishWithInvalid`).
    var invalid: [Diagnostic] = []

    /// Loads the workspace; on invalid input prints the located errors to stderr and exits with status 1.
    /// `validCasesOnly`: errors in case files leave those cases out instead (for `status`, `rank`, `verify`, `sign`:
    /// one broken file must not hide the others); errors in the settings still stop everything.
    static func open(_ options: WorkspaceOptions, asOf: String? = nil, validCasesOnly: Bool = false) throws -> Session {
        try open(path: options.path, policy: options.policy, database: options.database, asOf: asOf, validCasesOnly: validCasesOnly)
    }

    /// `database`: a store instead of the folder at `path`.
    static func open(path: String, policy: String? = nil, database: String? = nil, asOf: String? = nil, validCasesOnly: Bool = false) throws -> Session {
        var result = try database.map { try Workspaces.openStore($0, policy: policy).load() } ?? WorkspaceLoader.load(path: path, policyOverride: policy)
        var invalid: [Diagnostic] = []
        if validCasesOnly && result.hasErrors {
            let parts = result.partitioned()
            if !parts.settings.isEmpty { fail(result.diagnostics) }
            result = parts.valid
            invalid = parts.cases
        }
        if result.hasErrors { fail(result.diagnostics) }
        guard let ws = result.workspace, let policy = ws.policy else { throw ExitCode(1) }
        var day = ws.config.asOf ?? Session.today()
        if let asOf {
            guard let d = Day(iso: asOf) else {
                throw ValidationError("--as-of '\(asOf)' is not a date YYYY-MM-DD")
            }
            day = d
        }
        let evaluator = CaseEvaluator(workspace: ws, policy: policy, asOf: day)
        return Session(workspace: ws, policy: policy, evaluator: evaluator, load: result, invalid: invalid)
    }

    /// After a command has reported the valid cases: lists the invalid case files with their located errors on stderr
    /// and exits with status 1 (nothing happens when every case file is valid).
    func finishWithInvalid() {
        guard !invalid.isEmpty else { return }
        Self.reportLeftOut(invalid)
        TermAuditCommand.exit(withError: ExitCode(1))
    }

    /// Prints the errors of the case files a command left out, and how many files they are, to stderr.
    static func reportLeftOut(_ errors: [Diagnostic]) {
        for d in errors { Terminal.eprint(d.description) }
        let files = Set(errors.map(\.location.file)).count
        Terminal.eprint("✗ \(files) 个案卷文件有错误，未计入以上结果 (\(files) case files with errors are left out above; run `termaudit validate`)")
    }

    /// Prints located errors to stderr and exits with status 1.
    static func fail(_ diagnostics: [Diagnostic]) -> Never {
        for d in diagnostics { Terminal.eprint(d.description) }
        let n = diagnostics.filter { $0.severity == .error }.count
        Terminal.eprint("✗ \(n) 个错误，请先修正 (\(n) errors; run `termaudit validate` for details)")
        TermAuditCommand.exit(withError: ExitCode(1))
    }

    /// Today's date in the local time zone.
    static func today() -> Day {
        let c = Calendar(identifier: .gregorian).dateComponents([.year, .month, .day], from: Date())
        return Day(year: c.year!, month: c.month!, day: c.day!)!
    }

    /// Cases selected by id (all when `ids` is empty); unknown ids are an error.
    func cases(_ ids: [String]) throws -> [AuditCase] {
        if ids.isEmpty { return workspace.cases }
        var out: [AuditCase] = []
        for id in ids {
            guard let c = workspace.cases.first(where: { $0.id == id }) else {
                let known = workspace.cases.map(\.id)
                let hint = known.min { a, b in a.commonPrefix(with: id).count > b.commonPrefix(with: id).count }
                throw ValidationError("no case with id '\(id)'\(hint.map { "; did you mean '\($0)'?" } ?? "")")
            }
            out.append(c)
        }
        return out
    }
}
