import Foundation
import TermAudit

/// The primitive operations a sink performs on a workbook. Two backends implement them: libxlsxwriter
/// (`LxwBackend`) and a plain-text dump of the same operations (`DumpBackend`) that the C benchmark replays,
/// so that both write the very same cells with the very same formats.
public protocol WorkbookBackend: AnyObject {
    /// Registers a style; called once per style before any sheet.
    func defineStyle(_ style: ExportStyle, spec: StyleSpec) throws
    /// Adds a worksheet; returns its handle.
    func addSheet(name: String) throws -> Int
    /// Print and view setup of a new sheet.
    func setup(_ sheet: Int, landscape: Bool, header: String, footer: String, freezeHeader: Bool, repeatHeader: Bool, protect: Bool) throws
    /// How a finished sheet prints across pages: fitted to one page width, or at `scale` percent with the first
    /// `repeatColumns` columns on every page.
    func printLayout(_ sheet: Int, layout: PrintLayout) throws
    /// A row's height in points, set before its cells are written.
    func rowHeight(_ sheet: Int, row: Int, points: Double) throws
    /// A new printed page starts before each of `rows` (ascending).
    func pageBreaks(_ sheet: Int, beforeRows rows: [Int]) throws
    func write(_ sheet: Int, row: Int, col: Int, value: ExportValue, style: ExportStyle) throws
    /// Writes `cells` into `row` from column 0, as `write` would one by one (blank cells are skipped when
    /// `skipBlanks`); a backend may do it in one go.
    func writeRow(_ sheet: Int, row: Int, cells: [ExportCell], skipBlanks: Bool) throws
    func setWidth(_ sheet: Int, col: Int, width: Double, hidden: Bool) throws
    func autofilter(_ sheet: Int, lastRow: Int, lastCol: Int) throws
    func highlight(_ sheet: Int, lastRow: Int, lastCol: Int, formula: String, style: ExportStyle) throws
    func listValidation(_ sheet: Int, col: Int, lastRow: Int, listSheet: String, listCol: Int, count: Int) throws
    /// A dropdown on rows `firstRow…lastRow` of one column whose values are one row of a list sheet, columns
    /// `firstListCol…lastListCol` (e.g. a case's team members for its audit items).
    func rowListValidation(_ sheet: Int, col: Int, firstRow: Int, lastRow: Int, listSheet: String, listRow: Int, firstListCol: Int, lastListCol: Int) throws
    func hide(_ sheet: Int) throws
    func close() throws
}

extension WorkbookBackend {
    public func writeRow(_ sheet: Int, row: Int, cells: [ExportCell], skipBlanks: Bool) throws {
        for (col, c) in cells.enumerated() {
            if skipBlanks, case .blank = c.value { continue }
            try write(sheet, row: row, col: col, value: c.value, style: c.style)
        }
    }
}

/// How a sheet prints across pages (see `PrintLayout.choose`).
public struct PrintLayout: Sendable, Hashable {
    /// Scaled to one page width (by the spreadsheet program, to at least `minimumScale`).
    public var fitWidth: Bool
    /// The fixed scale in percent when not fitted.
    public var scale: Int
    /// Leading columns printed on every page (0: none).
    public var repeatColumns: Int

    /// The printable width of an A4 page (default margins) in Excel column units at 100 %. With Calibri's metrics
    /// it is about 140 (landscape); LibreOffice without Calibri (or Carlito) measures units by DejaVu Sans, about
    /// 105. The smaller figure, less a margin, so nothing is cut in either.
    static let a4Landscape = 100.0, a4Portrait = 66.0
    /// The smallest scale used: 11-point text prints at about 8 points.
    public static let minimumScale = 75

    /// A sheet whose visible columns fit the page prints at 100 %; one up to a third wider is fitted to the page
    /// width (never below 75 %); a wider one prints at 75 % across several pages with its key columns repeated.
    public static func choose(visibleWidth: Double, landscape: Bool, keyColumns: Int) -> PrintLayout {
        let capacity = landscape ? a4Landscape : a4Portrait
        if visibleWidth <= capacity { return PrintLayout(fitWidth: false, scale: 100, repeatColumns: 0) }
        if visibleWidth * Double(minimumScale) / 100 <= capacity { return PrintLayout(fitWidth: true, scale: 100, repeatColumns: 0) }
        return PrintLayout(fitWidth: false, scale: minimumScale, repeatColumns: keyColumns)
    }
}

/// A cell format, independent of the backend.
public struct StyleSpec: Sendable, Hashable, Codable {
    public var bold = false
    public var italic = false
    public var fontName: String?
    public var fontSize: Double?
    public var fontColor: UInt32?
    public var backgroundColor: UInt32?
    public var border = false
    public var align: String?       // left | center | right
    public var valignTop = false
    public var valignCenter = false
    public var wrap = false
    public var numberFormat: String?
    public var locked = true

    public init() {}

    /// The format of each exporter style.
    public static func of(_ style: ExportStyle) -> StyleSpec {
        var s = StyleSpec()
        s.fontName = "等线"
        switch style {
        case .title: s.bold = true; s.fontSize = 16
        case .header: s.bold = true; s.backgroundColor = 0xDDEBF7; s.border = true; s.align = "center"; s.valignCenter = true; s.wrap = true
        case .label: s.bold = true; s.backgroundColor = 0xF2F2F2; s.border = true; s.valignTop = true
        case .text: s.border = true; s.valignTop = true
        case .wrap: s.border = true; s.valignTop = true; s.wrap = true
        case .note: s.italic = true; s.fontColor = 0x595959; s.valignTop = true; s.wrap = true
        case .integer: s.border = true; s.valignTop = true; s.numberFormat = "0"
        case .number: s.border = true; s.valignTop = true; s.numberFormat = "General"
        case .percent: s.border = true; s.valignTop = true; s.numberFormat = "0.0%"
        case .amount: s.border = true; s.valignTop = true; s.numberFormat = "#,##0.00"
        case .date: s.border = true; s.align = "center"; s.valignTop = true; s.numberFormat = "yyyy-mm-dd"
        case .unlocked: s.backgroundColor = 0xFFF2CC; s.border = true; s.valignTop = true; s.wrap = true; s.locked = false
        case .unlockedNumber: s.backgroundColor = 0xFFF2CC; s.border = true; s.valignTop = true; s.numberFormat = "General"; s.locked = false
        case .unlockedDate: s.backgroundColor = 0xFFF2CC; s.border = true; s.valignTop = true; s.numberFormat = "yyyy-mm-dd"; s.locked = false
        case .hiddenID: s.fontColor = 0x808080
        case .bad: s.fontName = nil; s.fontColor = 0x9C0006; s.backgroundColor = 0xFFC7CE
        case .warn: s.fontName = nil; s.fontColor = 0x9C5700; s.backgroundColor = 0xFFEB9C
        }
        return s
    }
}

/// The sink shared by every backend: sheets with a header row, row paging past Excel's 1,048,576 rows onto
/// numbered sheets (`名称 (2)`…), column widths sized for CJK text, filters, highlights and dropdowns at the end.
public final class PagedSink: WorkbookSink {
    private struct RowList { var col: Int; var first: Int; var last: Int; var listSheet: String; var listRow: Int; var firstListCol: Int; var lastListCol: Int }
    private struct Part { var handle: Int; var rows: Int; var breaks: [Int] = []; var rowLists: [RowList] = [] }
    /// A sheet and its continuations; a class, so that a row changes it in place (no copy-on-write of its arrays).
    private final class Entry {
        let spec: SheetSpec
        var parts: [Part]
        var widths: WidthTracker
        /// A page break is wanted before the next row.
        var pendingBreak = false
        /// The columns whose plain text cells wrap (the column's style wraps; tables only: forms style each cell).
        let wrapColumns: [Int]

        init(spec: SheetSpec, part: Part) {
            self.spec = spec
            self.parts = [part]
            self.widths = WidthTracker(columns: spec.columns)
            wrapColumns = spec.table ? spec.columns.indices.filter { spec.columns[$0].style == .wrap } : []
        }
    }

    private let backend: WorkbookBackend
    private let header: String
    private let footer: String
    /// Rows per sheet, the header included (Excel's limit by default; injectable for tests).
    public let rowLimit: Int
    /// Manual page breaks per sheet (Excel's limit); a sheet with more continues on the next part.
    static let breakLimit = 1023
    private var entries: [Entry] = []
    private var names = Set<String>()
    /// Whether each style (by ordinal) wraps its text.
    private static let wraps: [Bool] = ExportStyle.allCases.map { StyleSpec.of($0).wrap }
    /// The height of one line of 11-point text, in points.
    static let lineHeight = 15.0

    public init(backend: WorkbookBackend, header: String = "", footer: String, rowLimit: Int = 1_048_576) throws {
        precondition(rowLimit >= 2)
        self.backend = backend
        self.header = header
        self.footer = footer
        self.rowLimit = rowLimit
        for style in ExportStyle.allCases { try backend.defineStyle(style, spec: StyleSpec.of(style)) }
    }

    private func newPart(_ spec: SheetSpec, name: String) throws -> Part {
        let h = try backend.addSheet(name: name)
        names.insert(name.lowercased())
        try backend.setup(h, landscape: spec.landscape, header: header, footer: footer, freezeHeader: spec.table, repeatHeader: spec.table, protect: spec.protect)
        if spec.table {
            for (i, c) in spec.columns.enumerated() { try backend.write(h, row: 0, col: i, value: .text(c.header), style: .header) }
            return Part(handle: h, rows: 1)
        }
        return Part(handle: h, rows: 0)
    }

    public func addSheet(_ spec: SheetSpec) throws -> Int {
        let part = try newPart(spec, name: spec.name)
        entries.append(Entry(spec: spec, part: part))
        return entries.count - 1
    }

    public func breakPage(_ sheet: Int) throws {
        entries[sheet].pendingBreak = true
    }

    public func listRows(_ sheet: Int, col: Int, lastRows count: Int, listSheet: String, listRow: Int, listColumns: ClosedRange<Int>) throws {
        let entry = entries[sheet]
        var left = count
        var p = entry.parts.count - 1
        while left > 0 && p >= 0 {
            let rowsHere = entry.parts[p].rows - (entry.spec.table ? 1 : 0)
            let take = min(left, rowsHere)
            if take > 0 {
                entry.parts[p].rowLists.append(RowList(col: col, first: entry.parts[p].rows - take, last: entry.parts[p].rows - 1, listSheet: listSheet,
                                                       listRow: listRow, firstListCol: listColumns.lowerBound, lastListCol: listColumns.upperBound))
            }
            left -= take
            p -= 1
        }
    }

    /// `NAME (n)`, cut so that it fits Excel's 31 characters.
    static func pagedName(_ base: String, _ n: Int) -> String {
        let suffix = " (\(n))"
        var b = base
        while (b + suffix).utf16.count > 31 { b.removeLast() }
        return b + suffix
    }

    public func append(_ sheet: Int, _ cells: [ExportCell], height: Double?) throws {
        let entry = entries[sheet]
        // A plain text cell in a wrapping column wraps too.
        var cells = cells
        for i in entry.wrapColumns where i < cells.count && cells[i].style == .text { cells[i].style = .wrap }
        var p = entry.parts.count - 1
        if entry.parts[p].rows >= rowLimit || (entry.pendingBreak && entry.parts[p].breaks.count >= Self.breakLimit) {
            entry.pendingBreak = false
            var n = entry.parts.count + 1
            var name = Self.pagedName(entry.spec.name, n)
            while names.contains(name.lowercased()) { n += 1; name = Self.pagedName(entry.spec.name, n) }
            entry.parts.append(try newPart(entry.spec, name: name))
            p += 1
        }
        if entry.pendingBreak {
            entry.pendingBreak = false
            if entry.parts[p].rows > 0 { entry.parts[p].breaks.append(entry.parts[p].rows) }
        }
        entry.widths.see(cells)
        // Wrapped text grows its row (spreadsheet programs do not re-measure rows on opening): each wrapping cell's
        // lines at its column's width — exact, since a column is widened to its widest cell up to its maximum.
        var lines = 1
        for i in cells.indices where i < entry.widths.widths.count && Self.wraps[cells[i].style.ordinal] {
            if case .text(let t) = cells[i].value { lines = max(lines, Self.lineCount(t, width: entry.widths.widths[i])) }
        }
        let computed = lines > 1 ? min(409, Double(lines) * Self.lineHeight) : nil
        let part = entry.parts[p]
        if let points = [height, computed].compactMap({ $0 }).max() {
            try backend.rowHeight(part.handle, row: part.rows, points: points)
        }
        try backend.writeRow(part.handle, row: part.rows, cells: cells, skipBlanks: !entry.spec.table)
        entry.parts[p].rows += 1
    }

    /// The printed lines of a wrapping text in a column `width` units wide (a unit is a half-width character).
    static func lineCount(_ s: String, width: Double) -> Int {
        if Double(s.utf8.count) + 2 <= width && !s.utf8.contains(10) { return 1 }
        // A margin of 15 %: fonts differ between Excel, WPS and LibreOffice (CJK glyphs are often a little wider than two
        // digits); a row one line too tall is better than a cut text.
        let usable = max(1, (width - 1.5) * 0.85)
        var n = 0
        for line in s.split(separator: "\n", omittingEmptySubsequences: false) {
            let w = Double(WidthTracker.longestLine(String(line)))
            n += max(1, Int((w / usable).rounded(.up)))
        }
        return n
    }

    public func close() throws {
        for e in entries {
            let visible = zip(e.widths.widths, e.spec.columns).filter { !$0.1.hidden }.map(\.0).reduce(0, +)
            let layout = PrintLayout.choose(visibleWidth: visible, landscape: e.spec.landscape, keyColumns: e.spec.keyColumns)
            for part in e.parts {
                for (i, w) in e.widths.widths.enumerated() {
                    try backend.setWidth(part.handle, col: i, width: w, hidden: e.spec.columns[i].hidden)
                }
                if !e.spec.hidden {
                    try backend.printLayout(part.handle, layout: layout)
                    if !part.breaks.isEmpty { try backend.pageBreaks(part.handle, beforeRows: part.breaks) }
                }
                guard e.spec.table else { continue }
                let lastRow = max(part.rows - 1, 1), lastCol = max(e.spec.columns.count - 1, 0)
                try backend.autofilter(part.handle, lastRow: part.rows - 1, lastCol: lastCol)
                for h in e.spec.highlights {
                    let escaped = h.equals.replacingOccurrences(of: "\"", with: "\"\"")
                    try backend.highlight(part.handle, lastRow: lastRow, lastCol: lastCol,
                                          formula: "=$\(Self.column(h.column))2=\"\(escaped)\"", style: h.style)
                }
                for v in e.spec.validations {
                    try backend.listValidation(part.handle, col: v.column, lastRow: lastRow, listSheet: v.listSheet, listCol: v.listColumn, count: v.count)
                }
                for l in part.rowLists {
                    try backend.rowListValidation(part.handle, col: l.col, firstRow: l.first, lastRow: l.last, listSheet: l.listSheet,
                                                  listRow: l.listRow, firstListCol: l.firstListCol, lastListCol: l.lastListCol)
                }
            }
            if e.spec.hidden { for part in e.parts { try backend.hide(part.handle) } }
        }
        try backend.close()
    }

    /// Column letters for a 0-based index.
    static func column(_ i: Int) -> String {
        var n = i + 1, s = ""
        while n > 0 { let r = (n - 1) % 26; s = String(UnicodeScalar(UInt8(65 + r))) + s; n = (n - 1) / 26 }
        return s
    }
}
