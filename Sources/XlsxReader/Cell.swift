import Foundation

/// The value of one cell as stored in the workbook (a formula cell holds its cached result).
public enum CellValue: Hashable, Sendable {
    /// No value (a missing cell, or a formula without a cached result).
    case empty
    /// Text: a shared string (`t="s"`), an inline string (`t="inlineStr"`) or a formula's string result
    /// (`t="str"`); rich-text runs are concatenated, phonetic runs dropped, `_xHHHH_` escapes decoded.
    /// A number typed into a text cell ("5.2", common from WPS) stays text: use `asNumber()`.
    case text(String)
    /// A number whose style is not a date format.
    case number(Double)
    /// A boolean (`t="b"`).
    case bool(Bool)
    /// A number whose style is a date or time format, as a serial in Excel's 1900 date system
    /// (1 = 1900-01-01). Serials from a workbook in the 1904 date system are converted, so the same
    /// date always has the same serial. Use `asDate()` for the calendar date.
    case date(serial: Double)
    /// An error value such as `#DIV/0!` or `#N/A` (`t="e"`).
    case error(String)

    /// The number, for a number cell or a text cell holding a plain decimal: optional sign, digits,
    /// optional point and digits, surrounding spaces ignored; full-width digits ０-９, point `．` and
    /// signs `－`/`＋` are accepted. Nil for anything else (dates, booleans, "1,000", "1e3", "5 kg").
    public func asNumber() -> Double? {
        switch self {
        case .number(let value): return value
        case .text(let text): return PlainDecimal.parse(text)
        default: return nil
        }
    }

    /// The date, for a date-formatted number (`.date`) or text written `YYYY-MM-DD`, `YYYY/M/D` or
    /// `YYYY年M月D日` (full-width digits accepted) that names a real calendar day. Nil for anything else,
    /// including plain numbers (a number without a date format is not taken for a date serial) and
    /// time-only values (serial below 1).
    public func asDate() -> XlsxDate? {
        switch self {
        case .date(let serial): return XlsxDate(serial: serial)
        case .text(let text): return XlsxDate(text: text)
        default: return nil
        }
    }

    /// The text, for a text value; nil otherwise.
    public func asText() -> String? {
        if case .text(let text) = self { return text }
        return nil
    }

    /// True for `.empty`.
    public var isEmpty: Bool {
        if case .empty = self { return true }
        return false
    }
}

/// One cell that has a value or a formula (cells that are only styled are not kept).
public struct Cell: Hashable, Sendable {
    private let rowStorage: UInt32
    private let colStorage: UInt16
    /// The value (for a formula cell, the cached result, `.empty` when there is none).
    public let value: CellValue
    /// The formula text without the leading `=`, when the cell has a `<f>` element. For a cell that
    /// shares a formula (`<f t="shared" si="0"/>`) this is the shared group's formula as written at its
    /// first cell, references not shifted, or "" when that cell was not seen.
    public let formula: String?

    /// Creates a cell; `row` and `col` are 1-based and must be in Excel's grid.
    public init(row: Int, col: Int, value: CellValue, formula: String? = nil) {
        precondition(CellRef.isInGrid(row: row, col: col), "cell (\(row), \(col)) is outside Excel's grid")
        self.rowStorage = UInt32(row)
        self.colStorage = UInt16(col)
        self.value = value
        self.formula = formula
    }

    /// The 1-based row number.
    public var row: Int { Int(rowStorage) }
    /// The 1-based column number (A = 1).
    public var col: Int { Int(colStorage) }
    /// The A1-style reference, e.g. "B7".
    public var ref: String { CellRef.a1(row: row, col: col) }
    /// True when the cell has a formula (the importer refuses formulas where a value is expected).
    public var hasFormula: Bool { formula != nil }

    /// `value.asNumber()`.
    public func asNumber() -> Double? { value.asNumber() }
    /// `value.asDate()`.
    public func asDate() -> XlsxDate? { value.asDate() }
    /// `value.asText()`.
    public func asText() -> String? { value.asText() }
}

/// A1-style cell references.
public enum CellRef {
    /// Excel's last row.
    public static let maxRow = 1_048_576
    /// Excel's last column (XFD).
    public static let maxCol = 16_384

    /// True when the 1-based position is inside Excel's grid.
    public static func isInGrid(row: Int, col: Int) -> Bool {
        (1...maxRow).contains(row) && (1...maxCol).contains(col)
    }

    /// The column letters for a 1-based column: 1 → "A", 27 → "AA".
    public static func column(_ col: Int) -> String {
        precondition(col >= 1, "column must be 1-based")
        var n = col
        var letters: [UInt8] = []
        while n > 0 {
            let rem = (n - 1) % 26
            letters.append(UInt8(ascii: "A") + UInt8(rem))
            n = (n - 1) / 26
        }
        return String(decoding: letters.reversed(), as: UTF8.self)
    }

    /// "B7" for row 7, column 2.
    public static func a1(row: Int, col: Int) -> String { column(col) + String(row) }

    /// The result of reading an A1 reference.
    enum Parsed: Equatable {
        case cell(row: Int, col: Int)
        case outOfGrid
        case invalid
    }

    /// Parses "B7" (lower-case letters accepted); row and column are 1-based.
    static func parse(_ text: String) -> Parsed {
        var col = 0
        var row = 0
        var letters = 0
        var digits = 0
        var overflow = false
        var sawDigit = false
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"):
                if sawDigit { return .invalid }
                let v = Int((byte | 0x20) - UInt8(ascii: "a")) + 1
                letters += 1
                if letters > 4 { overflow = true } else { col = col * 26 + v }
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                if letters == 0 { return .invalid }
                sawDigit = true
                digits += 1
                if digits > 8 { overflow = true } else { row = row * 10 + Int(byte - UInt8(ascii: "0")) }
            default:
                return .invalid
            }
        }
        guard letters > 0, digits > 0 else { return .invalid }
        if overflow || !isInGrid(row: row, col: col) { return .outOfGrid }
        return .cell(row: row, col: col)
    }
}

/// Parsing of plain decimals typed as text.
enum PlainDecimal {
    static func parse(_ text: String) -> Double? {
        var ascii: [UInt8] = []
        ascii.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar.value {
            case 0x30...0x39, 0x2B, 0x2D, 0x2E: ascii.append(UInt8(scalar.value))
            case 0xFF10...0xFF19: ascii.append(UInt8(scalar.value - 0xFF10) + UInt8(ascii: "0"))
            case 0xFF0E: ascii.append(UInt8(ascii: "."))
            case 0xFF0D: ascii.append(UInt8(ascii: "-"))
            case 0xFF0B: ascii.append(UInt8(ascii: "+"))
            case 0x20, 0x09, 0x0A, 0x0D, 0xA0, 0x3000: ascii.append(UInt8(ascii: " "))
            default: return nil
            }
        }
        // Trim spaces.
        while ascii.first == UInt8(ascii: " ") { ascii.removeFirst() }
        while ascii.last == UInt8(ascii: " ") { ascii.removeLast() }
        var i = 0
        if i < ascii.count, ascii[i] == UInt8(ascii: "-") || ascii[i] == UInt8(ascii: "+") { i += 1 }
        let intStart = i
        while i < ascii.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(ascii[i]) { i += 1 }
        guard i > intStart else { return nil }
        if i < ascii.count, ascii[i] == UInt8(ascii: ".") {
            i += 1
            let fracStart = i
            while i < ascii.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(ascii[i]) { i += 1 }
            guard i > fracStart else { return nil }
        }
        guard i == ascii.count else { return nil }
        guard let value = Double(String(decoding: ascii, as: UTF8.self)), value.isFinite else { return nil }
        return value
    }
}
