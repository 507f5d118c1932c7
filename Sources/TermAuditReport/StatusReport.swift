import Foundation
import TermAudit
import TermAuditRules
import TermAuditSignoff

// What `status` shows, for the command line and (later) the server: the same JSON and the same text.

/// JSON output with stable key order.
public enum JSONOutput {
    public static func string<T: Encodable>(_ value: T) throws -> String {
        String(decoding: try data(value), as: UTF8.self)
    }

    /// The same text as UTF-8 bytes.
    public static func data<T: Encodable>(_ value: T) throws -> Data {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        return try e.encode(value)
    }
}

/// Sign-off verdicts for `status`: signers.yaml is read once; `status` stops with its errors (exit 1).
public struct StatusSignoffs: Sendable {
    public let verifier: SignoffVerifier
    public let diagnostics: [Diagnostic]

    public init(root: URL, policy: Policy, caseIDs: [String], units: UnitRegistry? = nil) {
        let url = root.appendingPathComponent(SignerRegistry.fileName)
        var signers = SignerRegistry(), diagnostics: [Diagnostic] = []
        if FileManager.default.fileExists(atPath: url.path) {
            (signers, diagnostics) = SignerRegistry.load(url, display: SignoffWorkspace.display(url), policy: policy)
        }
        verifier = SignoffVerifier(signers: diagnostics.isEmpty ? signers : SignerRegistry(), policy: policy, caseIDs: caseIDs, units: units)
        self.diagnostics = diagnostics
    }

    public func verdicts(_ c: AuditCase) -> [String: SignatureVerdict] {
        c.signoffs.isEmpty ? [:] : verifier.verdicts(c)
    }

}

/// The JSON form of `status`.
public struct StatusJSON: Encodable {
    public var asOf: Day
    public var policy: String
    public var cases: [CaseJSON]
    public var unitKindsKnown: Bool

    enum CodingKeys: String, CodingKey { case asOf = "as_of", policy, cases, unitKindsKnown = "unit_kinds_known" }

    public init(asOf: Day, policy: String, cases: [CaseJSON], unitKindsKnown: Bool) {
        self.asOf = asOf
        self.policy = policy
        self.cases = cases
        self.unitKindsKnown = unitKindsKnown
    }
}

public struct CaseJSON: Encodable {
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

    public init(_ s: CaseStatus, library: Library) {
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
public enum StatusText {
    public static let columns = 8

    public static func header(_ lang: Language) -> [String] {
        lang == .zh ? ["案卷", "姓名", "单位职务", "状态", "任期", "指标完成", "交接清单", "待岗事项"]
                    : ["case", "name", "post", "state", "term", "indicators", "checklist", "holds"]
    }

    /// The cells of a case's row.
    public static func row(_ s: CaseStatus, lang: Language) -> [String] {
        let c = s.auditCase
        let completion = s.indicators.completion.map { pct($0) } ?? "—"
        let ind = "\(s.indicators.met.count)/\(s.indicators.total) \(completion)"
        return [c.id, c.official.name, c.post.unit + c.post.title, s.state.label.text(lang),
                "\(s.term.start)..\(s.term.end) #\(s.term.number)", ind,
                "\(s.checklist.done)/\(s.checklist.total)",
                s.holdingFindings.isEmpty ? "—" : s.holdingFindings.joined(separator: ",")]
    }

    /// The lines under a case's row, each ending with a line break: audit work, consequences, placement, reasons.
    public static func details(_ s: CaseStatus, library: Library, policy: Policy, lang: Language) -> String {
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
    public static func line(_ r: [String], widths: [Int]) -> String {
        trimmingTrailingSpace(r.enumerated().map { DisplayWidth.pad($0.element, to: widths[$0.offset]) }.joined(separator: "  "))
    }

    /// `s` as `replacingOccurrences(of: "\\s+$", with: "", options: .regularExpression)` gives it. A line usually ends
    /// in padding spaces after a character that is not white space; the expression then removes exactly those spaces
    /// (it matches the longest run of white space at the end, and `$` can only match before a line terminator, which
    /// is white space too), so they are dropped directly. Anything else goes through the expression.
    public static func trimmingTrailingSpace(_ s: String) -> String {
        let scalars = s.unicodeScalars
        var end = scalars.endIndex
        while end > scalars.startIndex, scalars[scalars.index(before: end)] == " " { end = scalars.index(before: end) }
        if end == scalars.startIndex { return "" }
        if !scalars[scalars.index(before: end)].properties.isWhitespace {
            return end == scalars.endIndex ? s : String(scalars[..<end])
        }
        return s.replacingOccurrences(of: "\\s+$", with: "", options: .regularExpression)
    }

    public static func pct(_ v: Double) -> String {
        let x = (v * 1000).rounded() / 10
        return x == x.rounded() ? "\(Int(x))%" : "\(x)%"
    }
}
