import CXlsxWriter
import Foundation

/// A date and time as Excel stores it (no time zone), written with `Worksheet.write(_:row:col:format:)`.
public struct ExcelDateTime: Hashable, Sendable {
    /// Year, 1900…9999.
    public var year: Int
    /// Month, 1…12.
    public var month: Int
    /// Day of the month, 1…31 (checked against the month).
    public var day: Int
    /// Hour, 0…23.
    public var hour: Int
    /// Minute, 0…59.
    public var minute: Int
    /// Seconds, 0 ≤ second < 60.
    public var second: Double

    /// Creates a date-time from its fields; they are checked when written.
    public init(year: Int, month: Int, day: Int, hour: Int = 0, minute: Int = 0, second: Double = 0) {
        self.year = year
        self.month = month
        self.day = day
        self.hour = hour
        self.minute = minute
        self.second = second
    }

    /// Creates a date-time from the wall-clock fields of `date` in `timeZone` (Gregorian calendar).
    public init(_ date: Date, timeZone: TimeZone) {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second, .nanosecond], from: date)
        self.init(year: c.year ?? 1900, month: c.month ?? 1, day: c.day ?? 1, hour: c.hour ?? 0, minute: c.minute ?? 0,
                  second: Double(c.second ?? 0) + Double(c.nanosecond ?? 0) / 1e9)
    }

    /// Nil when valid, else the reason it is outside Excel's range 1900-01-01…9999-12-31.
    var problem: String? {
        guard (1900...9999).contains(year) else { return "year \(year) is outside Excel's 1900…9999" }
        guard (1...12).contains(month) else { return "month \(month) is not 1…12" }
        let days: Int
        switch month {
        case 2: days = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: days = 30
        default: days = 31
        }
        guard (1...days).contains(day) else { return "day \(day) does not exist in \(year)-\(month)" }
        guard (0...23).contains(hour), (0...59).contains(minute), second >= 0, second < 60 else {
            return "time \(hour):\(minute):\(second) is not a valid time of day"
        }
        return nil
    }
}

/// Paper sizes for printing (libxlsxwriter's paper indexes).
public enum PaperSize: UInt8, Sendable {
    /// US Letter (index 1).
    case letter = 1
    /// A3 (index 8).
    case a3 = 8
    /// A4 (index 9).
    case a4 = 9
    /// A5 (index 11).
    case a5 = 11
}

/// One worksheet of a workbook. It keeps its workbook alive, and every call throws `.closed` once the workbook is closed.
public final class Worksheet {
    /// The workbook this sheet belongs to.
    public let workbook: Workbook
    let index: Int
    /// The sheet's name as shown on its tab.
    public let name: String

    /// The C sheet; valid while the workbook is open (every use checks `workbook.isOpen` first).
    private let cSheet: UnsafeMutablePointer<lxw_worksheet>

    init(workbook: Workbook, index: Int, name: String) {
        self.workbook = workbook
        self.index = index
        self.name = name
        self.cSheet = workbook.sheets[index].pointer
    }

    /// One more than the highest row written so far through this wrapper (0 when none).
    public var rowCount: Int { workbook.sheets[index].lastRow + 1 }

    /// Whether the sheet is hidden.
    public var isHidden: Bool { workbook.sheets[index].hidden }

    // MARK: - Plumbing

    @inline(__always)
    private func open(_ operation: @autoclosure () -> String) throws -> UnsafeMutablePointer<lxw_worksheet> {
        guard workbook.isOpen else { throw XlsxError.closed(operation: "\(operation()) on sheet '\(name)'") }
        return cSheet
    }

    @inline(__always)
    private func cFormat(_ format: Format?) throws -> UnsafeMutablePointer<lxw_format>? {
        guard let format else { return nil }
        guard format.workbook === workbook else { throw XlsxError.foreignObject(what: "format") }
        return format.pointer
    }

    @inline(__always)
    private func checkCell(_ row: Int, _ col: Int) throws {
        guard CellReference.isInGrid(row: row, col: col) else {
            throw XlsxError.cellOutOfRange(sheet: name, row: row, col: col)
        }
    }

    private func checkRange(_ range: CellRange, _ what: String) throws {
        guard range.isValid else {
            throw XlsxError.invalidArgument(sheet: name, what: what, reason: "range \(range) is empty, reversed or outside Excel's grid")
        }
    }

    /// Throws for a libxlsxwriter error code, naming the sheet, cell and cause.
    private func check(_ err: lxw_error, _ operation: @autoclosure () -> String, cell: @autoclosure () -> String? = nil) throws {
        if err == LXW_NO_ERROR { return }
        let cell = cell()
        if err == LXW_ERROR_WORKSHEET_INDEX_OUT_OF_RANGE, workbook.options.constantMemory, let cell {
            // Bounds were checked before the call, so this is constant-memory mode refusing an earlier row.
            throw XlsxError.rowAlreadyWritten(sheet: name, cell: cell)
        }
        throw XlsxError.library(operation: operation(), sheet: name, cell: cell, cause: libraryMessage(err))
    }

    /// After a cell writer returned `err`: throws for an error, naming the cell.
    @inline(__always)
    private func checkCellResult(_ err: lxw_error, _ operation: @autoclosure () -> String, row: Int, col: Int) throws {
        if err != LXW_NO_ERROR { try check(err, operation(), cell: CellReference.a1(row: row, col: col)) }
    }

    /// Records that `row` was written (for `rowCount`).
    @inline(__always)
    fileprivate func noteRow(_ row: Int) {
        if row > workbook.sheets[index].lastRow { workbook.sheets[index].lastRow = row }
    }

    /// Calls libxlsxwriter under the C numeric locale; `inLocale` says the caller (a `RowWriter`) already set it.
    @inline(__always)
    private func callC(_ inLocale: Bool, _ body: () -> lxw_error) throws -> lxw_error {
        if inLocale { return body() }
        return try workbook.withCNumericLocale(body)
    }

    /// Sanitizes (recording replacements) and escapes text for an `ST_Xstring` field.
    private func prepare(_ text: String, field: String, cell: String?) -> String {
        let (clean, replaced) = CellText.sanitize(text)
        if !replaced.isEmpty {
            workbook.record(Sanitization(sheet: name, cell: cell, field: field, replaced: replaced))
        }
        return CellText.escapeXstring(clean)
    }

    // MARK: - Cells
    //
    // Every cell writer calls libxlsxwriter under the C numeric locale (constant-memory mode prints the previous
    // row's numbers during the next write). The public writers below switch to it for their one call (unless an
    // enclosing `Workbook.withCNumericLocale` already did); `writeRow` switches once for a whole row. Both go
    // through the same `put…` functions, so they check the same things and throw the same errors.

    /// Writes `text` as a string cell — never a formula, whatever it starts with (`= + - @`).
    ///
    /// XML-forbidden characters become U+FFFD (recorded in `workbook.sanitizations`) and `_xHHHH_`
    /// look-alikes are escaped so Excel reads the text back exactly. Throws `.textTooLong` above
    /// Excel's 32,767 UTF-16 code units, `.cellOutOfRange`, `.rowAlreadyWritten` (constant memory),
    /// `.closed`. Empty text writes a blank cell (kept only with a format).
    public func write(_ text: String, row: Int, col: Int, format: Format? = nil) throws {
        try putText(text, row: row, col: col, format: format, inLocale: false)
        noteRow(row)
    }

    /// Writes a number; throws `.notFinite` for NaN or ±infinity (Excel cannot store them),
    /// `.cellOutOfRange`, `.rowAlreadyWritten` (constant memory), `.closed`.
    public func write(_ number: Double, row: Int, col: Int, format: Format? = nil) throws {
        try putNumber(number, row: row, col: col, format: format, inLocale: false)
        noteRow(row)
    }

    /// Writes a date-time as an Excel serial number; give it a date number format (e.g.
    /// `yyyy-mm-dd`) or it shows as a plain number. Throws `.invalidArgument` outside Excel's
    /// 1900-01-01…9999-12-31, `.cellOutOfRange`, `.rowAlreadyWritten`, `.closed`.
    public func write(_ dateTime: ExcelDateTime, row: Int, col: Int, format: Format? = nil) throws {
        try putDate(dateTime, row: row, col: col, format: format, inLocale: false)
        noteRow(row)
    }

    /// Writes a blank cell, which Excel keeps only when it has a format; throws `.cellOutOfRange`,
    /// `.rowAlreadyWritten`, `.closed`.
    public func writeBlank(row: Int, col: Int, format: Format? = nil) throws {
        try putBlank(row: row, col: col, format: format, inLocale: false)
        noteRow(row)
    }

    /// Writes a formula (the only way to write one), e.g. `=SUM(A1:A9)`, with an optional cached
    /// numeric result (libxlsxwriter stores 0 otherwise). Throws `.invalidArgument` when the formula
    /// is empty, has control characters or exceeds Excel's 8,192 characters, or the result is not
    /// finite; `.cellOutOfRange`, `.rowAlreadyWritten`, `.closed`.
    public func writeFormula(_ formula: String, result: Double? = nil, row: Int, col: Int, format: Format? = nil) throws {
        try putFormula(formula, result: result, row: row, col: col, format: format, inLocale: false)
        noteRow(row)
    }

    /// Writes cells of one row through `body`, switching to the C numeric locale once for the row instead of
    /// once per cell. Each cell is checked as by the single-cell writers and throws the same errors; the cells
    /// written before an error stay written. The `RowWriter` cannot outlive `body`.
    public func writeRow<T>(_ row: Int, _ body: (inout RowWriter) throws -> T) throws -> T {
        var writer = RowWriter(sheet: self, row: row)
        defer { if writer.wrote { noteRow(row) } }
        return try workbook.withCNumericLocale { try body(&writer) }
    }

    // The checked writers. `inLocale` is true only from a `RowWriter`, inside `writeRow`'s switch to the C locale.

    @inline(__always)
    fileprivate func putText(_ text: String, row: Int, col: Int, format: Format?, inLocale: Bool) throws {
        let ws = try open("write text")
        try checkCell(row, col)
        // One pass over the UTF-8; text with nothing to replace or escape (almost all) goes to C as it is, from the
        // string's own storage.
        let count = text.utf8.count
        let err: lxw_error? = try text.withCString { cText in
            let scan = CellText.scan(UnsafeRawPointer(cText).assumingMemoryBound(to: UInt8.self), count: count)
            guard scan.isClean else { return nil }
            guard scan.utf16Count <= CellText.maxUTF16Length else {
                throw XlsxError.textTooLong(sheet: name, cell: CellReference.a1(row: row, col: col), length: scan.utf16Count)
            }
            let f = try cFormat(format)
            return try callC(inLocale) { worksheet_write_string(ws, lxw_row_t(row), lxw_col_t(col), cText, f) }
        }
        if let err {
            try checkCellResult(err, "write text", row: row, col: col)
        } else {
            try putPreparedText(text, ws, row: row, col: col, format: format, inLocale: inLocale)
        }
    }

    /// The rare path of `putText`: text with characters to replace or look-alikes to escape.
    private func putPreparedText(_ text: String, _ ws: UnsafeMutablePointer<lxw_worksheet>, row: Int, col: Int,
                                 format: Format?, inLocale: Bool) throws {
        var cell: String { CellReference.a1(row: row, col: col) }
        let (clean, replaced) = CellText.sanitize(text)
        let length = clean.utf16.count
        guard length <= CellText.maxUTF16Length else {
            throw XlsxError.textTooLong(sheet: name, cell: cell, length: length)
        }
        let escaped = CellText.escapeXstring(clean)
        let f = try cFormat(format)
        do {
            let err = try callC(inLocale) { worksheet_write_string(ws, lxw_row_t(row), lxw_col_t(col), escaped, f) }
            try checkCellResult(err, "write text", row: row, col: col)
        } catch XlsxError.library(_, _, _, _) where escaped.unicodeScalars.count > CellText.maxUTF16Length {
            throw XlsxError.invalidArgument(sheet: name, what: "text in cell \(cell)",
                                            reason: "escaping its _xHHHH_ look-alikes makes it longer than libxlsxwriter's 32,767 characters")
        }
        if !replaced.isEmpty {
            workbook.record(Sanitization(sheet: name, cell: cell, field: "cell", replaced: replaced))
        }
    }

    @inline(__always)
    fileprivate func putNumber(_ number: Double, row: Int, col: Int, format: Format?, inLocale: Bool) throws {
        let ws = try open("write number")
        try checkCell(row, col)
        guard number.isFinite else {
            throw XlsxError.notFinite(sheet: name, cell: CellReference.a1(row: row, col: col), value: "\(number)")
        }
        let f = try cFormat(format)
        let err = try callC(inLocale) { worksheet_write_number(ws, lxw_row_t(row), lxw_col_t(col), number, f) }
        try checkCellResult(err, "write number", row: row, col: col)
    }

    fileprivate func putDate(_ dateTime: ExcelDateTime, row: Int, col: Int, format: Format?, inLocale: Bool) throws {
        let ws = try open("write date")
        try checkCell(row, col)
        if let problem = dateTime.problem {
            throw XlsxError.invalidArgument(sheet: name, what: "date in cell \(CellReference.a1(row: row, col: col))", reason: problem)
        }
        let f = try cFormat(format)
        var dt = lxw_datetime(year: Int32(dateTime.year), month: Int32(dateTime.month), day: Int32(dateTime.day),
                              hour: Int32(dateTime.hour), min: Int32(dateTime.minute), sec: dateTime.second)
        let err = try callC(inLocale) { worksheet_write_datetime(ws, lxw_row_t(row), lxw_col_t(col), &dt, f) }
        try checkCellResult(err, "write date", row: row, col: col)
    }

    @inline(__always)
    fileprivate func putBlank(row: Int, col: Int, format: Format?, inLocale: Bool) throws {
        let ws = try open("write blank")
        try checkCell(row, col)
        let f = try cFormat(format)
        let err = try callC(inLocale) { worksheet_write_blank(ws, lxw_row_t(row), lxw_col_t(col), f) }
        try checkCellResult(err, "write blank", row: row, col: col)
    }

    fileprivate func putFormula(_ formula: String, result: Double?, row: Int, col: Int, format: Format?, inLocale: Bool) throws {
        let ws = try open("write formula")
        try checkCell(row, col)
        let cell = CellReference.a1(row: row, col: col)
        try checkFormula(formula, what: "formula in cell \(cell)", limit: 8192)
        if let result, !result.isFinite {
            throw XlsxError.notFinite(sheet: name, cell: cell, value: "\(result)")
        }
        let f = try cFormat(format)
        let err = try callC(inLocale) {
            if let result { return worksheet_write_formula_num(ws, lxw_row_t(row), lxw_col_t(col), formula, f, result) }
            return worksheet_write_formula(ws, lxw_row_t(row), lxw_col_t(col), formula, f)
        }
        try checkCellResult(err, "write formula", row: row, col: col)
    }

    private func checkFormula(_ formula: String, what: String, limit: Int) throws {
        let body = formula.hasPrefix("=") ? formula.dropFirst() : Substring(formula)
        if body.isEmpty { throw XlsxError.invalidArgument(sheet: name, what: what, reason: "is empty") }
        if formula.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0xFFFE || $0.value == 0xFFFF }) {
            throw XlsxError.invalidArgument(sheet: name, what: what, reason: "contains control characters")
        }
        if formula.utf16.count > limit {
            throw XlsxError.invalidArgument(sheet: name, what: what, reason: "is \(formula.utf16.count) characters; Excel allows \(limit)")
        }
    }

    // MARK: - Sheet setup

    /// Sets the width (in characters of the default font, 0…255; nil keeps 8.43), default format and
    /// visibility of columns `first…last`. Throws `.invalidArgument` for a width outside 0…255 or
    /// columns outside 0…16383 or reversed; `.closed`.
    public func setColumn(first: Int, last: Int, width: Double? = nil, format: Format? = nil, hidden: Bool = false) throws {
        let ws = try open("set column")
        guard first >= 0, last >= first, last < CellReference.maxColumns else {
            throw XlsxError.invalidArgument(sheet: name, what: "columns \(first)…\(last)", reason: "must satisfy 0 ≤ first ≤ last ≤ 16383")
        }
        let w = width ?? LXW_DEF_COL_WIDTH
        guard w.isFinite, w >= 0, w <= 255 else {
            throw XlsxError.invalidArgument(sheet: name, what: "column width", reason: "\(w) is outside Excel's 0…255")
        }
        let f = try cFormat(format)
        var opts = lxw_row_col_options(hidden: hidden ? 1 : 0, level: 0, collapsed: 0)
        let err = try CNumericLocale.run { worksheet_set_column_opt(ws, lxw_col_t(first), lxw_col_t(last), w, f, &opts) }
        try check(err, "set columns \(CellReference.column(first)):\(CellReference.column(last))")
    }

    /// Freezes the rows above `row` and the columns left of `col` (e.g. `row: 1, col: 0` keeps the
    /// header visible). Throws `.cellOutOfRange` outside Excel's grid, `.closed`.
    public func freezePanes(row: Int, col: Int) throws {
        let ws = try open("freeze panes")
        try checkCell(row, col)
        worksheet_freeze_panes(ws, lxw_row_t(row), lxw_col_t(col))
    }

    /// Adds an autofilter over `range` (its first row holds the headers). Throws `.invalidArgument`
    /// for a range outside the grid, `.library` when libxlsxwriter refuses it, `.closed`.
    public func autofilter(_ range: CellRange) throws {
        let ws = try open("autofilter")
        try checkRange(range, "autofilter")
        let err = worksheet_autofilter(ws, lxw_row_t(range.firstRow), lxw_col_t(range.firstCol),
                                       lxw_row_t(range.lastRow), lxw_col_t(range.lastCol))
        try check(err, "autofilter \(range)")
    }

    /// Prints the sheet in landscape orientation; throws `.closed`.
    public func setLandscape() throws {
        worksheet_set_landscape(try open("set landscape"))
    }

    /// Sets the printed paper size (A4 is libxlsxwriter index 9); throws `.closed`.
    public func setPaper(_ paper: PaperSize) throws {
        worksheet_set_paper(try open("set paper"), paper.rawValue)
    }

    /// Scales printing to fit `width` pages across and `height` pages down (0 = as many as needed;
    /// `width: 1, height: 0` fits the columns on one page width). Throws `.invalidArgument` outside
    /// 0…32767, `.closed`.
    public func fitToPages(width: Int, height: Int) throws {
        let ws = try open("fit to pages")
        guard (0...32767).contains(width), (0...32767).contains(height) else {
            throw XlsxError.invalidArgument(sheet: name, what: "fit to pages", reason: "\(width)×\(height) is outside 0…32767")
        }
        worksheet_fit_to_pages(ws, UInt16(width), UInt16(height))
    }

    /// Prints at a fixed scale, 10…400 percent (ignored by spreadsheet programs when `fitToPages` is also set).
    /// Throws `.invalidArgument` outside 10…400, `.closed`.
    public func setPrintScale(_ percent: Int) throws {
        let ws = try open("set print scale")
        guard (10...400).contains(percent) else {
            throw XlsxError.invalidArgument(sheet: name, what: "print scale", reason: "\(percent) is outside 10…400")
        }
        worksheet_set_print_scale(ws, UInt16(percent))
    }

    /// Prints columns `first…last` at the left of every page (e.g. the key columns of a wide table). Throws
    /// `.invalidArgument` for columns outside the grid or reversed, `.library`, `.closed`.
    public func repeatColumns(first: Int, last: Int) throws {
        let ws = try open("repeat columns")
        guard first >= 0, last >= first, last < CellReference.maxColumns else {
            throw XlsxError.invalidArgument(sheet: name, what: "repeat columns \(first)…\(last)", reason: "must satisfy 0 ≤ first ≤ last ≤ 16383")
        }
        try check(worksheet_repeat_columns(ws, lxw_col_t(first), lxw_col_t(last)), "repeat columns \(first + 1)…\(last + 1)")
    }

    /// Starts a new printed page before each of `rows` (0-based, ascending, at most 1,023 as in Excel). Throws
    /// `.invalidArgument` for rows outside the grid, unsorted or too many, `.library`, `.closed`.
    public func setPageBreaks(beforeRows rows: [Int]) throws {
        let ws = try open("set page breaks")
        guard rows.count <= 1023 else {
            throw XlsxError.invalidArgument(sheet: name, what: "page breaks", reason: "\(rows.count) breaks; Excel allows 1023")
        }
        guard rows.allSatisfy({ $0 > 0 && $0 < CellReference.maxRows }), zip(rows, rows.dropFirst()).allSatisfy({ $0 < $1 }) else {
            throw XlsxError.invalidArgument(sheet: name, what: "page breaks", reason: "rows must be ascending within 1…1048575")
        }
        var list = rows.map { lxw_row_t($0) } + [0]
        try check(worksheet_set_h_pagebreaks(ws, &list), "set page breaks")
    }

    /// Sets a row's height in points (0…409, Excel's range); in constant-memory mode call it before writing the
    /// row's cells. Throws `.invalidArgument`, `.cellOutOfRange`, `.library`, `.closed`.
    public func setRowHeight(_ row: Int, height: Double) throws {
        let ws = try open("set row height")
        try checkCell(row, 0)
        guard height.isFinite, (0...409).contains(height) else {
            throw XlsxError.invalidArgument(sheet: name, what: "row height", reason: "\(height) is outside 0…409 points")
        }
        let err = try CNumericLocale.run { worksheet_set_row(ws, lxw_row_t(row), height, nil) }
        try check(err, "set row \(row + 1) height")
    }

    /// Prints rows `first…last` at the top of every page (e.g. the header row). Throws
    /// `.invalidArgument` for rows outside the grid or reversed, `.library`, `.closed`.
    public func repeatRows(first: Int, last: Int) throws {
        let ws = try open("repeat rows")
        guard first >= 0, last >= first, last < CellReference.maxRows else {
            throw XlsxError.invalidArgument(sheet: name, what: "repeat rows \(first)…\(last)", reason: "must satisfy 0 ≤ first ≤ last ≤ 1048575")
        }
        try check(worksheet_repeat_rows(ws, lxw_row_t(first), lxw_row_t(last)), "repeat rows \(first + 1)…\(last + 1)")
    }

    /// Sets the printed page header using Excel's codes (e.g. `&C第 &P 页 共 &N 页`); throws
    /// `.headerFooterTooLong` above 255 characters (Excel's and libxlsxwriter's limit), `.library`, `.closed`.
    public func setHeader(_ text: String) throws {
        try setHeaderFooter(text, field: "header")
    }

    /// Sets the printed page footer using Excel's codes (e.g. `&C第 &P 页 共 &N 页`); throws
    /// `.headerFooterTooLong` above 255 characters (Excel's and libxlsxwriter's limit), `.library`, `.closed`.
    public func setFooter(_ text: String) throws {
        try setHeaderFooter(text, field: "footer")
    }

    private func setHeaderFooter(_ text: String, field: String) throws {
        let ws = try open("set \(field)")
        let length = text.utf16.count
        guard length <= 255 else { throw XlsxError.headerFooterTooLong(sheet: name, length: length) }
        let prepared = prepare(text, field: field, cell: nil)
        let err = field == "header" ? worksheet_set_header(ws, prepared) : worksheet_set_footer(ws, prepared)
        try check(err, "set \(field)")
    }

    /// Hides the sheet; throws `.cannotHideActiveSheet` when it is the active sheet (the first sheet
    /// is active until another is activated), `.closed`.
    public func hide() throws {
        let ws = try open("hide")
        guard workbook.activeSheet != index else { throw XlsxError.cannotHideActiveSheet(sheet: name) }
        worksheet_hide(ws)
        workbook.sheets[index].hidden = true
    }

    /// Makes this the sheet shown when the file is opened (un-hiding it, as libxlsxwriter does); throws `.closed`.
    public func activate() throws {
        let ws = try open("activate")
        worksheet_activate(ws)
        workbook.activeSheet = index
        workbook.sheets[index].hidden = false
    }

    /// Protects the sheet (cells with `locked: false` stay editable), optionally with a password.
    /// Throws `.passwordTooLong` above 24 characters (libxlsxwriter 1.1.4 hashes those wrongly),
    /// `.passwordNotASCII` for other characters (the legacy hash would not match Excel's), `.closed`.
    /// `allowSortAndFilter`: readers may still sort and use the autofilter buttons the sheet shows (the data cannot
    /// be changed either way).
    public func protect(password: String? = nil, allowSortAndFilter: Bool = false) throws {
        let ws = try open("protect")
        var options = lxw_protection()
        if allowSortAndFilter {
            options.sort = 1          // libxlsxwriter: 1 lets the user sort (written as sort="0", "not protected")
            options.autofilter = 1
        }
        if let password, !password.isEmpty {
            guard password.unicodeScalars.allSatisfy({ $0.value >= 0x20 && $0.value < 0x7F }) else {
                throw XlsxError.passwordNotASCII(sheet: name)
            }
            guard password.utf8.count <= 24 else { throw XlsxError.passwordTooLong(sheet: name, length: password.utf8.count) }
            worksheet_protect(ws, password, &options)
        } else {
            worksheet_protect(ws, nil, &options)
        }
    }

    /// Applies `format` to the cells of `range` where `formula` is true; the formula is written as
    /// for the range's top-left cell (e.g. `=$C2<60` over `A2:F100`). Throws `.invalidArgument` for a
    /// range outside the grid or a formula that is empty, has control characters or exceeds 255
    /// characters; `.library`, `.closed`.
    public func addConditionalFormat(range: CellRange, formula: String, format: Format) throws {
        let ws = try open("add conditional format")
        try checkRange(range, "conditional format")
        try checkFormula(formula, what: "conditional format formula", limit: 255)
        let f = try cFormat(format)
        let err: lxw_error = formula.withCString { cFormula in
            var cf = lxw_conditional_format()
            cf.type = UInt8(LXW_CONDITIONAL_TYPE_FORMULA.rawValue)
            cf.value_string = UnsafeMutablePointer(mutating: cFormula)
            cf.format = f
            return worksheet_conditional_format_range(ws, lxw_row_t(range.firstRow), lxw_col_t(range.firstCol),
                                                      lxw_row_t(range.lastRow), lxw_col_t(range.lastCol), &cf)
        }
        try check(err, "conditional format \(range)")
    }

    /// Restricts the cells of `range` to a dropdown of the values in `source` on sheet `sourceSheet`
    /// (written as `='Sheet'!$A$1:$A$4`, i.e. `LXW_VALIDATION_TYPE_LIST_FORMULA`). Inline lists are
    /// deliberately not offered: libxlsxwriter 1.1.4 aborts or hangs on some of them.
    ///
    /// Throws `.invalidArgument` for ranges outside the grid, an unknown source sheet, titles over
    /// 32 or messages over 255 characters (Excel's limits); `.library`, `.closed`.
    public func addListValidation(range: CellRange, sourceSheet: String, source: CellRange,
                                  inputTitle: String? = nil, inputMessage: String? = nil,
                                  errorTitle: String? = nil, errorMessage: String? = nil) throws {
        let ws = try open("add list validation")
        try checkRange(range, "validation range")
        try checkRange(source, "validation source")
        guard let target = workbook.sheetNames.first(where: { SheetName.key($0) == SheetName.key(sourceSheet) }) else {
            throw XlsxError.invalidArgument(sheet: name, what: "validation source sheet", reason: "no sheet named '\(sourceSheet)'")
        }
        let formula = "='" + target.replacingOccurrences(of: "'", with: "''") + "'!" + source.absolute
        var texts: [(String, String?, Int)] = [
            ("input title", inputTitle, 32), ("input message", inputMessage, 255),
            ("error title", errorTitle, 32), ("error message", errorMessage, 255),
        ]
        for (what, text, limit) in texts {
            if let text, text.utf16.count > limit {
                throw XlsxError.invalidArgument(sheet: name, what: what, reason: "is \(text.utf16.count) characters; Excel allows \(limit)")
            }
        }
        texts = texts.map { ($0.0, $0.1.map { prepare($0, field: "validation", cell: nil) }, $0.2) }
        var copies: [UnsafeMutablePointer<CChar>?] = []
        defer { copies.forEach { free($0) } }
        func c(_ s: String?) -> UnsafeMutablePointer<CChar>? {
            guard let s else { return nil }
            let p = strdup(s)
            copies.append(p)
            return p
        }
        var dv = lxw_data_validation()
        dv.validate = UInt8(LXW_VALIDATION_TYPE_LIST_FORMULA.rawValue)
        dv.value_formula = c(formula)
        dv.input_title = c(texts[0].1)
        dv.input_message = c(texts[1].1)
        dv.error_title = c(texts[2].1)
        dv.error_message = c(texts[3].1)
        let err = worksheet_data_validation_range(ws, lxw_row_t(range.firstRow), lxw_col_t(range.firstCol),
                                                  lxw_row_t(range.lastRow), lxw_col_t(range.lastCol), &dv)
        try check(err, "list validation \(range)")
    }
}

/// Writes the cells of one row inside `Worksheet.writeRow`, which has switched to the C numeric locale for it.
///
/// Each writer checks and throws exactly as the `Worksheet` writer of the same name. The writer cannot be copied
/// or kept: it exists only while `writeRow`'s closure runs, that is, while the locale is set.
public struct RowWriter: ~Copyable {
    private let sheet: Worksheet
    /// The row the cells go to (zero-based).
    public let row: Int
    fileprivate var wrote = false

    fileprivate init(sheet: Worksheet, row: Int) {
        self.sheet = sheet
        self.row = row
    }

    /// As `Worksheet.write(_:row:col:format:)` for text.
    public mutating func write(_ text: String, col: Int, format: Format? = nil) throws {
        try sheet.putText(text, row: row, col: col, format: format, inLocale: true)
        wrote = true
    }

    /// As `Worksheet.write(_:row:col:format:)` for a number.
    public mutating func write(_ number: Double, col: Int, format: Format? = nil) throws {
        try sheet.putNumber(number, row: row, col: col, format: format, inLocale: true)
        wrote = true
    }

    /// As `Worksheet.write(_:row:col:format:)` for a date-time.
    public mutating func write(_ dateTime: ExcelDateTime, col: Int, format: Format? = nil) throws {
        try sheet.putDate(dateTime, row: row, col: col, format: format, inLocale: true)
        wrote = true
    }

    /// As `Worksheet.writeBlank(row:col:format:)`.
    public mutating func writeBlank(col: Int, format: Format? = nil) throws {
        try sheet.putBlank(row: row, col: col, format: format, inLocale: true)
        wrote = true
    }

    /// As `Worksheet.writeFormula(_:result:row:col:format:)`.
    public mutating func writeFormula(_ formula: String, result: Double? = nil, col: Int, format: Format? = nil) throws {
        try sheet.putFormula(formula, result: result, row: row, col: col, format: format, inLocale: true)
        wrote = true
    }
}
