/// Helpers for Excel's A1 cell notation and grid limits.
public enum CellReference {
    /// Excel's number of rows per sheet (1,048,576).
    public static let maxRows = 1_048_576
    /// Excel's number of columns per sheet (16,384).
    public static let maxColumns = 16_384

    /// The column letters for a zero-based column index (0 → "A", 26 → "AA").
    public static func column(_ col: Int) -> String {
        var n = col + 1
        var letters: [Character] = []
        while n > 0 {
            let rem = (n - 1) % 26
            letters.append(Character(Unicode.Scalar(UInt8(65 + rem))))
            n = (n - 1) / 26
        }
        return String(letters.reversed())
    }

    /// The A1 name of a zero-based cell (row 0, col 1 → "B1").
    public static func a1(row: Int, col: Int) -> String {
        column(col) + String(row + 1)
    }

    /// The absolute A1 name of a zero-based cell (row 0, col 1 → "$B$1").
    public static func absolute(row: Int, col: Int) -> String {
        "$" + column(col) + "$" + String(row + 1)
    }

    /// Whether a zero-based row and column lie inside Excel's grid.
    public static func isInGrid(row: Int, col: Int) -> Bool {
        row >= 0 && row < maxRows && col >= 0 && col < maxColumns
    }
}

/// A rectangular block of cells, zero-based and inclusive at both ends.
public struct CellRange: Hashable, Sendable, CustomStringConvertible {
    /// The first (top) row.
    public var firstRow: Int
    /// The first (left) column.
    public var firstCol: Int
    /// The last (bottom) row, inclusive.
    public var lastRow: Int
    /// The last (right) column, inclusive.
    public var lastCol: Int

    /// Creates a range from its corners; it is checked against the grid when used.
    public init(firstRow: Int, firstCol: Int, lastRow: Int, lastCol: Int) {
        self.firstRow = firstRow
        self.firstCol = firstCol
        self.lastRow = lastRow
        self.lastCol = lastCol
    }

    /// The range in A1 notation, e.g. "A1:D51" (a single cell gives "A1").
    public var description: String {
        let first = CellReference.a1(row: firstRow, col: firstCol)
        if firstRow == lastRow && firstCol == lastCol { return first }
        return first + ":" + CellReference.a1(row: lastRow, col: lastCol)
    }

    /// The range in absolute A1 notation, e.g. "$A$1:$A$4".
    public var absolute: String {
        let first = CellReference.absolute(row: firstRow, col: firstCol)
        if firstRow == lastRow && firstCol == lastCol { return first }
        return first + ":" + CellReference.absolute(row: lastRow, col: lastCol)
    }

    var isValid: Bool {
        CellReference.isInGrid(row: firstRow, col: firstCol)
            && CellReference.isInGrid(row: lastRow, col: lastCol)
            && firstRow <= lastRow && firstCol <= lastCol
    }
}
