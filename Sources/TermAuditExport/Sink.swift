import Foundation
import TermAudit

/// The styles the exporter uses; a sink turns each into a concrete cell format.
public enum ExportStyle: String, CaseIterable, Sendable {
    case title, header, label, text, wrap, integer, number, percent, amount, date, note, unlocked, unlockedNumber, unlockedDate, hiddenID
    /// Conditional highlights.
    case bad, warn
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
    /// Rows after which a printed page ends (forms).
    public var landscape: Bool

    public init(name: String, columns: [ColumnSpec], table: Bool = true, protect: Bool = false, hidden: Bool = false,
                highlights: [RowHighlight] = [], validations: [ListValidation] = [], landscape: Bool = true) {
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
    /// Appends a row to a sheet (rows of one sheet are written in order).
    func append(_ sheet: Int, _ cells: [ExportCell]) throws
    /// Finishes every sheet (column widths, filters, highlights) and writes the file.
    func close() throws
}

/// Column widths sized for CJK text: a full-width character counts two units.
struct WidthTracker {
    var widths: [Double]

    init(columns: [ColumnSpec]) {
        widths = columns.map { max($0.minWidth, Double(DisplayWidth.of($0.header)) + 2) }
    }

    mutating func see(_ cells: [ExportCell], columns: [ColumnSpec]) {
        for (i, c) in cells.enumerated() where i < widths.count {
            let w: Double
            switch c.value {
            case .text(let s):
                // A long text wraps: size for its longest line, capped.
                w = Double(Self.longestLine(s)) + 2
            case .number(let v): w = Double(Self.fixedTwoLength(v)) + 2
            case .date: w = 12
            case .blank: continue
            }
            widths[i] = min(columns[i].maxWidth, max(widths[i], w))
        }
    }

    /// The display width of the longest line of `s` (as `DisplayWidth.of`, without splitting or copying; the
    /// common scalars — ASCII, CJK ideographs, full-width forms — skip the Unicode property lookup).
    static func longestLine(_ s: String) -> Int {
        var longest = 0, w = 0
        for u in s.unicodeScalars {
            let v = u.value
            switch v {
            case 10: longest = max(longest, w); w = 0
            case 0x20..<0x7F: w += 1
            case 0..<0x20, 0x7F..<0xA0: break
            case 0x4E00...0x9FFF, 0xFF01...0xFF60: w += 2
            default: w += DisplayWidth.width(u)
            }
        }
        return max(longest, w)
    }

    /// `String(format: "%.2f", v).count`, without Foundation's formatter (C's, under any locale: only the
    /// decimal separator may differ, and it is one character either way).
    static func fixedTwoLength(_ v: Double) -> Int {
        // vsnprintf returns the full length even when the buffer is too small for it.
        withUnsafeTemporaryAllocation(of: CChar.self, capacity: 32) { buffer in
            Int(withVaList([v]) { vsnprintf(buffer.baseAddress, buffer.count, "%.2f", $0) })
        }
    }
}
