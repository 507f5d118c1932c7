import Foundation
import Testing
@testable import XlsxWriter

extension XlsxWriterTests {
    @Suite("Text cells")
    struct TextTests {
        @Test("text starting with = + - @ reads back as text, exactly", arguments: [true, false])
        func formulaLookingText(constantMemory: Bool) throws {
            let texts = ["=1+2", "=HYPERLINK(\"http://x\",\"y\")", "+86 10 1234", "-5", "@SUM(A1)", "=", "  =A1", "\t=A1"]
            let (book, _) = try roundTrip(constantMemory: constantMemory) { _, ws in
                for (i, t) in texts.enumerated() { try ws.write(t, row: i, col: 0) }
            }
            let sheet = try #require(book["Data"])
            for (i, t) in texts.enumerated() {
                let cell = try #require(sheet["A\(i + 1)"])
                #expect(cell.dataType == "s")
                #expect(cell.value == .string(t))
            }
        }

        @Test("emoji, CJK Extension B and right-to-left text round-trip", arguments: [true, false])
        func unicodeRoundTrip(constantMemory: Bool) throws {
            let texts = [
                "👩‍👩‍👧‍👦 家庭 🇨🇳",
                "𠀀𠀁𪚥 𩸽",                   // CJK Extension B (outside the BMP)
                "مرحبا بالعالم",
                "שלום עולם",
                "mixed עברית and العربية 123",
                "e\u{301} combining, ｆｕｌｌ－ｗｉｄｔｈ",
                " leading and trailing spaces ",
                "line1\nline2\r\nline3\rline4",
            ]
            let (book, wb) = try roundTrip(constantMemory: constantMemory) { _, ws in
                for (i, t) in texts.enumerated() { try ws.write(t, row: i, col: 0) }
            }
            let sheet = try #require(book["Data"])
            for (i, t) in texts.enumerated() {
                #expect(sheet["A\(i + 1)"]?.value == .string(t))
            }
            #expect(wb.sanitizations.isEmpty)
        }

        @Test("characters XML 1.0 forbids are replaced by U+FFFD and reported", arguments: [true, false])
        func forbiddenCharacters(constantMemory: Bool) throws {
            let (book, wb) = try roundTrip(constantMemory: constantMemory) { _, ws in
                try ws.write("a\u{0}b\u{1}c\u{8}d\u{B}e\u{C}f\u{1F}g", row: 0, col: 1)
                try ws.write("x\u{FFFE}y\u{FFFF}z", row: 1, col: 2)
                try ws.write("tab\tLF\nCR\r ok", row: 2, col: 0)
                try ws.write("\u{7F}\u{85}\u{1FFFE} allowed by XML", row: 3, col: 0)
            }
            let sheet = try #require(book["Data"])
            #expect(sheet["B1"]?.value == .string("a\u{FFFD}b\u{FFFD}c\u{FFFD}d\u{FFFD}e\u{FFFD}f\u{FFFD}g"))
            #expect(sheet["C2"]?.value == .string("x\u{FFFD}y\u{FFFD}z"))
            #expect(sheet["A3"]?.value == .string("tab\tLF\nCR\r ok"))
            #expect(sheet["A4"]?.value == .string("\u{7F}\u{85}\u{1FFFE} allowed by XML"))
            #expect(wb.sanitizations == [
                Sanitization(sheet: "Data", cell: "B1", field: "cell", replaced: [0x0, 0x1, 0x8, 0xB, 0xC, 0x1F]),
                Sanitization(sheet: "Data", cell: "C2", field: "cell", replaced: [0xFFFE, 0xFFFF]),
            ])
            #expect(wb.sanitizations[1].description == "sheet 'Data' cell C2 replaced U+FFFE, U+FFFF with U+FFFD")
        }

        @Test("text that looks like Excel's _xHHHH_ escape reads back literally", arguments: [true, false])
        func xEscapeRoundTrip(constantMemory: Bool) throws {
            let texts = [
                "_x0041_", "_x005F_x0041_", "_X0041_", "_x0041_x0042_", "a_x000D_b", "__x0041__",
                "_x0041\r", "_x0041\rb", "_x004G_", "_x41_", "x0041_", "_x0041", "单位_x4E2D_名称",
            ]
            let (book, _) = try roundTrip(constantMemory: constantMemory) { _, ws in
                for (i, t) in texts.enumerated() { try ws.write(t, row: i, col: 0) }
            }
            let sheet = try #require(book["Data"])
            for (i, t) in texts.enumerated() {
                #expect(sheet["A\(i + 1)"]?.value == .string(t), "row \(i + 1): \(t.debugDescription)")
            }
        }

        @Test("escaping _xHHHH_ is undone exactly by Excel's decoding rule")
        func escapeIsInvertible() {
            let alphabet: [String] = ["_", "x", "X", "0", "4", "1", "F", "G", "\r", "a"]
            var generator = SystemRandomNumberGenerator()
            for _ in 0..<3000 {
                let length = Int.random(in: 0...14, using: &generator)
                let text = (0..<length).map { _ in alphabet.randomElement(using: &generator) ?? "_" }.joined()
                // libxlsxwriter writes CR as _x000D_; emulate that before decoding.
                let stored = CellText.escapeXstring(text).replacingOccurrences(of: "\r", with: "_x000D_")
                #expect(CellText.unescapeXstring(stored) == text, "\(text.debugDescription)")
            }
        }

        @Test("32,767 UTF-16 code units are accepted and 32,768 refused, emoji counting 2", arguments: [true, false])
        func textLengthLimit(constantMemory: Bool) throws {
            let folder = try makeTempFolder()
            defer { cleanup(folder) }
            let url = folder.appendingPathComponent("long.xlsx")
            let wb = try Workbook(path: url.path, options: testOptions(constantMemory: constantMemory))
            let ws = try wb.addWorksheet(name: "Long")
            let ascii = String(repeating: "a", count: 32_767)
            let emoji = String(repeating: "😀", count: 16_383) + "b"  // 32,767 units, 16,384 code points
            try ws.write(ascii, row: 0, col: 0)
            try ws.write(emoji, row: 1, col: 0)
            #expect(throws: XlsxError.textTooLong(sheet: "Long", cell: "A3", length: 32_768)) {
                try ws.write(ascii + "a", row: 2, col: 0)
            }
            #expect(throws: XlsxError.textTooLong(sheet: "Long", cell: "B3", length: 32_768)) {
                try ws.write(String(repeating: "😀", count: 16_384), row: 2, col: 1)
            }
            #expect(throws: XlsxError.textTooLong(sheet: "Long", cell: "C3", length: 32_768)) {
                try ws.write(String(repeating: "中", count: 32_766) + "😀", row: 2, col: 2)
            }
            try wb.close()
            let sheet = try #require(try readBack(url)["Long"])
            #expect(sheet["A1"]?.value.string?.utf16.count == 32_767)
            #expect(sheet["A2"]?.value == .string(emoji))
            #expect(sheet["A3"] == nil)
        }

        @Test("NaN and infinity are refused; numbers read back exactly")
        func numbers() throws {
            let values: [Double] = [0, -0.5, 1234.5, 1e-300, 9.99999999999999e307, 0.1, 123456789012345]
            let (book, _) = try roundTrip { _, ws in
                for (i, v) in values.enumerated() { try ws.write(v, row: i, col: 0) }
                #expect(throws: XlsxError.notFinite(sheet: "Data", cell: "B1", value: "nan")) { try ws.write(Double.nan, row: 0, col: 1) }
                #expect(throws: XlsxError.notFinite(sheet: "Data", cell: "B2", value: "inf")) { try ws.write(Double.infinity, row: 1, col: 1) }
                #expect(throws: XlsxError.notFinite(sheet: "Data", cell: "B3", value: "-inf")) { try ws.write(-Double.infinity, row: 2, col: 1) }
            }
            let sheet = try #require(book["Data"])
            for (i, v) in values.enumerated() {
                #expect(sheet["A\(i + 1)"]?.value.number == v)
                #expect(sheet["A\(i + 1)"]?.dataType == "n")
            }
        }

        @Test("cells outside Excel's grid are refused")
        func grid() throws {
            let (book, _) = try roundTrip(constantMemory: false) { _, ws in
                #expect(throws: XlsxError.cellOutOfRange(sheet: "Data", row: 1_048_576, col: 0)) { try ws.write("x", row: 1_048_576, col: 0) }
                #expect(throws: XlsxError.cellOutOfRange(sheet: "Data", row: 0, col: 16_384)) { try ws.write(1, row: 0, col: 16_384) }
                #expect(throws: XlsxError.cellOutOfRange(sheet: "Data", row: -1, col: 0)) { try ws.writeBlank(row: -1, col: 0) }
                try ws.write("last", row: 1_048_575, col: 16_383)
            }
            #expect(book["Data"]?["XFD1048576"]?.value == .string("last"))
        }

        @Test("dates, formulas and blanks are written through their own calls")
        func datesFormulasBlanks() throws {
            let (book, _) = try roundTrip { wb, ws in
                let dateFormat = try wb.format(FormatSpec(numberFormat: "yyyy-mm-dd hh:mm"))
                try ws.write(ExcelDateTime(year: 2024, month: 2, day: 29, hour: 13, minute: 45), row: 0, col: 0, format: dateFormat)
                try ws.write(ExcelDateTime(Date(timeIntervalSince1970: 1_700_000_000), timeZone: TimeZone(identifier: "Asia/Shanghai") ?? .current),
                             row: 0, col: 1, format: dateFormat)
                try ws.write(2, row: 1, col: 0)
                try ws.write(3, row: 1, col: 1)
                try ws.writeFormula("=SUM(A2:B2)", result: 5, row: 1, col: 2)
                try ws.writeBlank(row: 1, col: 3, format: try wb.format(FormatSpec(backgroundColor: 0xFFFF00)))
                #expect(throws: XlsxError.invalidArgument(sheet: "Data", what: "date in cell E2", reason: "day 29 does not exist in 2023-2")) {
                    try ws.write(ExcelDateTime(year: 2023, month: 2, day: 29), row: 1, col: 4)
                }
                #expect(throws: XlsxError.self) { try ws.writeFormula("=", row: 1, col: 5) }
                #expect(throws: XlsxError.self) { try ws.writeFormula("=A1", result: .nan, row: 1, col: 5) }
            }
            let sheet = try #require(book["Data"])
            #expect(sheet["A1"]?.value == .string("2024-02-29T13:45:00"))
            #expect(sheet["A1"]?.dataType == "d")
            #expect(sheet["B1"]?.value == .string("2023-11-15T06:13:20"))
            #expect(sheet["C2"]?.dataType == "f")
            #expect(sheet["C2"]?.value == .string("=SUM(A2:B2)"))
            #expect(sheet["D2"]?.fill == "FFFFFF00")
        }
    }
}
