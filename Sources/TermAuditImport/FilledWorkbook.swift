import Foundation
import XlsxReader

/// A filled workbook's sheets as rows of cells, read through XlsxReader.
struct FilledWorkbook {
    private var sheets: [String: [(Int, [Int: Cell])]] = [:]

    init(url: URL, limits: XlsxLimits) throws {
        let book = try XlsxWorkbook.open(url: url, limits: limits)
        for sheet in book.sheets {
            var rows: [(Int, [Int: Cell])] = []
            for row in sheet.rows {
                var cells: [Int: Cell] = [:]
                for c in row.cells { cells[c.col] = c }
                rows.append((row.number, cells))
            }
            sheets[sheet.name] = rows
        }
    }

    /// The rows of a sheet in order (row number, cells by column), or nil when there is no such sheet.
    func rows(_ name: String) -> [(Int, [Int: Cell])]? { sheets[name] }
}
