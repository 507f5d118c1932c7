import Crypto
import Foundation
import TermAudit
import TermAuditRules

/// The layout of the fill-in workbook, shared by the exporter and the importer.
///
/// Every data sheet starts with three hidden, protected columns — case id, row key, and a check code over
/// both — so that each row ties back to the case file and a row whose identifiers were edited is recognized.
/// The hidden sheet `校验` records the format, the digest of every case the workbook was made from, and each
/// data sheet's column keys. The hidden sheet `原值` records, per row (by case and row key, so sorting the
/// sheets does no harm), the value each editable cell had when exported: the base of the three-way merge on import.
public enum FillIn {
    public static let format = "termaudit-fill-in 2"
    public static let checkSheet = "校验"
    public static let listSheet = "列表"
    public static let baseSheet = "原值"

    /// One data sheet: its name and column keys (the first three are `case`, `key`, `check`).
    public struct SheetLayout: Sendable {
        public var name: String
        public var keys: [String]
        public var headers: [String]
        /// The keys of the cells a person fills in, in column order (their exported values go to `原值`).
        public var editable: [String]
    }

    public static let indicators = SheetLayout(name: "指标", keys: ["case", "key", "check", "unit", "official", "name", "measure_unit", "target", "kind", "actual", "rating", "note"],
                                               headers: ["案卷", "指标编号", "校验码", "单位", "姓名", "指标名称", "计量单位", "目标值", "类型/方向", "完成值", "评价", "备注"],
                                               editable: ["actual", "rating", "note"])
    public static let checklist = SheetLayout(name: "交接清单", keys: ["case", "key", "check", "unit", "official", "area", "item", "status", "reason", "finding", "note"],
                                              headers: ["案卷", "事项编号", "校验码", "单位", "姓名", "交接领域", "交接事项", "状态", "不适用理由", "关联问题", "备注"],
                                              editable: ["status", "reason", "finding", "note"])
    public static let findings = SheetLayout(name: "问题与整改", keys: ["case", "key", "check", "unit", "official", "title", "category", "department", "status",
                                                                     "responsibility", "amount", "due", "note"],
                                             headers: ["案卷", "问题编号", "校验码", "单位", "姓名", "问题", "类别", "发现部门", "整改状态", "责任", "金额（万元）", "整改期限", "备注"],
                                             editable: ["title", "category", "department", "status", "responsibility", "amount", "due", "note"])
    /// Blank rows per case in 问题与整改 for findings found while filling in (row keys `+1`, `+2` …).
    public static let newFindingRows = 2
    /// Whether a row key is one of the blank new-finding rows.
    public static func isNewFinding(_ key: String) -> Bool { key.hasPrefix("+") }
    public static let assessment = SheetLayout(name: "考核", keys: ["case", "key", "check", "unit", "official", "year", "performance", "opinion", "team_score", "grade"],
                                               headers: ["案卷", "年度", "校验码", "单位", "姓名", "年度", "工作实绩", "民意测评", "班子得分", "给定等次"],
                                               editable: ["performance", "opinion", "team_score", "grade"])
    public static let auditItems = SheetLayout(name: "审计事项", keys: ["case", "key", "check", "unit", "official", "department", "item", "status", "examiner", "findings", "reason", "note"],
                                               headers: ["案卷", "事项编号", "校验码", "单位", "姓名", "部门", "审计事项", "状态", "审查人", "关联问题", "理由", "备注"],
                                               editable: ["status", "examiner", "findings", "reason", "note"])
    public static let conclusions = SheetLayout(name: "部门结论", keys: ["case", "key", "check", "unit", "official", "department", "result", "by", "date", "findings"],
                                                headers: ["案卷", "部门编号", "校验码", "单位", "姓名", "部门", "结论", "结论人", "日期", "关联问题"],
                                                editable: ["result", "by", "date", "findings"])
    public static let sheets = [indicators, checklist, findings, assessment, auditItems, conclusions]
    /// The hidden sheet of each case's team: a row per case (case id, then the members' names), the dropdowns of
    /// 审查人 and 结论人.
    public static let teamSheet = "审计组名单"

    /// A list of finding ids as the workbook shows it: `F1, F2`.
    public static func ids(_ list: [String]) -> String? { list.isEmpty ? nil : list.joined(separator: ", ") }

    /// A number as the workbook and the base sheet show it: integers without a decimal point, else the shortest form.
    public static func show(_ d: Double?) -> String? {
        d.map { $0 == $0.rounded() && abs($0) < 1e15 ? String(Int64($0)) : "\($0)" }
    }

    /// The check code of a row: 12 hex digits of SHA-256 over the case id and the row key.
    public static func check(caseID: String, key: String) -> String {
        // The first 6 bytes in lowercase hex, from a table (String(format:) per byte was most of a fill-in export's time).
        let digest = SHA256.hash(data: Data("termaudit-row\u{1F}\(caseID)\u{1F}\(key)".utf8))
        let hex: [UInt8] = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(12)
        for byte in digest.prefix(6) {
            out.append(hex[Int(byte >> 4)])
            out.append(hex[Int(byte & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Dropdown values, each a column of the hidden list sheet.
    public static let ratingLabels = Rating.allCases.map(\.label.zh)
    public static let itemStatusLabels = ItemStatus.allCases.map(\.label.zh)
    public static let findingStatusLabels = FindingStatus.allCases.map(\.label.zh)
    public static let gradeLabels = Grade.allCases.map(\.label.zh)
    public static let auditItemStatusLabels = AuditItemStatus.allCases.map(\.label.zh)
    public static let conclusionLabels = Conclusion.Result.allCases.map(\.label.zh)
}

/// Writes the fill-in workbook: the parts an audit team fills in, in unlocked cells with dropdowns; everything
/// else locked; hidden identifiers on every row; the case digests on a hidden sheet.
public final class FillInExporter {
    private let sink: WorkbookSink
    private let ctx: ExportContext
    /// Only what this department fills in (`--department`): its audit items, its conclusion, its findings.
    private let department: String?
    /// The data sheets written, by name.
    private var handles: [String: Int] = [:]
    private var base = 0
    private var teams = 0
    /// Rows written to the team sheet so far.
    private var teamRows = 0
    private var checkRows: [[ExportCell]] = []

    /// The sheets of a department's workbook (the others are filled in by the team as a whole).
    public static let departmentSheets = [FillIn.findings.name, FillIn.auditItems.name, FillIn.conclusions.name]

    public init(sink: WorkbookSink, context: ExportContext, department: String? = nil) throws {
        self.sink = sink
        self.ctx = context
        self.department = department
        let lib = context.library
        let responsibilities = lib.responsibilities.map(\.label.zh)
        let categories = lib.findingCategories.map(\.label.zh)
        let departments = lib.departments.map(\.label.zh)
        _ = try sink.addSheet(SheetSpec(name: "填写说明", columns: [ColumnSpec("", .wrap, min: 64, max: 64)], table: false, protect: true, landscape: false))   // fits a portrait A4 page
        // Data sheets: hidden identifiers, locked context, unlocked (yellow) cells to fill.
        func cols(_ l: FillIn.SheetLayout, _ styles: [String: ExportStyle]) -> [ColumnSpec] {
            l.keys.enumerated().map { i, k in
                ColumnSpec(l.headers[i], styles[k] ?? .text, min: i < 3 ? 4 : 6, max: 50, hidden: i < 3)
            }
        }
        func list(_ column: String, _ layout: FillIn.SheetLayout, _ listCol: Int, _ count: Int) -> ListValidation {
            ListValidation(column: layout.keys.firstIndex(of: column)!, listSheet: FillIn.listSheet, listColumn: listCol, count: count)
        }
        let specs: [(FillIn.SheetLayout, [String: ExportStyle], [ListValidation])] = [
            (FillIn.indicators, ["name": .wrap], [list("rating", FillIn.indicators, 0, FillIn.ratingLabels.count)]),
            (FillIn.checklist, ["item": .wrap], [list("status", FillIn.checklist, 1, FillIn.itemStatusLabels.count)]),
            (FillIn.findings, ["title": .wrap], [list("status", FillIn.findings, 2, FillIn.findingStatusLabels.count),
                                                 list("responsibility", FillIn.findings, 3, responsibilities.count),
                                                 list("category", FillIn.findings, 7, categories.count),
                                                 list("department", FillIn.findings, 8, departments.count)]),
            (FillIn.assessment, [:], [list("grade", FillIn.assessment, 4, FillIn.gradeLabels.count)]),
            (FillIn.auditItems, ["item": .wrap, "note": .wrap, "reason": .wrap], [list("status", FillIn.auditItems, 5, FillIn.auditItemStatusLabels.count)]),
            (FillIn.conclusions, [:], [list("result", FillIn.conclusions, 6, FillIn.conclusionLabels.count)]),
        ]
        for (layout, styles, validations) in specs where department == nil || Self.departmentSheets.contains(layout.name) {
            handles[layout.name] = try sink.addSheet(SheetSpec(name: layout.name, columns: cols(layout, styles), protect: true, keyColumns: 5,
                                                               validations: validations))
        }
        // Lists for the dropdowns (ranges on a hidden sheet: inline lists crash libxlsxwriter 1.1.4 on CJK text).
        let columns = [FillIn.ratingLabels, FillIn.itemStatusLabels, FillIn.findingStatusLabels, responsibilities, FillIn.gradeLabels,
                       FillIn.auditItemStatusLabels, FillIn.conclusionLabels, categories, departments]
        let lists = try sink.addSheet(SheetSpec(name: FillIn.listSheet, columns: columns.map { _ in ColumnSpec("", .text) }, table: false, protect: true, hidden: true))
        for r in 0..<(columns.map(\.count).max() ?? 0) {
            try sink.append(lists, columns.map { r < $0.count ? .text($0[r]) : .text(nil) })
        }
        // The exported value of every editable cell, as text (the base of the three-way merge on import).
        let width = FillIn.sheets.map(\.editable.count).max() ?? 0
        base = try sink.addSheet(SheetSpec(name: FillIn.baseSheet, columns: (0..<(3 + width)).map { _ in ColumnSpec("", .text) },
                                           table: false, protect: true, hidden: true))
        teams = try sink.addSheet(SheetSpec(name: FillIn.teamSheet, columns: [ColumnSpec("", .text)], table: false, protect: true, hidden: true))
    }

    /// Records the exported values of a row's editable cells.
    private func recordBase(_ layout: FillIn.SheetLayout, _ caseID: String, _ key: String, _ values: [String?]) throws {
        try sink.append(base, [.text(layout.name), .text(caseID), .text(key)] + values.map { .text($0) })
    }

    private func ids(_ caseID: String, _ key: String) -> [ExportCell] {
        [.text(caseID, .hiddenID), .text(key, .hiddenID), .text(FillIn.check(caseID: caseID, key: key), .hiddenID)]
    }

    /// Writes the fillable rows of one case; `audit`: the case's audit program items and departments (from the
    /// rules: the program and its reassignments), nil when it has none.
    public func add(_ c: AuditCase, template: HandoverTemplate?, audit: AuditWorkSummary? = nil, digest: String) throws {
        checkRows.append([.text(c.id), .text(digest), .text(c.location.file)])
        let lib = ctx.library
        let unit = ExportCell.text(c.post.unit), name = ExportCell.text(c.official.name)
        if let sheet = handles[FillIn.indicators.name] {
          for ind in c.indicators {
            var row = ids(c.id, ind.id) + [unit, name, .text(ind.name, .wrap), .text(ind.unit)]
            switch ind.measure {
            case let .quantitative(target, actual, better):
                row += [.number(target), .text(better == .higher ? "定量·越高越好" : "定量·越低越好"),
                        .number(actual, .unlockedNumber), .text(nil)]
            case let .qualitative(target, rating):
                row += [.text(target, .wrap), .text("定性"), .text(nil), ExportCell(rating.map { .text($0.label.zh) } ?? .blank, .unlocked)]
            }
            row.append(ExportCell(ind.note.map { .text($0) } ?? .blank, .unlocked))
            try sink.append(sheet, row)
            switch ind.measure {
            case let .quantitative(_, actual, _): try recordBase(FillIn.indicators, c.id, ind.id, [FillIn.show(actual), nil, ind.note])
            case let .qualitative(_, rating): try recordBase(FillIn.indicators, c.id, ind.id, [nil, rating?.label.zh, ind.note])
            }
          }
        }
        if let template, let sheet = handles[FillIn.checklist.name] {
            for (area, item) in template.allItems {
                let st = c.handover?.items[item.id] ?? ItemState(status: .pending)
                try sink.append(sheet, ids(c.id, item.id) + [unit, name, .text(area.label.zh), .text(item.label.zh, .wrap),
                                                                   ExportCell(.text(st.status.label.zh), .unlocked),
                                                                   ExportCell(st.reason.map { .text($0) } ?? .blank, .unlocked),
                                                                   ExportCell(st.finding.map { .text($0) } ?? .blank, .unlocked),
                                                                   ExportCell(st.note.map { .text($0) } ?? .blank, .unlocked)])
                try recordBase(FillIn.checklist, c.id, item.id, [st.status.label.zh, st.reason, st.finding, st.note])
            }
        }
        if let sheet = handles[FillIn.findings.name] {
            // A department's workbook: the findings it found (its own, or linked to its audit items).
            let mine = department.map { d in
                Set(c.findings.filter { $0.department == d }.map(\.id) + (audit?.items.filter { $0.department == d }.flatMap(\.state.findings) ?? []))
            }
            for f in c.findings where mine?.contains(f.id) ?? true {
                let category = lib.findingCategory(f.category).zh, dept = f.department.map { lib.department($0).zh }
                try sink.append(sheet, ids(c.id, f.id) + [unit, name, .text(f.title, .wrap), .text(category), .text(dept),
                                                          ExportCell(.text(f.status.label.zh), .unlocked),
                                                          ExportCell(f.responsibility.map { .text(lib.responsibility($0).zh) } ?? .blank, .unlocked),
                                                          .number(f.amount, .unlockedNumber),
                                                          ExportCell(f.due.map { .date($0) } ?? .blank, .unlockedDate),
                                                          ExportCell(f.note.map { .text($0) } ?? .blank, .unlocked)])
                try recordBase(FillIn.findings, c.id, f.id, [f.title, category, dept, f.status.label.zh, f.responsibility.map { lib.responsibility($0).zh },
                                                             FillIn.show(f.amount), f.due?.description, f.note])
            }
            // Blank rows for findings found now: everything unlocked; the department's own workbook names it.
            let preset = department.map { lib.department($0).zh }
            for n in 1...FillIn.newFindingRows {
                let key = "+\(n)"
                try sink.append(sheet, ids(c.id, key) + [unit, name, ExportCell(.blank, .unlocked), ExportCell(.blank, .unlocked),
                                                         ExportCell(preset.map { .text($0) } ?? .blank, .unlocked),
                                                         ExportCell(.blank, .unlocked), ExportCell(.blank, .unlocked), ExportCell(.blank, .unlockedNumber),
                                                         ExportCell(.blank, .unlockedDate), ExportCell(.blank, .unlocked)])
                try recordBase(FillIn.findings, c.id, key, [nil, nil, preset, nil, nil, nil, nil, nil])
            }
        }
        if let sheet = handles[FillIn.assessment.name] {
          for y in c.assessment {
            try sink.append(sheet, ids(c.id, String(y.year)) + [unit, name, .number(Double(y.year), .integer),
                                                                .number(y.performance, .unlockedNumber), .number(y.opinion, .unlockedNumber),
                                                                .number(y.teamScore, .unlockedNumber),
                                                                ExportCell(y.grade.map { .text($0.label.zh) } ?? .blank, .unlocked)])
            try recordBase(FillIn.assessment, c.id, String(y.year), [FillIn.show(y.performance), FillIn.show(y.opinion), FillIn.show(y.teamScore), y.grade?.label.zh])
          }
        }
        guard let audit, !audit.items.isEmpty, let itemSheet = handles[FillIn.auditItems.name],
              let conclusionSheet = handles[FillIn.conclusions.name] else { return }
        let items = audit.items.filter { department == nil || $0.department == department }
        let departments = audit.departments.filter { department == nil || $0.department == department }
        // The case's team, for the 审查人 and 结论人 dropdowns.
        let names = c.team.map(\.name)
        let teamRow = teamRows
        try sink.append(teams, [.text(c.id)] + names.map { .text($0) })
        teamRows += 1
        func team(_ sheet: Int, _ layout: FillIn.SheetLayout, _ key: String, rows: Int) throws {
            guard !names.isEmpty, rows > 0 else { return }
            try sink.listRows(sheet, col: layout.keys.firstIndex(of: key)!, lastRows: rows, listSheet: FillIn.teamSheet, listRow: teamRow,
                              listColumns: 1...names.count)
        }
        for r in items {
            let st = r.state
            try sink.append(itemSheet, ids(c.id, r.item.id) + [unit, name, .text(lib.department(r.department).zh), .text(r.item.label.zh, .wrap),
                                                                ExportCell(.text(st.status.label.zh), .unlocked),
                                                                ExportCell(st.examiner.map { .text($0) } ?? .blank, .unlocked),
                                                                ExportCell(FillIn.ids(st.findings).map { .text($0) } ?? .blank, .unlocked),
                                                                ExportCell(st.reason.map { .text($0) } ?? .blank, .unlocked),
                                                                ExportCell(st.note.map { .text($0) } ?? .blank, .unlocked)])
            try recordBase(FillIn.auditItems, c.id, r.item.id, [st.status.label.zh, st.examiner, FillIn.ids(st.findings), st.reason, st.note])
        }
        try team(itemSheet, FillIn.auditItems, "examiner", rows: items.count)
        for d in departments {
            let con = c.audit?.conclusions[d.department]
            try sink.append(conclusionSheet, ids(c.id, d.department) + [unit, name, .text(lib.department(d.department).zh),
                                                                   ExportCell(con.map { .text($0.result.label.zh) } ?? .blank, .unlocked),
                                                                   ExportCell(con.map { .text($0.by) } ?? .blank, .unlocked),
                                                                   ExportCell(con.map { .date($0.date) } ?? .blank, .unlockedDate),
                                                                   ExportCell(con.flatMap { FillIn.ids($0.findings) }.map { .text($0) } ?? .blank, .unlocked)])
            try recordBase(FillIn.conclusions, c.id, d.department, [con?.result.label.zh, con?.by, con?.date.description, con.flatMap { FillIn.ids($0.findings) }])
        }
        try team(conclusionSheet, FillIn.conclusions, "by", rows: departments.count)
    }

    /// Writes the instructions and the hidden check sheet, and closes the workbook.
    public func finish(count: Int) throws {
        let instructions = [
            "\(ctx.jurisdiction) 审计组填报工作簿",
            "\(count) 个案卷，基准日 \(ctx.asOf)\(department.map { "，\(ctx.library.department($0).zh)部门填报（仅本部门的审计事项、结论和问题）" } ?? "")。只需填写黄色单元格，其余单元格已锁定。下拉单元格请从列表中选择。",
            "指标：定量指标填写「完成值」（数字，未完成也如实填写；留空表示未报）；定性指标在「评价」中选择 达成 / 部分达成 / 未达成。",
            "交接清单：选择状态；「不适用」须填写理由，「有问题」须填写关联问题编号（见“问题与整改”）。",
            "问题与整改：选择整改状态和责任；金额以万元计；整改期限填写日期（如 2025-03-31）。每个案卷下方有空白行，新发现的问题填在其中：写明问题、类别和发现部门，编号由 termaudit 按 F1、F2 … 顺延。",
            "考核：工作实绩、民意测评、班子得分为 0–100 分；等次由 termaudit 按政策计算，考核委员会已定的等次在「给定等次」中选择（按给定为准）。",
            "审计事项：各部门逐项选择状态（未发现问题 / 发现问题 / 不适用 须写理由），审查人从本案审计组中选择；发现问题的填写关联问题编号（如 F1, F2）。",
            "部门结论：各部门审完本部门事项后填写结论、结论人（审计组成员）和日期；发现问题的填写关联问题编号。",
            "请勿修改隐藏列和隐藏工作表：它们把每一行与案卷文件对应起来。填好后用 `termaudit import 本文件.xlsx` 导入；导入前可加 --dry-run 预览改动。",
            "Fill in the yellow cells only; choose from the dropdowns. Import with `termaudit import FILE.xlsx` (add --dry-run to preview).",
        ]
        try sink.append(0, [.text(instructions[0], .title)])
        // A department's workbook explains only its sheets.
        let others = department == nil ? [] : ["指标：", "交接清单：", "考核："]
        for line in instructions.dropFirst() where !others.contains(where: line.hasPrefix) { try sink.append(0, [.text(line, .wrap)]) }
        let check = try sink.addSheet(SheetSpec(name: FillIn.checkSheet, columns: [ColumnSpec("", .text), ColumnSpec("", .text), ColumnSpec("", .text)],
                                                table: false, protect: true, hidden: true))
        try sink.append(check, [.text("format"), .text(FillIn.format)])
        try sink.append(check, [.text("as_of"), .text(ctx.asOf.description)])
        for l in FillIn.sheets where handles[l.name] != nil { try sink.append(check, [.text("sheet"), .text(l.name), .text(l.keys.joined(separator: ","))]) }
        if let department { try sink.append(check, [.text("department"), .text(department)]) }
        for r in checkRows { try sink.append(check, [.text("case")] + r) }
        try sink.close()
    }
}
