import ArgumentParser
import Foundation
import TermAudit
import TermAuditReport
import TermAuditExport
import TermAuditRules
import TermAuditSignoff
import TermAuditLoader
import XlsxWriter

/// `termaudit export`: the audit workbook (.xlsx), internal or public edition.
struct Export: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "导出工作簿 — write the audit workbook (.xlsx): internal (complete) or public edition.",
        discussion: """
        The file is written atomically: on any failure nothing is left at --output and an existing file is untouched.
        The same input gives a byte-identical file; the cover shows a SHA-256 digest of the case data.
        """
    )

    @OptionGroup var workspace: WorkspaceOptions

    @Option(name: .shortAndLong, help: "The workbook to write (.xlsx).")
    var output: String?

    @Option(help: "internal (everything), public (only what may be published), or fill-in (for audit teams to fill in and import).")
    var edition: EditionArgument = .internal

    @Option(name: .customLong("case"), help: "Only this case (repeatable).")
    var caseIDs: [String] = []

    @Option(help: "Language of labels: zh or en.")
    var lang: Language = .zh

    @Option(help: "Reference date YYYY-MM-DD (default: the workspace's as_of, else today).")
    var asOf: String?

    @Option(help: "Only cases in these states, comma-separated: on_hold, preparing, auditing, ready_for_signoff, signed_off.")
    var state: String?

    @Option(help: "One department (id or label, e.g. audit or 审计): its audit items, conclusions and findings only; with fill-in, that department's workbook.")
    var department: String?

    @Flag(help: "No progress bar.")
    var quiet = false

    @Option(help: .hidden)
    var dumpCells: String?

    func validate() throws {
        if state != nil && edition == .fillIn { throw ValidationError("--state selects cases of the internal and public editions, not fill-in") }
        if dumpCells == nil {
            guard let output else { throw ValidationError("give --output FILE.xlsx") }
            guard output.lowercased().hasSuffix(".xlsx") else { throw ValidationError("--output must name an .xlsx file, got '\(output)'") }
        }
    }

    func run() throws {
        // Streaming: cases are parsed in small batches, evaluated and written, so memory does not grow with their number.
        let (opened, problems) = try Workspaces.openStream(workspace)
        guard var stream = opened, let policy = stream.policy, problems.allSatisfy({ $0.severity != .error }) else {
            Session.fail(problems)
        }
        let unknown = stream.select(caseIDs)
        if !unknown.isEmpty { throw ValidationError("no case with id \(unknown.map { "'\($0)'" }.joined(separator: ", "))") }
        var day = stream.config.asOf ?? Session.today()
        if let asOf {
            guard let d = Day(iso: asOf) else { throw ValidationError("--as-of '\(asOf)' is not a date YYYY-MM-DD") }
            day = d
        }
        let verifier = SignoffStatus.verifier(root: stream.root, policy: policy, caseIDs: stream.entries.compactMap(\.id), units: stream.units)
        var request = ExportRequest(kind: edition.kind, lang: lang, asOf: day,
                                    generator: ExportRequest.generatorText)
        do { request.states = try state.map { try ExportRequest.states($0) } } catch { throw ValidationError("--state: \(error)") }
        do {
            request.department = try department.map { try ExportRequest.department($0, in: stream.library) }
        } catch { throw ValidationError("--department \(error)") }
        let target = dumpCells ?? output!
        let outcome: ExportOutcome
        do {
            let progress = Progress(total: stream.entries.count, enabled: !quiet)
            outcome = try WorkbookJob.run(stream, request: request, verifier: verifier,
                                          to: dumpCells.map { .dump(URL(fileURLWithPath: $0)) } ?? .xlsx(URL(fileURLWithPath: output!)),
                                          progress: progress.update)
            progress.done()
        } catch let e as XlsxError {
            Terminal.eprint("✗ 导出失败，未写入文件 (export failed, nothing written): \(e)")
            throw ExitCode(1)
        }
        guard let summary = outcome.summary else { Session.fail(outcome.errors) }
        let sanitized = outcome.sanitized
        for s in sanitized.prefix(20) { Terminal.eprint("warning: \(s)") }
        if sanitized.count > 20 { Terminal.eprint("warning: … \(sanitized.count - 20) more replaced characters") }
        print("✓ 已导出 \(summary.cases) 个案卷（\(edition.label.zh)）→ \(target)")
        if edition != .fillIn { print("  data digest (SHA-256) \(summary.digest)") }
    }
}

/// The edition argument.
enum EditionArgument: String, ExpressibleByArgument, CaseIterable {
    case `internal`, `public`
    /// The workbook an audit team fills in and brings back with `termaudit import`.
    case fillIn = "fill-in"

    var kind: WorkbookKind { WorkbookKind(rawValue: rawValue)! }
    var label: Label { kind.label }
}

/// A progress bar on stderr, shown only on a terminal and only when the work is long.
final class Progress {
    let total: Int
    let enabled: Bool
    let start = Date()
    var shown = false
    var last = Date.distantPast

    init(total: Int, enabled: Bool) {
        self.total = total
        self.enabled = enabled && Terminal.stderrIsTTY && total > 0
    }

    func update(_ n: Int) {
        guard enabled else { return }
        let now = Date()
        guard now.timeIntervalSince(start) > 0.5, now.timeIntervalSince(last) > 0.1 || n == total else { return }
        last = now
        shown = true
        let width = 30
        let filled = total == 0 ? width : n * width / total
        let bar = String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled)
        FileHandle.standardError.write(Data("\r\(bar) \(n)/\(total)".utf8))
    }

    func done() {
        if shown { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
    }
}
