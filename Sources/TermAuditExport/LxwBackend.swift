import Foundation
import TermAudit
import XlsxWriter

/// Writes through libxlsxwriter (the safe wrapper), atomically and in constant memory.
public final class LxwBackend: WorkbookBackend {
    private let workbook: Workbook
    private var sheets: [Worksheet] = []
    /// The format of each style, indexed by `ExportStyle.ordinal`.
    private var formats = [Format?](repeating: nil, count: ExportStyle.allCases.count)

    /// Opens the output; nothing appears at `url` until `close()` succeeds.
    public init(url: URL, info: DocumentInfo) throws {
        var comps = DateComponents()
        comps.year = info.created.year
        comps.month = info.created.month
        comps.day = info.created.day
        comps.hour = 12
        var cal = Calendar(identifier: .gregorian)
        cal.timeZone = TimeZone(identifier: "UTC")!
        let created = cal.date(from: comps) ?? Date(timeIntervalSince1970: 86_400)
        workbook = try Workbook(atomicOutput: url, options: Workbook.Options(
            created: created, constantMemory: true, title: info.title, subject: info.subject,
            author: "termaudit", company: info.company, comments: info.comments))
    }

    /// Replacements of XML-forbidden characters made while writing.
    public var sanitizations: [Sanitization] { workbook.sanitizations }

    public func defineStyle(_ style: ExportStyle, spec s: StyleSpec) throws {
        let h: FormatSpec.HorizontalAlignment? = switch s.align {
        case "left": .left
        case "center": .center
        case "right": .right
        default: nil
        }
        formats[style.ordinal] = try workbook.format(FormatSpec(
            bold: s.bold, italic: s.italic, fontName: s.fontName, fontSize: s.fontSize, fontColor: s.fontColor,
            backgroundColor: s.backgroundColor, border: s.border ? .thin : nil, horizontalAlignment: h,
            verticalAlignment: s.valignTop ? .top : (s.valignCenter ? .center : nil), wrap: s.wrap,
            numberFormat: s.numberFormat, locked: s.locked))
    }

    public func addSheet(name: String) throws -> Int {
        sheets.append(try workbook.addWorksheet(name: name))
        return sheets.count - 1
    }

    public func setup(_ sheet: Int, landscape: Bool, header: String, footer: String, freezeHeader: Bool, repeatHeader: Bool, protect: Bool) throws {
        let ws = sheets[sheet]
        try ws.setPaper(.a4)
        if landscape { try ws.setLandscape() }
        try ws.setFooter(footer)
        try ws.setHeader(header)
        if freezeHeader { try ws.freezePanes(row: 1, col: 0) }
        if repeatHeader { try ws.repeatRows(first: 0, last: 0) }
        if protect { try ws.protect(allowSortAndFilter: true) }   // no editing; sorting and the filter buttons still work
    }

    public func printLayout(_ sheet: Int, layout: PrintLayout) throws {
        let ws = sheets[sheet]
        if layout.fitWidth { try ws.fitToPages(width: 1, height: 0) } else if layout.scale != 100 { try ws.setPrintScale(layout.scale) }
        if layout.repeatColumns > 0 { try ws.repeatColumns(first: 0, last: layout.repeatColumns - 1) }
    }

    public func rowHeight(_ sheet: Int, row: Int, points: Double) throws {
        try sheets[sheet].setRowHeight(row, height: points)
    }

    public func pageBreaks(_ sheet: Int, beforeRows rows: [Int]) throws {
        try sheets[sheet].setPageBreaks(beforeRows: rows)
    }

    public func write(_ sheet: Int, row: Int, col: Int, value: ExportValue, style: ExportStyle) throws {
        try Self.write(sheets[sheet], row: row, col: col, value: value, format: formats[style.ordinal])
    }

    /// The row's cells go through the wrapper's checked writers, under one switch to the C numeric locale.
    public func writeRow(_ sheet: Int, row: Int, cells: [ExportCell], skipBlanks: Bool) throws {
        try sheets[sheet].writeRow(row) { w in
            try formats.withUnsafeBufferPointer { formats in
                for col in cells.indices {
                    let cell = cells[col], f = formats[cell.style.ordinal]
                    switch cell.value {
                    case .text(let s): try w.write(s, col: col, format: f)
                    case .number(let v): try w.write(v, col: col, format: f)
                    case .date(let d): try w.write(ExcelDateTime(year: d.year, month: d.month, day: d.day), col: col, format: f)
                    case .blank: if !skipBlanks { try w.writeBlank(col: col, format: f) }
                    }
                }
            }
        }
    }

    private static func write(_ ws: Worksheet, row: Int, col: Int, value: ExportValue, format f: Format?) throws {
        switch value {
        case .text(let s): try ws.write(s, row: row, col: col, format: f)
        case .number(let v): try ws.write(v, row: row, col: col, format: f)
        case .date(let d): try ws.write(ExcelDateTime(year: d.year, month: d.month, day: d.day), row: row, col: col, format: f)
        case .blank: try ws.writeBlank(row: row, col: col, format: f)
        }
    }

    public func setWidth(_ sheet: Int, col: Int, width: Double, hidden: Bool) throws {
        try sheets[sheet].setColumn(first: col, last: col, width: width, hidden: hidden)
    }

    public func autofilter(_ sheet: Int, lastRow: Int, lastCol: Int) throws {
        try sheets[sheet].autofilter(CellRange(firstRow: 0, firstCol: 0, lastRow: max(lastRow, 0), lastCol: lastCol))
    }

    public func highlight(_ sheet: Int, lastRow: Int, lastCol: Int, formula: String, style: ExportStyle) throws {
        try sheets[sheet].addConditionalFormat(range: CellRange(firstRow: 1, firstCol: 0, lastRow: lastRow, lastCol: lastCol),
                                               formula: formula, format: formats[style.ordinal]!)
    }

    public func listValidation(_ sheet: Int, col: Int, lastRow: Int, listSheet: String, listCol: Int, count: Int) throws {
        try sheets[sheet].addListValidation(range: CellRange(firstRow: 1, firstCol: col, lastRow: lastRow, lastCol: col),
                                            sourceSheet: listSheet,
                                            source: CellRange(firstRow: 0, firstCol: listCol, lastRow: max(count - 1, 0), lastCol: listCol))
    }

    public func rowListValidation(_ sheet: Int, col: Int, firstRow: Int, lastRow: Int, listSheet: String, listRow: Int, firstListCol: Int, lastListCol: Int) throws {
        try sheets[sheet].addListValidation(range: CellRange(firstRow: firstRow, firstCol: col, lastRow: lastRow, lastCol: col),
                                            sourceSheet: listSheet,
                                            source: CellRange(firstRow: listRow, firstCol: firstListCol, lastRow: listRow, lastCol: lastListCol))
    }

    public func hide(_ sheet: Int) throws { try sheets[sheet].hide() }

    public func close() throws { try workbook.close() }
}

/// The .xlsx sink: `PagedSink` over libxlsxwriter.
public enum XlsxSink {
    /// A sink writing `url` atomically; keep the backend to read its sanitizations after closing.
    public static func make(url: URL, info: DocumentInfo, header: String = "", footer: String, rowLimit: Int = 1_048_576) throws -> (PagedSink, LxwBackend) {
        let backend = try LxwBackend(url: url, info: info)
        return (try PagedSink(backend: backend, header: header, footer: footer, rowLimit: rowLimit), backend)
    }
}
