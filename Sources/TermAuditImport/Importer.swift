import Foundation
import TermAudit
import TermAuditExport
import TermAuditLoader
import TermAuditSignoff
import XlsxReader

/// A problem with a filled workbook: where it is (sheet and cell) and what was expected.
public struct ImportProblem: Error, Sendable, CustomStringConvertible {
    public var sheet: String
    public var cell: String
    public var message: String
    public var expected: String

    public init(sheet: String, cell: String, message: String, expected: String = "") {
        self.sheet = sheet
        self.cell = cell
        self.message = message
        self.expected = expected
    }

    public var description: String {
        let place = cell.isEmpty ? sheet : "\(sheet)!\(cell)"
        return "\(place): \(message)" + (expected.isEmpty ? "" : "\n    → \(expected)")
    }
}

/// One value the workbook changes.
public struct FieldChange: Sendable {
    public var caseID: String
    public var file: String
    /// Where, for people: e.g. `指标 fiscal-revenue 完成值`.
    public var field: String
    public var old: String
    public var new: String
}

/// A case and its new text.
public struct FileChange: Sendable {
    public var caseID: String
    /// Where the case was read from (a file, a store record), and its name in messages.
    public var origin: CaseOrigin
    public var display: String
    public var oldText: String
    public var newText: String

    /// The case file, for a case read from a folder.
    public var url: URL? { origin.filePath.map { URL(fileURLWithPath: $0) } }

    public var edit: CaseTextEdit { CaseTextEdit(caseID: caseID, origin: origin, display: display, old: oldText, new: newText) }
}

/// A cell changed both in the workbook and in the case since the workbook was exported, to different values.
public struct ImportConflict: Sendable, CustomStringConvertible {
    public var sheet: String
    public var cell: String
    public var caseID: String
    /// Where, for people: e.g. `交接 cash 状态`.
    public var field: String
    public var exported: String
    public var current: String
    public var workbook: String

    public var description: String {
        "\(sheet)!\(cell) 案卷 \(caseID) \(field)：导出时「\(exported)」，现在「\(current)」，工作簿「\(workbook)」"
            + " (changed on both sides: exported '\(exported)', now '\(current)', in the workbook '\(workbook)')"
    }
}

/// How conflicts are settled.
public enum ConflictResolution: Sendable {
    /// Conflicts refuse the whole import.
    case refuse
    /// The workbook's value wins (`--take-workbook`).
    case takeWorkbook
    /// The case's current value stays (`--keep-current`).
    case keepCurrent
}

/// A valid signature the import makes stale.
public struct VoidedSignature: Sendable, CustomStringConvertible {
    public var caseID: String
    public var role: Label
    public var name: String
    public var time: String

    public var description: String { "\(caseID) \(role.zh) \(name)（\(RowMaker.beijingTime(time))）" }
}

/// What an import may do beyond applying clean changes.
public struct ImportOptions: Sendable {
    public var resolution: ConflictResolution
    /// Apply changes to signed cases, making their signatures stale (`--void-signatures`).
    public var voidSignatures: Bool
    /// Checks the cases' signatures; without it signatures are not looked at.
    public var verifier: SignoffVerifier?
    public var limits: XlsxLimits

    public init(resolution: ConflictResolution = .refuse, voidSignatures: Bool = false, verifier: SignoffVerifier? = nil, limits: XlsxLimits = .default) {
        self.resolution = resolution
        self.voidSignatures = voidSignatures
        self.verifier = verifier
        self.limits = limits
    }
}

/// What importing a workbook would do.
public struct ImportPlan: Sendable {
    public var changes: [FieldChange]
    public var files: [FileChange]
    /// Cases whose data changed since the workbook was made (merged cell by cell).
    public var changedSince: [String]
    /// Conflicts settled by `--take-workbook` or `--keep-current`.
    public var settled: [ImportConflict]
    /// Signatures the import makes stale (only with `--void-signatures`).
    public var voided: [VoidedSignature]
    public var rowsRead: Int
}

/// Reads a filled fill-in workbook and turns it into edits of the case files.
///
/// A three-way merge per cell: the workbook's hidden sheet `原值` holds each editable cell's value at export. A cell
/// the person changed is applied when the case still holds the exported value; a cell the person left alone is not
/// applied, whatever happened to the case since; a cell changed on both sides to different values is a conflict,
/// which refuses the whole import unless the options settle it.
public enum Importer {
    /// Plans the import: every problem of the whole workbook is collected; no file is touched.
    /// `texts`: where the cases' texts are read from (and later written to): the folder's files or a store.
    public static func plan(workbook url: URL, workspace: Workspace, texts: any CaseTextStore = FolderCaseTexts(),
                            options: ImportOptions = ImportOptions()) -> ImportResult<ImportPlan> {
        let book: FilledWorkbook
        do {
            book = try FilledWorkbook(url: url, limits: options.limits)
        } catch let e as ImportProblem {
            return .failure([e])
        } catch {
            return .failure([ImportProblem(sheet: url.lastPathComponent, cell: "", message: "\(error)",
                                           expected: "a workbook made by `termaudit export --edition fill-in`, saved as .xlsx")])
        }
        var problems: [ImportProblem] = []
        let meta: FillInMeta
        switch FillInMeta.read(book) {
        case .success(let m): meta = m
        case .failure(let p): return .failure(p)
        }
        let cases = Dictionary(workspace.cases.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        var changedSince: [String] = []
        for (id, digest, row) in meta.cases {
            guard let c = cases[id] else {
                problems.append(ImportProblem(sheet: FillIn.checkSheet, cell: "B\(row)", message: "the workbook names case '\(id)', which is not in this workspace",
                                              expected: "import into the workspace the workbook was made from"))
                continue
            }
            if CaseDigest(c).digest != digest { changedSince.append(id) }
        }
        let caseIDs = Set(meta.cases.map(\.0))
        var rowsRead = 0
        var planner = Planner(workspace: workspace, cases: cases, bases: meta.bases, resolution: options.resolution)
        for layout in FillIn.sheets {
            guard let keys = meta.layouts[layout.name] else {
                if meta.department != nil { continue }   // a department's workbook holds only its sheets
                problems.append(ImportProblem(sheet: FillIn.checkSheet, cell: "", message: "the layout of sheet \(layout.name) is missing",
                                              expected: "a workbook made by `termaudit export --edition fill-in`"))
                continue
            }
            guard let rows = book.rows(layout.name) else {
                problems.append(ImportProblem(sheet: layout.name, cell: "", message: "the sheet \(layout.name) is missing", expected: "do not delete or rename sheets"))
                continue
            }
            for (r, row) in rows where r >= 2 {
                var cells: [String: CellReader] = [:]
                for (i, k) in keys.enumerated() { cells[k] = CellReader(sheet: layout.name, key: k, row: r, col: i + 1, cell: row[i + 1]) }
                if row.values.allSatisfy({ $0.value.isEmpty && $0.formula == nil }) { continue }
                rowsRead += 1
                let id = cells["case"]!.rawText, key = cells["key"]!.rawText, check = cells["check"]!.rawText
                guard let id, let key, let check, FillIn.check(caseID: id, key: key) == check else {
                    problems.append(ImportProblem(sheet: layout.name, cell: "A\(r)", message: "this row's hidden identifiers were changed or removed",
                                                  expected: "do not edit the hidden columns A–C; copy the row back from the exported workbook"))
                    continue
                }
                guard caseIDs.contains(id), cases[id] != nil else {
                    problems.append(ImportProblem(sheet: layout.name, cell: "A\(r)", message: "unknown case '\(id)'",
                                                  expected: "a case listed when the workbook was made"))
                    continue
                }
                planner.row(sheet: layout.name, caseID: id, key: key, cells: cells, problems: &problems)
            }
        }
        if options.resolution == .refuse {
            for c in planner.conflicts {
                problems.append(ImportProblem(sheet: c.sheet, cell: c.cell,
                                              message: "案卷 \(c.caseID) \(c.field) 两边都改了 / changed both in the workbook and in the case since export: 导出时 exported「\(c.exported)」，现在 now「\(c.current)」，工作簿 workbook「\(c.workbook)」",
                                              expected: "agree on the value, or import with --take-workbook (the workbook's value) or --keep-current (the case's value)"))
            }
        }
        if !problems.isEmpty { return .failure(problems) }
        // Signatures the changes would make stale.
        var voided: [VoidedSignature] = []
        if let verifier = options.verifier {
            for id in planner.changedCases {
                guard let before = cases[id], let after = planner.expectedCase(id) else { continue }
                let now = verifier.check(before), then = verifier.check(after)
                for k in now where k.result == .valid && then.first(where: { $0.index == k.index })?.result != .valid {
                    let role = verifier.policy.signoff.roles.first { $0.id == k.record.role }?.label ?? Label(zh: k.record.role, en: k.record.role)
                    voided.append(VoidedSignature(caseID: id, role: role, name: k.record.name, time: k.record.time))
                }
            }
        }
        if !voided.isEmpty && !options.voidSignatures {
            let list = voided.map(\.description).joined(separator: "；")
            return .failure([ImportProblem(sheet: url.lastPathComponent, cell: "",
                                           message: "导入会改动已签字的案卷，使这些签字失效 / the import changes signed cases and would void these signatures: \(list)",
                                           expected: "import with --void-signatures to apply the changes (the signers must then sign again), or leave these cells as exported")])
        }
        switch planner.finish(texts: texts) {
        case .success(let (changes, fileChanges)):
            let settled = options.resolution == .refuse ? [] : planner.conflicts
            return .success(ImportPlan(changes: changes, files: fileChanges, changedSince: changedSince, settled: settled, voided: voided, rowsRead: rowsRead))
        case .failure(let p):
            return .failure(p)
        }
    }

    /// Applies a plan: every case or none, through `texts` (see `FolderCaseTexts` and the store's writer); a case
    /// that changed since it was planned stops the whole import. Returns where each case was written.
    @discardableResult
    public static func apply(_ plan: ImportPlan, texts: any CaseTextStore = FolderCaseTexts(), note: String = "import") throws -> [String] {
        do {
            return try texts.replace(plan.files.map(\.edit), note: note)
        } catch let e as CaseTextChanged {
            throw ImportProblem(sheet: e.display, cell: "", message: "the case changed while importing; nothing was written"
                                    + (e.since.isEmpty ? "" : " — changed since: " + e.since.joined(separator: "; ")),
                                expected: "run the import again (it merges with the newer values)")
        }
    }
}

/// The hidden check sheet: format, layouts, and the digest of every case the workbook was made from.
struct FillInMeta {
    var layouts: [String: [String]] = [:]
    var cases: [(String, String, Int)] = []
    /// The exported values of each row's editable cells, by `FillInMeta.rowKey`, then column key.
    var bases: [String: [String: String]] = [:]
    /// The department of a department's workbook (`export --department`).
    var department: String?

    static func rowKey(_ sheet: String, _ caseID: String, _ key: String) -> String { "\(sheet)\u{1F}\(caseID)\u{1F}\(key)" }

    static func read(_ book: FilledWorkbook) -> ImportResult<FillInMeta> {
        guard let rows = book.rows(FillIn.checkSheet) else {
            return .failure([ImportProblem(sheet: FillIn.checkSheet, cell: "", message: "this is not a termaudit fill-in workbook (no hidden sheet \(FillIn.checkSheet))",
                                           expected: "a workbook made by `termaudit export --edition fill-in`")])
        }
        var m = FillInMeta()
        var format: String?
        for (r, row) in rows {
            let a = row[1]?.value.asText() ?? ""
            let b = row[2]?.value.asText() ?? ""
            let c = row[3]?.value.asText() ?? ""
            switch a {
            case "format": format = b
            case "sheet": m.layouts[b] = c.split(separator: ",").map(String.init)
            case "case": m.cases.append((b, c, r))
            case "department": m.department = b
            default: break
            }
        }
        guard format == FillIn.format else {
            let old = format == "termaudit-fill-in 1"
            return .failure([ImportProblem(sheet: FillIn.checkSheet, cell: "B1",
                                           message: old ? "this workbook was made by an earlier termaudit, which did not record the exported values the merge needs"
                                                        : "unknown fill-in format '\(format ?? "")'",
                                           expected: old ? "export a new fill-in workbook and fill that one" : FillIn.format)])
        }
        guard let base = book.rows(FillIn.baseSheet) else {
            return .failure([ImportProblem(sheet: FillIn.baseSheet, cell: "", message: "the hidden sheet \(FillIn.baseSheet) (the exported values) is missing",
                                           expected: "a workbook made by `termaudit export --edition fill-in`; do not delete sheets")])
        }
        for (_, row) in base {
            guard let sheet = row[1]?.value.asText(), let layout = FillIn.sheets.first(where: { $0.name == sheet }),
                  let id = row[2]?.value.asText(), let key = row[3]?.value.asText() else { continue }
            var values: [String: String] = [:]
            for (i, k) in layout.editable.enumerated() { values[k] = row[4 + i]?.value.asText() ?? "" }
            m.bases[rowKey(sheet, id, key)] = values
        }
        return .success(m)
    }
}

/// Reads one cell of a data row, with its place for messages.
struct CellReader {
    var sheet: String
    /// The column's key in the sheet layout.
    var key: String
    var row: Int
    var col: Int
    var cell: Cell?

    var ref: String { CellRef.a1(row: row, col: col) }

    func problem(_ message: String, _ expected: String = "") -> ImportProblem {
        ImportProblem(sheet: sheet, cell: ref, message: message, expected: expected)
    }

    /// The text of the cell as written (numbers as their shortest form), nil when empty.
    var rawText: String? {
        guard let cell else { return nil }
        switch cell.value {
        case .number(let d): return d == d.rounded() && abs(d) < 1e15 ? String(Int64(d)) : "\(d)"
        default:
            let t = cell.value.asText()?.trimmingCharacters(in: .whitespacesAndNewlines)
            return t?.isEmpty == true ? nil : t
        }
    }

    var isEmpty: Bool {
        guard let cell, cell.formula == nil else { return cell == nil }
        if case .text(let t) = cell.value { return t.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty }
        return cell.value.isEmpty
    }

    /// Refuses formulas and error values where a value is expected.
    func plain() throws -> Cell? {
        guard let cell else { return nil }
        if cell.formula != nil { throw problem("a formula where a value is expected (=\(cell.formula!.prefix(40)))", "type the value itself") }
        if case .error(let e) = cell.value { throw problem("the cell holds the error \(e)", "type a value") }
        return cell
    }

    /// Free text (notes, reasons); a number is taken as its text.
    func text() throws -> String? {
        _ = try plain()
        return rawText
    }

    /// A number, or text that is a plain decimal number.
    func number(in range: ClosedRange<Double>? = nil) throws -> Double? {
        guard let c = try plain(), !isEmpty else { return nil }
        if case .bool = c.value { throw problem("TRUE/FALSE where a number is expected", "a number such as 5.2") }
        if case .date = c.value { throw problem("a date where a number is expected", "a number such as 5.2") }
        guard let v = c.asNumber(), v.isFinite else { throw problem("'\(rawText ?? "")' is not a number", "a number such as 5.2") }
        if let range, !range.contains(v) { throw problem("\(rawText ?? "") is outside \(Int(range.lowerBound))–\(Int(range.upperBound))", "a score from \(Int(range.lowerBound)) to \(Int(range.upperBound))") }
        return v
    }

    /// One of a dropdown's values (its Chinese label, or the English id).
    func choice<T>(_ options: [(label: String, id: String, value: T)]) throws -> T? {
        guard let c = try plain(), !isEmpty else { return nil }
        if case .number = c.value { throw problem("a number where one of the list's values is expected", "one of: " + options.map(\.label).joined(separator: " / ")) }
        let t = rawText ?? ""
        if let o = options.first(where: { $0.label == t || $0.id == t }) { return o.value }
        throw problem("'\(t)' is not one of the dropdown's values", "one of: " + options.map(\.label).joined(separator: " / "))
    }

    /// One of a coded value's dropdown labels (or its code).
    func choice<T: RawRepresentable & CaseIterable & Labelled>(_ type: T.Type) throws -> T? where T.RawValue == String {
        try choice(T.allCases.map { ($0.label.zh, $0.rawValue, $0) })
    }

    /// An entry of a vocabulary (departments, categories, responsibilities) by its label or id; the id.
    func choice(vocabulary: [VocabularyEntry]) throws -> String? {
        try choice(vocabulary.map { ($0.label.zh, $0.id, $0.id) })
    }

    /// A date: a date cell, a serial number, or text YYYY-MM-DD (also YYYY/M/D and YYYY年M月D日).
    func day() throws -> Day? {
        guard let c = try plain(), !isEmpty else { return nil }
        if case .bool = c.value { throw problem("TRUE/FALSE where a date is expected", "a date such as 2025-03-31") }
        if case .text(let t) = c.value, Double(t.trimmingCharacters(in: .whitespaces)) != nil {
            throw problem("'\(t)' is a number, not a date", "a date such as 2025-03-31")
        }
        guard let d = c.asDate(), let day = Day(year: d.year, month: d.month, day: d.day) else {
            throw problem("'\(rawText ?? "")' is not a date in a form termaudit reads", "a date such as 2025-03-31")
        }
        return day
    }
}

/// A value, or every problem found on the way.
public enum ImportResult<T> {
    case success(T)
    case failure([ImportProblem])
}
