import Crypto
import Foundation
import TermAudit
import TermAuditRules

/// What an export is made from, besides the cases.
public struct ExportContext: Sendable {
    public var jurisdiction: String
    public var period: String?
    public var policy: Policy
    public var library: Library
    public var asOf: Day
    public var edition: Edition
    public var lang: Language
    /// termaudit's and libxlsxwriter's versions, for the cover.
    public var generator: String
    /// Only cases in these states (`export --state`); nil: every state the edition publishes.
    public var states: Set<CaseState>?
    /// Only this department's audit items, conclusions and findings (`export --department`, a department id).
    public var department: String?

    public init(jurisdiction: String, period: String?, policy: Policy, library: Library, asOf: Day, edition: Edition,
                lang: Language, generator: String, states: Set<CaseState>? = nil) {
        self.states = states
        self.jurisdiction = jurisdiction
        self.period = period
        self.policy = policy
        self.library = library
        self.asOf = asOf
        self.edition = edition
        self.lang = lang
        self.generator = generator
    }
}

/// What an export produced.
public struct ExportSummary: Sendable {
    public var cases: Int
    public var digest: String
    public var rows: [String: Int]

    public init(cases: Int, digest: String, rows: [String: Int]) {
        self.cases = cases
        self.digest = digest
        self.rows = rows
    }
}

/// Writes the audit workbook: cover, summary, indicators, handover checklist, findings, teams, audit items and
/// sign-off forms. Cases are added one at a time (streaming); the cover is written last.
public final class WorkbookExporter {
    private let sink: WorkbookSink
    private let ctx: ExportContext
    private var hasher = SHA256()
    private var caseCount = 0
    private var stateCounts: [CaseState: Int] = [:]
    /// Rows written per sheet, in the order of `Counted` (reported by name in `ExportSummary.rows`).
    private var rowCounts = [Int](repeating: 0, count: Counted.allCases.count)
    private let cover: Int
    /// Makes the rows of a case (what `add(_:digest:)` writes). It is `Sendable`: a caller may make the rows of
    /// later cases on other threads while this exporter writes earlier ones, and pass them to `add(_:)`.
    public let rowMaker: RowMaker

    private var edition: Edition { ctx.edition }
    private func t(_ zh: String, _ en: String) -> String { ctx.lang == .zh ? zh : en }
    private func t(_ l: Label) -> String { l.text(ctx.lang) }

    /// Sets up every sheet; nothing is written to disk until `finish()`.
    public init(sink: WorkbookSink, context: ExportContext) throws {
        self.sink = sink
        self.ctx = context
        let lang = context.lang
        func t(_ zh: String, _ en: String) -> String { lang == .zh ? zh : en }
        let protect = context.edition == .public
        cover = try sink.addSheet(SheetSpec(name: t("封面", "Cover"), columns: [ColumnSpec("", .label, min: 16, max: 18), ColumnSpec("", .wrap, min: 40, max: 68)],
                                            table: false, protect: protect, landscape: false))
        let ed = context.edition
        let names = ed.includes(.teamMemberNames, policy: context.policy)

        var summaryCols = [ColumnSpec(t("案卷编号", "Case")), ColumnSpec(t("单位", "Unit")), ColumnSpec(t("姓名", "Name")),
                           ColumnSpec(t("职务", "Post")), ColumnSpec(t("正副职", "Rank")), ColumnSpec(t("审计事由", "Trigger"))]
        if ed.includes(.staffID, policy: context.policy) { summaryCols += [ColumnSpec(t("工号", "Staff ID")), ColumnSpec(t("身份证号", "National ID"), min: 20)] }
        if ed.includes(.serviceStart, policy: context.policy) { summaryCols += [ColumnSpec(t("参加工作时间", "Service start"), .date)] }
        summaryCols += [ColumnSpec(t("任期起", "Term start"), .date), ColumnSpec(t("任期止", "Term end"), .date),
                        ColumnSpec(t("任期序号", "Term no."), .integer), ColumnSpec(t("状态", "State")),
                        ColumnSpec(t("指标完成率", "Completion"), .percent), ColumnSpec(t("达标指标", "Met")),
                        ColumnSpec(t("交接进度", "Handover")), ColumnSpec(t("部门结论", "Departments")),
                        ColumnSpec(t("考核等次", "Grade"))]
        if ed.includes(.consequences, policy: context.policy) { summaryCols.append(ColumnSpec(t("处理意见", "Consequences"), .wrap, max: 60)) }
        if ed.includes(.placement, policy: context.policy) { summaryCols.append(ColumnSpec(t("建议安置", "Placement"))) }
        if ed.includes(.holdIDs, policy: context.policy) { summaryCols.append(ColumnSpec(t("待岗事项", "Holds"))) }
        if ed.includes(.overdue, policy: context.policy) { summaryCols.append(ColumnSpec(t("逾期事项", "Overdue"), .wrap, max: 40)) }
        let stateCol = 6 + (ed.includes(.staffID, policy: context.policy) ? 2 : 0) + (ed.includes(.serviceStart, policy: context.policy) ? 1 : 0) + 3
        let summary = try sink.addSheet(SheetSpec(name: t("汇总", "Summary"), columns: summaryCols, protect: protect, keyColumns: 3,
                                              highlights: [RowHighlight(column: stateCol, equals: CaseState.onHold.label.text(lang), style: .bad)]))

        var indCols = [ColumnSpec(t("案卷编号", "Case")), ColumnSpec(t("单位", "Unit")), ColumnSpec(t("姓名", "Name")),
                       ColumnSpec(t("指标编号", "Indicator")), ColumnSpec(t("目标领域", "Goal area")), ColumnSpec(t("指标名称", "Name"), .wrap, max: 40),
                       ColumnSpec(t("计量单位", "Unit of measure")), ColumnSpec(t("目标值", "Target"), .number),
                       ColumnSpec(t("完成值", "Actual"), .number), ColumnSpec(t("方向", "Better")), ColumnSpec(t("权重", "Weight"), .number),
                       ColumnSpec(t("完成率", "Completion"), .percent), ColumnSpec(t("完成情况", "Result"))]
        if ed.includes(.indicatorNote, policy: context.policy) { indCols.append(ColumnSpec(t("备注", "Note"), .wrap)) }
        // Ids are for the record; paper carries labels only (the public edition drops the id columns).
        let codes = ed.includes(.codes, policy: context.policy)
        if !codes { indCols.remove(at: 3) }
        let indicators = try sink.addSheet(SheetSpec(name: t("指标完成", "Indicators"), columns: indCols, protect: protect, keyColumns: 3, highlights: [
            RowHighlight(column: codes ? 12 : 11, equals: t("未完成", "not met"), style: .bad),
            RowHighlight(column: codes ? 12 : 11, equals: t("未报", "not reported"), style: .warn),
        ]))

        var clCols = [ColumnSpec(t("案卷编号", "Case")), ColumnSpec(t("单位", "Unit")), ColumnSpec(t("姓名", "Name")),
                      ColumnSpec(t("交接领域", "Area")), ColumnSpec(t("事项编号", "Item")), ColumnSpec(t("交接事项", "Item name"), .wrap, max: 30),
                      ColumnSpec(t("状态", "Status")), ColumnSpec(t("不适用理由", "Reason"), .wrap), ColumnSpec(t("关联问题", "Finding"))]
        if ed.includes(.checklistNote, policy: context.policy) { clCols.append(ColumnSpec(t("备注", "Note"), .wrap)) }
        if !codes { clCols.remove(at: 4) }
        let checklist = try sink.addSheet(SheetSpec(name: t("交接清单", "Handover"), columns: clCols, protect: protect, keyColumns: 3, highlights: [
            RowHighlight(column: codes ? 6 : 5, equals: ItemStatus.pending.label.text(lang), style: .warn),
            RowHighlight(column: codes ? 6 : 5, equals: ItemStatus.issue.label.text(lang), style: .bad),
        ]))

        var fCols = [ColumnSpec(t("案卷编号", "Case")), ColumnSpec(t("单位", "Unit")), ColumnSpec(t("姓名", "Name")),
                     ColumnSpec(t("问题编号", "Finding")), ColumnSpec(t("问题", "Title"), .wrap, max: 50), ColumnSpec(t("类别", "Category")),
                     ColumnSpec(t("责任", "Responsibility")), ColumnSpec(t("整改状态", "Status")), ColumnSpec(t("金额（万元）", "Amount (10k yuan)"), .amount),
                     ColumnSpec(t("整改期限", "Due"), .date)]
        if ed.includes(.findingNote, policy: context.policy) { fCols.append(ColumnSpec(t("备注", "Note"), .wrap)) }
        let findings = try sink.addSheet(SheetSpec(name: t("问题与整改", "Findings"), columns: fCols, protect: protect, keyColumns: 3, highlights: [
            RowHighlight(column: 7, equals: FindingStatus.unverified.label.text(lang), style: .bad),
            RowHighlight(column: 7, equals: FindingStatus.transferred.label.text(lang), style: .bad),
            RowHighlight(column: 7, equals: FindingStatus.open.label.text(lang), style: .warn),
        ]))

        var tCols = [ColumnSpec(t("案卷编号", "Case")), ColumnSpec(t("单位", "Unit")), ColumnSpec(t("被审计人", "Official"))]
        if names { tCols.append(ColumnSpec(t("成员", "Member"))) }
        tCols += [ColumnSpec(t("部门", "Department")), ColumnSpec(t("成员单位", "Member's unit")), ColumnSpec(t("组长", "Leader"))]
        let team = try sink.addSheet(SheetSpec(name: t("审计组", "Team"), columns: tCols, protect: protect, keyColumns: 3))

        let audit: Int
        if ed.includes(.auditItems, policy: context.policy) {
            audit = try sink.addSheet(SheetSpec(name: t("审计事项", "Audit items"), columns: [
                ColumnSpec(t("案卷编号", "Case")), ColumnSpec(t("单位", "Unit")), ColumnSpec(t("姓名", "Name")),
                ColumnSpec(t("负责部门", "Department")), ColumnSpec(t("事项编号", "Item")), ColumnSpec(t("审计事项", "Item name"), .wrap, max: 40),
                ColumnSpec(t("状态", "Status")), ColumnSpec(t("审核人", "Examiner")), ColumnSpec(t("关联问题", "Findings")),
                ColumnSpec(t("理由", "Reason"), .wrap), ColumnSpec(t("备注", "Note"), .wrap), ColumnSpec(t("部门结论", "Conclusion")),
            ], protect: protect, keyColumns: 3, highlights: [RowHighlight(column: 6, equals: AuditItemStatus.pending.label.text(lang), style: .warn)]))
        } else {
            audit = try sink.addSheet(SheetSpec(name: t("部门结论", "Conclusions"), columns: [
                ColumnSpec(t("案卷编号", "Case")), ColumnSpec(t("单位", "Unit")), ColumnSpec(t("姓名", "Name")),
                ColumnSpec(t("部门", "Department")), ColumnSpec(t("结论", "Conclusion")), ColumnSpec(t("结论日期", "Date"), .date),
            ], protect: protect, keyColumns: 3))
        }
        var signoff: Int?
        if ed.includes(.signatures, policy: context.policy) {
            signoff = try sink.addSheet(SheetSpec(name: t("签字", "Sign-off"), columns: [
                // Fixed widths, 114 units in all: the form is fitted to one landscape A4 page width (never below 75 %).
                ColumnSpec("", .label, min: 10, max: 10), ColumnSpec("", .wrap, min: 10, max: 10), ColumnSpec("", .wrap, min: 20, max: 20),
                ColumnSpec("", .text, min: 18, max: 18), ColumnSpec("", .text, min: 10, max: 10), ColumnSpec("", .wrap, min: 18, max: 18),
                ColumnSpec("", .wrap, min: 16, max: 16), ColumnSpec("", .wrap, min: 12, max: 12),
            ], table: false))
        }
        rowMaker = RowMaker(context: context, sheets: RowMaker.Sheets(summary: summary, indicators: indicators, checklist: checklist,
                                                                      findings: findings, team: team, audit: audit, signoff: signoff))
    }

    /// Writes the rows of one case. `digest` is the case's canonical content digest (also bound into signatures).
    public func add(_ s: CaseStatus, digest: String) throws {
        try add(rowMaker.rows(for: s, digest: digest))
    }

    /// Writes the rows of one case made by this exporter's `rowMaker` (on any thread), in the order the cases are
    /// to appear. The rows are only read: whoever holds them frees them.
    public func add(_ rows: CaseRows) throws {
        precondition(rows.maker == rowMaker.token, "rows made by another exporter's RowMaker")
        hasher.update(data: Data("\(rows.caseID)\t\(rows.digest)\n".utf8))
        guard rows.published else { return }
        caseCount += 1
        stateCounts[rows.state, default: 0] += 1
        for row in rows.rows {
            if row.newPage { try sink.breakPage(row.sheet) }
            try sink.append(row.sheet, row.cells, height: row.height)
            if let counted = row.counted { rowCounts[counted.rawValue] += 1 }
        }
    }

    /// Writes the cover and closes the workbook; returns counts and the data digest.
    public func finish() throws -> ExportSummary {
        let digest = hasher.finalize().map { String(format: "%02x", $0) }.joined()
        let states = CaseState.allCases.compactMap { st in stateCounts[st].map { "\(t(st.label)) \($0)" } }.joined(separator: t("，", ", "))
        let rows: [(String, String)] = [
            (t("辖区", "Jurisdiction"), ctx.jurisdiction),
            (t("期间", "Period"), ctx.period ?? ""),
            (t("版本", "Edition"), t(edition.label)),
            (t("案卷数", "Cases"), "\(caseCount)"),
            (t("状态分布", "States"), states),
            (t("部门", "Department"), ctx.department.map { t(ctx.library.department($0)) + t("（仅本部门的审计事项、结论和问题）", " (only its audit items, conclusions and findings)") } ?? ""),
            (t("公开范围", "Scope"), edition == .public
                ? t("仅审计已办结的案卷（", "Only cases whose audit has concluded (") + CaseState.allCases.filter { ctx.policy.publication.states.contains($0) }.map { t($0.label) }.joined(separator: t("、", ", ")) + t("）；在适当范围公开", "); published within the appropriate scope")
                : t("全部案卷（内部）", "All cases (internal)")),
            (t("基准日", "As of"), ctx.asOf.description),
            // The public cover names the rules, not files or software: policy ids and the generator are for the record.
            (t("适用政策", "Policy"), edition == .public ? t(ctx.policy.title) : "\(t(ctx.policy.title)) (\(ctx.policy.id) v\(ctx.policy.version))"),
            (t("数据摘要 (SHA-256)", "Data digest (SHA-256)"), digest),
            (t("生成工具", "Generated by"), edition == .public ? "" : ctx.generator),
            (t("说明", "Note"), edition == .public
                ? t("本工作簿为审计结果公开版，仅含可在适当范围公开的内容；正在核查或处理中的事项及个人身份信息不予公开。数据摘要可与内部版核对。",
                    "Public edition: only what may be published within the appropriate scope; matters under investigation or handling and personal identifiers are not published. The digest matches the internal edition.")
                : t("本工作簿为内部版，含全部审计数据，仅供存档和内部使用。由案卷数据生成，请勿手工修改；数据摘要对应生成时的案卷内容。",
                    "Internal edition with all audit data, for the record and internal use only. Generated from the case files; do not edit by hand. The digest identifies the case data it was made from.")),
        ]
        try sink.append(cover, [.text("\(ctx.jurisdiction) " + t("领导干部经济责任审计结果", "Economic-responsibility audit results"), .title)])
        try sink.append(cover, [])
        for (k, v) in rows where !v.isEmpty || k == t("期间", "Period") { try sink.append(cover, [.text(k, .label), .text(v, .wrap)]) }
        try sink.close()
        var counts: [String: Int] = [:]
        for sheet in Counted.allCases where rowCounts[sheet.rawValue] > 0 { counts["\(sheet)"] = rowCounts[sheet.rawValue] }
        return ExportSummary(cases: caseCount, digest: digest, rows: counts)
    }
}


/// The rows of one case for every sheet, in the order they are written; made by `RowMaker.rows(for:digest:)`,
/// written by `WorkbookExporter.add(_:)`.
public struct CaseRows: Sendable {
    fileprivate struct Row: Sendable {
        var sheet: Int
        var counted: Counted?
        var cells: [ExportCell]
        /// Points; nil: as the text needs.
        var height: Double? = nil
        /// A printed page starts with this row.
        var newPage = false
    }

    fileprivate let maker: UInt64
    fileprivate let caseID: String
    fileprivate let digest: String
    fileprivate let state: CaseState
    fileprivate var rows: [Row] = []
    /// Whether the edition publishes the case (`Publication.publishes`); when not, it has no rows.
    fileprivate(set) var published = true

    fileprivate init(maker: UInt64, caseID: String, digest: String, state: CaseState) {
        self.maker = maker
        self.caseID = caseID
        self.digest = digest
        self.state = state
    }

    fileprivate mutating func add(_ sheet: Int, _ counted: Counted?, _ cells: [ExportCell], height: Double? = nil, newPage: Bool = false) {
        rows.append(Row(sheet: sheet, counted: counted, cells: cells, height: height, newPage: newPage))
    }

    /// The number of rows.
    public var count: Int { rows.count }
}

/// The sheets whose rows are counted in `ExportSummary.rows`, under these names.
fileprivate enum Counted: Int, CaseIterable, Sendable {
    case summary, indicators, checklist, findings, team, audit
}

/// Makes the rows of a case for the sheets of one `WorkbookExporter`: a pure function of the case's status, the
/// export context and the edition, so it can run on any thread.
public struct RowMaker: Sendable {
    struct Sheets: Sendable {
        var summary, indicators, checklist, findings, team, audit: Int
        var signoff: Int?
    }

    /// Ties the rows to the exporter that made this maker.
    fileprivate let token = UInt64.random(in: 1...UInt64.max)
    private let ctx: ExportContext
    private let sheets: Sheets
    private let included: Included
    /// The fixed rows and labels of every sign-off form, made once.
    private let signoffTitle: [ExportCell]
    private let signoffCopies: [ExportCell]
    private let signoffHeader: [ExportCell]
    private let signoffCaseLabel: ExportCell
    private let signoffStateLabel: ExportCell

    init(context: ExportContext, sheets: Sheets) {
        self.ctx = context
        self.sheets = sheets
        self.included = Included(context.edition, policy: context.policy)
        let lang = context.lang
        func t(_ zh: String, _ en: String) -> String { lang == .zh ? zh : en }
        // One copy for each person who signs, and one for the organization department's file.
        let roles = context.policy.signoff.roles.map { $0.label.text(lang) }
        let copies = roles.count + 1
        let number = ["一", "两", "三", "四", "五", "六", "七", "八", "九", "十"]
        let zhCopies = copies <= number.count ? number[copies - 1] : String(copies)
        signoffTitle = [.text(t("经济责任审计与工作交接签字表", "Audit and handover sign-off"), .title)]
        signoffCopies = [.text(t("份数", "Copies"), .label),
                         .text(t("一式\(zhCopies)份：\(roles.joined(separator: "、"))各执一份，组织部门存档一份",
                                 "\(copies) copies: one for each of \(roles.joined(separator: ", ")), one for the file"))]
        signoffHeader = [t("角色", "Role"), t("姓名", "Name"), t("职务", "Post"), t("签字（手写）", "Signature (by hand)"),
                         t("日期", "Date"), t("电子签字时间（北京时间）", "Signed at (Beijing time)"), t("内容摘要", "Digest"), t("签字状态", "Status")].map { .text($0, .header) }
        signoffCaseLabel = .text(t("案卷", "Case"), .label)
        signoffStateLabel = .text(t("状态", "State"), .label)
    }

    private var edition: Edition { ctx.edition }
    private func t(_ zh: String, _ en: String) -> String { ctx.lang == .zh ? zh : en }
    private func t(_ l: Label) -> String { l.text(ctx.lang) }

    /// Whether the edition includes `f`: decided once per field used for every case (`Edition.includes` builds a
    /// set per call), else asked.
    private func has(_ f: Field) -> Bool {
        switch f {
        case .staffID: included.staffID
        case .serviceStart: included.serviceStart
        case .placement: included.placement
        case .holdIDs: included.holdIDs
        case .overdue: included.overdue
        case .codes: included.codes
        case .indicatorNote: included.indicatorNote
        case .findingUnsettled: included.findingUnsettled
        case .checklistNote: included.checklistNote
        case .findingNote: included.findingNote
        case .teamMemberNames: included.teamMemberNames
        case .auditItems: included.auditItems
        default: edition.includes(f, policy: ctx.policy)
        }
    }

    fileprivate struct Included: Sendable {
        var staffID, serviceStart, placement, holdIDs, indicatorNote, findingUnsettled, checklistNote, findingNote: Bool
        var teamMemberNames, auditItems, overdue, codes: Bool

        init(_ edition: Edition, policy: Policy) {
            func has(_ f: Field) -> Bool { edition.includes(f, policy: policy) }
            (staffID, serviceStart, placement, holdIDs) = (has(.staffID), has(.serviceStart), has(.placement), has(.holdIDs))
            (indicatorNote, findingUnsettled, checklistNote, findingNote) = (has(.indicatorNote), has(.findingUnsettled), has(.checklistNote), has(.findingNote))
            (teamMemberNames, auditItems, overdue, codes) = (has(.teamMemberNames), has(.auditItems), has(.overdue), has(.codes))
        }
    }

    /// The rows of one case. `digest` is the case's canonical content digest (also bound into signatures).
    public func rows(for s: CaseStatus, digest: String) -> CaseRows {
        let c = s.auditCase
        var out = CaseRows(maker: token, caseID: c.id, digest: digest, state: s.state)
        // A case the edition does not publish has no rows at all (it still counts in the data digest).
        guard Publication.publishes(s.state, in: edition, policy: ctx.policy), ctx.states?.contains(s.state) ?? true else {
            out.published = false
            return out
        }
        let lib = ctx.library
        let policy = ctx.policy
        let id = ExportCell.text(c.id), unit = ExportCell.text(c.post.unit), name = ExportCell.text(c.official.name)

        // 汇总
        var row: [ExportCell] = [id, unit, name, .text(c.post.title), .text(t(c.post.rank.label)), .text(t(c.trigger.label))]
        if has(.staffID) { row += [.text(c.official.staffID), .text(c.official.nationalID)] }
        if has(.serviceStart) { row.append(.date(c.official.serviceStart)) }
        let concluded = s.audit.departments.filter(\.concluded).count
        row += [.date(s.term.start), .date(s.term.end), .number(Double(s.term.number), .integer), .text(t(s.state.label)),
                .number(s.indicators.completion, .percent), .text("\(s.indicators.met.count)/\(s.indicators.total)"),
                .text("\(s.checklist.done)/\(s.checklist.total)"),
                .text(s.audit.departments.isEmpty ? nil : "\(concluded)/\(s.audit.departments.count)"),
                .text(s.latestGrade.map { t($0.label) })]
        if has(.consequences) {
            row.append(.text(s.consequences.map { policy.consequences[$0].map { t($0.label) } ?? $0.rawValue }.joined(separator: "；"), .wrap))
        }
        if has(.placement) { row.append(.text(s.placement.map { t($0.summary(policy: policy)) })) }
        if has(.holdIDs) { row.append(.text(s.holdingFindings.joined(separator: ", "))) }
        if has(.overdue) { row.append(.text(overdueText(s), .wrap)) }
        out.add(sheets.summary, .summary, row)

        // Rows are built as one array literal each (no temporary arrays appended, no regrowth); a last column that
        // the edition leaves out is removed again, which keeps the array.

        // 指标完成
        for r in s.indicators.results {
            let ind = r.indicator
            let target: ExportCell, actual: ExportCell, better: ExportCell
            switch ind.measure {
            case let .quantitative(t0, a0, b0):
                (target, actual, better) = (.number(t0), .number(a0), .text(b0 == .higher ? t("越高越好", "higher") : t("越低越好", "lower")))
            case let .qualitative(t0, rating):
                (target, actual, better) = (.text(t0, .wrap), .text(rating.map { t($0.label) }), .text(t("定性", "qualitative")))
            }
            var cells: [ExportCell] = [id, unit, name, .text(ind.id), .text(t(lib.goalArea(ind.area))), .text(ind.name, .wrap), .text(ind.unit),
                                       target, actual, better, .number(ind.weight), .number(r.completion, .percent),
                                       .text(r.met == nil ? t("未报", "not reported") : (r.met! ? t("完成", "met") : t("未完成", "not met"))),
                                       .text(ind.note, .wrap)]
            if !has(.indicatorNote) { cells.removeLast() }
            if !has(.codes) { cells.remove(at: 3) }
            out.add(sheets.indicators, .indicators, cells)
        }

        // 交接清单
        for (area, item, state) in s.checklist.items {
            let finding = state.finding.flatMap { c.finding($0) }
            // A row that points at a withheld finding is not shown at all.
            if let f = finding, Publication.withholds(f.status, in: edition, policy: policy) { continue }
            var cells: [ExportCell] = [id, unit, name, .text(t(area.label)), .text(item.id), .text(t(item.label), .wrap),
                                       .text(t(state.status.label)), .text(state.reason, .wrap), .text(state.finding),
                                       .text(state.note, .wrap)]
            if !has(.checklistNote) { cells.removeLast() }
            if !has(.codes) { cells.remove(at: 4) }
            out.add(sheets.checklist, .checklist, cells)
        }

        // 问题与整改 (with --department: what that department found or linked to its items or conclusion)
        let mine: Set<String>? = ctx.department.map { d in
            Set(c.findings.filter { $0.department == d }.map(\.id) + s.audit.items.filter { $0.department == d }.flatMap(\.state.findings)
                + (s.audit.departments.first { $0.department == d }?.conclusion?.findings ?? []))
        }
        for f in c.findings {
            if let mine, !mine.contains(f.id) { continue }
            if Publication.withholds(f.status, in: edition, policy: policy) { continue }
            var cells: [ExportCell] = [id, unit, name, .text(f.id), .text(f.title, .wrap), .text(t(lib.findingCategory(f.category))),
                                       .text(f.responsibility.map { t(lib.responsibility($0)) }), .text(t(f.status.label)),
                                       .number(f.amount, .amount), .date(f.due)]
            if has(.findingNote) { cells.append(.text(f.note, .wrap)) }
            out.add(sheets.findings, .findings, cells)
        }

        // 审计组
        for m in c.team {
            var cells: [ExportCell] = [id, unit, name, .text(m.name), .text(t(lib.department(m.department))), .text(m.unit),
                                       .text(m.leader ? t("组长", "leader") : nil)]
            if !has(.teamMemberNames) { cells.remove(at: 3) }
            out.add(sheets.team, .team, cells)
        }

        // 审计事项 / 部门结论
        if has(.auditItems) {
            // Each department's name and conclusion, made once for all its items.
            var departments: [(id: String, name: ExportCell, conclusion: ExportCell)] = []
            for r in s.audit.items where !departments.contains(where: { $0.id == r.department }) {
                let dept = s.audit.departments.first { $0.department == r.department }
                let conclusion = dept?.conclusion.map { t($0.result.label) + ($0.findings.isEmpty ? "" : "（\($0.findings.joined(separator: ", "))）") }
                departments.append((r.department, .text(t(lib.department(r.department))), .text(dept?.concluded == true ? conclusion : nil)))
            }
            for r in s.audit.items where ctx.department == nil || r.department == ctx.department {
                let dept = departments.first { $0.id == r.department }!
                out.add(sheets.audit, .audit, [id, unit, name, dept.name, .text(r.item.id), .text(t(r.item.label), .wrap),
                                               .text(t(r.state.status.label)), .text(r.state.examiner), .text(r.state.findings.joined(separator: ", ")),
                                               .text(r.state.reason, .wrap), .text(r.state.note, .wrap), dept.conclusion])
            }
        } else if s.audit.complete && !s.audit.departments.isEmpty {
            for d in s.audit.departments where ctx.department == nil || d.department == ctx.department {
                guard let con = d.conclusion else { continue }
                out.add(sheets.audit, .audit, [id, unit, name, .text(t(lib.department(d.department))), .text(t(con.result.label)), .date(con.date)])
            }
        }

        // 签字
        if let signoff = sheets.signoff {
            signoffForm(signoff, s, into: &out)
        }
        return out
    }

    /// The summary's 逾期事项: overdue findings, then the handover items past the handover's due date.
    private func overdueText(_ s: CaseStatus) -> String? {
        var parts: [String] = []
        if !s.overdueFindings.isEmpty { parts.append(t("问题 ", "findings ") + s.overdueFindings.joined(separator: ", ")) }
        if !s.checklist.overdue.isEmpty {
            parts.append(t("交接 ", "handover ") + s.checklist.overdue.joined(separator: ", "))
        }
        return parts.isEmpty ? nil : parts.joined(separator: t("；", "; "))
    }

    /// One form per case, on a page of its own (never split), for cases ready for sign-off or signed off only:
    /// bordered rows tall enough to sign in, electronic signing times in Beijing time.
    private func signoffForm(_ sheet: Int, _ s: CaseStatus, into out: inout CaseRows) {
        guard s.state == .readyForSignoff || s.state == .signedOff else { return }
        let c = s.auditCase
        out.add(sheet, nil, signoffTitle, height: 30, newPage: true)
        out.add(sheet, nil, signoffCopies)
        out.add(sheet, nil, [signoffCaseLabel, .text(c.id), .text(c.official.name, .wrap), .text(c.post.unit, .wrap), .text(c.post.title, .wrap),
                             signoffStateLabel, .text(t(s.state.label), .wrap)])
        out.add(sheet, nil, signoffHeader, height: 30)
        // Who signs each role is the rules' answer (SignoffRules.expectedSigners), as for `sign` and `verify`.
        for signer in SignoffRules.expectedSigners(c, policy: ctx.policy) {
            let role = signer.role
            let record = c.signoffs.last { $0.role == role.id }
            let expected = signer.person?.name
            let verdict = s.signatures[role.id]
            let status: String
            switch verdict {
            case .valid: status = t("有效", "valid")
            case .stale: status = t("失效（签字后内容已变动）", "stale (changed after signing)")
            case .invalid: status = t("无效", "invalid")
            case nil: status = record == nil ? t("未签", "not signed") : t("未验证", "not verified")
            }
            out.add(sheet, nil, [.text(t(role.label), .label), .text(record?.name ?? expected, .wrap), .text(record?.post, .wrap),
                                 .text(nil), .text(nil), .text(record.map { Self.beijingTime($0.time) }, .wrap),
                                 .text(record.map { String($0.digest.prefix(12)) + "…" }, .wrap), .text(status, .wrap)],
                    height: Self.signingRowHeight)
        }
    }

    /// A signer's row: about 15 mm, room for a handwritten signature.
    static let signingRowHeight = 42.0

    /// An ISO 8601 time (as signatures record it, in UTC) in Beijing time with the zone shown:
    /// `2024-12-19T01:00:00Z` → `2024-12-19 09:00 北京时间 (UTC+8)`. Unreadable text is shown as it is.
    public static func beijingTime(_ iso: String) -> String {
        guard let date = ISO8601DateFormatter().date(from: iso) else { return iso }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(secondsFromGMT: 8 * 3600)!
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute], from: date)
        func two(_ v: Int?) -> String { let v = v ?? 0; return v < 10 ? "0\(v)" : "\(v)" }
        return "\(c.year ?? 0)-\(two(c.month))-\(two(c.day)) \(two(c.hour)):\(two(c.minute)) 北京时间 (UTC+8)"
    }

}

private extension ExportCell {
    init(stringLiteral s: String) { self = .text(s) }
}
