import Foundation
import Testing
@testable import XlsxWriter

extension XlsxWriterTests {
    @Suite("Sheet names")
    struct SheetNameTests {
        @Test("each sheet-name rule is refused with its own error")
        func rules() throws {
            let folder = try makeTempFolder()
            defer { cleanup(folder) }
            let wb = try Workbook(path: folder.appendingPathComponent("n.xlsx").path, options: testOptions())
            _ = try wb.addWorksheet(name: "Summary")
            let long = String(repeating: "单", count: 32)
            #expect(throws: XlsxError.sheetNameEmpty) { try wb.addWorksheet(name: "") }
            #expect(throws: XlsxError.sheetNameTooLong(name: long, length: 32)) { try wb.addWorksheet(name: long) }
            // An emoji counts 2 (UTF-16), so 16 of them are 32 units.
            let emoji = String(repeating: "😀", count: 16)
            #expect(throws: XlsxError.sheetNameTooLong(name: emoji, length: 32)) { try wb.addWorksheet(name: emoji) }
            for ch in ["[", "]", ":", "*", "?", "/", "\\"] {
                #expect(throws: XlsxError.sheetNameForbiddenCharacter(name: "a\(ch)b", character: "'\(ch)'")) {
                    try wb.addWorksheet(name: "a\(ch)b")
                }
            }
            #expect(throws: XlsxError.sheetNameForbiddenCharacter(name: "a\u{1}b", character: "U+0001")) { try wb.addWorksheet(name: "a\u{1}b") }
            #expect(throws: XlsxError.sheetNameApostrophe(name: "'quoted")) { try wb.addWorksheet(name: "'quoted") }
            #expect(throws: XlsxError.sheetNameApostrophe(name: "quoted'")) { try wb.addWorksheet(name: "quoted'") }
            #expect(throws: XlsxError.sheetNameReserved(name: "history")) { try wb.addWorksheet(name: "history") }
            #expect(throws: XlsxError.sheetNameTaken(name: "SUMMARY", existing: "Summary")) { try wb.addWorksheet(name: "SUMMARY") }
            // 31 characters, and apostrophes inside, are fine.
            _ = try wb.addWorksheet(name: String(repeating: "单", count: 31))
            _ = try wb.addWorksheet(name: "it's fine")
            #expect(wb.sheetNames == ["Summary", String(repeating: "单", count: 31), "it's fine"])
            try wb.close()
        }

        @Test("duplicates are refused ignoring case, beyond ASCII, including names the wrapper made")
        func duplicates() throws {
            let folder = try makeTempFolder()
            defer { cleanup(folder) }
            let wb = try Workbook(path: folder.appendingPathComponent("d.xlsx").path, options: testOptions())
            _ = try wb.addWorksheet(name: "Café")
            #expect(throws: XlsxError.sheetNameTaken(name: "CAFÉ", existing: "Café")) { try wb.addWorksheet(name: "CAFÉ") }
            #expect(throws: XlsxError.sheetNameTaken(name: "café", existing: "Café")) { try wb.addWorksheet(name: "café") }
            let made = try wb.addWorksheet(makingNameFrom: "Report: 2024/25")
            #expect(made.name == "Report_ 2024_25")
            #expect(throws: XlsxError.sheetNameTaken(name: "report_ 2024_25", existing: "Report_ 2024_25")) {
                try wb.addWorksheet(name: "report_ 2024_25")
            }
            let again = try wb.addWorksheet(makingNameFrom: "REPORT: 2024/25")
            #expect(again.name == "REPORT_ 2024_25 (2)")
            try wb.close()
        }

        @Test("SheetName.make turns a 40-character CJK unit name and forbidden characters into valid unique names")
        func make() throws {
            let unit = String(repeating: "计算机科学与技术学院", count: 4)  // 40 characters
            #expect(unit.count == 40)
            let first = SheetName.make(from: unit, taken: [])
            #expect(first == String(unit.prefix(31)))
            let second = SheetName.make(from: unit, taken: [first])
            #expect(second == String(unit.prefix(27)) + " (2)")
            let third = SheetName.make(from: unit, taken: [first, second.uppercased()])
            #expect(third == String(unit.prefix(27)) + " (3)")
            #expect(SheetName.make(from: "a[b]c:d*e?f/g\\h", taken: []) == "a_b_c_d_e_f_g_h")
            #expect(SheetName.make(from: "'引号'", taken: []) == "引号")
            #expect(SheetName.make(from: "", taken: []) == "Sheet")
            #expect(SheetName.make(from: "''", taken: ["sheet"]) == "Sheet (2)")
            #expect(SheetName.make(from: "History", taken: []) == "History_")
            // Cutting never splits an emoji or leaves an apostrophe at the end.
            let emoji = String(repeating: "👍", count: 20)
            #expect(SheetName.make(from: emoji, taken: []) == String(repeating: "👍", count: 15))
            #expect(SheetName.make(from: String(repeating: "a", count: 30) + "'b", taken: []) == String(repeating: "a", count: 30))
            for name in [first, second, third, SheetName.make(from: emoji, taken: [])] {
                try SheetName.validate(name)
            }
            // And the names work in a real file.
            let folder = try makeTempFolder()
            defer { cleanup(folder) }
            let url = folder.appendingPathComponent("m.xlsx")
            let wb = try Workbook(path: url.path, options: testOptions())
            let a = try wb.addWorksheet(makingNameFrom: unit)
            let b = try wb.addWorksheet(makingNameFrom: unit)
            try a.write("one", row: 0, col: 0)
            try b.write("two", row: 0, col: 0)
            try wb.close()
            let book = try readBack(url)
            #expect(book.sheets.map(\.title) == [first, second])
        }
    }
}
