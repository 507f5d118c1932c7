import ArgumentParser
import Foundation
import TermAudit
import TermAuditReport
import TermAuditLoader
import TermAuditRules
import TermAuditSignoff

/// `termaudit status`: the derived state of every case, with the reasons.
struct Status: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "案卷状态 — the state of each case (待岗/组建审计组/审计中/待签字/已签字) and why.",
        discussion: "Exit status 0 when the command ran, whatever the states; 1 for invalid input."
    )

    @OptionGroup var workspace: WorkspaceOptions

    @Option(name: .customLong("case"), help: "Only this case (repeatable).")
    var caseIDs: [String] = []

    @Option(help: "Output format: text or json.")
    var format: OutputFormat = .text

    @Option(help: "Reference date YYYY-MM-DD (default: the workspace's as_of, else today).")
    var asOf: String?

    @Option(help: "Language of the text output: zh or en.")
    var lang: Language = .zh

    @Flag(help: "Text output: leave out the reasons under each case.")
    var brief = false

    func run() throws {
        // Streamed, like the export: the case files are parsed, evaluated and rendered on background threads, and
        // each case's output goes to a spool as it comes, in case-id order. Only small things are kept: each case's id
        // and location (for the duplicate-id check), the column widths and the counts. The spool reaches standard
        // output at the end, once every file has been read without errors, so the output — and, on invalid input,
        // the located errors with nothing on standard output — are those of a run that holds every case.
        let (opened, settings) = try Workspaces.openForChecking(workspace)
        guard let stream = opened else {
            if settings.contains(where: { $0.severity == .error }) { Session.fail(settings) }
            throw ExitCode(1)
        }
        let day: Day? = asOf.map { Day(iso: $0) } ?? stream.config.asOf ?? Session.today()
        let renderer: StatusRenderer? = stream.policy.flatMap { policy in
            day.map { day in
                StatusRenderer(evaluator: CaseEvaluator(workspace: Workspace(config: stream.config, library: stream.library, cases: [], units: stream.units),
                                                        policy: policy, asOf: day),
                               signoffs: StatusSignoffs(root: stream.root, policy: policy, caseIDs: stream.entries.compactMap(\.id), units: stream.units),
                               library: stream.library, policy: policy, format: format, lang: lang, brief: brief)
            }
        }
        // signers.yaml's errors are errors: a typo there would turn every signed case back to 待签字.
        if let d = renderer?.signoffs.diagnostics, d.contains(where: { $0.severity == .error }) { Session.fail(settings + d) }
        let selected = Set(caseIDs)
        var check = CaseCheck(settings: settings)
        var output = StatusOutput(format: format, lang: lang)
        var picked: [String: RenderedCase] = [:]
        stream.forEach(transform: { c in
            selected.isEmpty || selected.contains(c.id) ? renderer?.render(c) : nil
        }) { c, diagnostics, rendered in
            check.add(c, diagnostics)
            // A case with errors has no rendering; the others are shown whatever other files hold.
            guard let rendered = rendered ?? nil else { return }
            if selected.isEmpty {
                output.add(rendered)
            } else if picked[rendered.id] == nil {
                picked[rendered.id] = rendered
            }
        }
        // What `Session.open` and `Session.cases` refused, in the same order. Errors in the settings (or duplicate
        // ids) stop everything; errors in case files leave those cases out: the valid ones are shown, the invalid
        // ones listed with their errors after them (exit 1).
        let diagnostics = check.diagnostics()
        let errors = diagnostics.filter { $0.severity == .error }
        if settings.contains(where: { $0.severity == .error }) || errors.contains(where: { $0.code == "duplicate-case" }) {
            Session.fail(diagnostics)
        }
        guard let renderer else {
            guard stream.policy != nil else { throw ExitCode(1) }
            throw ValidationError("--as-of '\(asOf ?? "")' is not a date YYYY-MM-DD")
        }
        if !caseIDs.isEmpty {
            let known = check.caseIDs
            for id in caseIDs where picked[id] == nil {
                if !errors.isEmpty { Session.fail(errors) }    // the case asked for may be one of the broken files
                let hint = known.min { a, b in a.commonPrefix(with: id).count > b.commonPrefix(with: id).count }
                throw ValidationError("no case with id '\(id)'\(hint.map { "; did you mean '\($0)'?" } ?? "")")
            }
            for id in caseIDs { output.add(picked[id]!) }
        }
        if let failure = output.failure { throw failure }
        try output.write(asOf: renderer.evaluator.asOf, policy: renderer.policy, unitKindsKnown: stream.units != nil && renderer.policy.postSystems != nil)
        if !errors.isEmpty {
            Session.reportLeftOut(errors)
            throw ExitCode(1)
        }
    }
}

extension Language: ExpressibleByArgument {}

/// One case as `status` shows it, made on a parse thread.
struct RenderedCase: Sendable {
    var id: String
    var state: CaseState
    /// Whether the case has sign-off records.
    var signed: Bool
    /// JSON: the case's object, indented as an element of `cases`.
    var json: [UInt8] = []
    /// JSON: why it could not be encoded.
    var failure: RenderFailure?
    /// Text: the row's cells, their widths, and the lines below the row.
    var row: [String] = []
    var widths: [Int] = []
    var details = ""
}

/// An error met while rendering a case, thrown on the main thread with the original error's text.
struct RenderFailure: Error, Sendable, CustomStringConvertible {
    var description: String
}

/// Evaluates and renders cases; runs on the parse threads.
struct StatusRenderer: Sendable {
    let evaluator: CaseEvaluator
    let signoffs: StatusSignoffs
    let library: Library
    let policy: Policy
    let format: OutputFormat
    let lang: Language
    let brief: Bool

    func render(_ c: AuditCase) -> RenderedCase {
        let s = evaluator.evaluate(c, signatures: signoffs.verdicts(c))
        var r = RenderedCase(id: c.id, state: s.state, signed: !c.signoffs.isEmpty)
        switch format {
        case .json:
            do {
                r.json = StatusOutput.indented(try JSONOutput.data(CaseJSON(s, library: library)))
            } catch {
                r.failure = RenderFailure(description: String(describing: error))
            }
        case .text:
            r.row = StatusText.row(s, lang: lang)
            r.widths = r.row.map(DisplayWidth.of)
            if !brief { r.details = StatusText.details(s, library: library, policy: policy, lang: lang) }
        }
        return r
    }
}

/// The output of `status`, gathered case by case in a spool and written at the end.
struct StatusOutput {
    let format: OutputFormat
    let lang: Language
    let spool = Spool()
    var count = 0
    var counts: [CaseState: Int] = [:]
    var widths: [Int]
    var signed = false
    var failure: RenderFailure?

    init(format: OutputFormat, lang: Language) {
        self.format = format
        self.lang = lang
        widths = StatusText.header(lang).map(DisplayWidth.of)
    }

    mutating func add(_ r: RenderedCase) {
        guard failure == nil else { return }
        if let f = r.failure {
            failure = f
            return
        }
        switch format {
        case .json:
            if count > 0 { spool.append(Self.separator) }
            spool.append(r.json)
        case .text:
            for (i, cell) in r.row.enumerated() {
                spool.appendRecord(cell)
                widths[i] = max(widths[i], r.widths[i])
            }
            spool.appendRecord(r.details)
        }
        count += 1
        counts[r.state, default: 0] += 1
        signed = signed || r.signed
    }

    func write(asOf: Day, policy: Policy, unitKindsKnown: Bool) throws {
        switch format {
        case .json:
            guard count > 0 else {
                print(try JSONOutput.string(StatusJSON(asOf: asOf, policy: policy.id, cases: [], unitKindsKnown: unitKindsKnown)))
                return
            }
            // The text `JSONOutput.string(StatusJSON(…))` gives, with the cases' objects from the spool.
            print("{\n  \"as_of\" : \(try JSONOutput.string(asOf)),\n  \"cases\" : [")
            spool.copyToStandardOutput()
            print("\n  ],\n  \"policy\" : \(try JSONOutput.string(policy.id)),\n  \"unit_kinds_known\" : \(unitKindsKnown)\n}")
        case .text:
            let zh = lang == .zh
            print(StatusText.line(StatusText.header(lang), widths: widths))
            print(widths.map { String(repeating: "─", count: $0) }.joined(separator: "  "))
            let reader = Spool.Reader(spool)
            for _ in 0..<count {
                let row = (0..<StatusText.columns).map { _ in reader.string() ?? "" }
                print(StatusText.line(row, widths: widths))
                print(reader.string() ?? "", terminator: "")
            }
            let summary = CaseState.allCases.compactMap { st in counts[st].map { "\(st.label.text(lang)) \($0)" } }.joined(separator: zh ? "，" : ", ")
            print("")
            print(zh ? "共 \(count) 个案卷（基准日 \(asOf)，政策 \(policy.id)）：\(summary)"
                     : "\(count) cases (as of \(asOf), policy \(policy.id)): \(summary)")
            if !unitKindsKnown {
                print(zh ? "注：单位类别未知（工作区没有单位名册 units.yaml，或政策未规定 post_systems）：正职按任期制、副职按聘任制处理"
                         : "Note: unit kinds are unknown (no units.yaml in the workspace, or no post_systems in the policy): principals are taken as term-system and deputies as appointment-system posts")
            }
        }
    }

    static let separator = Array(",\n".utf8)

    /// A case's JSON text as an element of `cases`: every non-empty line indented by four more spaces.
    static func indented(_ data: Data) -> [UInt8] {
        data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) -> [UInt8] in
            let bytes = raw.bindMemory(to: UInt8.self)
            var out: [UInt8] = []
            out.reserveCapacity(bytes.count + bytes.count / 4)
            var start = 0
            while start < bytes.count {
                var end = start
                while end < bytes.count && bytes[end] != 0x0A { end += 1 }
                if end > start { out.append(contentsOf: indent) }
                out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start..<Swift.min(end + 1, bytes.count)]))
                start = end + 1
            }
            return out
        }
    }

    private static let indent: [UInt8] = [0x20, 0x20, 0x20, 0x20]
}
