import Foundation
import Testing
@testable import XlsxReader

/// Workbooks written part by part: the shapes Excel and WPS write that the project's writers do not.
@Suite("Hand-made workbooks")
struct HandMadeTests {
    @Test("every value type, with the style deciding dates")
    func valueTypes() throws {
        let folder = try makeTempFolder()
        defer { cleanup(folder) }
        var book = HandMadeWorkbook()
        book.sharedStrings = ["<t>plain</t>", "<t xml:space=\"preserve\">  spaced  </t>", "<t>5.2</t>"]
        book.styles = testStyles
        book.sheets = [.init(name: "Values", body: """
            <row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c><c r="C1" t="s"><v>2</v></c>\
            <c r="D1" t="inlineStr"><is><t>inline</t></is></c><c r="E1" t="str"><f>"a"&amp;"b"</f><v>ab</v></c></row>
            <row r="2"><c r="A2"><v>42.5</v></c><c r="B2" t="n"><v>-1E-3</v></c><c r="C2" t="b"><v>1</v></c>\
            <c r="D2" t="b"><v>0</v></c><c r="E2" t="e"><v>#DIV/0!</v></c><c r="F2" s="5"><v>3.14159</v></c></row>
            <row r="3"><c r="A3" s="1"><v>45356</v></c><c r="B3" s="2"><v>45356.5</v></c><c r="C3" s="4"><v>45356</v></c>\
            <c r="D3" s="6"><v>0.25</v></c><c r="E3" s="7"><v>45356</v></c><c r="F3" s="3"><v>7</v></c></row>
            <row r="4"><c r="A4" s="1"/><c r="B4" s="3" t="s"><v>2</v></c><c r="C4" t="d"><v>2024-03-05T12:00:00</v></c></row>
            """)]
        let url = folder.appendingPathComponent("values.xlsx")
        try book.write(to: url)
        let wb = try openBook(url)
        let sheet = try #require(wb.sheet(named: "Values"))
        #expect(sheet.value(row: 1, col: 1) == .text("plain"))
        #expect(sheet.value(row: 1, col: 2) == .text("  spaced  "))
        #expect(sheet.value(row: 1, col: 3) == .text("5.2"))
        #expect(sheet.value(row: 1, col: 4) == .text("inline"))
        #expect(sheet.cell("E1")?.value == .text("ab"))
        #expect(sheet.cell("E1")?.formula == "\"a\"&\"b\"")
        #expect(sheet.value(row: 2, col: 1) == .number(42.5))
        #expect(sheet.value(row: 2, col: 2) == .number(-0.001))
        #expect(sheet.value(row: 2, col: 3) == .bool(true))
        #expect(sheet.value(row: 2, col: 4) == .bool(false))
        #expect(sheet.value(row: 2, col: 5) == .error("#DIV/0!"))
        #expect(sheet.value(row: 2, col: 6) == .number(3.14159))
        #expect(sheet.value(row: 3, col: 1) == .date(serial: 45356))
        #expect(sheet.value(row: 3, col: 1).asDate()?.isoDate == "2024-03-05")
        #expect(sheet.value(row: 3, col: 2).asDate()?.description == "2024-03-05T12:00:00")
        #expect(sheet.value(row: 3, col: 3) == .date(serial: 45356), "built-in 31 is a date in Chinese Excel")
        #expect(sheet.value(row: 3, col: 4) == .date(serial: 0.25), "[h]:mm is a time")
        #expect(sheet.value(row: 3, col: 4).asDate() == nil, "a time without a date is not a date")
        #expect(sheet.value(row: 3, col: 5) == .number(45356), "a quoted d is not a date letter")
        #expect(sheet.value(row: 3, col: 6) == .number(7), "a number in a text-formatted cell stays a number")
        // A styled empty cell is not kept; a number stored as text in a text cell stays text.
        #expect(sheet.cell(row: 4, col: 1) == nil)
        #expect(sheet.value(row: 4, col: 1) == .empty)
        #expect(sheet.value(row: 4, col: 2) == .text("5.2"))
        #expect(sheet.value(row: 4, col: 2).asNumber() == 5.2)
        #expect(sheet.value(row: 4, col: 3).asDate()?.description == "2024-03-05T12:00:00")
        #expect(sheet.rows.map(\.number) == [1, 2, 3, 4])
        #expect(sheet.rows[0].cells.map(\.ref) == ["A1", "B1", "C1", "D1", "E1"])
        #expect(sheet.lastRow == 4)
        #expect(sheet.lastColumn == 6)
        #expect(sheet.row(3)?.value(col: 1) == .date(serial: 45356))
        #expect(sheet.row(5) == nil)
    }

    @Test("rich text runs are joined, phonetic runs dropped, escapes decoded everywhere")
    func richTextAndEscapes() throws {
        let folder = try makeTempFolder()
        defer { cleanup(folder) }
        var book = HandMadeWorkbook()
        book.sharedStrings = [
            "<r><rPr><b/></rPr><t>Bold</t></r><r><t xml:space=\"preserve\"> and plain</t></r>",
            "<t>東京</t><rPh sb=\"0\" eb=\"2\"><t>トウキョウ</t></rPh><phoneticPr fontId=\"1\"/>",
            "<t>a_x000D__x000A_b</t>",
            "<t>_x005F_x0041_ stays, _x0041_ is A, _xD83D__xDE00_ joins</t>",
            "<t>line&#10;break &amp; &lt;tag&gt;</t>",
            "<t><![CDATA[cdata <kept>]]></t>",
        ]
        book.sheets = [
            .init(name: "Rich_x0020_Name", body: """
                <row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c><c r="C1" t="s"><v>2</v></c>\
                <c r="D1" t="s"><v>3</v></c><c r="E1" t="s"><v>4</v></c><c r="F1" t="s"><v>5</v></c>\
                <c r="G1" t="inlineStr"><is><r><t>in</t></r><r><rPr><i/></rPr><t>line_x005F_</t></r><rPh><t>x</t></rPh></is></c>\
                <c r="H1" t="str"><f>"x"</f><v>_x0031_</v></c></row>
                """),
        ]
        let url = folder.appendingPathComponent("rich.xlsx")
        try book.write(to: url)
        let wb = try openBook(url)
        let sheet = try #require(wb.sheets.first)
        #expect(sheet.name == "Rich Name", "sheet names are ST_Xstring too")
        #expect(sheet.value(row: 1, col: 1) == .text("Bold and plain"))
        #expect(sheet.value(row: 1, col: 2) == .text("東京"))
        #expect(sheet.value(row: 1, col: 3) == .text("a\r\nb"))
        #expect(sheet.value(row: 1, col: 4) == .text("_x0041_ stays, A is A, 😀 joins"))
        #expect(sheet.value(row: 1, col: 5) == .text("line\nbreak & <tag>"))
        #expect(sheet.value(row: 1, col: 6) == .text("cdata <kept>"))
        #expect(sheet.value(row: 1, col: 7) == .text("inline_"))
        #expect(sheet.value(row: 1, col: 8) == .text("1"))
    }

    @Test("formulas are reported, shared ones too, with or without a cached value")
    func formulas() throws {
        let folder = try makeTempFolder()
        defer { cleanup(folder) }
        var book = HandMadeWorkbook()
        book.sheets = [.init(name: "F", body: """
            <row r="1"><c r="A1"><f>1+1</f><v>2</v></c><c r="B1"><f>SUM(A1:A1)</f></c>\
            <c r="C1"><f t="shared" ref="C1:C3" si="0">A1*2</f><v>4</v></c></row>
            <row r="2"><c r="C2"><f t="shared" si="0"/><v>0</v></c><c r="D2"><f t="shared" si="7"/><v>1</v></c></row>
            <row r="3"><c r="C3"><f t="shared" si="0"/></c>\
            <c r="D3" t="e"><f t="array" ref="D3">1/0</f><v>#DIV/0!</v></c><c r="E3"><v>9</v></c></row>
            """)]
        let url = folder.appendingPathComponent("formulas.xlsx")
        try book.write(to: url)
        let sheet = try #require(try openBook(url).sheets.first)
        #expect(sheet.cell("A1")?.formula == "1+1")
        #expect(sheet.cell("A1")?.value == .number(2))
        #expect(sheet.cell("B1")?.formula == "SUM(A1:A1)")
        #expect(sheet.cell("B1")?.value == .empty, "a formula without a cached value is kept, empty")
        #expect(sheet.cell("C1")?.formula == "A1*2")
        #expect(sheet.cell("C2")?.formula == "A1*2", "a shared formula carries its group's text")
        #expect(sheet.cell("C2")?.hasFormula == true)
        #expect(sheet.cell("C3")?.formula == "A1*2")
        #expect(sheet.cell("D2")?.formula == "", "a shared formula whose group is unknown is still a formula")
        #expect(sheet.cell("D3")?.formula == "1/0")
        #expect(sheet.cell("D3")?.value == .error("#DIV/0!"))
        #expect(sheet.cell("E3")?.hasFormula == false)
    }

    @Test("hidden and very hidden sheets, order, absolute targets, cells without references")
    func sheetsAndStructure() throws {
        let folder = try makeTempFolder()
        defer { cleanup(folder) }
        var book = HandMadeWorkbook()
        book.absoluteTargets = true
        book.sharedStrings = ["<t>s</t>"]
        book.sheets = [
            .init(name: "案例", body: "<row><c><v>1</v></c><c><v>2</v></c><c r=\"E1\"><v>5</v></c><c><v>6</v></c></row><row><c t=\"s\"><v>0</v></c></row><row r=\"9\"><c><v>9</v></c></row>"),
            .init(name: "Lists", body: "", state: "hidden"),
            .init(name: "Secret", body: "<row r=\"1\"><c r=\"A1\"><v>1</v></c></row>", state: "veryHidden"),
        ]
        let url = folder.appendingPathComponent("sheets.xlsx")
        try book.write(to: url)
        let wb = try openBook(url)
        try #require(wb.sheets.count == 3)
        #expect(wb.sheets.map(\.name) == ["案例", "Lists", "Secret"])
        #expect(wb.sheets.map(\.state) == [.visible, .hidden, .veryHidden])
        #expect(wb.sheets.map(\.index) == [0, 1, 2])
        #expect(wb.visibleSheets.map(\.name) == ["案例"])
        #expect(wb.sheet(named: "lists")?.name == "Lists")
        #expect(wb.sheets[0].part == "xl/worksheets/sheet1.xml")
        #expect(wb.sheets[0].kind == .worksheet)
        let first = wb.sheets[0]
        #expect(first.cells.map(\.ref) == ["A1", "B1", "E1", "F1", "A2", "A9"])
        #expect(first.value(row: 1, col: 6) == .number(6))
        #expect(first.value(row: 2, col: 1) == .text("s"))
        #expect(wb.sheets[1].cells.isEmpty)
        #expect(wb.sheets[2].value(row: 1, col: 1) == .number(1))
    }

    @Test("the 1904 date system: serials are converted to the 1900 system")
    func dates1904() throws {
        let folder = try makeTempFolder()
        defer { cleanup(folder) }
        var book = HandMadeWorkbook()
        book.date1904 = true
        book.styles = testStyles
        // 2024-03-05 is 45356 in the 1900 system and 43894 in the 1904 system.
        book.sheets = [.init(name: "D", body: "<row r=\"1\"><c r=\"A1\" s=\"1\"><v>43894</v></c><c r=\"B1\"><v>43894</v></c><c r=\"C1\" s=\"2\"><v>0</v></c></row>")]
        let url = folder.appendingPathComponent("d1904.xlsx")
        try book.write(to: url)
        let wb = try openBook(url)
        #expect(wb.uses1904DateSystem)
        let sheet = try #require(wb.sheets.first)
        #expect(sheet.value(row: 1, col: 1) == .date(serial: 45356))
        #expect(sheet.value(row: 1, col: 1).asDate()?.isoDate == "2024-03-05")
        #expect(sheet.value(row: 1, col: 2) == .number(43894), "numbers that are not dates are left alone")
        #expect(sheet.value(row: 1, col: 3).asDate()?.isoDate == "1904-01-01")
    }

    @Test("prefixed main namespace and other relationship prefixes, as some generators write")
    func prefixedNamespaces() throws {
        let folder = try makeTempFolder()
        defer { cleanup(folder) }
        var book = HandMadeWorkbook()
        book.sheets = [.init(name: "P", body: """
            <?xml version="1.0" encoding="utf-8"?>
            <x:worksheet xmlns:x="\(HandMadeWorkbook.main)"><x:sheetData><x:row r="2"><x:c r="B2" t="inlineStr"><x:is><x:t>prefixed</x:t></x:is></x:c></x:row></x:sheetData></x:worksheet>
            """, raw: true)]
        book.overrides["xl/workbook.xml"] = """
            <?xml version="1.0" encoding="UTF-8"?>
            <x:workbook xmlns:x="\(HandMadeWorkbook.main)" xmlns:rel="\(HandMadeWorkbook.officeRels)"><x:sheets><x:sheet name="P" sheetId="1" rel:id="rId1"/></x:sheets></x:workbook>
            """
        let url = folder.appendingPathComponent("prefixed.xlsx")
        try book.write(to: url)
        let sheet = try #require(try openBook(url).sheets.first)
        #expect(sheet.value(row: 2, col: 2) == .text("prefixed"))
    }

    @Test("parts larger than 10 MB read whole (libxml2's late 'huge input' error is ignored only there)")
    func bigParts() throws {
        let folder = try makeTempFolder()
        defer { cleanup(folder) }
        var seed: UInt32 = 7
        func noise(_ count: Int) -> String {
            var bytes = [UInt8](repeating: 0, count: count)
            for i in 0..<count {
                seed = seed &* 1_664_525 &+ 1_013_904_223
                bytes[i] = UInt8(ascii: "a") + UInt8((seed >> 24) % 26)
            }
            return String(decoding: bytes, as: UTF8.self)
        }
        let long = (0..<600).map { _ in noise(9_000) }
        var book = HandMadeWorkbook()
        book.sharedStrings = long.map { "<t>\($0)</t>" }
        book.sheets = [.init(name: "Big", body: (0..<1_200).map { r in
            "<row r=\"\(r + 1)\"><c r=\"A\(r + 1)\" t=\"s\"><v>\(r % 600)</v></c><c r=\"B\(r + 1)\" t=\"inlineStr\"><is><t>\(long[(r * 7) % 600])</t></is></c></row>"
        }.joined())]
        let url = folder.appendingPathComponent("big.xlsx")
        try book.write(to: url)
        let sheet = try #require(try openBook(url).sheets.first)
        #expect(sheet.cells.count == 2_400)
        #expect(sheet.value(row: 1_200, col: 1) == .text(long[1_199 % 600]))
        #expect(sheet.value(row: 1_200, col: 2) == .text(long[(1_199 * 7) % 600]))
    }

    @Test("cells out of order are sorted")
    func outOfOrder() throws {
        let folder = try makeTempFolder()
        defer { cleanup(folder) }
        var book = HandMadeWorkbook()
        book.sheets = [.init(name: "O", body: "<row r=\"3\"><c r=\"B3\"><v>2</v></c><c r=\"A3\"><v>1</v></c></row><row r=\"1\"><c r=\"A1\"><v>0</v></c></row>")]
        let url = folder.appendingPathComponent("order.xlsx")
        try book.write(to: url)
        let sheet = try #require(try openBook(url).sheets.first)
        #expect(sheet.cells.map(\.ref) == ["A1", "A3", "B3"])
        #expect(sheet.value(row: 3, col: 2) == .number(2))
    }
}
