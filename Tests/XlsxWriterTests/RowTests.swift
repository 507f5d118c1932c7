import Foundation
import Testing
@testable import XlsxWriter
#if canImport(Glibc)
import Glibc
#endif

extension XlsxWriterTests {
    /// The per-cell fast path (one UTF-8 scan, text passed to C as it is) and `writeRow` (one switch to the C
    /// locale per row) must behave exactly like the plain single-cell writers.
    @Suite("Rows and the text fast path")
    struct RowTests {
        /// Pieces that exercise every branch of the scan: look-alike parts, allowed and forbidden controls,
        /// 2-, 3- (also EF-led: U+FFFC, U+FF21, U+FFFE, U+FFFF) and 4-byte scalars.
        static let pieces = ["_", "x", "X", "0", "4", "1", "F", "f", "G", "\r", "\n", "\t", "a", " ", "=",
                             "\u{0}", "\u{1}", "\u{B}", "\u{1F}", "\u{7F}", "\u{85}", "é", "中", "\u{FFFC}", "\u{FF21}",
                             "\u{FFFD}", "\u{FFFE}", "\u{FFFF}", "😀", "𠀀", "\u{301}"]

        @Test("one pass over the UTF-8 agrees with sanitize, escapeXstring and the UTF-16 count")
        func scanAgrees() {
            var generator = SystemRandomNumberGenerator()
            var texts = ["", "_x0041_", "_x0041\r", "_X004f_", "a_x00", "_x0041", "\u{FFFE}", "\u{FFFF}x", "\u{0}"]
            for _ in 0..<20_000 {
                let length = Int.random(in: 0...16, using: &generator)
                texts.append((0..<length).map { _ in Self.pieces.randomElement(using: &generator)! }.joined())
            }
            for text in texts {
                var copy = text
                let scan = copy.withUTF8 { CellText.scan($0.baseAddress ?? UnsafePointer(bitPattern: 1)!, count: $0.count) }
                let (clean, replaced) = CellText.sanitize(text)
                let expectedClean = replaced.isEmpty && CellText.escapeXstring(clean) == text
                #expect(scan.isClean == expectedClean, "\(text.debugDescription)")
                #expect(scan.utf16Count == text.utf16.count, "\(text.debugDescription)")
            }
        }

        /// The same cells written one by one and through `writeRow` read back the same, with the same sanitizations.
        @Test("writeRow writes what the single-cell writers write", arguments: [true, false])
        func rowEqualsCells(constantMemory: Bool) throws {
            let folder = try makeTempFolder()
            defer { cleanup(folder) }
            let url = folder.appendingPathComponent("rows.xlsx")
            let wb = try Workbook(path: url.path, options: testOptions(constantMemory: constantMemory))
            let bold = try wb.format(FormatSpec(bold: true))
            let date = try wb.format(FormatSpec(numberFormat: "yyyy-mm-dd"))
            let texts = ["plain", "_x0041_ look-alike", "bad\u{1}char", "中文 😀", "=1+2", ""]
            let one = try wb.addWorksheet(name: "One")
            let row = try wb.addWorksheet(name: "Row")
            for r in 0..<3 {
                for (c, t) in texts.enumerated() { try one.write(t + "\(r)", row: r, col: c, format: c == 0 ? bold : nil) }
                try one.write(Double(r) + 0.25, row: r, col: 6)
                try one.write(ExcelDateTime(year: 2024, month: 2, day: 29), row: r, col: 7, format: date)
                try one.writeBlank(row: r, col: 8, format: bold)
                try one.writeFormula("=G\(r + 1)*2", result: (Double(r) + 0.25) * 2, row: r, col: 9)
                try row.writeRow(r) { w in
                    #expect(w.row == r)
                    for (c, t) in texts.enumerated() { try w.write(t + "\(r)", col: c, format: c == 0 ? bold : nil) }
                    try w.write(Double(r) + 0.25, col: 6)
                    try w.write(ExcelDateTime(year: 2024, month: 2, day: 29), col: 7, format: date)
                    try w.writeBlank(col: 8, format: bold)
                    try w.writeFormula("=G\(r + 1)*2", result: (Double(r) + 0.25) * 2, col: 9)
                }
            }
            #expect(one.rowCount == 3 && row.rowCount == 3)
            try wb.close()
            let book = try readBack(url)
            let a = try #require(book["One"]), b = try #require(book["Row"])
            for r in 1...3 {
                for c in "ABCDEFGHIJ" {
                    let ref = "\(c)\(r)"
                    #expect(a[ref]?.value == b[ref]?.value, "\(ref)")
                    #expect(a[ref]?.dataType == b[ref]?.dataType, "\(ref)")
                    #expect(a[ref]?.numberFormat == b[ref]?.numberFormat, "\(ref)")
                    #expect(a[ref]?.bold == b[ref]?.bold, "\(ref)")
                }
            }
            #expect(b["B1"]?.value == .string("_x0041_ look-alike0"))
            #expect(b["C2"]?.value == .string("bad\u{FFFD}char1"))
            #expect(wb.sanitizations.map(\.description) == [
                "sheet 'One' cell C1 replaced U+0001 with U+FFFD", "sheet 'Row' cell C1 replaced U+0001 with U+FFFD",
                "sheet 'One' cell C2 replaced U+0001 with U+FFFD", "sheet 'Row' cell C2 replaced U+0001 with U+FFFD",
                "sheet 'One' cell C3 replaced U+0001 with U+FFFD", "sheet 'Row' cell C3 replaced U+0001 with U+FFFD",
            ])
        }

        @Test("writeRow throws the single-cell errors and keeps the cells written before one")
        func rowErrors() throws {
            let folder = try makeTempFolder()
            defer { cleanup(folder) }
            let url = folder.appendingPathComponent("errors.xlsx")
            let wb = try Workbook(path: url.path, options: testOptions(constantMemory: true))
            let other = try Workbook(path: folder.appendingPathComponent("other.xlsx").path, options: testOptions())
            let foreign = try other.format(FormatSpec(bold: true))
            let ws = try wb.addWorksheet(name: "E")
            #expect(throws: XlsxError.textTooLong(sheet: "E", cell: "B1", length: 32_768)) {
                try ws.writeRow(0) { w in
                    try w.write("kept", col: 0)
                    try w.write(String(repeating: "中", count: 32_768), col: 1)
                }
            }
            #expect(ws.rowCount == 1)
            #expect(throws: XlsxError.notFinite(sheet: "E", cell: "A2", value: "nan")) {
                try ws.writeRow(1) { w in try w.write(Double.nan, col: 0) }
            }
            #expect(throws: XlsxError.cellOutOfRange(sheet: "E", row: 1, col: 16_384)) {
                try ws.writeRow(1) { w in try w.write("x", col: 16_384) }
            }
            #expect(throws: XlsxError.cellOutOfRange(sheet: "E", row: 1_048_576, col: 2)) {
                try ws.writeRow(1_048_576) { w in try w.writeBlank(col: 2) }
            }
            #expect(throws: XlsxError.foreignObject(what: "format")) {
                try ws.writeRow(1) { w in try w.write(1, col: 0, format: foreign) }
            }
            #expect(throws: XlsxError.invalidArgument(sheet: "E", what: "date in cell B2", reason: "day 30 does not exist in 2023-2")) {
                try ws.writeRow(1) { w in try w.write(ExcelDateTime(year: 2023, month: 2, day: 30), col: 1) }
            }
            #expect(ws.rowCount == 1)
            try ws.writeRow(5) { w in try w.write("five", col: 0) }
            #expect(ws.rowCount == 6)
            #expect(throws: XlsxError.rowAlreadyWritten(sheet: "E", cell: "A4")) {
                try ws.writeRow(3) { w in try w.write("three", col: 0) }
            }
            #expect(ws.rowCount == 6)
            try wb.close()
            #expect(throws: XlsxError.closed(operation: "write text on sheet 'E'")) {
                try ws.writeRow(7) { w in try w.write("late", col: 0) }
            }
            let sheet = try #require(try readBack(url)["E"])
            #expect(sheet["A1"]?.value == .string("kept"))
            #expect(sheet["B1"] == nil)
            #expect(sheet["A6"]?.value == .string("five"))
        }

        @Test("the C numeric locale is entered once and the thread's locale restored")
        func localeScope() throws {
            let before = uselocale(nil)
            let folder = try makeTempFolder()
            defer { cleanup(folder) }
            let wb = try Workbook(path: folder.appendingPathComponent("l.xlsx").path, options: testOptions())
            try wb.withCNumericLocale {
                let inside = uselocale(nil)
                #expect(inside != before)
                // Nested scopes and single-cell writes keep the same locale and do not switch it back.
                try wb.withCNumericLocale { #expect(uselocale(nil) == inside) }
                let ws = try wb.addWorksheet(name: "S")
                try ws.write(1.5, row: 0, col: 0)
                try ws.writeRow(1) { w in
                    #expect(uselocale(nil) == inside)
                    try w.write(2.5, col: 0)
                }
                #expect(uselocale(nil) == inside)
            }
            #expect(uselocale(nil) == before)
            try wb.close()
            #expect(uselocale(nil) == before)
        }
    }
}
