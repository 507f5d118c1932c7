import ArgumentParser
import Foundation
import TermAudit
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
        let (opened, settings) = WorkspaceLoader.openForChecking(path: workspace.path, policyOverride: workspace.policy)
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

/// Sign-off verdicts for `status`: signers.yaml is read once; `status` stops with its errors (exit 1).
struct StatusSignoffs: Sendable {
    let verifier: SignoffVerifier
    let diagnostics: [Diagnostic]

    init(root: URL, policy: Policy, caseIDs: [String], units: UnitRegistry? = nil) {
        let url = root.appendingPathComponent(SignerRegistry.fileName)
        var signers = SignerRegistry(), diagnostics: [Diagnostic] = []
        if FileManager.default.fileExists(atPath: url.path) {
            (signers, diagnostics) = SignerRegistry.load(url, display: SignoffWorkspace.display(url), policy: policy)
        }
        verifier = SignoffVerifier(signers: diagnostics.isEmpty ? signers : SignerRegistry(), policy: policy, caseIDs: caseIDs, units: units)
        self.diagnostics = diagnostics
    }

    func verdicts(_ c: AuditCase) -> [String: SignatureVerdict] {
        c.signoffs.isEmpty ? [:] : verifier.verdicts(c)
    }

}

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

/// The JSON form of `status`.
struct StatusJSON: Encodable {
    var asOf: Day
    var policy: String
    var cases: [CaseJSON]
    var unitKindsKnown: Bool

    enum CodingKeys: String, CodingKey { case asOf = "as_of", policy, cases, unitKindsKnown = "unit_kinds_known" }
}

struct CaseJSON: Encodable {
    struct Term: Encodable {
        var decided: Day, start: Day, end: Day, number: Int
        var limitReached: Bool, inherited: Bool
        enum CodingKeys: String, CodingKey { case decided, start, end, number, limitReached = "limit_reached", inherited }
    }
    struct Team: Encodable { var valid: Bool; var missing: [String]; var conflicts: [String] }
    struct Area: Encodable { var area: String; var total: Int; var met: Int; var completion: Double? }
    struct Indicators: Encodable {
        var total: Int
        var met: Int
        var unmet: [String]
        var notReported: [String]
        var completion: Double?
        var areas: [Area]
        enum CodingKeys: String, CodingKey { case total, met, unmet, notReported = "not_reported", completion, areas }
    }
    struct ChecklistArea: Encodable { var area: String; var total: Int; var done: Int }
    struct Checklist: Encodable {
        var template: String?
        var total: Int
        var done: Int
        var pending: [String]
        var incomplete: [String]
        var overdue: [String]
        var areas: [ChecklistArea]
    }
    struct Findings: Encodable { var holding: [String]; var blocking: [String]; var uncleared: [String]; var overdue: [String] }
    struct Department: Encodable {
        var department: String
        var done: Int
        var total: Int
        var concluded: Bool
        var result: String?
    }
    struct Year: Encodable {
        var year: Int
        var grade: String?
        var gradeGiven: Bool
        var teamClass: Int?
        enum CodingKeys: String, CodingKey { case year, grade, gradeGiven = "grade_given", teamClass = "team_class" }
    }
    struct PlacementJSON: Encodable {
        var recommended: String?
        var onceCleared: String?
        var blockingFindings: [String]
        var awaitsConclusion: Bool
        var alternatives: [String]
        enum CodingKeys: String, CodingKey {
            case recommended, onceCleared = "once_cleared", blockingFindings = "blocking_findings", awaitsConclusion = "awaits_conclusion", alternatives
        }
        // `recommended` and `once_cleared` are always present (null when not set), so readers need not guess.
        func encode(to encoder: Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(recommended, forKey: .recommended)
            try c.encode(onceCleared, forKey: .onceCleared)
            try c.encode(blockingFindings, forKey: .blockingFindings)
            try c.encode(awaitsConclusion, forKey: .awaitsConclusion)
            try c.encode(alternatives, forKey: .alternatives)
        }
    }

    var id: String
    var name: String
    var unit: String
    var title: String
    var rank: String
    /// `term`, `appointment`, `neither`, or `unknown` (no unit registry).
    var postSystem: String
    var trigger: String
    var state: CaseState
    var term: Term
    var team: Team
    var indicators: Indicators
    var checklist: Checklist
    var findings: Findings
    var auditProgram: String?
    var departments: [Department]
    var assessment: [Year]
    var consequences: [Consequence]
    var placement: PlacementJSON?
    var signatures: [String: SignatureVerdict]
    var missingSignatures: [String]
    var reasons: [Reason]
    var file: String

    enum CodingKeys: String, CodingKey {
        case id, name, unit, title, rank, postSystem = "post_system", trigger, state, term, team, indicators, checklist, findings, auditProgram = "audit_program", departments, assessment,
             consequences, placement, signatures, missingSignatures = "missing_signatures", reasons, file
    }

    init(_ s: CaseStatus, library: Library) {
        let c = s.auditCase
        id = c.id
        name = c.official.name
        unit = c.post.unit
        title = c.post.title
        rank = c.post.rank.rawValue
        postSystem = s.postSystem?.rawValue ?? "unknown"
        trigger = c.trigger.rawValue
        state = s.state
        term = Term(decided: s.term.decided, start: s.term.start, end: s.term.end, number: s.term.number,
                    limitReached: s.term.limitReached, inherited: s.term.inherited)
        team = Team(valid: s.team.valid, missing: s.team.missing, conflicts: s.team.conflicts)
        indicators = Indicators(total: s.indicators.total, met: s.indicators.met.count, unmet: s.indicators.unmet,
                                notReported: s.indicators.notReported, completion: s.indicators.completion.map(Self.round),
                                areas: s.indicators.areas.map { Area(area: $0.area, total: $0.total, met: $0.met, completion: $0.completion.map(Self.round)) })
        checklist = Checklist(template: s.checklist.template?.id, total: s.checklist.total, done: s.checklist.done,
                              pending: s.checklist.pending, incomplete: s.checklist.incomplete, overdue: s.checklist.overdue,
                              areas: s.checklist.areas.map { ChecklistArea(area: $0.area.id, total: $0.total, done: $0.done) })
        findings = Findings(holding: s.holdingFindings, blocking: s.blockingFindings, uncleared: s.unclearedFindings, overdue: s.overdueFindings)
        auditProgram = s.audit.program?.id
        departments = s.audit.departments.map {
            Department(department: $0.department, done: $0.done, total: $0.total, concluded: $0.concluded, result: $0.conclusion?.result.rawValue)
        }
        assessment = s.assessment.map { Year(year: $0.year, grade: $0.grade?.rawValue, gradeGiven: $0.gradeGiven, teamClass: $0.teamClass) }
        consequences = s.consequences
        placement = s.placement.map {
            PlacementJSON(recommended: $0.recommended?.rawValue, onceCleared: $0.onceCleared?.rawValue, blockingFindings: $0.blockingFindings,
                          awaitsConclusion: $0.awaitsConclusion, alternatives: $0.alternatives.map(\.rawValue))
        }
        signatures = s.signatures
        missingSignatures = s.missingSignatures
        reasons = s.reasons
        file = c.location.file
    }

    static func round(_ v: Double) -> Double { (v * 10000).rounded() / 10000 }
}


/// The text form of `status`: one aligned row per case, reasons below.
enum StatusText {
    static let columns = 8

    static func header(_ lang: Language) -> [String] {
        lang == .zh ? ["案卷", "姓名", "单位职务", "状态", "任期", "指标完成", "交接清单", "待岗事项"]
                    : ["case", "name", "post", "state", "term", "indicators", "checklist", "holds"]
    }

    /// The cells of a case's row.
    static func row(_ s: CaseStatus, lang: Language) -> [String] {
        let c = s.auditCase
        let completion = s.indicators.completion.map { pct($0) } ?? "—"
        let ind = "\(s.indicators.met.count)/\(s.indicators.total) \(completion)"
        return [c.id, c.official.name, c.post.unit + c.post.title, s.state.label.text(lang),
                "\(s.term.start)..\(s.term.end) #\(s.term.number)", ind,
                "\(s.checklist.done)/\(s.checklist.total)",
                s.holdingFindings.isEmpty ? "—" : s.holdingFindings.joined(separator: ",")]
    }

    /// The lines under a case's row, each ending with a line break: audit work, consequences, placement, reasons.
    static func details(_ s: CaseStatus, library: Library, policy: Policy, lang: Language) -> String {
        let zh = lang == .zh
        var out = ""
        if !s.audit.departments.isEmpty {
            let parts = s.audit.departments.map { d -> String in
                let name = library.department(d.department)
                let short = zh ? String(name.zh.prefix(2)) : d.department
                return "\(short) \(d.done)/\(d.total)\(d.concluded ? "✓" : "")"
            }
            out += "    \(zh ? "审计事项" : "audit work"): \(parts.joined(separator: "  "))\n"
        }
        let labels = s.consequences.map { policy.consequences[$0]?.label.text(lang) ?? $0.rawValue }
        if !labels.isEmpty { out += "    \(zh ? "后果" : "consequences"): \(labels.joined(separator: "；"))\n" }
        if let p = s.placement {
            out += "    \(zh ? "建议安置" : "placement"): \(p.summary(policy: policy).text(lang))\n"
        }
        for r in s.reasons { out += "    · [\(r.rule)] \(r.message.text(lang))\n" }
        return out
    }

    /// Cells padded to the column widths, two spaces apart, without trailing white space.
    static func line(_ r: [String], widths: [Int]) -> String {
        trimmingTrailingSpace(r.enumerated().map { DisplayWidth.pad($0.element, to: widths[$0.offset]) }.joined(separator: "  "))
    }

    /// `s` as `replacingOccurrences(of: "\\s+$", with: "", options: .regularExpression)` gives it. A line usually ends
    /// in padding spaces after a character that is not white space; the expression then removes exactly those spaces
    /// (it matches the longest run of white space at the end, and `$` can only match before a line terminator, which
    /// is white space too), so they are dropped directly. Anything else goes through the expression.
    static func trimmingTrailingSpace(_ s: String) -> String {
        let scalars = s.unicodeScalars
        var end = scalars.endIndex
        while end > scalars.startIndex, scalars[scalars.index(before: end)] == " " { end = scalars.index(before: end) }
        if end == scalars.startIndex { return "" }
        if !scalars[scalars.index(before: end)].properties.isWhitespace {
            return end == scalars.endIndex ? s : String(scalars[..<end])
        }
        return s.replacingOccurrences(of: "\\s+$", with: "", options: .regularExpression)
    }

    static func pct(_ v: Double) -> String {
        let x = (v * 1000).rounded() / 10
        return x == x.rounded() ? "\(Int(x))%" : "\(x)%"
    }
}
