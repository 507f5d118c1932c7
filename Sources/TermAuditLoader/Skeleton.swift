import Foundation
import TermAudit

/// The files `termaudit new` writes: a case file with every section in place (the handover checklist and the audit
/// program's items listed as pending, each with its label as a comment), and a workspace's settings. What a person
/// gives goes in quoted; the comments say what each field takes.
public enum Skeleton {
    /// The facts a new case needs to be valid.
    public struct CaseFacts: Sendable {
        public var id: String
        public var official: String
        public var unit: String
        public var title: String
        public var rank: Rank
        public var level: String
        public var system: String
        public var basis: Basis
        public var decided: Day
        public var trigger: Trigger

        public init(id: String, official: String, unit: String, title: String, rank: Rank, level: String, system: String,
                    basis: Basis, decided: Day, trigger: Trigger) {
            self.id = id
            self.official = official
            self.unit = unit
            self.title = title
            self.rank = rank
            self.level = level
            self.system = system
            self.basis = basis
            self.decided = decided
            self.trigger = trigger
        }
    }

    /// A YAML double-quoted scalar (JSON's string syntax is YAML's).
    static func quoted(_ s: String) -> String {
        let e = JSONEncoder()
        e.outputFormatting = [.withoutEscapingSlashes]
        return String(decoding: (try? e.encode(s)) ?? Data("\"\"".utf8), as: UTF8.self)
    }

    /// Codes with their labels, for comments: `term_end 任期届满 | transfer 调整岗位 | …`.
    static func codes<T: RawRepresentable & CaseIterable & Labelled>(_ type: T.Type) -> String where T.RawValue == String {
        T.allCases.map { "\($0.rawValue) \($0.label.zh)" }.joined(separator: " | ")
    }

    /// The text of a new case file.
    public static func caseText(_ f: CaseFacts, template: HandoverTemplate?, program: AuditProgram?, library: Library) -> String {
        var out: [String] = []
        out.append("# 案卷 \(f.id) — \(f.official)（\(f.unit) \(f.title)）")
        out.append("# 由 `termaudit new case` 生成。按注释补全各部分，`termaudit validate` 检查；格式见 docs/case-file.md。")
        out.append("# Made by `termaudit new case`: fill in each section as its comments say; check with `termaudit validate`.")
        out.append("id: \(quoted(f.id))")
        out.append("official:")
        out.append("  name: \(quoted(f.official))")
        out.append("  # staff_id: \"A-0000\"             # 工号（内部）")
        out.append("  # national_id: \"…\"               # 身份证号（内部，从不公开）")
        out.append("  # service_start: 1990-08-01       # 参加工作时间")
        out.append("  # born: 1970-01-01                # 出生日期（退休年龄规则用）")
        out.append("post:")
        out.append("  unit: \(quoted(f.unit))")
        out.append("  title: \(quoted(f.title))")
        out.append("  rank: \(f.rank.rawValue)    # \(codes(Rank.self))")
        out.append("  level: \(quoted(f.level))")
        out.append("  system: \(quoted(f.system))    # 排名分组（同层级、同系统）")
        out.append("  basis: \(f.basis.rawValue)    # \(codes(Basis.self))")
        out.append("  decided: \(f.decided)    # 任职决定时间")
        out.append("  terms_before: 0    # 此前在同一职位已任满的届数")
        out.append("trigger: \(f.trigger.rawValue)    # \(codes(Trigger.self))")
        out.append("team: []    # 审计组：纪检、组织、人事、审计各部门成员，组长一人")
        let depts = library.departments.map { "\($0.id) \($0.label.zh)" }.joined(separator: " | ")
        out.append("#  - {name: 姓名, department: audit, unit: 县审计局, leader: true}    # department: \(depts)")
        out.append("indicators: []    # 任期目标指标")
        out.append("#  - {id: fiscal-revenue, area: duties, name: 一般公共预算收入, unit: 亿元, target: 5.0, actual: 5.2, better: higher, weight: 10}")
        out.append("#  - {id: party-building, area: party-organization, name: 基层党组织建设, target: 全部达标, rating: achieved}")
        if let template {
            out.append("handover:")
            out.append("  checklist: \(template.id)")
            out.append("  items:    # \(codes(ItemStatus.self))（不适用写 reason，有问题写 finding）")
            for (area, item) in template.allItems {
                out.append("    \(item.id): pending    # \(area.label.zh) · \(item.label.zh)")
            }
        }
        out.append("findings: []    # 问题：{id: F1, title: …, category: finance, status: open, department: audit}")
        out.append("assessment: []    # 年度考核：{year: 2024, performance: 86, opinion: 78}（0–100）或 {year: 2024, grade: 称职}")
        if let program {
            out.append("audit:")
            out.append("  program: \(program.id)")
            out.append("  items:    # \(codes(AuditItemStatus.self))；审查人写 examiner")
            for item in program.items {
                out.append("    \(item.id): pending    # \(library.department(item.department).zh) · \(item.label.zh)")
            }
        }
        out.append("signoffs: []    # 由 termaudit sign 写入，请勿手写")
        return out.joined(separator: "\n") + "\n"
    }

    /// The text of a new workspace's `termaudit.yaml`.
    public static func workspaceConfig(jurisdiction: String, policy: String, handover: String, period: String?, asOf: Day?,
                                       library: String?, program: String?) -> String {
        var out: [String] = []
        out.append("# \(jurisdiction) 经济责任审计工作区 — made by `termaudit new workspace`.")
        out.append("# 案卷放在 cases/ 下（可分子文件夹），每名被审计人一个文件：`termaudit new case` 生成。")
        out.append("jurisdiction: \(quoted(jurisdiction))")
        out.append("policy: \(policy)")
        out.append("handover_checklists: [\(handover)]")
        out.append(period.map { "period: \(quoted($0))" } ?? "# period: \"2025年度\"")
        out.append(asOf.map { "as_of: \($0)    # 审计基准日" } ?? "# as_of: 2025-12-31    # 审计基准日（不写则按当天）")
        if let library { out.append("library: \(quoted(library))") }
        out.append(program.map { "audit_program: \($0)" } ?? "# audit_program: department-heads")
        return out.joined(separator: "\n") + "\n"
    }
}
