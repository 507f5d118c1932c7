import Foundation
import TermAudit
import TermAuditLoader
import TermAuditRules

/// Shared data for the rules tests: the real checklists, and a case builder.
enum R {
    static let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static let library: Library = {
        let (lib, diags) = LibraryLoader.load(directory: repo.appendingPathComponent("checklists"))
        precondition(diags.isEmpty, "\(diags)")
        return lib
    }()

    static var seed: Policy { library.policies["seed-city"]! }
    static var national: Policy { library.policies["national"]! }

    static func day(_ s: String) -> Day { Day(iso: s)! }

    static func evaluator(_ policy: Policy = seed, asOf: String = "2024-12-31") -> CaseEvaluator {
        CaseEvaluator(library: library, policy: policy, asOf: day(asOf), defaultTemplate: "handover-standard")
    }

    static let fullTeam = [
        TeamMember(name: "甲", department: "audit", unit: "县审计局", leader: true),
        TeamMember(name: "乙", department: "discipline", unit: "县纪委监委"),
        TeamMember(name: "丙", department: "organization", unit: "县委组织部"),
        TeamMember(name: "丁", department: "personnel", unit: "县人社局"),
    ]

    /// Every item of the standard template, done.
    static var allDone: [String: ItemState] {
        var d: [String: ItemState] = [:]
        for (_, item) in library.handoverTemplates["handover-standard"]!.allItems { d[item.id] = ItemState(status: .done) }
        return d
    }

    /// A clean case (ready for sign-off under seed-city as of 2024-12-31) to vary.
    static func clean(rank: Rank = .principal, decided: String = "2020-03-01", termsBefore: Int = 0,
                      trigger: Trigger = .termEnd) -> AuditCase {
        AuditCase(
            id: "C-1",
            official: Official(name: "王某", serviceStart: day("2000-08-01"), born: day("1975-05-01")),
            post: Post(unit: "县某局", title: "局长", rank: rank, level: "科级", system: "政府工作部门", basis: .appointed,
                       decided: day(decided), termsBefore: termsBefore),
            trigger: trigger,
            team: fullTeam,
            indicators: [
                Indicator(id: "rev", area: "duties", name: "收入", measure: .quantitative(target: 5, actual: 5.2, better: .higher), weight: 10),
                Indicator(id: "pb", area: "party-organization", name: "党建", measure: .qualitative(target: "达标", rating: .achieved)),
            ],
            handover: Handover(checklist: "handover-standard", items: allDone,
                               parties: ["outgoing": "王某", "incoming": "李某", "supervisor": "赵某"]),
            findings: [Finding(id: "F1", title: "已整改问题", category: "finance", status: .resolved)],
            assessment: [AssessmentYear(year: 2024, performance: 80, opinion: 75)]
        )
    }
}
