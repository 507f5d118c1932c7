import Foundation
import Testing
import ZIPFoundation
@testable import XlsxReader

/// Files that are not workbooks, damaged, or built to hurt: each refused with its own error.
@Suite("Hostile files")
struct HostileTests {
    /// A small valid workbook's parts, to be spoiled one way or another.
    static func baseBook() -> HandMadeWorkbook {
        var book = HandMadeWorkbook()
        book.sharedStrings = ["<t>a</t>"]
        book.sheets = [.init(name: "Cases", body: "<row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c><c r=\"B1\"><v>1</v></c></row>")]
        return book
    }

    @Test("a text file renamed .xlsx is not an xlsx workbook")
    func notAZip() throws {
        let folder = try makeTempFolder()
        defer { cleanup(folder) }
        let url = folder.appendingPathComponent("cases.xlsx")
        try Data("编号,标题\n1,测试\n".utf8).write(to: url)
        let error = try #require(openFailure(url))
        guard case .notAnXlsx = error else { Issue.record("got \(error)"); return }
        #expect(error.description.contains("not an xlsx workbook"))
        #expect(error.description.contains("不是 xlsx 工作簿"))

        let empty = folder.appendingPathComponent("empty.xlsx")
        try Data().write(to: empty)
        guard case .notAnXlsx = try #require(openFailure(empty)) else { Issue.record("empty file"); return }
    }

    @Test("a missing file or a folder cannot be read")
    func unreadable() throws {
        let folder = try makeTempFolder()
        defer { cleanup(folder) }
        guard case .unreadableFile = try #require(openFailure(folder.appendingPathComponent("none.xlsx"))) else {
            Issue.record("missing file"); return
        }
        guard case .unreadableFile = try #require(openFailure(folder)) else { Issue.record("folder"); return }
    }

    @Test("an OLE2 file (encrypted workbook or old .xls) is refused with advice")
    func ole2() throws {
        let folder = try makeTempFolder()
        defer { cleanup(folder) }
        let url = folder.appendingPathComponent("protected.xlsx")
        var bytes: [UInt8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]
        bytes += [UInt8](repeating: 0, count: 504)
        try Data(bytes).write(to: url)
        let error = try #require(openFailure(url))
        #expect(error == .encryptedOrLegacyFormat)
        #expect(error.description.contains("password-protected or old .xls — save as .xlsx without a password"))
    }

    @Test("a truncated zip is refused as damaged")
    func truncated() throws {
        let folder = try makeTempFolder()
        defer { cleanup(folder) }
        let url = folder.appendingPathComponent("whole.xlsx")
        try Self.baseBook().write(to: url)
        let data = try Data(contentsOf: url)
        for keep in [data.count / 2, data.count - 10, 30] {
            let cut = folder.appendingPathComponent("cut-\(keep).xlsx")
            try data.prefix(keep).write(to: cut)
            let error = try #require(openFailure(cut))
            guard case .damagedZip = error else { Issue.record("cut at \(keep): \(error)"); continue }
        }
    }

    @Test("a zip without xl/workbook.xml is not a workbook")
    func missingWorkbook() throws {
        let folder = try makeTempFolder()
        defer { cleanup(folder) }
        let url = folder.appendingPathComponent("doc.xlsx")
        try writeZip([("[Content_Types].xml", Data("<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\"/>".utf8)),
                      ("word/document.xml", Data("<document/>".utf8))], to: url)
        let error = try #require(openFailure(url))
        #expect(error == .missingWorkbook)
        #expect(error.description.contains("xl/workbook.xml"))
    }

    @Test("a zip bomb is refused from its declared sizes, before extracting")
    func zipBombDeclared() throws {
        let folder = try makeTempFolder()
        defer { cleanup(folder) }
        var book = Self.baseBook()
        // 3 MiB of one repeated row: compresses far beyond 200:1.
        let row = "<row><c t=\"s\"><v>0</v></c></row>"
        book.sheets[0].body = String(repeating: row, count: 3 * 1024 * 1024 / row.utf8.count)
        let url = folder.appendingPathComponent("bomb.xlsx")
        try book.write(to: url)
        // Default limits: the ratio.
        let ratio = try #require(openFailure(url))
        #expect(ratio == .compressionRatioTooHigh(part: "xl/worksheets/sheet1.xml", limit: 200))
        #expect(ratio.description.contains("zip bomb"))
        // The entry limit.
        let entry = try #require(openFailure(url, limits: XlsxLimits(maxEntryUncompressedBytes: 1 << 20, maxCompressionRatio: 1e9)))
        #expect(entry == .entryTooLarge(part: "xl/worksheets/sheet1.xml", limit: 1 << 20))
        #expect(entry.description.contains("1 MiB"))
        // The total.
        let total = try #require(openFailure(url, limits: XlsxLimits(maxTotalUncompressedBytes: 2 << 20, maxCompressionRatio: 1e9)))
        #expect(total == .workbookTooLarge(limit: 2 << 20))
        #expect(total.description.hasPrefix("解压后超过 2 MiB 上限 / the workbook expands to more than 2 MiB"))
        // The number of entries.
        let count = try #require(openFailure(url, limits: XlsxLimits(maxEntries: 3)))
        guard case .tooManyEntries(let n, 3) = count, n > 3 else { Issue.record("got \(count)"); return }
        // The file itself.
        guard case .fileTooLarge = try #require(openFailure(url, limits: XlsxLimits(maxFileBytes: 1000))) else {
            Issue.record("file size"); return
        }
        // Generous limits read it.
        let book2 = try openBook(url, limits: XlsxLimits(maxCompressionRatio: 1e9))
        #expect(book2.sheets[0].cells.count == 3 * 1024 * 1024 / row.utf8.count)
    }

    /// A workbook whose sheet entry declares `declared` bytes in both headers, though it expands to more.
    static func lyingWorkbook(in folder: URL, declared: UInt32) throws -> (URL, Int) {
        var book = baseBook()
        let row = "<row><c><v>7</v></c></row>"
        let rows = 40_000
        book.sheets[0].body = String(repeating: row, count: rows)
        let honest = folder.appendingPathComponent("honest.xlsx")
        try book.write(to: honest)
        var bytes = [UInt8](try Data(contentsOf: honest))
        let name = Array("xl/worksheets/sheet1.xml".utf8)
        var patched = 0
        for offset in offsets(of: 0x0201_4B50, in: bytes) {  // central directory: size at +24, name at +46
            let length = Int(bytes[offset + 28]) | Int(bytes[offset + 29]) << 8
            if Array(bytes[(offset + 46)..<(offset + 46 + length)]) == name {
                putU32(declared, at: offset + 24, in: &bytes)
                patched += 1
            }
        }
        for offset in offsets(of: 0x0403_4B50, in: bytes) {  // local header: size at +22, name at +30
            let length = Int(bytes[offset + 26]) | Int(bytes[offset + 27]) << 8
            if offset + 30 + length <= bytes.count, Array(bytes[(offset + 30)..<(offset + 30 + length)]) == name {
                putU32(declared, at: offset + 22, in: &bytes)
                patched += 1
            }
        }
        let url = folder.appendingPathComponent("lying.xlsx")
        try Data(bytes).write(to: url)
        let realSize = (try Data(contentsOf: honest)).count  // unused but handy when debugging
        _ = realSize
        return (url, patched)
    }

    @Test("an entry whose declared size lies is caught by counting the bytes it really expands to")
    func lyingSizes() throws {
        let folder = try makeTempFolder()
        defer { cleanup(folder) }
        let (url, patched) = try Self.lyingWorkbook(in: folder, declared: 1000)
        try #require(patched == 2, "the test must patch both headers")
        // ZIPFoundation alone would extract it: the CRC still matches, the sizes are not checked.
        let archive = try Archive(url: url, accessMode: .read)
        let entry = try #require(archive["xl/worksheets/sheet1.xml"])
        #expect(entry.uncompressedSize == 1000)
        var extracted = 0
        _ = try archive.extract(entry) { extracted += $0.count }
        #expect(extracted > 1_000_000)
        // The reader counts: with default limits it sees the mismatch ...
        let mismatch = try #require(openFailure(url))
        guard case .entrySizeMismatch(let part, 1000, let actual) = mismatch else { Issue.record("got \(mismatch)"); return }
        #expect(part == "xl/worksheets/sheet1.xml")
        #expect(actual == UInt64(extracted))
        // ... and with a limit below the real size, the limit.
        let limited = try #require(openFailure(url, limits: XlsxLimits(maxEntryUncompressedBytes: 500_000, maxCompressionRatio: 1e9)))
        #expect(limited == .entryTooLarge(part: "xl/worksheets/sheet1.xml", limit: 500_000))
        let total = try #require(openFailure(url, limits: XlsxLimits(maxTotalUncompressedBytes: 600_000, maxCompressionRatio: 1e9)))
        #expect(total == .workbookTooLarge(limit: 600_000))
    }

    @Test("a deflate stream that never ends is refused instead of hanging the zip library")
    func endlessDeflateStream() throws {
        let folder = try makeTempFolder()
        defer { cleanup(folder) }
        // A stored deflate block that is not the last one and claims 65,535 bytes: the stream runs
        // past the entry and the end of the file (ZIPFoundation 0.9.20 on Linux spins forever on it).
        let entryData: [UInt8] = [0x00, 0xFF, 0xFF, 0x00, 0x00] + Array("<x/>".utf8)
        let name = Array("xl/workbook.xml".utf8)
        func u16(_ v: Int) -> [UInt8] { [UInt8(v & 0xFF), UInt8(v >> 8 & 0xFF)] }
        func u32(_ v: Int) -> [UInt8] { u16(v & 0xFFFF) + u16(v >> 16) }
        let local = u32(0x0403_4B50) + u16(20) + u16(0) + u16(8) + u16(0) + u16(0) + u32(0)
            + u32(entryData.count) + u32(4) + u16(name.count) + u16(0) + name
        let central = u32(0x0201_4B50) + u16(20) + u16(20) + u16(0) + u16(8) + u16(0) + u16(0) + u32(0)
            + u32(entryData.count) + u32(4) + u16(name.count) + u16(0) + u16(0) + u16(0) + u16(0) + u32(0) + u32(0) + name
        let end = u32(0x0605_4B50) + u16(0) + u16(0) + u16(1) + u16(1) + u32(central.count)
            + u32(local.count + entryData.count) + u16(0)
        let url = folder.appendingPathComponent("endless.xlsx")
        try Data(local + entryData + central + end).write(to: url)
        let error = try #require(openFailure(url))
        guard case .damagedZip(let part, _) = error else { Issue.record("got \(error)"); return }
        #expect(part == "xl/workbook.xml")
    }

    @Test("a DOCTYPE is refused in any part, entity expansion never happens")
    func doctype() throws {
        let folder = try makeTempFolder()
        defer { cleanup(folder) }
        let laughs = """
            <?xml version="1.0"?>
            <!-- a comment first -->
            <!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>
            <sst xmlns="\(HandMadeWorkbook.main)"><si><t>&lol2;</t></si></sst>
            """
        var book = Self.baseBook()
        book.overrides["xl/sharedStrings.xml"] = laughs
        let url = folder.appendingPathComponent("laughs.xlsx")
        try book.write(to: url)
        let error = try #require(openFailure(url))
        #expect(error == .doctypeRefused(part: "xl/sharedStrings.xml", sheet: nil, line: 3, column: 1))
        #expect(error.description.contains("DOCTYPE"))

        // In a worksheet, with an external entity: the sheet is named.
        var book2 = Self.baseBook()
        book2.sheets[0].raw = true
        book2.sheets[0].body = "<!DOCTYPE x [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]><worksheet xmlns=\"\(HandMadeWorkbook.main)\"><sheetData><row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>&xxe;</t></is></c></row></sheetData></worksheet>"
        let url2 = folder.appendingPathComponent("xxe.xlsx")
        try book2.write(to: url2)
        let error2 = try #require(openFailure(url2))
        #expect(error2 == .doctypeRefused(part: "xl/worksheets/sheet1.xml", sheet: "Cases", line: 1, column: 1))

        // A part declared in another encoding (which could hide a DOCTYPE from a byte check).
        var book3 = Self.baseBook()
        book3.overrides["xl/sharedStrings.xml"] = "<?xml version=\"1.0\" encoding=\"UTF-16\"?><sst/>"
        let url3 = folder.appendingPathComponent("utf16.xlsx")
        try book3.write(to: url3)
        guard case .malformedXML(let part, _, _, _, _) = try #require(openFailure(url3)) else { Issue.record("encoding"); return }
        #expect(part == "xl/sharedStrings.xml")
    }

    @Test("malformed XML names the part, line and column")
    func malformedXML() throws {
        let folder = try makeTempFolder()
        defer { cleanup(folder) }
        var book = Self.baseBook()
        book.sheets[0].raw = true
        book.sheets[0].body = "<worksheet xmlns=\"\(HandMadeWorkbook.main)\">\n<sheetData>\n<row r=\"1\"><c r=\"A1\"><v>1</v></row>\n</sheetData></worksheet>"
        let url = folder.appendingPathComponent("bad.xlsx")
        try book.write(to: url)
        let error = try #require(openFailure(url))
        guard case .malformedXML(let part, let sheet, let line, let column, _) = error else { Issue.record("got \(error)"); return }
        #expect(part == "xl/worksheets/sheet1.xml")
        #expect(sheet == "Cases")
        #expect(line == 3)
        #expect(column > 1)
        #expect(error.description.contains("line 3"))

        // A part cut short: the Linux XMLParser reports nothing, the reader notices the open elements.
        var cut = Self.baseBook()
        cut.overrides["xl/sharedStrings.xml"] = "<sst xmlns=\"\(HandMadeWorkbook.main)\">"
        let url3 = folder.appendingPathComponent("cut.xlsx")
        try cut.write(to: url3)
        guard case .malformedXML("xl/sharedStrings.xml", nil, _, _, let reason) = try #require(openFailure(url3)) else {
            Issue.record("cut part"); return
        }
        #expect(reason.contains("truncated"))

        var book2 = Self.baseBook()
        book2.overrides["xl/workbook.xml"] = "<workbook><sheets><sheet name=\"a\" r:id=\"rId1\"/></sheets"
        let url2 = folder.appendingPathComponent("bad2.xlsx")
        try book2.write(to: url2)
        guard case .malformedXML(let part2, nil, _, _, _) = try #require(openFailure(url2)) else { Issue.record("workbook"); return }
        #expect(part2 == "xl/workbook.xml")
    }

    @Test("cell references outside the grid, or not references at all")
    func cellReferences() throws {
        let folder = try makeTempFolder()
        defer { cleanup(folder) }
        let cases: [(String, XlsxReaderError)] = [
            ("<row r=\"1\"><c r=\"XFE1\"><v>1</v></c></row>", .cellOutOfGrid(part: "xl/worksheets/sheet1.xml", sheet: "Cases", reference: "XFE1")),
            ("<row r=\"1\"><c r=\"A1048577\"><v>1</v></c></row>", .cellOutOfGrid(part: "xl/worksheets/sheet1.xml", sheet: "Cases", reference: "A1048577")),
            ("<row r=\"1\"><c r=\"A0\"><v>1</v></c></row>", .cellOutOfGrid(part: "xl/worksheets/sheet1.xml", sheet: "Cases", reference: "A0")),
            ("<row r=\"1048577\"><c><v>1</v></c></row>", .cellOutOfGrid(part: "xl/worksheets/sheet1.xml", sheet: "Cases", reference: "row 1048577")),
            ("<row r=\"1\"><c r=\"1A\"><v>1</v></c></row>", .invalidCellReference(part: "xl/worksheets/sheet1.xml", sheet: "Cases", reference: "1A")),
            ("<row r=\"1\"><c r=\"B7\"><v>1</v></c><c r=\"B7\"><v>2</v></c></row>", .duplicateCell(part: "xl/worksheets/sheet1.xml", sheet: "Cases", cell: "B7")),
            ("<row r=\"1\"><c r=\"C3\" t=\"s\"><v>5</v></c></row>", .sharedStringOutOfRange(part: "xl/worksheets/sheet1.xml", sheet: "Cases", cell: "C3", index: 5, count: 1)),
            ("<row r=\"1\"><c r=\"C3\" t=\"s\"><v>-1</v></c></row>", .sharedStringOutOfRange(part: "xl/worksheets/sheet1.xml", sheet: "Cases", cell: "C3", index: -1, count: 1)),
            ("<row r=\"1\"><c r=\"D4\"><v>nan</v></c></row>", .invalidCellValue(part: "xl/worksheets/sheet1.xml", sheet: "Cases", cell: "D4", type: "n", value: "nan")),
            ("<row r=\"1\"><c r=\"D4\" t=\"b\"><v>2</v></c></row>", .invalidCellValue(part: "xl/worksheets/sheet1.xml", sheet: "Cases", cell: "D4", type: "b", value: "2")),
        ]
        for (i, (body, expected)) in cases.enumerated() {
            var book = Self.baseBook()
            book.sheets[0].body = body
            let url = folder.appendingPathComponent("grid-\(i).xlsx")
            try book.write(to: url)
            let error = try #require(openFailure(url))
            #expect(error == expected, "case \(i)")
        }
        let message = XlsxReaderError.sharedStringOutOfRange(part: "xl/worksheets/sheet1.xml", sheet: "Cases", cell: "C3", index: 5, count: 1).description
        #expect(message.contains("cell C3") && message.contains("sheet 'Cases'") && message.contains("单元格 C3"))
    }

    @Test("sheet parts that are missing, shared by two sheets, or sheets with the same name")
    func sheetParts() throws {
        let folder = try makeTempFolder()
        defer { cleanup(folder) }
        var missing = Self.baseBook()
        missing.omit = ["xl/worksheets/sheet1.xml"]
        let url1 = folder.appendingPathComponent("missing.xlsx")
        try missing.write(to: url1)
        #expect(openFailure(url1) == .missingPart(part: "xl/worksheets/sheet1.xml", sheet: "Cases"))

        var shared = Self.baseBook()
        shared.sheets.append(.init(name: "Copy", body: "", part: "xl/worksheets/sheet1.xml"))
        let url2 = folder.appendingPathComponent("shared.xlsx")
        try shared.write(to: url2)
        #expect(openFailure(url2) == .duplicateSheetPart(part: "xl/worksheets/sheet1.xml", sheets: ["Cases", "Copy"]))

        var names = Self.baseBook()
        names.sheets.append(.init(name: "CASES", body: ""))
        let url3 = folder.appendingPathComponent("names.xlsx")
        try names.write(to: url3)
        #expect(openFailure(url3) == .duplicateSheetName(part: "xl/workbook.xml", sheet: "CASES"))

        var badRel = Self.baseBook()
        badRel.overrides["xl/_rels/workbook.xml.rels"] = "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\"/>"
        let url4 = folder.appendingPathComponent("badrel.xlsx")
        try badRel.write(to: url4)
        guard case .invalidWorkbook(let part, _) = try #require(openFailure(url4)) else { Issue.record("rels"); return }
        #expect(part == "xl/workbook.xml")
    }

    @Test("duplicate zip entries, zip encryption and unknown compression are refused")
    func zipEntries() throws {
        let folder = try makeTempFolder()
        defer { cleanup(folder) }
        var parts = Self.baseBook().parts()
        parts.append(("XL/worksheets/Sheet1.xml", Data("<worksheet/>".utf8)))
        let url = folder.appendingPathComponent("dup.xlsx")
        try writeZip(parts, to: url)
        #expect(openFailure(url) == .duplicateEntry(part: "XL/worksheets/Sheet1.xml"))

        // Set the "encrypted" flag, then an unknown method, on the workbook entry.
        let good = folder.appendingPathComponent("good.xlsx")
        try Self.baseBook().write(to: good)
        let bytes = [UInt8](try Data(contentsOf: good))
        let name = Array("xl/workbook.xml".utf8)
        func patch(_ apply: (inout [UInt8], Int) -> Void) -> [UInt8] {
            var copy = bytes
            for offset in offsets(of: 0x0201_4B50, in: copy) {
                let length = Int(copy[offset + 28]) | Int(copy[offset + 29]) << 8
                if Array(copy[(offset + 46)..<(offset + 46 + length)]) == name { apply(&copy, offset) }
            }
            return copy
        }
        let encrypted = folder.appendingPathComponent("enc.xlsx")
        try Data(patch { b, o in b[o + 8] |= 1 }).write(to: encrypted)
        #expect(openFailure(encrypted) == .encryptedEntry(part: "xl/workbook.xml"))
        let method = folder.appendingPathComponent("method.xlsx")
        try Data(patch { b, o in b[o + 10] = 14 }).write(to: method)  // LZMA
        #expect(openFailure(method) == .unsupportedCompression(part: "xl/workbook.xml", method: 14))
    }

    @Test("a corrupt deflate stream and a checksum mismatch are damage, not a crash")
    func corruptData() throws {
        let folder = try makeTempFolder()
        defer { cleanup(folder) }
        let good = folder.appendingPathComponent("good.xlsx")
        try Self.baseBook().write(to: good)
        let bytes = [UInt8](try Data(contentsOf: good))
        let name = Array("xl/workbook.xml".utf8)
        var copy = bytes
        var crcCopy = bytes
        for offset in offsets(of: 0x0403_4B50, in: bytes) {
            let length = Int(bytes[offset + 26]) | Int(bytes[offset + 27]) << 8
            guard Array(bytes[(offset + 30)..<(offset + 30 + length)]) == name else { continue }
            let start = offset + 30 + length + (Int(bytes[offset + 28]) | Int(bytes[offset + 29]) << 8)
            copy[start] = 0xFF  // block type 3: invalid
            copy[start + 1] = 0xFF
        }
        for offset in offsets(of: 0x0201_4B50, in: bytes) {
            let length = Int(bytes[offset + 28]) | Int(bytes[offset + 29]) << 8
            if Array(bytes[(offset + 46)..<(offset + 46 + length)]) == name { crcCopy[offset + 16] ^= 0xFF }
        }
        let corrupt = folder.appendingPathComponent("corrupt.xlsx")
        try Data(copy).write(to: corrupt)
        guard case .damagedZip("xl/workbook.xml", _) = try #require(openFailure(corrupt)) else { Issue.record("corrupt"); return }
        let crc = folder.appendingPathComponent("crc.xlsx")
        try Data(crcCopy).write(to: crc)
        let crcError = try #require(openFailure(crc))
        #expect(crcError == .damagedZip(part: "xl/workbook.xml", reason: "checksum mismatch"))
    }

    @Test("a zip64 package (sizes in the zip64 extra field, zip64 end record) reads",
          .enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/zip"), "Info-ZIP's zip is not installed"))
    func zip64() throws {
        let folder = try makeTempFolder()
        defer { cleanup(folder) }
        let tree = folder.appendingPathComponent("tree", isDirectory: true)
        for (name, data) in Self.baseBook().parts() {
            let url = tree.appendingPathComponent(name)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try data.write(to: url)
        }
        let url = folder.appendingPathComponent("z64.xlsx")
        try run(["zip", "-q", "-X", "-fz", "-r", url.path, "[Content_Types].xml", "_rels", "xl"], in: tree)
        let bytes = [UInt8](try Data(contentsOf: url))
        try #require(!offsets(of: 0x0606_4B50, in: bytes).isEmpty, "zip -fz wrote no zip64 end record")
        let sheet = try #require(try openBook(url).sheets.first)
        #expect(sheet.value(row: 1, col: 1) == .text("a"))
        #expect(sheet.value(row: 1, col: 2) == .number(1))
    }

    @Test("too many cells over all sheets")
    func tooManyCells() throws {
        let folder = try makeTempFolder()
        defer { cleanup(folder) }
        let url = folder.appendingPathComponent("cells.xlsx")
        try Self.baseBook().write(to: url)
        #expect(openFailure(url, limits: XlsxLimits(maxCells: 1)) == .tooManyCells(part: "xl/worksheets/sheet1.xml", sheet: "Cases", limit: 1))
        #expect(try openBook(url, limits: XlsxLimits(maxCells: 2)).sheets[0].cells.count == 2)
    }
}
