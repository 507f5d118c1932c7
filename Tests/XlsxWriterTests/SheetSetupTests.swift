import Foundation
import Testing
@testable import XlsxWriter

extension XlsxWriterTests {
    @Suite("Sheet setup")
    struct SheetSetupTests {
        @Test("column widths, freeze panes, autofilter and print setup read back", arguments: [true, false])
        func printSetup(constantMemory: Bool) throws {
            let (book, _) = try roundTrip(constantMemory: constantMemory, sheet: "名单") { wb, ws in
                let header = try wb.format(FormatSpec(bold: true, wrap: true))
                try ws.setColumn(first: 0, last: 0, width: TextWidth.columnWidth(for: ["学号", "20240001"]))
                try ws.setColumn(first: 1, last: 2, width: 30, format: header)
                try ws.setColumn(first: 3, last: 3, hidden: true)
                try ws.freezePanes(row: 1, col: 1)
                for r in 0..<4 { for c in 0..<4 { try ws.write("r\(r)c\(c)", row: r, col: c) } }
                try ws.autofilter(CellRange(firstRow: 0, firstCol: 0, lastRow: 3, lastCol: 3))
                try ws.setLandscape()
                try ws.setPaper(.a4)
                try ws.fitToPages(width: 1, height: 0)
                try ws.repeatRows(first: 0, last: 0)
                try ws.setHeader("&C期末审计 &A")
                try ws.setFooter("&C第 &P 页 共 &N 页")
            }
            let sheet = try #require(book["名单"])
            #expect(sheet.columnWidths["A"].map { $0 > 10 && $0 < 13 } == true)
            #expect(sheet.columnWidths["B"].map { abs($0 - 30.7109375) < 1e-6 } == true)
            #expect(sheet.hiddenColumns == ["D"])
            #expect(sheet.freezePanes == "B2")
            #expect(sheet.autoFilter == "A1:D4")
            #expect(sheet.print.orientation == "landscape")
            #expect(sheet.print.paperSize == 9)
            #expect(sheet.print.fitToPage)
            #expect(sheet.print.fitToWidth == 1)
            #expect(sheet.print.fitToHeight == 0)
            #expect(sheet.print.titleRows == "$1:$1")
            #expect(sheet.print.headerCenter == "期末审计 &A")
            #expect(sheet.print.footerCenter == "第 &P 页 共 &N 页")
        }

        @Test("setup arguments outside Excel's limits are refused")
        func setupLimits() throws {
            let folder = try makeTempFolder()
            defer { cleanup(folder) }
            let wb = try Workbook(path: folder.appendingPathComponent("l.xlsx").path, options: testOptions())
            let ws = try wb.addWorksheet(name: "S")
            #expect(throws: XlsxError.self) { try ws.setColumn(first: 2, last: 1, width: 10) }
            #expect(throws: XlsxError.self) { try ws.setColumn(first: 0, last: 16_384, width: 10) }
            #expect(throws: XlsxError.invalidArgument(sheet: "S", what: "column width", reason: "256.0 is outside Excel's 0…255")) {
                try ws.setColumn(first: 0, last: 0, width: 256)
            }
            #expect(throws: XlsxError.self) { try ws.setColumn(first: 0, last: 0, width: .nan) }
            #expect(throws: XlsxError.self) { try ws.autofilter(CellRange(firstRow: 3, firstCol: 0, lastRow: 1, lastCol: 0)) }
            #expect(throws: XlsxError.self) { try ws.repeatRows(first: 0, last: 1_048_576) }
            #expect(throws: XlsxError.self) { try ws.fitToPages(width: -1, height: 0) }
            #expect(throws: XlsxError.cellOutOfRange(sheet: "S", row: 1_048_576, col: 0)) { try ws.freezePanes(row: 1_048_576, col: 0) }
            let long = String(repeating: "页", count: 256)
            #expect(throws: XlsxError.headerFooterTooLong(sheet: "S", length: 256)) { try ws.setHeader(long) }
            #expect(throws: XlsxError.headerFooterTooLong(sheet: "S", length: 256)) { try ws.setFooter(long) }
            try ws.setFooter(String(repeating: "页", count: 255))
            try ws.setHeader("&C单位\u{7}名称")
            #expect(wb.sanitizations == [Sanitization(sheet: "S", cell: nil, field: "header", replaced: [7])])
            try wb.close()
        }

        @Test("hide and activate: the active sheet cannot be hidden")
        func hideActivate() throws {
            let folder = try makeTempFolder()
            defer { cleanup(folder) }
            let url = folder.appendingPathComponent("h.xlsx")
            let wb = try Workbook(path: url.path, options: testOptions())
            let lists = try wb.addWorksheet(name: "Lists")
            let main = try wb.addWorksheet(name: "Main")
            #expect(throws: XlsxError.cannotHideActiveSheet(sheet: "Lists")) { try lists.hide() }
            try main.activate()
            try lists.hide()
            #expect(lists.isHidden)
            #expect(throws: XlsxError.cannotHideActiveSheet(sheet: "Main")) { try main.hide() }
            try wb.close()
            let book = try readBack(url)
            #expect(book["Lists"]?.state == "hidden")
            #expect(book["Main"]?.state == "visible")
            #expect(book.activeIndex == 1)
        }

        @Test("sheet protection: passwords over 24 characters or non-ASCII are refused")
        func protection() throws {
            let folder = try makeTempFolder()
            defer { cleanup(folder) }
            let url = folder.appendingPathComponent("p.xlsx")
            let wb = try Workbook(path: url.path, options: testOptions())
            let locked = try wb.addWorksheet(name: "Locked")
            let open = try wb.addWorksheet(name: "NoPassword")
            let long = String(repeating: "p", count: 25)
            #expect(throws: XlsxError.passwordTooLong(sheet: "Locked", length: 25)) { try locked.protect(password: long) }
            #expect(throws: XlsxError.passwordNotASCII(sheet: "Locked")) { try locked.protect(password: "密码") }
            try locked.protect(password: String(repeating: "p", count: 24))
            let editable = try wb.format(FormatSpec(locked: false))
            try locked.write("edit me", row: 0, col: 0, format: editable)
            try locked.write("fixed", row: 1, col: 0)
            try open.protect()
            try wb.close()
            let book = try readBack(url)
            let sheet = try #require(book["Locked"])
            #expect(sheet.protection.sheet)
            #expect(sheet.protection.password?.count == 4)
            #expect(sheet["A1"]?.locked == false)
            #expect(sheet["A2"]?.locked == true)
            #expect(book["NoPassword"]?.protection.sheet == true)
            #expect(book["NoPassword"]?.protection.password == nil)
        }

        @Test("a list validation points at a cell range and reads back", arguments: [true, false])
        func listValidation(constantMemory: Bool) throws {
            let folder = try makeTempFolder()
            defer { cleanup(folder) }
            let url = folder.appendingPathComponent("v.xlsx")
            let wb = try Workbook(path: url.path, options: testOptions(constantMemory: constantMemory))
            let main = try wb.addWorksheet(name: "审计")
            let lists = try wb.addWorksheet(name: "Lists 'x' 表")
            let choices = ["符合", "基本符合", "不符合", String(repeating: "很长的选项", count: 30)]
            for (i, c) in choices.enumerated() { try lists.write(c, row: i, col: 0) }
            try main.write("结论", row: 0, col: 0)
            try main.addListValidation(range: CellRange(firstRow: 1, firstCol: 0, lastRow: 200, lastCol: 0),
                                       sourceSheet: "lists 'X' 表", source: CellRange(firstRow: 0, firstCol: 0, lastRow: 3, lastCol: 0),
                                       inputTitle: "请选择", inputMessage: "从列表中选择结论", errorTitle: "无效", errorMessage: "只能选择列表中的值")
            #expect(throws: XlsxError.invalidArgument(sheet: "审计", what: "validation source sheet", reason: "no sheet named 'Nope'")) {
                try main.addListValidation(range: CellRange(firstRow: 1, firstCol: 1, lastRow: 2, lastCol: 1),
                                           sourceSheet: "Nope", source: CellRange(firstRow: 0, firstCol: 0, lastRow: 3, lastCol: 0))
            }
            #expect(throws: XlsxError.self) {
                try main.addListValidation(range: CellRange(firstRow: 1, firstCol: 1, lastRow: 2, lastCol: 1),
                                           sourceSheet: "审计", source: CellRange(firstRow: 0, firstCol: 0, lastRow: 3, lastCol: 0),
                                           inputTitle: String(repeating: "长", count: 33))
            }
            try wb.close()
            let sheet = try #require(try readBack(url)["审计"])
            #expect(sheet.dataValidations.count == 1)
            let dv = try #require(sheet.dataValidations.first)
            #expect(dv.type == "list")
            #expect(dv.formula1 == "'Lists ''x'' 表'!$A$1:$A$4")
            #expect(dv.sqref == "A2:A201")
            #expect(dv.promptTitle == "请选择")
            #expect(dv.prompt == "从列表中选择结论")
            #expect(dv.errorTitle == "无效")
            #expect(dv.error == "只能选择列表中的值")
        }

        @Test("a conditional format by formula over a range reads back")
        func conditionalFormat() throws {
            let (book, wb) = try roundTrip { wb, ws in
                let red = try wb.format(FormatSpec(fontColor: 0x9C0006, backgroundColor: 0xFFC7CE))
                for r in 0..<5 { try ws.write(Double(r * 20), row: r, col: 0) }
                try ws.addConditionalFormat(range: CellRange(firstRow: 0, firstCol: 0, lastRow: 4, lastCol: 2), formula: "=$A1<60", format: red)
                #expect(throws: XlsxError.self) {
                    try ws.addConditionalFormat(range: CellRange(firstRow: 0, firstCol: 0, lastRow: 4, lastCol: 2), formula: "=", format: red)
                }
            }
            let cf = try #require(book["Data"]?.conditionalFormats.first)
            #expect(cf.sqref == "A1:C5")
            #expect(cf.type == "expression")
            #expect(cf.formulas == ["$A1<60"])
            #expect(wb.distinctFormatCount == 1)
        }
    }
}
