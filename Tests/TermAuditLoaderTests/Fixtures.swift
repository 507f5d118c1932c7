import Foundation
import TermAudit
@testable import TermAuditLoader

/// Paths and loaded data shared by the loader tests.
enum Fixtures {
    static let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let checklists = repo.appendingPathComponent("checklists")
    static let samples = repo.appendingPathComponent("samples")

    static let library: Library = {
        let (lib, diags) = LibraryLoader.load(directory: checklists)
        precondition(diags.isEmpty, "checklists do not load: \(diags)")
        return lib
    }()

    static var policy: Policy { library.policies["seed-city"]! }

    /// Parses a case from text.
    static func parse(_ text: String, file: String = "case.yaml") -> (AuditCase?, [Diagnostic]) {
        WorkspaceLoader.parseCase(text: text, file: file, library: library, policy: policy)
    }

    /// A valid case to vary in tests.
    static let valid = """
    id: T-1
    official:
      name: 测试官
      staff_id: A-1
      national_id: "110101196805010011"
      service_start: 1990-08-01
    post:
      unit: 县测试局
      title: 局长
      rank: principal
      level: 科级
      system: 政府工作部门
      basis: appointed
      decided: 2019-07-15
      terms_before: 0
    trigger: term_end
    team:
      - {name: 甲, department: audit, unit: 县审计局, leader: true}
      - {name: 乙, department: discipline, unit: 县纪委监委}
      - {name: 丙, department: organization, unit: 县委组织部}
      - {name: 丁, department: personnel, unit: 县人社局}
    indicators:
      - {id: rev, area: duties, name: 收入, unit: 亿元, target: 5.0, actual: 5.2, better: higher, weight: 10}
      - {id: pb, area: party-organization, name: 党建, target: 全部达标, rating: achieved}
    handover:
      checklist: handover-standard
      items:
        seals: done
        debts: {status: issue, finding: F1}
    findings:
      - {id: F1, title: 借款待查, category: finance, status: resolved}
    assessment:
      - {year: 2024, performance: 86, opinion: 78}
    signoffs: []

    """

    /// A temporary workspace with the given case files; returns its folder.
    static func workspace(_ files: [String: String], config: String? = nil) throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("termaudit-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("cases"), withIntermediateDirectories: true)
        let cfg = config ?? "jurisdiction: 测试县\npolicy: seed-city\nhandover_checklists: [handover-standard]\nas_of: 2024-12-31\nlibrary: \(checklists.path)\n"
        try cfg.write(to: dir.appendingPathComponent("termaudit.yaml"), atomically: true, encoding: .utf8)
        for (name, text) in files {
            let url = dir.appendingPathComponent("cases").appendingPathComponent(name)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(text.utf8).write(to: url)
        }
        return dir
    }
}

extension Array where Element == Diagnostic {
    var codes: [String] { map(\.code) }
}
