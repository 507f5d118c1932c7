import ArgumentParser
import Foundation
import TermAudit
import TermAuditRules

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
        let session = try Session.open(workspace, asOf: asOf)
        let cases = try session.cases(caseIDs)
        let statuses = cases.map { session.evaluator.evaluate($0, signatures: SignatureCheck.verdicts(for: $0, session: session)) }
        switch format {
        case .json:
            print(try JSONOutput.string(StatusJSON(asOf: session.evaluator.asOf, policy: session.policy.id,
                                                   cases: statuses.map { CaseJSON($0, library: session.workspace.library) })))
        case .text:
            StatusText.print(statuses, session: session, lang: lang, brief: brief)
        }
    }
}

extension Language: ExpressibleByArgument {}

/// Verdicts of the sign-off records of a case (filled in by the sign-off module).
enum SignatureCheck {
    static func verdicts(for c: AuditCase, session: Session) -> [String: SignatureVerdict] {
        SignoffStatus.verdicts(for: c, session: session)
    }
}

/// The JSON form of `status`.
struct StatusJSON: Encodable {
    var asOf: Day
    var policy: String
    var cases: [CaseJSON]

    enum CodingKeys: String, CodingKey { case asOf = "as_of", policy, cases }
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
        var areas: [ChecklistArea]
    }
    struct Findings: Encodable { var holding: [String]; var blocking: [String] }
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
    struct PlacementJSON: Encodable { var recommended: String; var alternatives: [String] }

    var id: String
    var name: String
    var unit: String
    var title: String
    var rank: String
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
        case id, name, unit, title, rank, trigger, state, term, team, indicators, checklist, findings, auditProgram = "audit_program", departments, assessment,
             consequences, placement, signatures, missingSignatures = "missing_signatures", reasons, file
    }

    init(_ s: CaseStatus, library: Library) {
        let c = s.auditCase
        id = c.id
        name = c.official.name
        unit = c.post.unit
        title = c.post.title
        rank = c.post.rank.rawValue
        trigger = c.trigger.rawValue
        state = s.state
        term = Term(decided: s.term.decided, start: s.term.start, end: s.term.end, number: s.term.number,
                    limitReached: s.term.limitReached, inherited: s.term.inherited)
        team = Team(valid: s.team.valid, missing: s.team.missing, conflicts: s.team.conflicts)
        indicators = Indicators(total: s.indicators.total, met: s.indicators.met.count, unmet: s.indicators.unmet,
                                notReported: s.indicators.notReported, completion: s.indicators.completion.map(Self.round),
                                areas: s.indicators.areas.map { Area(area: $0.area, total: $0.total, met: $0.met, completion: $0.completion.map(Self.round)) })
        checklist = Checklist(template: s.checklist.template?.id, total: s.checklist.total, done: s.checklist.done,
                              pending: s.checklist.pending, incomplete: s.checklist.incomplete,
                              areas: s.checklist.areas.map { ChecklistArea(area: $0.area.id, total: $0.total, done: $0.done) })
        findings = Findings(holding: s.holdingFindings, blocking: s.blockingFindings)
        auditProgram = s.audit.program?.id
        departments = s.audit.departments.map {
            Department(department: $0.department, done: $0.done, total: $0.total, concluded: $0.concluded, result: $0.conclusion?.result.rawValue)
        }
        assessment = s.assessment.map { Year(year: $0.year, grade: $0.grade?.rawValue, gradeGiven: $0.gradeGiven, teamClass: $0.teamClass) }
        consequences = s.consequences
        placement = s.placement.map { PlacementJSON(recommended: $0.recommended.rawValue, alternatives: $0.alternatives.map(\.rawValue)) }
        signatures = s.signatures
        missingSignatures = s.missingSignatures
        reasons = s.reasons
        file = c.location.file
    }

    static func round(_ v: Double) -> Double { (v * 10000).rounded() / 10000 }
}

/// The text form of `status`: one aligned row per case, reasons below.
enum StatusText {
    static func print(_ statuses: [CaseStatus], session: Session, lang: Language, brief: Bool) {
        let zh = lang == .zh
        let header = zh ? ["案卷", "姓名", "单位职务", "状态", "任期", "指标完成", "交接清单", "待岗事项"]
                        : ["case", "name", "post", "state", "term", "indicators", "checklist", "holds"]
        var rows: [[String]] = []
        for s in statuses {
            let c = s.auditCase
            let completion = s.indicators.completion.map { pct($0) } ?? "—"
            let ind = "\(s.indicators.met.count)/\(s.indicators.total) \(completion)"
            rows.append([c.id, c.official.name, c.post.unit + c.post.title, s.state.label.text(lang),
                         "\(s.term.start)..\(s.term.end) #\(s.term.number)", ind,
                         "\(s.checklist.done)/\(s.checklist.total)",
                         s.holdingFindings.isEmpty ? "—" : s.holdingFindings.joined(separator: ",")])
        }
        var widths = header.map(DisplayWidth.of)
        for r in rows { for (i, v) in r.enumerated() { widths[i] = max(widths[i], DisplayWidth.of(v)) } }
        func line(_ r: [String]) -> String {
            r.enumerated().map { DisplayWidth.pad($0.element, to: widths[$0.offset]) }.joined(separator: "  ")
                .replacingOccurrences(of: "\\s+$", with: "", options: .regularExpression)
        }
        Swift.print(line(header))
        Swift.print(widths.map { String(repeating: "─", count: $0) }.joined(separator: "  "))
        for (r, s) in zip(rows, statuses) {
            Swift.print(line(r))
            if !brief {
                if !s.audit.departments.isEmpty {
                    let parts = s.audit.departments.map { d -> String in
                        let name = session.workspace.library.department(d.department)
                        let short = zh ? String(name.zh.prefix(2)) : d.department
                        return "\(short) \(d.done)/\(d.total)\(d.concluded ? "✓" : "")"
                    }
                    Swift.print("    \(zh ? "审计事项" : "audit work"): \(parts.joined(separator: "  "))")
                }
                let labels = s.consequences.map { session.policy.consequences[$0]?.label.text(lang) ?? $0.rawValue }
                if !labels.isEmpty { Swift.print("    \(zh ? "后果" : "consequences"): \(labels.joined(separator: "；"))") }
                if let p = s.placement {
                    let rec = session.policy.placements[p.recommended]?.label.text(lang) ?? p.recommended.rawValue
                    Swift.print("    \(zh ? "建议安置" : "placement"): \(rec)")
                }
                for r in s.reasons { Swift.print("    · [\(r.rule)] \(r.message.text(lang))") }
            }
        }
        var counts: [CaseState: Int] = [:]
        for s in statuses { counts[s.state, default: 0] += 1 }
        let summary = CaseState.allCases.compactMap { st in counts[st].map { "\(st.label.text(lang)) \($0)" } }.joined(separator: zh ? "，" : ", ")
        Swift.print("")
        Swift.print(zh ? "共 \(statuses.count) 个案卷（基准日 \(session.evaluator.asOf)，政策 \(session.policy.id)）：\(summary)"
                       : "\(statuses.count) cases (as of \(session.evaluator.asOf), policy \(session.policy.id)): \(summary)")
    }

    static func pct(_ v: Double) -> String {
        let x = (v * 1000).rounded() / 10
        return x == x.rounded() ? "\(Int(x))%" : "\(x)%"
    }
}
