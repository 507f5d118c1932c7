import Foundation
import TermAudit

/// The styles the exporter uses; a sink turns each into a concrete cell format.
public enum ExportStyle: String, CaseIterable, Sendable {
    case title, header, label, text, wrap, integer, number, percent, amount, date, note, unlocked, unlockedNumber, unlockedDate, hiddenID
    /// Conditional highlights.
    case bad, warn

    /// The position in `allCases`, for tables indexed by style (no hashing per cell).
    @inline(__always)
    var ordinal: Int {
        switch self {
        case .title: 0
        case .header: 1
        case .label: 2
        case .text: 3
        case .wrap: 4
        case .integer: 5
        case .number: 6
        case .percent: 7
        case .amount: 8
        case .date: 9
        case .note: 10
        case .unlocked: 11
        case .unlockedNumber: 12
        case .unlockedDate: 13
        case .hiddenID: 14
        case .bad: 15
        case .warn: 16
        }
    }
}

/// A cell value as the exporter produces it.
public enum ExportValue: Sendable, Equatable {
    case text(String)
    case number(Double)
    case date(Day)
    case blank
}

/// One cell: a value and its style.
public struct ExportCell: Sendable, Equatable {
    public var value: ExportValue
    public var style: ExportStyle

    public init(_ value: ExportValue, _ style: ExportStyle = .text) {
        self.value = value
        self.style = style
    }

    public static func text(_ s: String?, _ style: ExportStyle = .text) -> ExportCell {
        guard let s, !s.isEmpty else { return ExportCell(.blank, style) }
        return ExportCell(.text(s), style)
    }

    public static func number(_ v: Double?, _ style: ExportStyle = .number) -> ExportCell {
        guard let v else { return ExportCell(.blank, style) }
        return ExportCell(.number(v), style)
    }

    public static func date(_ d: Day?) -> ExportCell {
        guard let d else { return ExportCell(.blank, .date) }
        return ExportCell(.date(d), .date)
    }
}

/// A column of a table sheet.
public struct ColumnSpec: Sendable {
    public var header: String
    public var style: ExportStyle
    public var minWidth: Double
    public var maxWidth: Double
    public var hidden: Bool

    public init(_ header: String, _ style: ExportStyle = .text, min: Double = 6, max: Double = 50, hidden: Bool = false) {
        self.header = header
        self.style = style
        self.minWidth = min
        self.maxWidth = max
        self.hidden = hidden
    }
}

/// Highlights whole rows whose cell in `column` equals `equals`.
public struct RowHighlight: Sendable {
    public var column: Int
    public var equals: String
    public var style: ExportStyle

    public init(column: Int, equals: String, style: ExportStyle) {
        self.column = column
        self.equals = equals
        self.style = style
    }
}

/// A dropdown list: the cells of `column` take values from a range of the list sheet.
public struct ListValidation: Sendable {
    public var column: Int
    public var listSheet: String
    public var listColumn: Int
    public var count: Int

    public init(column: Int, listSheet: String, listColumn: Int, count: Int) {
        self.column = column
        self.listSheet = listSheet
        self.listColumn = listColumn
        self.count = count
    }
}

/// How a sheet is set up.
public struct SheetSpec: Sendable {
    public var name: String
    public var columns: [ColumnSpec]
    /// Whether the first row is a header (frozen, filtered, repeated on every printed page).
    public var table: Bool
    public var protect: Bool
    public var hidden: Bool
    public var highlights: [RowHighlight]
    public var validations: [ListValidation]
    public var landscape: Bool
    /// The leading columns that identify a row (case, unit, name): printed on every page of a sheet too wide for one.
    public var keyColumns: Int

    public init(name: String, columns: [ColumnSpec], table: Bool = true, protect: Bool = false, keyColumns: Int = 0, hidden: Bool = false,
                highlights: [RowHighlight] = [], validations: [ListValidation] = [], landscape: Bool = true) {
        self.keyColumns = keyColumns
        self.name = name
        self.columns = columns
        self.table = table
        self.protect = protect
        self.hidden = hidden
        self.highlights = highlights
        self.validations = validations
        self.landscape = landscape
    }
}

/// Document properties of the workbook.
public struct DocumentInfo: Sendable {
    public var title: String
    public var subject: String
    public var company: String
    public var comments: String
    /// The creation time, from the data (never the clock).
    public var created: Day

    public init(title: String, subject: String, company: String, comments: String, created: Day) {
        self.title = title
        self.subject = subject
        self.company = company
        self.comments = comments
        self.created = created
    }
}

/// Where the exporter's sheets and rows go: an xlsx workbook, or a plain dump of the cells for benchmarks.
public protocol WorkbookSink: AnyObject {
    /// Adds a sheet; returns its handle. Sheets appear in the order added.
    func addSheet(_ spec: SheetSpec) throws -> Int
    /// Appends a row to a sheet (rows of one sheet are written in order), `height` points high (nil: as its
    /// wrapped text needs).
    func append(_ sheet: Int, _ cells: [ExportCell], height: Double?) throws
    /// Starts a new printed page before the next row of a sheet.
    func breakPage(_ sheet: Int) throws
    /// A dropdown on column `col` of the last `count` rows appended to a sheet, listing one row of a list sheet.
    func listRows(_ sheet: Int, col: Int, lastRows count: Int, listSheet: String, listRow: Int, listColumns: ClosedRange<Int>) throws
    /// Finishes every sheet (column widths, filters, highlights) and writes the file.
    func close() throws
}

extension WorkbookSink {
    public func append(_ sheet: Int, _ cells: [ExportCell]) throws { try append(sheet, cells, height: nil) }
}

/// Column widths sized for CJK text: a full-width character counts two units.
struct WidthTracker {
    var widths: [Double]
    /// Each column's `maxWidth`.
    private let caps: [Double]

    init(columns: [ColumnSpec]) {
        widths = columns.map { max($0.minWidth, Double(DisplayWidth.of($0.header)) + 2) }
        caps = columns.map(\.maxWidth)
    }

    /// Widens each column to fit its cell in `cells`, up to the column's maximum: a text's widest line, a number
    /// as `%.2f`, a date 12, each plus 2; blank cells change nothing.
    ///
    /// Measuring is skipped when it cannot change the width: a column already at its maximum, or a text whose
    /// UTF-8 length (never less than its display width: no character is wider than its bytes) plus 2 is no wider
    /// than the column. The widths are the same as when every cell is measured.
    mutating func see(_ cells: [ExportCell]) {
        let n = min(cells.count, widths.count)
        widths.withUnsafeMutableBufferPointer { widths in
            caps.withUnsafeBufferPointer { caps in
                for i in 0..<n {
                    let w: Double
                    switch cells[i].value {
                    case .blank: continue
                    case .text(let s):
                        let current = widths[i]
                        guard current < caps[i] else { widths[i] = caps[i]; continue }
                        // A long text wraps: size for its longest line, capped.
                        if Double(s.utf8.count) + 2 <= current { continue }
                        w = Double(Self.longestLine(s)) + 2
                    case .number(let v):
                        guard widths[i] < caps[i] else { widths[i] = caps[i]; continue }
                        w = Double(Self.fixedTwoLength(v)) + 2
                    case .date: w = 12
                    }
                    widths[i] = min(caps[i], max(widths[i], w))
                }
            }
        }
    }

    /// The display width of the longest line of `s` (as `DisplayWidth.of`, without splitting or copying; the
    /// common scalars — ASCII, CJK ideographs, full-width forms — skip the Unicode property lookup).
    static func longestLine(_ s: String) -> Int {
        if let w = s.utf8.withContiguousStorageIfAvailable({ longestLine(utf8: $0) }) { return w }
        var longest = 0, w = 0
        for u in s.unicodeScalars { width(u.value, &longest, &w) }
        return max(longest, w)
    }

    /// `longestLine` over a string's UTF-8 (valid, as Swift strings hold it), decoding each scalar in place.
    static func longestLine(utf8 p: UnsafeBufferPointer<UInt8>) -> Int {
        var longest = 0, w = 0, i = 0
        let n = p.count
        while i < n {
            let b = UInt32(p[i])
            if b < 0x80 {
                if b >= 0x20 && b < 0x7F { w &+= 1 } else if b == 10 { longest = max(longest, w); w = 0 }
                i &+= 1
                continue
            }
            let v: UInt32
            if b < 0xE0 {
                guard i &+ 1 < n else { break }
                v = (b & 0x1F) << 6 | UInt32(p[i &+ 1] & 0x3F)
                i &+= 2
            } else if b < 0xF0 {
                guard i &+ 2 < n else { break }
                v = (b & 0x0F) << 12 | UInt32(p[i &+ 1] & 0x3F) << 6 | UInt32(p[i &+ 2] & 0x3F)
                i &+= 3
            } else {
                guard i &+ 3 < n else { break }
                v = (b & 0x07) << 18 | UInt32(p[i &+ 1] & 0x3F) << 12 | UInt32(p[i &+ 2] & 0x3F) << 6 | UInt32(p[i &+ 3] & 0x3F)
                i &+= 4
            }
            width(v, &longest, &w)
        }
        return max(longest, w)
    }

    /// Adds one scalar's width to the current line `w` (a line feed ends the line).
    @inline(__always)
    private static func width(_ v: UInt32, _ longest: inout Int, _ w: inout Int) {
        switch v {
        case 10: longest = max(longest, w); w = 0
        case 0x20..<0x7F: w &+= 1
        case 0..<0x20, 0x7F..<0xA0: break
        case 0x4E00...0x9FFF, 0xFF01...0xFF60: w &+= 2
        default: w &+= Unicode.Scalar(v).map(DisplayWidth.width) ?? 1
        }
    }

    /// `String(format: "%.2f", v).count`, without Foundation's formatter. Finite values below 10^15 are counted
    /// directly — a sign (also for -0), the integer digits, ".dd" — unless rounding to two decimals could carry
    /// into one more digit (within 0.01 of a power of ten), which is left to C's `vsnprintf` like everything else
    /// (under any locale: only the decimal separator may differ, and it is one character either way).
    static func fixedTwoLength(_ v: Double) -> Int {
        let a = abs(v)
        if a < 1e15 {
            var digits = 1, power = 10.0
            while a >= power { digits &+= 1; power *= 10 }
            if power - a > 0.01 { return (v.sign == .minus ? 1 : 0) + digits + 3 }
        }
        // vsnprintf returns the full length even when the buffer is too small for it.
        return withUnsafeTemporaryAllocation(of: CChar.self, capacity: 32) { buffer in
            Int(withVaList([v]) { vsnprintf(buffer.baseAddress, buffer.count, "%.2f", $0) })
        }
    }
}
