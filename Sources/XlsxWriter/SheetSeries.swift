/// A value for one cell, as used by `SheetSeries.append(_:formats:)`.
public enum CellValue {
    /// Text, always written as a string cell (never a formula).
    case text(String)
    /// A finite number.
    case number(Double)
    /// A date-time (give the column a date number format).
    case dateTime(ExcelDateTime)
    /// A formula with an optional cached result; the only way to write a formula.
    case formula(String, result: Double?)
    /// An empty cell (written only when it has a format).
    case blank
}

/// Writes a header and rows across as many sheets as needed: when a sheet reaches the row limit
/// (Excel's 1,048,576 by default), it continues on `NAME (2)`, `NAME (3)`… (skipping numbers whose
/// name is taken, cutting NAME to fit 31 characters) with the header repeated and the same column setup.
public final class SheetSeries {
    /// How one column of every sheet in the series is set up.
    public struct Column {
        /// Width in Excel character units (0…255); nil keeps the default.
        public var width: Double?
        /// Default format for the column's cells.
        public var format: Format?
        /// Whether the column is hidden.
        public var hidden: Bool

        /// Creates a column setup.
        public init(width: Double? = nil, format: Format? = nil, hidden: Bool = false) {
            self.width = width
            self.format = format
            self.hidden = hidden
        }
    }

    /// The workbook the sheets belong to.
    public let workbook: Workbook
    /// The name of the first sheet; later sheets are called `NAME (2)`, `NAME (3)`…
    public let baseName: String
    /// The header row repeated at the top of every sheet.
    public let header: [String]
    /// Rows per sheet including the header row.
    public let rowLimit: Int
    private let headerFormat: Format?
    private let columns: [Column]
    private let freezeHeader: Bool
    private let autofilter: Bool
    private let configure: ((Worksheet) throws -> Void)?
    /// The sheets created so far, in order.
    public private(set) var sheets: [Worksheet] = []
    private var nextRow = 0
    private var nextSuffix = 2
    /// The number of data rows appended (over all sheets).
    public private(set) var dataRowCount = 0

    /// Creates the series and its first sheet named `name`.
    ///
    /// `configure` runs on every new sheet after the columns are set (print setup, validations…).
    /// Throws the sheet-name errors for `name`, `.invalidArgument` when `rowLimit` is outside
    /// 2…1,048,576 or the header is wider than 16,384 columns, and whatever writing the header throws.
    public init(workbook: Workbook, name: String, header: [String], headerFormat: Format? = nil,
                columns: [Column] = [], freezeHeader: Bool = true, autofilter: Bool = false,
                rowLimit: Int = CellReference.maxRows, configure: ((Worksheet) throws -> Void)? = nil) throws {
        guard (2...CellReference.maxRows).contains(rowLimit) else {
            throw XlsxError.invalidArgument(sheet: name, what: "row limit", reason: "\(rowLimit) is outside 2…1048576")
        }
        guard header.count <= CellReference.maxColumns, columns.count <= CellReference.maxColumns else {
            throw XlsxError.invalidArgument(sheet: name, what: "header", reason: "has more than 16,384 columns")
        }
        try SheetName.validate(name, taken: workbook.sheetNames)
        self.workbook = workbook
        self.baseName = name
        self.header = header
        self.headerFormat = headerFormat
        self.columns = columns
        self.freezeHeader = freezeHeader
        self.autofilter = autofilter
        self.rowLimit = rowLimit
        self.configure = configure
        try startSheet(named: name)
    }

    /// The sheet rows are currently appended to.
    public var current: Worksheet? { sheets.last }

    private func startSheet(named name: String) throws {
        let sheet = try workbook.addWorksheet(name: name)
        for (i, column) in columns.enumerated() {
            if column.width != nil || column.format != nil || column.hidden {
                try sheet.setColumn(first: i, last: i, width: column.width, format: column.format, hidden: column.hidden)
            }
        }
        for (i, title) in header.enumerated() {
            try sheet.write(title, row: 0, col: i, format: headerFormat)
        }
        if !header.isEmpty {
            if freezeHeader { try sheet.freezePanes(row: 1, col: 0) }
            try sheet.repeatRows(first: 0, last: 0)
        }
        try configure?(sheet)
        sheets.append(sheet)
        nextRow = header.isEmpty ? 0 : 1
    }

    private func applyAutofilter(_ sheet: Worksheet, lastRow: Int) throws {
        guard autofilter, !header.isEmpty else { return }
        try sheet.autofilter(CellRange(firstRow: 0, firstCol: 0, lastRow: max(lastRow, 0), lastCol: header.count - 1))
    }

    /// Appends one row, starting a new sheet first when the current one is full. `formats[i]`,
    /// when present, formats cell `i`. Throws whatever writing a cell throws (too-long text,
    /// non-finite numbers…), the sheet-name errors never (names are made to fit), `.closed`.
    public func append(_ values: [CellValue], formats: [Format?] = []) throws {
        guard var sheet = sheets.last else { return }
        if nextRow >= rowLimit {
            try applyAutofilter(sheet, lastRow: nextRow - 1)
            // The next free `NAME (n)`, cut to fit 31 characters; numbers already taken are skipped.
            var name = SheetName.fit(baseName, suffix: " (\(nextSuffix))")
            while workbook.sheetNames.contains(where: { SheetName.key($0) == SheetName.key(name) }) {
                nextSuffix += 1
                name = SheetName.fit(baseName, suffix: " (\(nextSuffix))")
            }
            nextSuffix += 1
            try startSheet(named: name)
            sheet = sheets[sheets.count - 1]
        }
        for (col, value) in values.enumerated() {
            let format = col < formats.count ? formats[col] : nil
            switch value {
            case .text(let text): try sheet.write(text, row: nextRow, col: col, format: format)
            case .number(let number): try sheet.write(number, row: nextRow, col: col, format: format)
            case .dateTime(let dateTime): try sheet.write(dateTime, row: nextRow, col: col, format: format)
            case .formula(let formula, let result): try sheet.writeFormula(formula, result: result, row: nextRow, col: col, format: format)
            case .blank: try sheet.writeBlank(row: nextRow, col: col, format: format)
            }
        }
        nextRow += 1
        dataRowCount += 1
    }

    /// Finishes the last sheet (applies the autofilter when requested); call it before closing the
    /// workbook. Throws `.closed` or what setting the autofilter throws.
    public func finish() throws {
        guard let sheet = sheets.last else { return }
        try applyAutofilter(sheet, lastRow: nextRow - 1)
    }
}
