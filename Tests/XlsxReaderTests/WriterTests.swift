import Foundation
import Testing
import XlsxWriter
@testable import XlsxReader

/// Workbooks from real writers: the project's XlsxWriter (libxlsxwriter), openpyxl, and LibreOffice.
@Suite("Workbooks from real writers")
struct WriterTests {
    @Test("XlsxWriter workbooks read back, inline strings and shared strings", arguments: [true, false])
    func xlsxWriter(constantMemory: Bool) throws {
        let folder = try makeTempFolder()
        defer { cleanup(folder) }
        let url = folder.appendingPathComponent("written.xlsx")
        let wb = try Workbook(path: url.path, options: .init(created: Date(timeIntervalSince1970: 1_700_000_000),
                                                              constantMemory: constantMemory))
        let ws = try wb.addWorksheet(name: "案例 Cases")
        let dateFormat = try wb.format(FormatSpec(numberFormat: "yyyy-mm-dd"))
        let textFormat = try wb.format(FormatSpec(numberFormat: "@"))
        try ws.write("编号", row: 0, col: 0)
        try ws.write("_x0041_ stays literal", row: 0, col: 1)
        try ws.write("line\nbreak\r\ttab", row: 0, col: 2)
        try ws.write(5.25, row: 1, col: 0)
        try ws.write(ExcelDateTime(year: 2024, month: 3, day: 5), row: 1, col: 1, format: dateFormat)
        try ws.writeFormula("=1+1", result: 2, row: 1, col: 2)
        try ws.write("=not a formula", row: 1, col: 3)
        try ws.write("5.2", row: 1, col: 4, format: textFormat)
        try ws.write("１２．５", row: 1, col: 5)
        try ws.write(ExcelDateTime(year: 1900, month: 1, day: 1, hour: 12), row: 1, col: 6, format: dateFormat)
        try ws.write(-0.5, row: 1, col: 7)
        try ws.write("", row: 2, col: 0, format: textFormat)  // a blank, styled cell
        try ws.write("last", row: 29_999, col: 11)
        let lists = try wb.addWorksheet(name: "Lists")
        try lists.write("x", row: 0, col: 0)
        try lists.hide()
        try wb.close()

        let book = try openBook(url)
        #expect(book.sheets.map(\.name) == ["案例 Cases", "Lists"])
        #expect(book.sheets.map(\.state) == [.visible, .hidden])
        #expect(!book.uses1904DateSystem)
        let sheet = book.sheets[0]
        #expect(sheet.value(row: 1, col: 1) == .text("编号"))
        #expect(sheet.value(row: 1, col: 2) == .text("_x0041_ stays literal"))
        #expect(sheet.value(row: 1, col: 3) == .text("line\nbreak\r\ttab"))
        #expect(sheet.value(row: 2, col: 1) == .number(5.25))
        #expect(sheet.value(row: 2, col: 2) == .date(serial: 45356))
        #expect(sheet.value(row: 2, col: 2).asDate()?.isoDate == "2024-03-05")
        #expect(sheet.cell(row: 2, col: 3)?.formula == "1+1")
        #expect(sheet.value(row: 2, col: 3) == .number(2))
        #expect(sheet.cell(row: 2, col: 4)?.formula == nil)
        #expect(sheet.value(row: 2, col: 4) == .text("=not a formula"))
        #expect(sheet.value(row: 2, col: 5) == .text("5.2"))
        #expect(sheet.value(row: 2, col: 5).asNumber() == 5.2)
        #expect(sheet.value(row: 2, col: 6).asNumber() == 12.5)
        #expect(sheet.value(row: 2, col: 7).asDate()?.description == "1900-01-01T12:00:00")
        #expect(sheet.value(row: 2, col: 8) == .number(-0.5))
        #expect(sheet.cell(row: 3, col: 1) == nil)
        #expect(sheet.cell("L30000")?.value == .text("last"))
        #expect(sheet.lastRow == 30_000)
        #expect(book.sheets[1].value(row: 1, col: 1) == .text("x"))
    }

    static let openpyxlScript = """
        import sys, datetime
        from openpyxl import Workbook
        from openpyxl.cell.rich_text import CellRichText, TextBlock
        from openpyxl.cell.text import InlineFont
        from openpyxl.utils.datetime import CALENDAR_MAC_1904

        wb = Workbook()
        if sys.argv[2] == "1904":
            wb.epoch = CALENDAR_MAC_1904
        ws = wb.active
        ws.title = "Cases"
        ws["A1"] = "编号"
        ws["B1"] = "shared"
        ws["B2"] = "shared"
        ws["A2"] = "=1+1"
        c = ws["C2"]
        c.value = "5.2"
        c.number_format = "@"
        ws["D2"] = datetime.date(2024, 3, 5)
        ws["D2"].number_format = "yyyy-mm-dd"
        ws["E2"] = True
        ws["F2"] = CellRichText([TextBlock(InlineFont(b=True), "Bold"), " and plain"])
        ws["G2"] = "１２．５"
        ws["H2"] = 42.5
        ws["I2"] = datetime.datetime(2024, 3, 5, 14, 30)
        t = ws["J2"]
        t.value = "=not a formula"
        t.data_type = "s"
        ws["K2"] = False
        ws["L2"] = "2024年3月5日"
        ws["M2"] = "乡镇 Township 第2组"
        hidden = wb.create_sheet("Lists")
        hidden["A1"] = "x"
        hidden.sheet_state = "hidden"
        secret = wb.create_sheet("Secret")
        secret["A1"] = 1
        secret.sheet_state = "veryHidden"
        wb.save(sys.argv[1])
        """

    /// Checks what both openpyxl's and LibreOffice's files must read as.
    static func checkOpenpyxlBook(_ book: XlsxWorkbook, date1904: Bool, libreOffice: Bool) throws {
        #expect(book.uses1904DateSystem == date1904)
        #expect(book.sheets.map(\.name) == ["Cases", "Lists", "Secret"])
        #expect(book.sheets[1].state == .hidden)
        #expect(book.sheets[2].state != .visible)
        let sheet = book.sheets[0]
        #expect(sheet.value(row: 1, col: 1) == .text("编号"))
        #expect(sheet.value(row: 1, col: 2) == .text("shared"))
        #expect(sheet.value(row: 2, col: 2) == .text("shared"))
        let formula = try #require(sheet.cell("A2"))
        #expect(formula.formula == "1+1")
        // openpyxl stores no cached result; LibreOffice computes one.
        #expect(formula.value == (libreOffice ? .number(2) : .empty))
        #expect(sheet.cell("C2")?.value == .text("5.2"))
        #expect(sheet.cell("C2")?.asNumber() == 5.2)
        #expect(sheet.cell("D2")?.value == .date(serial: 45356))
        #expect(sheet.cell("D2")?.asDate()?.isoDate == "2024-03-05")
        #expect(sheet.cell("E2")?.value == .bool(true))
        #expect(sheet.cell("F2")?.value == .text("Bold and plain"))
        #expect(sheet.cell("G2")?.asNumber() == 12.5)
        #expect(sheet.cell("H2")?.value == .number(42.5))
        #expect(sheet.cell("I2")?.asDate()?.description == "2024-03-05T14:30:00")
        #expect(sheet.cell("J2")?.value == .text("=not a formula"))
        #expect(sheet.cell("J2")?.hasFormula == false)
        #expect(sheet.cell("K2")?.value == .bool(false))
        #expect(sheet.cell("L2")?.asDate()?.isoDate == "2024-03-05")
        // LibreOffice stores mixed Chinese and Latin text as rich text, one run per script.
        #expect(sheet.cell("M2")?.value == .text("乡镇 Township 第2组"))
        #expect(book.sheets[1].value(row: 1, col: 1) == .text("x"))
        #expect(book.sheets[2].value(row: 1, col: 1) == .number(1))
    }

    @Test("openpyxl workbooks: shared strings, formula, number as text, dates, bools, rich text",
          arguments: ["1900", "1904"])
    func openpyxl(system: String) throws {
        let folder = try makeTempFolder()
        defer { cleanup(folder) }
        let url = folder.appendingPathComponent("openpyxl-\(system).xlsx")
        try runPython(Self.openpyxlScript, args: [url.path, system], in: folder)
        let book = try openBook(url)
        try Self.checkOpenpyxlBook(book, date1904: system == "1904", libreOffice: false)
        #expect(book.sheets[2].state == .veryHidden)
    }

    @Test("LibreOffice's own xlsx output reads the same", .enabled(if: sofficePath != nil, "LibreOffice (soffice) is not installed"),
          arguments: ["1900", "1904"])
    func libreOffice(system: String) throws {
        let folder = try makeTempFolder()
        defer { cleanup(folder) }
        let source = folder.appendingPathComponent("source-\(system).xlsx")
        try runPython(Self.openpyxlScript, args: [source.path, system], in: folder)
        let converted = try convertWithLibreOffice(source, in: folder)
        let book = try openBook(converted)
        try Self.checkOpenpyxlBook(book, date1904: system == "1904", libreOffice: true)
        // LibreOffice has no "very hidden": the sheet comes back merely hidden.
        #expect(book.sheets[2].state == .hidden)
        // LibreOffice writes a typed boolean as a formula, TRUE() or FALSE(), with its cached value:
        // an importer that refuses formulas must allow these.
        let sheet = book.sheets[0]
        #expect(sheet.cell("E2")?.formula == "TRUE()")
        #expect(sheet.cell("K2")?.formula == "FALSE()")
        #expect(sheet.cell("E2")?.value == .bool(true))
    }

    @Test("every formula of a filled-down column is reported in LibreOffice's output (it writes each one, not shared formulas)",
          .enabled(if: sofficePath != nil, "LibreOffice (soffice) is not installed"))
    func libreOfficeSharedFormulas() throws {
        let folder = try makeTempFolder()
        defer { cleanup(folder) }
        let source = folder.appendingPathComponent("fill.xlsx")
        try runPython("""
            import sys
            from openpyxl import Workbook
            wb = Workbook()
            ws = wb.active
            for r in range(1, 21):
                ws.cell(row=r, column=1, value=r)
                ws.cell(row=r, column=2, value=f"=A{r}*2")
            wb.save(sys.argv[1])
            """, args: [source.path], in: folder)
        let converted = try convertWithLibreOffice(source, in: folder)
        let sheet = try #require(try openBook(converted).sheets.first)
        for r in 1...20 {
            let cell = try #require(sheet.cell(row: r, col: 2))
            #expect(cell.hasFormula, "B\(r)")
            #expect(cell.value == .number(Double(r * 2)), "B\(r)")
        }
        #expect(sheet.cell("B1")?.formula == "A1*2")
    }
}
