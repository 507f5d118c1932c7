import Foundation
import TermAudit

/// Records the backend operations as text, one per line, for the C benchmark (`bench/floor.c`) and the
/// Python peers to replay. Format `termaudit-cells 2` (docs/benchmarks.md):
///
///     termaudit-cells 2
///     props <json {"title","subject","company","comments","created":"YYYY-MM-DD"}>
///     style <name> <json StyleSpec>
///     sheet <handle> <json name>
///     setup <handle> <landscape 0|1> <freeze 0|1> <repeat 0|1> <protect 0|1> <json footer> <json header>
///     height <handle> <row> <points>                    (before the row's cells)
///     s|n|d|b <handle> <row> <col> <style> [value]      (s: json text, n: %.17g, d: YYYY-MM-DD, b: none)
///     width <handle> <col> <width> <hidden 0|1>
///     filter <handle> <last_row> <last_col>
///     cf <handle> <last_row> <last_col> <style> <json formula>
///     list <handle> <col> <last_row> <json list sheet> <list_col> <count>
///     hlist <handle> <col> <first_row> <last_row> <json list sheet> <list_row> <first_list_col> <last_list_col>
///     page <handle> <fit 0|1> <scale> <repeat_cols>
///     breaks <handle> <count> <row>…                     (a page starts before each row)
///     hide <handle>
///     end
public final class DumpBackend: WorkbookBackend {
    private let handle: FileHandle
    private let url: URL
    private var buffer = Data()
    private var sheets = 0

    public init(url: URL, info: DocumentInfo) throws {
        guard FileManager.default.createFile(atPath: url.path, contents: nil) else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: url.path])
        }
        self.url = url
        handle = try FileHandle(forWritingTo: url)
        emit("termaudit-cells 2")
        let props: [String: String] = ["title": info.title, "subject": info.subject, "company": info.company,
                                        "comments": info.comments, "created": info.created.description]
        emit("props \(Self.json(props))")
    }

    static func json<T: Encodable>(_ v: T) -> String {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: (try? e.encode(v)) ?? Data("null".utf8), as: UTF8.self)
    }

    private func emit(_ line: String) {
        buffer.append(contentsOf: line.utf8)
        buffer.append(10)
        if buffer.count > 1 << 20 { flush() }
    }

    private func flush() {
        handle.write(buffer)
        buffer.removeAll(keepingCapacity: true)
    }

    public func defineStyle(_ style: ExportStyle, spec: StyleSpec) throws { emit("style \(style.rawValue) \(Self.json(spec))") }

    public func addSheet(name: String) throws -> Int {
        emit("sheet \(sheets) \(Self.json(name))")
        sheets += 1
        return sheets - 1
    }

    public func setup(_ sheet: Int, landscape: Bool, header: String, footer: String, freezeHeader: Bool, repeatHeader: Bool, protect: Bool) throws {
        func b(_ v: Bool) -> Int { v ? 1 : 0 }
        emit("setup \(sheet) \(b(landscape)) \(b(freezeHeader)) \(b(repeatHeader)) \(b(protect)) \(Self.json(footer)) \(Self.json(header))")
    }

    public func printLayout(_ sheet: Int, layout: PrintLayout) throws {
        emit("page \(sheet) \(layout.fitWidth ? 1 : 0) \(layout.scale) \(layout.repeatColumns)")
    }

    public func rowHeight(_ sheet: Int, row: Int, points: Double) throws {
        emit("height \(sheet) \(row) \(Self.number(points))")
    }

    public func pageBreaks(_ sheet: Int, beforeRows rows: [Int]) throws {
        emit("breaks \(sheet) \(rows.count) " + rows.map(String.init).joined(separator: " "))
    }

    public func write(_ sheet: Int, row: Int, col: Int, value: ExportValue, style: ExportStyle) throws {
        switch value {
        case .text(let s): emit("s \(sheet) \(row) \(col) \(style.rawValue) \(Self.json(s))")
        case .number(let v): emit("n \(sheet) \(row) \(col) \(style.rawValue) \(Self.number(v))")
        case .date(let d): emit("d \(sheet) \(row) \(col) \(style.rawValue) \(d)")
        case .blank: emit("b \(sheet) \(row) \(col) \(style.rawValue)")
        }
    }

    /// A double in shortest round-trip form (Swift's description), locale-independent.
    static func number(_ v: Double) -> String { v == v.rounded() && abs(v) < 1e15 ? String(Int64(v)) : "\(v)" }

    public func setWidth(_ sheet: Int, col: Int, width: Double, hidden: Bool) throws {
        emit("width \(sheet) \(col) \(Self.number(width)) \(hidden ? 1 : 0)")
    }

    public func autofilter(_ sheet: Int, lastRow: Int, lastCol: Int) throws { emit("filter \(sheet) \(lastRow) \(lastCol)") }

    public func highlight(_ sheet: Int, lastRow: Int, lastCol: Int, formula: String, style: ExportStyle) throws {
        emit("cf \(sheet) \(lastRow) \(lastCol) \(style.rawValue) \(Self.json(formula))")
    }

    public func listValidation(_ sheet: Int, col: Int, lastRow: Int, listSheet: String, listCol: Int, count: Int) throws {
        emit("list \(sheet) \(col) \(lastRow) \(Self.json(listSheet)) \(listCol) \(count)")
    }

    public func rowListValidation(_ sheet: Int, col: Int, firstRow: Int, lastRow: Int, listSheet: String, listRow: Int, firstListCol: Int, lastListCol: Int) throws {
        emit("hlist \(sheet) \(col) \(firstRow) \(lastRow) \(Self.json(listSheet)) \(listRow) \(firstListCol) \(lastListCol)")
    }

    public func hide(_ sheet: Int) throws { emit("hide \(sheet)") }

    public func close() throws {
        emit("end")
        flush()
        try handle.close()
    }
}
