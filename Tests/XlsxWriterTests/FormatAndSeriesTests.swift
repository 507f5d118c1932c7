import Foundation
import Testing
import CXlsxWriter
@testable import XlsxWriter

extension XlsxWriterTests {
    @Suite("Formats, series and widths")
    struct FormatAndSeriesTests {
        @Test("identical format specs share one C format and read back")
        func formats() throws {
            let (book, wb) = try roundTrip { wb, ws in
                let spec = FormatSpec(bold: true, fontSize: 14, fontColor: 0x000000, backgroundColor: 0x000000,
                                      border: .thin, horizontalAlignment: .center, numberFormat: "#,##0.00")
                let a = try wb.format(spec)
                let b = try wb.format(spec)
                let pct = try wb.format(FormatSpec(italic: true, numberFormat: "0.0%"))
                #expect(a == b)
                #expect(a != pct)
                #expect(wb.distinctFormatCount == 2)
                try ws.write(1234.5, row: 0, col: 0, format: a)
                try ws.write(0.125, row: 0, col: 1, format: pct)
                try ws.write("wrapped text", row: 0, col: 2, format: try wb.format(FormatSpec(wrap: true)))
            }
            let sheet = try #require(book["Data"])
            let a1 = try #require(sheet["A1"])
            #expect(a1.bold)
            #expect(a1.fontSize == 14)
            #expect(a1.numberFormat == "#,##0.00")
            #expect(a1.horizontal == "center")
            #expect(a1.fontColor == "FF000000")
            #expect(a1.fill == "FF000000")  // black is not "unset"
            #expect(sheet["B1"]?.numberFormat == "0.0%")
            #expect(sheet["B1"]?.italic == true)
            #expect(sheet["C1"]?.wrap == true)
            #expect(wb.distinctFormatCount == 3)
        }

        @Test("format specs outside the limits are refused; formats of another workbook too")
        func formatLimits() throws {
            let folder = try makeTempFolder()
            defer { cleanup(folder) }
            let wb = try Workbook(path: folder.appendingPathComponent("f.xlsx").path, options: testOptions())
            let other = try Workbook(path: folder.appendingPathComponent("g.xlsx").path, options: testOptions())
            #expect(throws: XlsxError.self) { try wb.format(FormatSpec(fontSize: 0)) }
            #expect(throws: XlsxError.self) { try wb.format(FormatSpec(fontSize: 410)) }
            #expect(throws: XlsxError.self) { try wb.format(FormatSpec(fontColor: 0x1000000)) }
            #expect(throws: XlsxError.self) { try wb.format(FormatSpec(numberFormat: "")) }
            #expect(throws: XlsxError.self) { try wb.format(FormatSpec(numberFormat: String(repeating: "0", count: 128))) }
            #expect(throws: XlsxError.self) { try wb.format(FormatSpec(numberFormat: String(repeating: "元", count: 43))) }  // 129 bytes
            #expect(throws: XlsxError.self) { try wb.format(FormatSpec(fontName: String(repeating: "A", count: 32))) }
            _ = try wb.format(FormatSpec(numberFormat: String(repeating: "0", count: 127)))
            let foreign = try other.format(FormatSpec(bold: true))
            let ws = try wb.addWorksheet(name: "S")
            #expect(throws: XlsxError.foreignObject(what: "format")) { try ws.write("x", row: 0, col: 0, format: foreign) }
        }

        @Test("SheetSeries continues on NAME (2), NAME (3) with the header and column setup repeated", arguments: [true, false])
        func series(constantMemory: Bool) throws {
            let folder = try makeTempFolder()
            defer { cleanup(folder) }
            let url = folder.appendingPathComponent("s.xlsx")
            let wb = try Workbook(path: url.path, options: testOptions(constantMemory: constantMemory))
            let bold = try wb.format(FormatSpec(bold: true))
            var configured: [String] = []
            let series = try SheetSeries(workbook: wb, name: "明细", header: ["编号", "名称", "分数"], headerFormat: bold,
                                         columns: [.init(width: 10), .init(width: 30), .init(width: 8)],
                                         autofilter: true, rowLimit: 5) { sheet in
                configured.append(sheet.name)
                try sheet.setLandscape()
            }
            for i in 1...10 {
                try series.append([.number(Double(i)), .text("项目 \(i)"), .number(Double(i) * 10)])
            }
            try series.finish()
            #expect(series.dataRowCount == 10)
            #expect(configured == ["明细", "明细 (2)", "明细 (3)"])
            try wb.close()
            let book = try readBack(url)
            #expect(book.sheets.map(\.title) == ["明细", "明细 (2)", "明细 (3)"])
            for (index, sheet) in book.sheets.enumerated() {
                #expect(sheet["A1"]?.value == .string("编号"))
                #expect(sheet["C1"]?.value == .string("分数"))
                #expect(sheet["A1"]?.bold == true)
                #expect(sheet.freezePanes == "A2")
                #expect(sheet.print.titleRows == "$1:$1")
                #expect(sheet.print.orientation == "landscape")
                #expect(sheet.columnWidths["B"].map { abs($0 - 30.7109375) < 1e-6 } == true)
                #expect(sheet.maxRow == (index < 2 ? 5 : 3))
                #expect(sheet.autoFilter == (index < 2 ? "A1:C5" : "A1:C3"))
            }
            let numbers = book.sheets.flatMap { s in s.cells.filter { $0.col == 1 && $0.row > 1 }.compactMap { $0.value.number } }
            #expect(numbers == (1...10).map(Double.init))
        }

        @Test("SheetSeries names fit in 31 characters and avoid names already taken")
        func seriesNames() throws {
            let folder = try makeTempFolder()
            defer { cleanup(folder) }
            let wb = try Workbook(path: folder.appendingPathComponent("n.xlsx").path, options: testOptions())
            let base = String(repeating: "院", count: 31)
            _ = try wb.addWorksheet(name: String(repeating: "院", count: 27) + " (2)")
            let series = try SheetSeries(workbook: wb, name: base, header: ["h"], rowLimit: 2)
            for i in 0..<3 { try series.append([.number(Double(i))]) }
            #expect(series.sheets.map(\.name) == [base, String(repeating: "院", count: 27) + " (3)", String(repeating: "院", count: 27) + " (4)"])
            #expect(throws: XlsxError.self) { try SheetSeries(workbook: wb, name: "x", header: ["h"], rowLimit: 1) }
            #expect(throws: XlsxError.sheetNameTaken(name: base, existing: base)) { try SheetSeries(workbook: wb, name: base, header: []) }
            try wb.close()
        }

        @Test("TextWidth counts full-width and East Asian Wide characters as 2")
        func textWidth() {
            #expect(TextWidth.units("abc") == 3)
            #expect(TextWidth.units("计算机") == 6)
            #expect(TextWidth.units("ＡＢ，。") == 8)
            #expect(TextWidth.units("한글") == 4)
            #expect(TextWidth.units("かな") == 4)
            #expect(TextWidth.units("𠀀") == 2)
            #expect(TextWidth.units("😀") == 2)
            #expect(TextWidth.units("👩‍👩‍👧") == 2)
            #expect(TextWidth.units("e\u{301}") == 1)
            #expect(TextWidth.units("short\n很长的一行") == 10)
            #expect(TextWidth.units("") == 0)
            #expect(TextWidth.columnWidth(for: ["a"]) == 8.43)
            #expect(TextWidth.columnWidth(for: ["计算机科学与技术学院"]) == 24)
            #expect(TextWidth.columnWidth(for: [String(repeating: "中", count: 400)], maximum: 300) == 255)
        }

        @Test("error descriptions name the sheet, the cell and the cause")
        func descriptions() {
            #expect(XlsxError.textTooLong(sheet: "明细", cell: "B7", length: 40_000).description
                    == "sheet '明细' cell B7: text is 40000 UTF-16 code units long; Excel allows at most 32,767")
            #expect(XlsxError.rowAlreadyWritten(sheet: "S", cell: "A1").description.contains("sheet 'S' cell A1"))
            let lib = XlsxError.library(operation: "write text", sheet: "S", cell: "C3", cause: libraryMessage(LXW_ERROR_MAX_STRING_LENGTH_EXCEEDED))
            #expect(lib.description == "sheet 'S' cell C3: write text failed: String exceeds Excel's limit of 32,767 characters.")
            #expect(CellReference.a1(row: 0, col: 0) == "A1")
            #expect(CellReference.a1(row: 9, col: 25) == "Z10")
            #expect(CellReference.a1(row: 0, col: 26) == "AA1")
            #expect(CellReference.a1(row: 1_048_575, col: 16_383) == "XFD1048576")
            #expect(CellRange(firstRow: 0, firstCol: 0, lastRow: 3, lastCol: 0).absolute == "$A$1:$A$4")
        }
    }
}
