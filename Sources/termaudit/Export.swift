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
        let (opened, problems) = WorkspaceLoader.openStream(path: workspace.path, policyOverride: workspace.policy)
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
        let evaluator = CaseEvaluator(workspace: Workspace(config: stream.config, library: stream.library, cases: [], units: stream.units), policy: policy, asOf: day)
        let verifier = SignoffStatus.verifier(root: stream.root, policy: policy, caseIDs: stream.entries.compactMap(\.id), units: stream.units)
        var states: Set<CaseState>?
        if let state {
            var set = Set<CaseState>()
            for word in state.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) where !word.isEmpty {
                guard let st = CaseState(rawValue: word) ?? CaseState.allCases.first(where: { $0.label.zh == word }) else {
                    throw ValidationError("--state: '\(word)' is not a case state; one of \(CaseState.allCases.map { "\($0.rawValue) (\($0.label.zh))" }.joined(separator: ", "))")
                }
                set.insert(st)
            }
            states = set
        }
        var dept: String?
        if let department {
            guard let d = stream.library.departments.first(where: { $0.id == department || $0.label.zh == department }) else {
                throw ValidationError("--department '\(department)' is not a department; one of: "
                              + stream.library.departments.map { "\($0.id) (\($0.label.zh))" }.joined(separator: ", "))
            }
            dept = d.id
        }
        var ctx = ExportContext(jurisdiction: stream.config.jurisdiction, period: stream.config.period, policy: policy,
                                library: stream.library, asOf: day, edition: edition.edition, lang: lang,
                                generator: "termaudit \(TermAuditVersion.string) · libxlsxwriter \(libraryVersion)", states: states)
        ctx.department = dept
        let title = "\(ctx.jurisdiction) 领导干部经济责任审计结果（\(edition == .fillIn ? "填报版" : edition.edition.name.zh)）"
        let info = DocumentInfo(title: title, subject: "经济责任审计与离任交接 / term-end audit and handover",
                                company: ctx.jurisdiction, comments: "termaudit \(edition.rawValue) edition", created: day)
        let marked: Edition? = edition == .fillIn ? nil : edition.edition
        let header = PageMarks.header(jurisdiction: ctx.jurisdiction, edition: marked, lang: lang)
        let footer = PageMarks.footer(asOf: day, edition: marked, lang: lang)
        let summary: ExportSummary
        var sanitized: [Sanitization] = []
        var errors: [Diagnostic] = []
        let target = dumpCells ?? output!
        do {
            let sink: PagedSink
            var lxw: LxwBackend?
            if let dumpCells {
                sink = try PagedSink(backend: try DumpBackend(url: URL(fileURLWithPath: dumpCells), info: info), header: header, footer: footer)
            } else {
                let made = try XlsxSink.make(url: URL(fileURLWithPath: output!), info: info, header: header, footer: footer)
                sink = made.0
                lxw = made.1
            }
            let exporter = edition == .fillIn ? nil : try WorkbookExporter(sink: sink, context: ctx)
            let fillIn = edition == .fillIn ? try FillInExporter(sink: sink, context: ctx, department: dept) : nil
            let progress = Progress(total: stream.entries.count, enabled: !quiet)
            var n = 0
            let defaultTemplate = stream.config.handoverChecklists.first
            // The digest, the rules and the rows are made on the parse threads; only the writing, which needs the
            // sink, runs here.
            let rowMaker = exporter?.rowMaker
            try stream.forEach(callerFirst: true, transform: { c in
                let digest = CaseDigest(c).digest
                guard let rowMaker else { return ExportedCase(digest: digest, rows: nil) }
                let status = evaluator.evaluate(c, signatures: c.signoffs.isEmpty ? [:] : verifier?.verdicts(c) ?? [:])
                return ExportedCase(digest: digest, rows: rowMaker.rows(for: status, digest: digest))
            }) { c, diagnostics, prepared in
                errors += diagnostics.filter { $0.severity == .error }
                n += 1
                progress.update(n)
                guard errors.isEmpty, let c, let prepared else { return }
                if let fillIn {
                    let template = (c.handover?.checklist ?? defaultTemplate).flatMap { stream.library.handoverTemplates[$0] }
                    try fillIn.add(c, template: template, audit: evaluator.auditWork(c), digest: prepared.digest)
                } else if let rows = prepared.rows {
                    try exporter?.add(rows)
                }
            }
            progress.done()
            if !errors.isEmpty {
                // Nothing is written: the workbook is never closed, so its temporary file is removed.
                Session.fail(errors)
            }
            if let fillIn {
                try fillIn.finish(count: n)
                summary = ExportSummary(cases: n, digest: "-", rows: [:])
            } else {
                summary = try exporter!.finish()
            }
            sanitized = lxw?.sanitizations ?? []
        } catch let e as XlsxError {
            Terminal.eprint("✗ 导出失败，未写入文件 (export failed, nothing written): \(e)")
            throw ExitCode(1)
        }
        for s in sanitized.prefix(20) { Terminal.eprint("warning: \(s)") }
        if sanitized.count > 20 { Terminal.eprint("warning: … \(sanitized.count - 20) more replaced characters") }
        print("✓ 已导出 \(summary.cases) 个案卷（\(edition.label.zh)）→ \(target)")
        if edition != .fillIn { print("  data digest (SHA-256) \(summary.digest)") }
    }
}

/// What the parse threads prepare for the export of one case: its digest and, except for the fill-in edition, its rows.
struct ExportedCase: Sendable {
    var digest: String
    var rows: CaseRows?
}

/// The edition argument.
enum EditionArgument: String, ExpressibleByArgument, CaseIterable {
    case `internal`, `public`
    /// The workbook an audit team fills in and brings back with `termaudit import`.
    case fillIn = "fill-in"

    var edition: Edition { self == .public ? .public : .internal }
    var label: Label { self == .fillIn ? Label(zh: "填报版", en: "fill-in") : edition.label }
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
