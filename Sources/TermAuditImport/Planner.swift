import Foundation
import TermAudit
import TermAuditExport
import TermAuditLoader
import TermAuditRules
import TermAuditSignoff

/// Collects the workbook's values per case, compares them with the case files, and makes the edits.
struct Planner {
    let workspace: Workspace
    let cases: [String: AuditCase]
    /// Per case: the edits to make and the model they should produce.
    /// One edit of a case file: set (or remove) the value at a path, or append an element to the list there.
    private struct Edit {
        var path: [YAMLPathStep]
        var value: YAMLValue?
        var field: String
        var old: String
        var new: String
        var order: [String]?
        var append = false
    }
    private var edits: [String: [Edit]] = [:]
    private var summaries: [String: AuditWorkSummary] = [:]
    private var expected: [String: AuditCase] = [:]
    /// The exported value of each editable cell (see `FillInMeta.bases`).
    let bases: [String: [String: String]]
    let resolution: ConflictResolution
    /// Cells changed on both sides to different values.
    private(set) var conflicts: [ImportConflict] = []

    init(workspace: Workspace, cases: [String: AuditCase], bases: [String: [String: String]], resolution: ConflictResolution) {
        self.workspace = workspace
        self.cases = cases
        self.bases = bases
        self.resolution = resolution
    }

    /// The cases the import changes, in id order.
    var changedCases: [String] { edits.keys.sorted() }

    /// The case as it will be after the import.
    func expectedCase(_ id: String) -> AuditCase? { expected[id] }

    /// The three-way merge of one cell: the workbook's value `w`, the case's current value `c`, and the value the
    /// cell had when exported (the base). Unchanged in the workbook → the current value stays; changed in the
    /// workbook only (or to the same value on both sides) → the workbook's value; changed on both sides to different
    /// values → a conflict, settled by the resolution (the current value stays while it is unsettled).
    /// Values are compared as the workbook shows them (`show`).
    private mutating func merge<T>(_ cell: CellReader, _ caseID: String, _ rowKey: String, _ field: String,
                                   workbook w: T?, current c: T?, show: (T?) -> String?) -> T? {
        func norm(_ s: String?) -> String { (s ?? "").trimmingCharacters(in: .whitespacesAndNewlines) }
        // A row the export did not write (no base) is taken as the workbook has it.
        guard let base = bases[FillInMeta.rowKey(cell.sheet, caseID, rowKey)]?[cell.key].map(norm) else { return w }
        let ws = norm(show(w)), cs = norm(show(c))
        if ws == base || ws == cs { return c }
        if cs == base { return w }
        conflicts.append(ImportConflict(sheet: cell.sheet, cell: cell.ref, caseID: caseID, field: field,
                                        exported: base.isEmpty ? "（空）" : base, current: cs.isEmpty ? "（空）" : cs, workbook: ws.isEmpty ? "（空）" : ws))
        return resolution == .takeWorkbook ? w : c
    }

    /// Whether every editable cell of a row still holds its exported value (as text).
    private func untouched(_ cells: [String: CellReader], _ caseID: String, _ rowKey: String) -> Bool {
        guard let sheet = cells["key"]?.sheet, let base = bases[FillInMeta.rowKey(sheet, caseID, rowKey)] else { return false }
        return base.allSatisfy { k, v in (cells[k]?.rawText ?? "") == v.trimmingCharacters(in: .whitespacesAndNewlines) }
    }

    private var lib: Library { workspace.library }

    /// `order`: where a new key goes among those already there (a checklist's items in template order).
    private mutating func change(_ id: String, _ path: [YAMLPathStep], _ value: YAMLValue?, field: String, old: String?, new: String?,
                                 order: [String]? = nil) {
        edits[id, default: []].append(Edit(path: path, value: value, field: field, old: old ?? "（空）", new: new ?? "（空）", order: order))
    }

    private func show(_ d: Double?) -> String? { FillIn.show(d) }

    mutating func row(sheet: String, caseID id: String, key: String, cells: [String: CellReader], problems: inout [ImportProblem]) {
        var c = expected[id] ?? cases[id]!
        do {
            switch sheet {
            case FillIn.indicators.name: try indicator(&c, key, cells)
            case FillIn.checklist.name: try item(&c, key, cells)
            case FillIn.findings.name: try finding(&c, key, cells)
            case FillIn.assessment.name: try year(&c, key, cells)
            case FillIn.auditItems.name: try auditItem(&c, key, cells)
            case FillIn.conclusions.name: try conclusion(&c, key, cells)
            default: break
            }
            expected[id] = c
        } catch let p as ImportProblem {
            problems.append(p)
        } catch {
            problems.append(ImportProblem(sheet: sheet, cell: "", message: "\(error)"))
        }
    }

    private mutating func indicator(_ c: inout AuditCase, _ key: String, _ cells: [String: CellReader]) throws {
        guard let i = c.indicators.firstIndex(where: { $0.id == key }) else {
            if untouched(cells, c.id, key) { return }   // removed from the case since; the person left the row alone
            throw cells["key"]!.problem("case \(c.id) has no indicator '\(key)'", "do not edit the hidden columns")
        }
        let ind = c.indicators[i]
        let base: [YAMLPathStep] = [.key("indicators"), .element(field: "id", value: key)]
        switch ind.measure {
        case let .quantitative(target, actual, better):
            if !cells["rating"]!.isEmpty { throw cells["rating"]!.problem("this indicator is quantitative: 评价 stays empty", "fill 完成值 with a number") }
            let new = merge(cells["actual"]!, c.id, key, "指标 \(key) 完成值", workbook: try cells["actual"]!.number(), current: actual, show: show)
            if new != actual {
                change(c.id, base + [.key("actual")], new.map { .number($0) }, field: "指标 \(key) 完成值", old: show(actual), new: show(new))
                c.indicators[i].measure = .quantitative(target: target, actual: new, better: better)
            }
        case let .qualitative(target, rating):
            if !cells["actual"]!.isEmpty { throw cells["actual"]!.problem("this indicator is qualitative: 完成值 stays empty", "choose 评价 from the list") }
            let new = merge(cells["rating"]!, c.id, key, "指标 \(key) 评价", workbook: try cells["rating"]!.choice(Rating.self),
                            current: rating, show: { $0?.label.zh })
            if new != rating {
                change(c.id, base + [.key("rating")], new.map { .text($0.rawValue) }, field: "指标 \(key) 评价", old: rating?.label.zh, new: new?.label.zh)
                c.indicators[i].measure = .qualitative(target: target, rating: new)
            }
        }
        let note = merge(cells["note"]!, c.id, key, "指标 \(key) 备注", workbook: try cells["note"]!.text(), current: ind.note, show: { $0 })
        if note != ind.note {
            change(c.id, base + [.key("note")], note.map { .text($0) }, field: "指标 \(key) 备注", old: ind.note, new: note)
            c.indicators[i].note = note
        }
    }

    private mutating func item(_ c: inout AuditCase, _ key: String, _ cells: [String: CellReader]) throws {
        let templateID = c.handover?.checklist ?? workspace.config.handoverChecklists.first
        guard let tid = templateID, let template = lib.handoverTemplates[tid], template.area(ofItem: key) != nil else {
            if untouched(cells, c.id, key) { return }
            throw cells["key"]!.problem("'\(key)' is not an item of the case's handover checklist", "do not edit the hidden columns")
        }
        let old = c.handover?.items[key]
        let before = old ?? ItemState(status: .pending)
        let field = "交接 \(key)"
        let status = merge(cells["status"]!, c.id, key, field + " 状态",
                           workbook: try cells["status"]!.choice(ItemStatus.self) ?? .pending,
                           current: before.status, show: { $0?.label.zh }) ?? .pending
        let reason = merge(cells["reason"]!, c.id, key, field + " 理由", workbook: try cells["reason"]!.text(), current: before.reason, show: { $0 })
        let note = merge(cells["note"]!, c.id, key, field + " 备注", workbook: try cells["note"]!.text(), current: before.note, show: { $0 })
        let finding = merge(cells["finding"]!, c.id, key, field + " 关联问题", workbook: try cells["finding"]!.text(), current: before.finding, show: { $0 })
        if let finding, c.finding(finding) == nil {
            throw cells["finding"]!.problem("case \(c.id) has no finding '\(finding)'", "one of: " + c.findings.map(\.id).joined(separator: ", "))
        }
        let new = ItemState(status: status, note: note, reason: reason, finding: finding)
        guard before.status != new.status || before.note != new.note || before.reason != new.reason || before.finding != new.finding else { return }
        let base: [YAMLPathStep] = [.key("handover"), .key("items"), .key(key)]
        if let old, old.note != nil || old.reason != nil || old.finding != nil {
            // Already a mapping in the file: edit its fields one by one.
            if old.status != new.status { change(c.id, base + [.key("status")], .text(new.status.rawValue), field: field + " 状态", old: old.status.label.zh, new: new.status.label.zh) }
            if old.reason != new.reason { change(c.id, base + [.key("reason")], new.reason.map { .text($0) }, field: field + " 理由", old: old.reason, new: new.reason) }
            if old.finding != new.finding { change(c.id, base + [.key("finding")], new.finding.map { .text($0) }, field: field + " 关联问题", old: old.finding, new: new.finding) }
            if old.note != new.note { change(c.id, base + [.key("note")], new.note.map { .text($0) }, field: field + " 备注", old: old.note, new: new.note) }
        } else {
            var pairs: [(String, YAMLValue)] = [("status", .text(new.status.rawValue))]
            if let r = new.reason { pairs.append(("reason", .text(r))) }
            if let f = new.finding { pairs.append(("finding", .text(f))) }
            if let n = new.note { pairs.append(("note", .text(n))) }
            let value: YAMLValue = pairs.count == 1 ? .text(new.status.rawValue) : .flowMap(pairs)
            let shown = [new.status.label.zh, new.reason, new.finding, new.note].compactMap { $0 }.joined(separator: "；")
            if c.handover == nil {
                change(c.id, [.key("handover")], .blockMap([("checklist", .text(tid)), ("items", .blockMap([(key, value)]))]), field: field, old: nil, new: shown)
            } else {
                change(c.id, base, value, field: field, old: old.map { $0.status.label.zh }, new: shown, order: template.allItems.map(\.item.id))
            }
        }
        if c.handover == nil { c.handover = Handover(checklist: tid) }
        c.handover?.items[key] = new
    }

    private mutating func finding(_ c: inout AuditCase, _ key: String, _ cells: [String: CellReader]) throws {
        if FillIn.isNewFinding(key) { return try newFinding(&c, cells) }
        guard let i = c.findings.firstIndex(where: { $0.id == key }) else {
            if untouched(cells, c.id, key) { return }
            throw cells["key"]!.problem("case \(c.id) has no finding '\(key)'", "do not edit the hidden columns")
        }
        let f = c.findings[i]
        let field = "问题 \(key)"
        let base: [YAMLPathStep] = [.key("findings"), .element(field: "id", value: key)]
        guard let typed: FindingStatus = try cells["status"]!.choice(FindingStatus.self) else {
            throw cells["status"]!.problem("整改状态 is empty", "one of: " + FindingStatus.allCases.map(\.label.zh).joined(separator: " / "))
        }
        let status = merge(cells["status"]!, c.id, key, field + " 整改状态", workbook: typed, current: f.status, show: { $0?.label.zh }) ?? f.status
        if status != f.status {
            change(c.id, base + [.key("status")], .text(status.rawValue), field: "问题 \(key) 整改状态", old: f.status.label.zh, new: status.label.zh)
            c.findings[i].status = status
        }
        let library = lib
        let resp = merge(cells["responsibility"]!, c.id, key, field + " 责任",
                         workbook: try cells["responsibility"]!.choice(vocabulary: lib.responsibilities),
                         current: f.responsibility, show: { $0.map { library.responsibility($0).zh } })
        if resp != f.responsibility {
            change(c.id, base + [.key("responsibility")], resp.map { .text($0) }, field: "问题 \(key) 责任",
                   old: f.responsibility.map { lib.responsibility($0).zh }, new: resp.map { lib.responsibility($0).zh })
            c.findings[i].responsibility = resp
        }
        let typedAmount = try cells["amount"]!.number()
        if let v = typedAmount, v < 0 { throw cells["amount"]!.problem("an amount cannot be negative (\(show(v) ?? ""))", "the amount in 万元, 0 or more") }
        let amount = merge(cells["amount"]!, c.id, key, field + " 金额", workbook: typedAmount, current: f.amount, show: show)
        if amount != f.amount {
            change(c.id, base + [.key("amount")], amount.map { .number($0) }, field: "问题 \(key) 金额（万元）", old: show(f.amount), new: show(amount))
            c.findings[i].amount = amount
        }
        let due = merge(cells["due"]!, c.id, key, field + " 整改期限", workbook: try cells["due"]!.day(), current: f.due, show: { $0?.description })
        if due != f.due {
            change(c.id, base + [.key("due")], due.map { .date($0) }, field: "问题 \(key) 整改期限", old: f.due?.description, new: due?.description)
            c.findings[i].due = due
        }
        let note = merge(cells["note"]!, c.id, key, field + " 备注", workbook: try cells["note"]!.text(), current: f.note, show: { $0 })
        if note != f.note {
            change(c.id, base + [.key("note")], note.map { .text($0) }, field: "问题 \(key) 备注", old: f.note, new: note)
            c.findings[i].note = note
        }
    }

    private mutating func year(_ c: inout AuditCase, _ key: String, _ cells: [String: CellReader]) throws {
        guard let y = Int(key), let i = c.assessment.firstIndex(where: { $0.year == y }) else {
            if untouched(cells, c.id, key) { return }
            throw cells["key"]!.problem("case \(c.id) has no assessment for '\(key)'", "do not edit the hidden columns")
        }
        let a = c.assessment[i]
        let base: [YAMLPathStep] = [.key("assessment"), .element(field: "year", value: key)]
        let maxScore = workspace.policy?.assessment.scaleMax ?? 100
        let p = merge(cells["performance"]!, c.id, key, "考核 \(key) 工作实绩", workbook: try cells["performance"]!.number(in: 0...maxScore), current: a.performance, show: show)
        if p != a.performance {
            change(c.id, base + [.key("performance")], p.map { .number($0) }, field: "考核 \(key) 工作实绩", old: show(a.performance), new: show(p))
            c.assessment[i].performance = p
        }
        let o = merge(cells["opinion"]!, c.id, key, "考核 \(key) 民意测评", workbook: try cells["opinion"]!.number(in: 0...maxScore), current: a.opinion, show: show)
        if o != a.opinion {
            change(c.id, base + [.key("opinion")], o.map { .number($0) }, field: "考核 \(key) 民意测评", old: show(a.opinion), new: show(o))
            c.assessment[i].opinion = o
        }
        let t = merge(cells["team_score"]!, c.id, key, "考核 \(key) 班子得分", workbook: try cells["team_score"]!.number(in: 0...maxScore), current: a.teamScore, show: show)
        if t != a.teamScore {
            change(c.id, base + [.key("team_score")], t.map { .number($0) }, field: "考核 \(key) 班子得分", old: show(a.teamScore), new: show(t))
            c.assessment[i].teamScore = t
        }
        let g = merge(cells["grade"]!, c.id, key, "考核 \(key) 给定等次", workbook: try cells["grade"]!.choice(Grade.self),
                      current: a.grade, show: { $0?.label.zh })
        if g != a.grade {
            change(c.id, base + [.key("grade")], g.map { .text($0.rawValue) }, field: "考核 \(key) 给定等次", old: a.grade?.label.zh, new: g?.label.zh)
            c.assessment[i].grade = g
        }
    }

    /// A blank row of 问题与整改 filled in: a new finding with the next free id (F1, F2 …). Taken as written: there is
    /// nothing in the case to merge with.
    private mutating func newFinding(_ c: inout AuditCase, _ cells: [String: CellReader]) throws {
        let title = try cells["title"]!.text()
        let category: String? = try cells["category"]!.choice(vocabulary: lib.findingCategories)
        let dept: String? = try cells["department"]!.choice(vocabulary: lib.departments)
        let status: FindingStatus? = try cells["status"]!.choice(FindingStatus.self)
        let resp: String? = try cells["responsibility"]!.choice(vocabulary: lib.responsibilities)
        let amount = try cells["amount"]!.number()
        if let v = amount, v < 0 { throw cells["amount"]!.problem("an amount cannot be negative (\(show(v) ?? ""))", "the amount in 万元, 0 or more") }
        let due = try cells["due"]!.day()
        let note = try cells["note"]!.text()
        // An unused row (its department may be preset) is not a finding.
        guard title != nil || category != nil || status != nil || resp != nil || amount != nil || due != nil || note != nil else { return }
        guard let title else { throw cells["title"]!.problem("a new finding needs its 问题 (what was found)", "describe the problem, or empty the row") }
        guard let category else {
            throw cells["category"]!.problem("a new finding needs its 类别", "one of: " + lib.findingCategories.map(\.label.zh).joined(separator: " / "))
        }
        guard let dept else {
            throw cells["department"]!.problem("a new finding needs its 发现部门 (the department that found it)",
                                               "one of: " + lib.departments.map(\.label.zh).joined(separator: " / "))
        }
        // Imported before (the same workbook again, or a colleague's copy): the case has it already.
        if c.findings.contains(where: { $0.title == title && $0.category == category }) { return }
        let used = c.findings.compactMap { $0.id.hasPrefix("F") ? Int($0.id.dropFirst()) : nil }
        let id = "F\((used.max() ?? 0) + 1)"
        let f = Finding(id: id, title: title, category: category, responsibility: resp, status: status ?? .open, amount: amount, note: note,
                        due: due, department: dept)
        var pairs: [(String, YAMLValue)] = [("id", .text(id)), ("title", .text(title)), ("category", .text(category))]
        if let resp { pairs.append(("responsibility", .text(resp))) }
        pairs.append(("status", .text(f.status.rawValue)))
        if let amount { pairs.append(("amount", .number(amount))) }
        if let due { pairs.append(("due", .date(due))) }
        pairs.append(("department", .text(dept)))
        if let note { pairs.append(("note", .text(note))) }
        edits[c.id, default: []].append(Edit(path: [.key("findings")], value: .flowMap(pairs), field: "问题 \(id)（新增）", old: "（无）",
                                             new: "\(title)；\(lib.findingCategory(category).zh)；\(f.status.label.zh)", append: true))
        c.findings.append(f)
    }

    /// The case's audit program items and departments, as the rules see them — made once per case (the program,
    /// its reassignments and the departments do not change with the rows).
    private mutating func auditSummary(_ c: AuditCase) -> AuditWorkSummary {
        if let s = summaries[c.id] { return s }
        let s = AuditWorkRules.summarize(c, library: lib, defaultProgram: workspace.config.auditProgram, reassign: workspace.config.auditReassign,
                                         requiredOrder: workspace.policy?.team.requiredDepartments ?? [])
        summaries[c.id] = s
        return s
    }

    /// A team member of the case, by name.
    private func member(_ cell: CellReader, _ name: String?, in c: AuditCase) throws {
        guard let name, !c.team.contains(where: { $0.name == name }) else { return }
        throw cell.problem("'\(name)' is not a member of case \(c.id)'s audit team",
                           c.team.isEmpty ? "name the audit team in the case file first" : "one of: " + c.team.map(\.name).joined(separator: " / "))
    }

    /// Finding ids written as `F1, F2` (also with 、，or spaces); each must be a finding of the case.
    private func findingIDs(_ cell: CellReader, _ text: String?, in c: AuditCase) throws -> [String] {
        guard let text else { return [] }
        let ids = text.split(whereSeparator: { ", ，、;；".contains($0) }).map(String.init)
        for id in ids where c.finding(id) == nil {
            throw cell.problem("case \(c.id) has no finding '\(id)'", c.findings.isEmpty ? "the case has no findings" : "ids such as " + c.findings.map(\.id).joined(separator: ", "))
        }
        return ids
    }

    /// Writes a value into `audit:`, creating the section (with its program) when the case file has none.
    private mutating func auditEdit(_ c: inout AuditCase, program: AuditProgram, section: String, key: String, value: YAMLValue?,
                                    order: [String], field: String, old: String?, new: String?) {
        if c.audit == nil {
            guard let value else { return }
            change(c.id, [.key("audit")], .blockMap([("program", .text(program.id)), (section, .blockMap([(key, value)]))]), field: field, old: old, new: new)
            c.audit = AuditWork(program: program.id)
        } else {
            change(c.id, [.key("audit"), .key(section), .key(key)], value, field: field, old: old, new: new, order: order)
        }
    }

    private mutating func auditItem(_ c: inout AuditCase, _ key: String, _ cells: [String: CellReader]) throws {
        let summary = auditSummary(c)
        guard let program = summary.program, summary.items.contains(where: { $0.item.id == key }) else {
            if untouched(cells, c.id, key) { return }
            throw cells["key"]!.problem("'\(key)' is not an item of case \(c.id)'s audit program", "do not edit the hidden columns")
        }
        let before = c.audit?.items[key] ?? AuditItemState(status: .pending)
        let field = "审计事项 \(key)"
        let status = merge(cells["status"]!, c.id, key, field + " 状态",
                           workbook: try cells["status"]!.choice(AuditItemStatus.self) ?? .pending,
                           current: before.status, show: { $0?.label.zh }) ?? .pending
        let examiner = merge(cells["examiner"]!, c.id, key, field + " 审查人", workbook: try cells["examiner"]!.text(), current: before.examiner, show: { $0 })
        try member(cells["examiner"]!, examiner, in: c)
        let listed = merge(cells["findings"]!, c.id, key, field + " 关联问题", workbook: try cells["findings"]!.text(), current: FillIn.ids(before.findings), show: { $0 })
        let findings = try findingIDs(cells["findings"]!, listed, in: c)
        let reason = merge(cells["reason"]!, c.id, key, field + " 理由", workbook: try cells["reason"]!.text(), current: before.reason, show: { $0 })
        let note = merge(cells["note"]!, c.id, key, field + " 备注", workbook: try cells["note"]!.text(), current: before.note, show: { $0 })
        guard status != before.status || examiner != before.examiner || findings != before.findings || reason != before.reason || note != before.note else { return }
        var pairs: [(String, YAMLValue)] = [("status", .text(status.rawValue))]
        if !findings.isEmpty { pairs.append(("findings", .flowList(findings.map { .text($0) }))) }
        if let examiner { pairs.append(("examiner", .text(examiner))) }
        if let reason { pairs.append(("reason", .text(reason))) }
        if let note { pairs.append(("note", .text(note))) }
        func shown(_ s: AuditItemState) -> String {
            [s.status.label.zh, s.examiner, FillIn.ids(s.findings), s.reason, s.note].compactMap { $0 }.joined(separator: "；")
        }
        let new = AuditItemState(status: status, findings: findings, examiner: examiner, reason: reason, note: note)
        auditEdit(&c, program: program, section: "items", key: key, value: pairs.count == 1 ? .text(status.rawValue) : .flowMap(pairs),
                  order: program.items.map(\.id), field: field, old: shown(before), new: shown(new))
        c.audit?.items[key] = new
    }

    private mutating func conclusion(_ c: inout AuditCase, _ key: String, _ cells: [String: CellReader]) throws {
        let summary = auditSummary(c)
        guard let program = summary.program, summary.departments.contains(where: { $0.department == key }) else {
            if untouched(cells, c.id, key) { return }
            throw cells["key"]!.problem("'\(key)' is not a department of case \(c.id)'s audit program", "do not edit the hidden columns")
        }
        let before = c.audit?.conclusions[key]
        let field = "部门结论 \(lib.department(key).zh)"
        let result = merge(cells["result"]!, c.id, key, field + " 结论",
                           workbook: try cells["result"]!.choice(Conclusion.Result.self),
                           current: before?.result, show: { $0?.label.zh })
        let by = merge(cells["by"]!, c.id, key, field + " 结论人", workbook: try cells["by"]!.text(), current: before?.by, show: { $0 })
        try member(cells["by"]!, by, in: c)
        let date = merge(cells["date"]!, c.id, key, field + " 日期", workbook: try cells["date"]!.day(), current: before?.date, show: { $0?.description })
        let listed = merge(cells["findings"]!, c.id, key, field + " 关联问题", workbook: try cells["findings"]!.text(),
                           current: before.flatMap { FillIn.ids($0.findings) }, show: { $0 })
        let findings = try findingIDs(cells["findings"]!, listed, in: c)
        func shown(_ x: Conclusion?) -> String? {
            x.map { [$0.result.label.zh, $0.by, $0.date.description, FillIn.ids($0.findings)].compactMap { $0 }.joined(separator: "；") }
        }
        let order = summary.departments.map(\.department)
        if result == nil && by == nil && date == nil && findings.isEmpty {
            // Emptied: the conclusion is withdrawn.
            if before != nil {
                auditEdit(&c, program: program, section: "conclusions", key: key, value: nil, order: order, field: field, old: shown(before), new: nil)
                c.audit?.conclusions[key] = nil
            }
            return
        }
        guard let result else { throw cells["result"]!.problem("a conclusion needs 结论", "choose 未发现问题 or 发现问题, or empty the whole row") }
        guard let by else { throw cells["by"]!.problem("a conclusion needs 结论人", "the audit team member who gives it") }
        guard let date else { throw cells["date"]!.problem("a conclusion needs 日期", "a date such as 2024-12-15") }
        if let b = before, b.result == result, b.by == by, b.date == date, b.findings == findings { return }
        var pairs: [(String, YAMLValue)] = [("result", .text(result.rawValue))]
        if !findings.isEmpty { pairs.append(("findings", .flowList(findings.map { .text($0) }))) }
        pairs += [("by", .text(by)), ("date", .date(date))]
        let new = Conclusion(result: result, findings: findings, by: by, date: date)
        auditEdit(&c, program: program, section: "conclusions", key: key, value: .flowMap(pairs), order: order, field: field, old: shown(before), new: shown(new))
        c.audit?.conclusions[key] = new
    }

    /// Makes the edits file by file and checks each result reads back as exactly the expected case.
    func finish(texts: any CaseTextStore) -> ImportResult<([FieldChange], [FileChange])> {
        var changes: [FieldChange] = []
        var fileChanges: [FileChange] = []
        var problems: [ImportProblem] = []
        for id in edits.keys.sorted() {
            let list = edits[id]!
            guard let want = expected[id], let c = cases[id] else { continue }
            let display = c.location.file
            do {
                let text = try texts.text(of: c)
                // One edit at a time on the text so far: an edit may create a section (audit:, handover:) that the
                // next one edits inside.
                var newText = text
                for e in list {
                    let editor = try CaseFileEditor(text: newText, file: display)
                    if e.append, let v = e.value { try editor.append(to: e.path, element: v) } else { try editor.set(e.path, to: e.value, order: e.order) }
                    newText = try editor.result()
                }
                let (reread, diags) = WorkspaceLoader.parseCase(text: newText, file: display, library: workspace.library, policy: workspace.policy,
                                                                context: CaseContext(workspace))
                guard let reread, diags.isEmpty else {
                    problems.append(ImportProblem(sheet: display, cell: "", message: "the edited file would not load: \(diags.first.map(\.description) ?? "unknown")",
                                                  expected: "nothing was written; please report this"))
                    continue
                }
                guard CaseDigest(reread).digest == CaseDigest(want).digest else {
                    problems.append(ImportProblem(sheet: display, cell: "", message: "the edited file does not read back as the workbook's values",
                                                  expected: "nothing was written; please report this"))
                    continue
                }
                fileChanges.append(FileChange(caseID: id, origin: c.origin, display: display, oldText: text, newText: newText))
                changes += list.map { FieldChange(caseID: id, file: display, field: $0.field, old: $0.old, new: $0.new) }
            } catch let e as CaseFileEditError {
                problems.append(ImportProblem(sheet: display, cell: "", message: e.message, expected: "edit this value in the case file by hand; nothing was written"))
            } catch {
                problems.append(ImportProblem(sheet: display, cell: "", message: "\(error)"))
            }
        }
        return problems.isEmpty ? .success((changes, fileChanges)) : .failure(problems)
    }
}
