import Foundation
import Testing
@testable import XlsxWriter
#if canImport(Glibc)
import Glibc
#endif

extension XlsxWriterTests {
    @Suite("Workbook lifecycle")
    struct LifecycleTests {
        @Test("constant-memory writes to an earlier row throw instead of being dropped")
        func earlierRow() throws {
            let folder = try makeTempFolder()
            defer { cleanup(folder) }
            let url = folder.appendingPathComponent("c.xlsx")
            let wb = try Workbook(path: url.path, options: testOptions(constantMemory: true))
            let ws = try wb.addWorksheet(name: "Rows")
            try ws.write("r1", row: 0, col: 0)
            try ws.write("r2", row: 1, col: 0)
            try ws.write("r2b", row: 1, col: 1)  // same row is fine
            #expect(throws: XlsxError.rowAlreadyWritten(sheet: "Rows", cell: "B1")) { try ws.write("late", row: 0, col: 1) }
            #expect(throws: XlsxError.rowAlreadyWritten(sheet: "Rows", cell: "C1")) { try ws.write(1.5, row: 0, col: 2) }
            #expect(throws: XlsxError.rowAlreadyWritten(sheet: "Rows", cell: "D1")) { try ws.writeFormula("=1", row: 0, col: 3) }
            try wb.close()
            let sheet = try #require(try readBack(url)["Rows"])
            #expect(sheet.cells.map(\.ref) == ["A1", "A2", "B2"])
        }

        @Test("close twice throws, and every call after close throws .closed")
        func closeOnce() throws {
            let folder = try makeTempFolder()
            defer { cleanup(folder) }
            let wb = try Workbook(path: folder.appendingPathComponent("x.xlsx").path, options: testOptions())
            let ws = try wb.addWorksheet(name: "S")
            let bold = try wb.format(FormatSpec(bold: true))
            try ws.write("x", row: 0, col: 0, format: bold)
            #expect(wb.isOpen)
            try wb.close()
            #expect(!wb.isOpen)
            #expect(throws: XlsxError.closed(operation: "close")) { try wb.close() }
            #expect(throws: XlsxError.closed(operation: "add worksheet 'T'")) { try wb.addWorksheet(name: "T") }
            #expect(throws: XlsxError.closed(operation: "create format")) { try wb.format(FormatSpec(italic: true)) }
            #expect(throws: XlsxError.closed(operation: "write text on sheet 'S'")) { try ws.write("y", row: 1, col: 0) }
            #expect(throws: XlsxError.closed(operation: "write number on sheet 'S'")) { try ws.write(1, row: 1, col: 0) }
            #expect(throws: XlsxError.closed(operation: "write blank on sheet 'S'")) { try ws.writeBlank(row: 1, col: 0, format: bold) }
            #expect(throws: XlsxError.closed(operation: "set column on sheet 'S'")) { try ws.setColumn(first: 0, last: 0, width: 10) }
            #expect(throws: XlsxError.closed(operation: "freeze panes on sheet 'S'")) { try ws.freezePanes(row: 1, col: 0) }
            #expect(throws: XlsxError.closed(operation: "protect on sheet 'S'")) { try ws.protect() }
            #expect(throws: XlsxError.closed(operation: "hide on sheet 'S'")) { try ws.hide() }
            #expect(throws: XlsxError.closed(operation: "set header on sheet 'S'")) { try ws.setHeader("x") }
        }

        @Test("a workbook that is never closed writes no file")
        func deinitWithoutClose() throws {
            let folder = try makeTempFolder()
            defer { cleanup(folder) }
            let plain = folder.appendingPathComponent("plain.xlsx")
            let atomic = folder.appendingPathComponent("atomic.xlsx")
            do {
                let a = try Workbook(path: plain.path, options: testOptions(constantMemory: true))
                let b = try Workbook(atomicOutput: atomic, options: testOptions(constantMemory: false))
                for wb in [a, b] {
                    let ws = try wb.addWorksheet(name: "S")
                    for r in 0..<100 { try ws.write("row \(r)", row: r, col: 0) }
                }
            }
            #expect(try folderContents(folder) == [])
        }

        @Test("the same input written twice gives byte-identical files", arguments: [true, false])
        func byteIdentical(constantMemory: Bool) throws {
            let folder = try makeTempFolder()
            defer { cleanup(folder) }
            func write(_ name: String) throws -> Data {
                let url = folder.appendingPathComponent(name)
                let wb = try Workbook(atomicOutput: url, options: testOptions(constantMemory: constantMemory))
                let ws = try wb.addWorksheet(name: "数据")
                let pct = try wb.format(FormatSpec(numberFormat: "0.0%"))
                try ws.setColumn(first: 0, last: 0, width: 20)
                for r in 0..<50 {
                    try ws.write("单位 \(r)", row: r, col: 0)
                    try ws.write(Double(r) / 7, row: r, col: 1, format: pct)
                }
                try wb.close()
                return try Data(contentsOf: url)
            }
            let first = try write("one.xlsx")
            usleep(1_100_000)  // let the clock move past a second boundary
            let second = try write("two.xlsx")
            #expect(first == second)
            #expect(!first.isEmpty)
        }

        @Test("document properties are written, created from the options not the clock")
        func properties() throws {
            let folder = try makeTempFolder()
            defer { cleanup(folder) }
            let url = folder.appendingPathComponent("p.xlsx")
            var options = testOptions()
            options.subject = "期末\u{1}审计"
            options.comments = "备注"
            let wb = try Workbook(path: url.path, options: options)
            _ = try wb.addWorksheet(name: "S")
            try wb.close()
            let book = try readBack(url)
            #expect(book.properties.title == "测试")
            #expect(book.properties.subject == "期末\u{FFFD}审计")
            #expect(book.properties.creator == "termaudit")
            #expect(book.properties.description == "备注")
            #expect(book.properties.created == "2023-11-14T22:13:20")
            #expect(wb.sanitizations == [Sanitization(sheet: nil, cell: nil, field: "subject", replaced: [1])])
            #expect(throws: XlsxError.self) {
                try Workbook(path: url.path, options: Workbook.Options(created: Date(timeIntervalSince1970: 0)))
            }
        }

        @Test("numbers are written with a dot under a German process locale", .enabled(if: LifecycleTests.germanLocaleAvailable,
              "de_DE.UTF-8 is not installed (sed -i 's/^# *de_DE.UTF-8 UTF-8/de_DE.UTF-8 UTF-8/' /etc/locale.gen && locale-gen)"),
              arguments: [true, false])
        func germanLocale(constantMemory: Bool) throws {
            let folder = try makeTempFolder()
            defer { cleanup(folder) }
            let url = folder.appendingPathComponent("de.xlsx")
            let previous = try #require(currentLocale())
            // Keep the process-wide German locale only while libxlsxwriter formats numbers.
            do {
                guard setlocale(LC_ALL, "de_DE.UTF-8") != nil else {
                    Issue.record("setlocale(de_DE.UTF-8) failed although newlocale succeeded")
                    return
                }
                defer { setlocale(LC_ALL, previous) }
                var probe = [CChar](repeating: 0, count: 32)
                _ = withVaList([1234.5]) { vsnprintf(&probe, 32, "%.16G", $0) }
                let printed = String(decoding: probe.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
                #expect(printed == "1234,5", "the German locale should use a decimal comma")
                let wb = try Workbook(path: url.path, options: testOptions(constantMemory: constantMemory))
                let ws = try wb.addWorksheet(name: "Zahlen")
                try ws.setColumn(first: 0, last: 0, width: 12.5)
                try ws.write(1234.5, row: 0, col: 0)
                try ws.write(0.25, row: 1, col: 0)
                try ws.writeRow(2) { w in try w.write(2.75, col: 0) }
                try wb.withCNumericLocale { try ws.write(-1.125, row: 3, col: 0) }
                try ws.write("next row flushes the previous one", row: 4, col: 0)
                try wb.close()
            }
            #expect(currentLocale() == previous)
            let sheet = try #require(try readBack(url)["Zahlen"])
            #expect(sheet["A1"]?.value == .number(1234.5))
            #expect(sheet["A2"]?.value == .number(0.25))
            #expect(sheet["A3"]?.value == .number(2.75))
            #expect(sheet["A4"]?.value == .number(-1.125))
            #expect(sheet.columnWidths["A"].map { abs($0 - 13.28515625) < 1e-9 } == true)
        }

        func currentLocale() -> String? {
            guard let name = setlocale(LC_ALL, nil) else { return nil }
            return String(validatingCString: name)
        }

        static var germanLocaleAvailable: Bool {
            guard let loc = newlocale(LC_NUMERIC_MASK | LC_CTYPE_MASK, "de_DE.UTF-8", nil) else { return false }
            freelocale(loc)
            return true
        }

        @Test("libraryVersion reports libxlsxwriter's version")
        func version() {
            #expect(libraryVersion.split(separator: ".").count == 3)
            #expect(libraryVersion.first?.isNumber == true)
        }
    }
}
