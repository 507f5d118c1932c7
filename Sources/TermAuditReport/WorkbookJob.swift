import Foundation
import TermAudit
import TermAuditExport
import TermAuditLoader
import TermAuditRules
import TermAuditSignoff
import XlsxWriter

/// Which workbook an export makes.
public enum WorkbookKind: String, Sendable, CaseIterable {
    case `internal`, `public`
    /// The workbook an audit team fills in and brings back with `termaudit import`.
    case fillIn = "fill-in"

    public var edition: Edition { self == .public ? .public : .internal }
    public var label: Label { self == .fillIn ? Label(zh: "填报版", en: "fill-in") : edition.label }
}

/// A request that names something unknown: the message says what is allowed.
public struct ExportRequestError: Error, Sendable, CustomStringConvertible {
    public var description: String
}

/// What to export: the workbook, the language, the reference date and the filters.
public struct ExportRequest: Sendable {
    public var kind: WorkbookKind
    public var lang: Language
    public var asOf: Day
    /// Only cases in these states (internal and public editions).
    public var states: Set<CaseState>?
    /// Only this department's part (a department id).
    public var department: String?
    /// termaudit's and libxlsxwriter's versions, for the internal cover.
    public var generator: String

    public init(kind: WorkbookKind, lang: Language, asOf: Day, states: Set<CaseState>? = nil, department: String? = nil, generator: String) {
        self.kind = kind
        self.lang = lang
        self.asOf = asOf
        self.states = states
        self.department = department
        self.generator = generator
    }

    /// States written as codes or Chinese labels, comma-separated (`signed_off,待签字`).
    /// What the cover names as the workbook's maker: the same for the command line and the server, so the same
    /// content gives the same workbook.
    public static var generatorText: String { "termaudit \(TermAuditVersion.string) · libxlsxwriter \(libraryVersion)" }

    public static func states(_ text: String) throws -> Set<CaseState> {
        var set = Set<CaseState>()
        for word in text.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) where !word.isEmpty {
            guard let st = CaseState(codeOrLabel: word) else {
                throw ExportRequestError(description: "'\(word)' is not a case state; one of \(CaseState.allowedList)")
            }
            set.insert(st)
        }
        return set
    }

    /// A department by its id or Chinese label.
    public static func department(_ text: String, in library: Library) throws -> String {
        guard let d = library.departments.first(where: { $0.id == text || $0.label.zh == text }) else {
            throw ExportRequestError(description: "'\(text)' is not a department; one of: "
                                     + library.departments.map { "\($0.id) (\($0.label.zh))" }.joined(separator: ", "))
        }
        return d.id
    }
}

/// Where the workbook goes: an .xlsx file (written atomically), or the cell dump the benchmarks replay.
public enum ExportTarget: Sendable {
    case xlsx(URL)
    case dump(URL)
}

/// What an export did.
public struct ExportOutcome: Sendable {
    /// nil when case files had errors: then nothing was written.
    public var summary: ExportSummary?
    /// The located errors of the case files (nothing written when there are any).
    public var errors: [Diagnostic]
    /// Characters replaced because XML cannot hold them.
    public var sanitized: [Sanitization]
}

/// The export assembly — one case stream through the rules into a workbook — shared by the command line and the
/// server: cases are parsed, digested, evaluated and turned into rows on the parse threads; only the writing runs on
/// the calling thread. All or nothing: when any case file has errors, the workbook is never closed and its
/// temporary file is removed.
public enum WorkbookJob {
    public static func run(_ stream: CaseStream, request: ExportRequest, verifier: SignoffVerifier?, to target: ExportTarget,
                           progress: (Int) -> Void = { _ in }) throws -> ExportOutcome {
        guard let policy = stream.policy else { throw ExportRequestError(description: "the workspace's policy '\(stream.config.policy)' is not defined") }
        let day = request.asOf
        let evaluator = CaseEvaluator(workspace: Workspace(config: stream.config, library: stream.library, cases: [], units: stream.units),
                                      policy: policy, asOf: day)
        var ctx = ExportContext(jurisdiction: stream.config.jurisdiction, period: stream.config.period, policy: policy,
                                library: stream.library, asOf: day, edition: request.kind.edition, lang: request.lang,
                                generator: request.generator, states: request.states)
        ctx.department = request.department
        let title = "\(ctx.jurisdiction) 领导干部经济责任审计结果（\(request.kind == .fillIn ? "填报版" : request.kind.edition.name.zh)）"
        let info = DocumentInfo(title: title, subject: "经济责任审计与离任交接 / term-end audit and handover",
                                company: ctx.jurisdiction, comments: "termaudit \(request.kind.rawValue) edition", created: day)
        let marked: Edition? = request.kind == .fillIn ? nil : request.kind.edition
        let header = PageMarks.header(jurisdiction: ctx.jurisdiction, edition: marked, lang: request.lang)
        let footer = PageMarks.footer(asOf: day, edition: marked, lang: request.lang)
        let sink: PagedSink
        var lxw: LxwBackend?
        switch target {
        case .dump(let url):
            sink = try PagedSink(backend: try DumpBackend(url: url, info: info), header: header, footer: footer)
        case .xlsx(let url):
            let made = try XlsxSink.make(url: url, info: info, header: header, footer: footer)
            sink = made.0
            lxw = made.1
        }
        let exporter = request.kind == .fillIn ? nil : try WorkbookExporter(sink: sink, context: ctx)
        let fillIn = request.kind == .fillIn ? try FillInExporter(sink: sink, context: ctx, department: request.department) : nil
        var n = 0
        var errors: [Diagnostic] = []
        let defaultTemplate = stream.config.handoverChecklists.first
        let rowMaker = exporter?.rowMaker
        try stream.forEach(callerFirst: true, transform: { c in
            let digest = CaseDigest(c).digest
            guard let rowMaker else { return ExportedCase(digest: digest, rows: nil) }
            let status = evaluator.evaluate(c, signatures: c.signoffs.isEmpty ? [:] : verifier?.verdicts(c) ?? [:])
            return ExportedCase(digest: digest, rows: rowMaker.rows(for: status, digest: digest))
        }) { c, diagnostics, prepared in
            errors += diagnostics.filter { $0.severity == .error }
            n += 1
            progress(n)
            guard errors.isEmpty, let c, let prepared else { return }
            if let fillIn {
                let template = (c.handover?.checklist ?? defaultTemplate).flatMap { stream.library.handoverTemplates[$0] }
                try fillIn.add(c, template: template, audit: evaluator.auditWork(c), digest: prepared.digest)
            } else if let rows = prepared.rows {
                try exporter?.add(rows)
            }
        }
        // Nothing is written on errors: the workbook is never closed, so its temporary file goes with the sink.
        guard errors.isEmpty else { return ExportOutcome(summary: nil, errors: errors, sanitized: []) }
        let summary: ExportSummary
        if let fillIn {
            try fillIn.finish(count: n)
            summary = ExportSummary(cases: n, digest: "-", rows: [:])
        } else {
            summary = try exporter!.finish()
        }
        return ExportOutcome(summary: summary, errors: [], sanitized: lxw?.sanitizations ?? [])
    }
}

/// What the parse threads prepare for the export of one case: its digest and, except for the fill-in edition, its rows.
struct ExportedCase: Sendable {
    var digest: String
    var rows: CaseRows?
}
