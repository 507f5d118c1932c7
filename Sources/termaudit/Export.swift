import ArgumentParser
import Foundation
import TermAudit
import TermAuditExport
import TermAuditRules
import TermAuditSignoff
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
    var output: String

    @Option(help: "internal (everything) or public (only what may be published).")
    var edition: EditionArgument = .internal

    @Option(name: .customLong("case"), help: "Only this case (repeatable).")
    var caseIDs: [String] = []

    @Option(help: "Language of labels: zh or en.")
    var lang: Language = .zh

    @Option(help: "Reference date YYYY-MM-DD (default: the workspace's as_of, else today).")
    var asOf: String?

    @Flag(help: "No progress bar.")
    var quiet = false

    func run() throws {
        guard output.lowercased().hasSuffix(".xlsx") else {
            throw ValidationError("--output must name an .xlsx file, got '\(output)'")
        }
        let session = try Session.open(workspace, asOf: asOf)
        let cases = try session.cases(caseIDs)
        let ctx = ExportContext(jurisdiction: session.workspace.config.jurisdiction, period: session.workspace.config.period,
                                policy: session.policy, library: session.workspace.library, asOf: session.evaluator.asOf,
                                edition: edition.edition, lang: lang,
                                generator: "termaudit \(TermAuditVersion.string) · libxlsxwriter \(libraryVersion)")
        let url = URL(fileURLWithPath: output)
        let summary: ExportSummary
        let sanitized: [Sanitization]
        do {
            let title = "\(ctx.jurisdiction) 领导干部经济责任审计结果（\(edition.edition.label.zh)）"
            let (sink, backend) = try XlsxSink.make(url: url, info: DocumentInfo(title: title, subject: "经济责任审计与离任交接 / term-end audit and handover",
                                                                 company: ctx.jurisdiction, comments: "termaudit \(edition.rawValue) edition",
                                                                 created: ctx.asOf),
                                    footer: lang == .zh ? "&C第 &P 页 共 &N 页" : "&CPage &P of &N")
            let exporter = try WorkbookExporter(sink: sink, context: ctx)
            let progress = Progress(total: cases.count, enabled: !quiet)
            for (i, c) in cases.enumerated() {
                let status = session.evaluator.evaluate(c, signatures: SignatureCheck.verdicts(for: c, session: session))
                try exporter.add(status, digest: CaseDigest(c).digest)
                progress.update(i + 1)
            }
            summary = try exporter.finish()
            progress.done()
            sanitized = backend.sanitizations
        } catch let e as XlsxError {
            Terminal.eprint("✗ 导出失败，未写入文件 (export failed, nothing written): \(e)")
            throw ExitCode(1)
        }
        for s in sanitized.prefix(20) { Terminal.eprint("warning: \(s)") }
        if sanitized.count > 20 { Terminal.eprint("warning: … \(sanitized.count - 20) more replaced characters") }
        print("✓ 已导出 \(summary.cases) 个案卷（\(edition.edition.label.zh)）→ \(output)")
        print("  data digest (SHA-256) \(summary.digest)")
    }
}

/// The edition argument.
enum EditionArgument: String, ExpressibleByArgument, CaseIterable {
    case `internal`, `public`

    var edition: Edition { self == .internal ? .internal : .public }
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
