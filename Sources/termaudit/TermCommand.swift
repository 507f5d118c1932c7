import ArgumentParser
import Foundation
import TermAudit
import TermAuditReport
import TermAuditLoader
import TermAuditRules

/// `termaudit term`: the counted window and limits of a term, for a quick question at a desk.
struct TermCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "term",
        abstract: "任期计算 — the counted term window and limits for a decision date."
    )

    @Option(help: "任职决定时间, YYYY-MM-DD.")
    var decided: String

    @Option(help: "The predecessor's counted term START..END, for a mid-term replacement.")
    var inherits: String?

    @Option(help: "Completed terms in this same post before this one.")
    var termsBefore: Int = 0

    @Option(help: "principal (正职) or deputy (副职).")
    var rank: String = "principal"

    @Option(help: "elected, appointed or contract.")
    var basis: String = "appointed"

    @Option(help: "Policy id (default: the workspace's, else seed-city).")
    var policy: String?

    @Option(help: "Output format: text or json.")
    var format: OutputFormat = .text

    func run() throws {
        guard let day = Day(iso: decided) else { throw ValidationError("--decided '\(decided)' is not a date YYYY-MM-DD that exists") }
        var range: DayRange?
        if let inherits {
            guard let r = DayRange(text: inherits) else { throw ValidationError("--inherits '\(inherits)' should be START..END, e.g. 2018-01-01..2022-12-31") }
            range = r
        }
        guard let rk = Rank(rawValue: rank) else { throw ValidationError("--rank must be principal or deputy") }
        guard let bs = Basis(rawValue: basis) else { throw ValidationError("--basis must be elected, appointed or contract") }
        guard termsBefore >= 0, termsBefore <= 20 else { throw ValidationError("--terms-before must be 0…20") }
        guard let dir = WorkspaceLoader.libraryForCurrentDirectory() else {
            throw ValidationError("cannot find the checklists folder; set TERMAUDIT_CHECKLISTS")
        }
        let (library, diagnostics) = LibraryLoader.load(directory: dir)
        if diagnostics.contains(where: { $0.severity == .error }) {
            for d in diagnostics { Terminal.eprint(d.description) }
            throw ExitCode(1)
        }
        let policyID = policy ?? WorkspaceLoader.workspacePolicyForCurrentDirectory() ?? "seed-city"
        guard let p = library.policies[policyID] else {
            throw ValidationError("unknown policy '\(policyID)'; known: \(library.policies.keys.sorted().joined(separator: ", "))")
        }
        if let range {
            // The loader's checks on post.inherits, named by the option.
            let problems = InheritedTermCheck.problems(inherits: range, decided: day, termYears: p.term.years)
            if !problems.isEmpty {
                for q in problems {
                    Terminal.eprint("error: --inherits: \(q.message.replacingOccurrences(of: "post.inherits", with: "the inherited term"))")
                    Terminal.eprint("    → \(q.hint)")
                }
                throw ExitCode(1)
            }
        }
        let post = Post(unit: "", title: "", rank: rk, level: "", system: "", basis: bs, decided: day, inherits: range, termsBefore: termsBefore)
        let w = TermRules.window(post: post, policy: p)
        var consequences: [String] = []
        if w.limitReached { consequences.append(Consequence.exchangeOrNonLeadership.rawValue) }
        if rk == .deputy && p.term.deputyReappointment { consequences.append(Consequence.reappointmentDue.rawValue) }
        switch format {
        case .json:
            struct Out: Encodable {
                var policy: String, decided: Day, start: Day, end: Day, number: Int, inherited: Bool
                var limitReached: Bool, atEnd: [String], reasons: [Reason]
                enum CodingKeys: String, CodingKey { case policy, decided, start, end, number, inherited, limitReached = "limit_reached", atEnd = "at_end", reasons }
            }
            print(try JSONOutput.string(Out(policy: p.id, decided: day, start: w.start, end: w.end, number: w.number, inherited: w.inherited,
                                            limitReached: w.limitReached, atEnd: consequences, reasons: w.reasons)))
        case .text:
            print("任期 term: \(w.start) .. \(w.end)  (第 \(w.number) 个任期 / term \(w.number), 政策 policy \(p.id))")
            for r in w.reasons { print("  · [\(r.rule)] \(r.message.zh)\n    \(r.message.en)\(r.citation.map { "\n    \($0.short)" } ?? "")") }
            if rk == .deputy && p.term.deputyReappointment {
                print("  · [term.deputy-reappointment] 聘期届满（\(w.end)）时需决定是否重新聘任 / re-appointment decision due at \(w.end)")
            }
        }
    }
}
