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

/// A case file and its new text.
public struct FileChange: Sendable {
    public var url: URL
    public var caseID: String
    public var oldText: String
    public var newText: String
}

/// What importing a workbook would do.
public struct ImportPlan: Sendable {
    public var changes: [FieldChange]
    public var files: [FileChange]
    /// Cases whose data changed since the workbook was made (imported only with `--force`).
    public var stale: [String]
    public var rowsRead: Int
}

/// Reads a filled fill-in workbook and turns it into edits of the case files.
public enum Importer {
    /// Plans the import: every problem of the whole workbook is collected; no file is touched.
    public static func plan(workbook url: URL, workspace: Workspace, files: [String: URL], force: Bool,
                            limits: XlsxLimits = .default) -> ImportResult<ImportPlan> {
        let book: FilledWorkbook
        do {
            book = try FilledWorkbook(url: url, limits: limits)
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
        var stale: [String] = []
        for (id, digest, row) in meta.cases {
            guard let c = cases[id] else {
                problems.append(ImportProblem(sheet: FillIn.checkSheet, cell: "B\(row)", message: "the workbook names case '\(id)', which is not in this workspace",
                                              expected: "import into the workspace the workbook was made from"))
                continue
            }
            if CaseDigest(c).digest != digest { stale.append(id) }
        }
        if !stale.isEmpty && !force {
            problems.append(ImportProblem(sheet: FillIn.checkSheet, cell: "",
                                          message: "案卷在工作簿生成后已改动 / these cases changed since the workbook was made: \(stale.joined(separator: ", "))",
                                          expected: "export a new fill-in workbook, or import with --force to apply the workbook's values over the changes"))
        }
        let caseIDs = Set(meta.cases.map(\.0))
        var rowsRead = 0
        var planner = Planner(workspace: workspace, cases: cases)
        for layout in FillIn.sheets {
            guard let keys = meta.layouts[layout.name] else {
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
                for (i, k) in keys.enumerated() { cells[k] = CellReader(sheet: layout.name, row: r, col: i + 1, cell: row[i + 1]) }
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
        if !problems.isEmpty { return .failure(problems) }
        switch planner.finish(files: files) {
        case .success(let (changes, fileChanges)):
            return .success(ImportPlan(changes: changes, files: fileChanges, stale: stale, rowsRead: rowsRead))
        case .failure(let p):
            return .failure(p)
        }
    }

    /// Applies a plan: every file or none. New texts go to temporary files beside the originals first; only
    /// when all are written are they renamed over the originals; a failure restores what was renamed.
    public static func apply(_ plan: ImportPlan) throws {
        var temps: [(FileChange, URL)] = []
        defer { for (_, t) in temps { try? FileManager.default.removeItem(at: t) } }
        for f in plan.files {
            guard let current = try? String(contentsOf: f.url, encoding: .utf8), current == f.oldText else {
                throw ImportProblem(sheet: f.url.path, cell: "", message: "the file changed while importing; nothing was written", expected: "run the import again")
            }
            let tmp = f.url.deletingLastPathComponent().appendingPathComponent(".\(f.url.lastPathComponent).import-\(getpid()).tmp")
            try write(f.newText, to: tmp)
            temps.append((f, tmp))
        }
        var done: [FileChange] = []
        do {
            for (f, tmp) in temps {
                guard rename(tmp.path, f.url.path) == 0 else {
                    throw ImportProblem(sheet: f.url.path, cell: "", message: "cannot replace the file: \(String(cString: strerror(errno)))")
                }
                done.append(f)
            }
        } catch {
            for f in done { try? write(f.oldText, to: f.url) }
            throw error
        }
        temps.removeAll()
    }

    static func write(_ text: String, to url: URL) throws {
        let fd = open(url.path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard fd >= 0 else { throw ImportProblem(sheet: url.path, cell: "", message: "cannot write: \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        let data = Data(text.utf8)
        try data.withUnsafeBytes { raw in
            var off = 0
            while off < raw.count {
                let n = Foundation.write(fd, raw.baseAddress! + off, raw.count - off)
                guard n > 0 else { throw ImportProblem(sheet: url.path, cell: "", message: "cannot write: \(String(cString: strerror(errno)))") }
                off += n
            }
        }
        guard fsync(fd) == 0 else { throw ImportProblem(sheet: url.path, cell: "", message: "cannot write: \(String(cString: strerror(errno)))") }
    }
}

/// The hidden check sheet: format, layouts, and the digest of every case the workbook was made from.
struct FillInMeta {
    var layouts: [String: [String]] = [:]
    var cases: [(String, String, Int)] = []

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
            default: break
            }
        }
        guard format == FillIn.format else {
            return .failure([ImportProblem(sheet: FillIn.checkSheet, cell: "B1", message: "unknown fill-in format '\(format ?? "")'",
                                           expected: FillIn.format)])
        }
        return .success(m)
    }
}

/// Reads one cell of a data row, with its place for messages.
struct CellReader {
    var sheet: String
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
