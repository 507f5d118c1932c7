import ArgumentParser
import Foundation
import TermAudit
import TermAuditReport
import TermAuditRules

/// `termaudit rank`: grades, ranks within level and system, team classes, and the caps on 优秀.
struct RankCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rank",
        abstract: "考核排序 — grades, ranks within the same level and system, team classes, caps on 优秀."
    )

    @OptionGroup var workspace: WorkspaceOptions

    @Option(help: "Assessment year (default: the latest assessed).")
    var year: Int?

    @Option(help: "Output format: text or json.")
    var format: OutputFormat = .text

    func run() throws {
        let session = try Session.open(workspace, validCasesOnly: true)
        let cases = session.workspace.cases
        guard let y = year ?? RankingRules.latestYear(cases) else {
            print("没有考核数据 (no assessment data)")
            session.finishWithInvalid()
            return
        }
        let report = RankingRules.rank(cases, year: y, policy: session.policy, units: session.workspace.units)
        // Cases of one unit that disagree on the team's result: nothing is chosen silently.
        if !report.conflicts.isEmpty {
            for c in report.conflicts {
                let first = c.entries[0].location
                Terminal.eprint("\(first.file):\(first.line):\(first.column): error: \(c.reason.message.zh)")
                for e in c.entries.dropFirst() {
                    Terminal.eprint("\(e.location.file):\(e.location.line):\(e.location.column): note: \(e.caseID) records \(e.score.map { "team_score \($0)" } ?? "")\(e.teamClass.map { " team_class \($0)" } ?? "")")
                }
                Terminal.eprint("    → give every case of \(c.unit) the same team_score (or team_class) for \(y)")
            }
            throw ExitCode(1)
        }
        switch format {
        case .json:
            struct Entry: Encodable { var rank: Int; var id: String; var name: String; var unit: String; var grade: String?; var performance: Double?; var opinion: Double?; var team_class: Int? }
            struct Group: Encodable { var level: String; var system: String; var entries: [Entry] }
            struct Breach: Encodable { var scope: String; var count: Int; var population: Int; var cap: Double; var allowed: Int; var reason: Reason }
            struct Out: Encodable { var year: Int; var groups: [Group]; var team_classes: [String: Int]; var breaches: [Breach]; var capped: [String: [Reason]] }
            let out = Out(year: y, groups: report.groups.map { g in
                Group(level: g.level, system: g.system, entries: g.entries.map {
                    Entry(rank: $0.rank, id: $0.caseID, name: $0.name, unit: $0.unit, grade: $0.grade?.rawValue,
                          performance: $0.performance, opinion: $0.opinion, team_class: $0.teamClass)
                })
            }, team_classes: report.teamClasses, breaches: report.breaches.map {
                Breach(scope: $0.scope, count: $0.count, population: $0.population, cap: $0.cap, allowed: $0.allowed, reason: $0.reason)
            }, capped: report.capped)
            print(try JSONOutput.string(out))
        case .text:
            print("\(y) 年度考核排序 (assessment ranking, \(y))")
            for g in report.groups {
                print("\n【\(g.level) · \(g.system)】")
                for e in g.entries {
                    let scores = e.performance.map { p in "实绩 \(fmt(p)) 民意 \(e.opinion.map(fmt) ?? "—")" } ?? "（等次由考核委员会确定）"
                    let cls = e.teamClass.map { " 班子\($0)类" } ?? ""
                    print("  \(e.rank). \(DisplayWidth.pad(e.name, to: 8)) \(DisplayWidth.pad(e.unit, to: 24)) \(DisplayWidth.pad(e.grade?.rawValue ?? "未评定", to: 8)) \(scores)\(cls)")
                }
            }
            if !report.teamClasses.isEmpty {
                print("\n班子类别 (team classes): " + report.teamClasses.sorted { ($0.value, $0.key) < ($1.value, $1.key) }.map { "\($0.key) \($0.value)类" }.joined(separator: "；"))
            }
            for id in report.capped.keys.sorted() {
                for r in report.capped[id]! { print("\n· \(id) [\(r.rule)] \(r.message.zh)") }
            }
            if report.breaches.isEmpty {
                print("\n✓ 优秀比例符合限额 (caps on 优秀 respected)")
            } else {
                for b in report.breaches { print("\n✗ [\(b.reason.rule)] \(b.reason.message.zh)\n  \(b.reason.message.en)") }
            }
        }
        session.finishWithInvalid()
    }

    func fmt(_ v: Double) -> String { v == v.rounded() ? String(Int(v)) : String(v) }
}
