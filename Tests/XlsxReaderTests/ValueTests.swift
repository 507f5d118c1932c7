import Foundation
import Testing
@testable import XlsxReader

@Suite("Values and helpers")
struct ValueTests {
    @Test("asNumber: numbers and plain decimals typed as text, full-width too; nothing else")
    func asNumber() {
        let accepted: [(XlsxReader.CellValue, Double)] = [
            (.number(3), 3), (.text("5.2"), 5.2), (.text(" 42 "), 42), (.text("-7"), -7), (.text("+7.50"), 7.5),
            (.text("１２．５"), 12.5), (.text("－３"), -3), (.text("００７"), 7), (.text("\u{3000}８\u{3000}"), 8),
        ]
        for (value, number) in accepted { #expect(value.asNumber() == number, "\(value)") }
        let refused: [XlsxReader.CellValue] = [
            .text(""), .text("abc"), .text("1,000"), .text("1e3"), .text("5 kg"), .text("."), .text("5."), .text(".5"),
            .text("nan"), .text("inf"), .text("0x10"), .text("--1"), .text("1.2.3"), .bool(true), .date(serial: 45356),
            .error("#N/A"), .empty,
        ]
        for value in refused { #expect(value.asNumber() == nil, "\(value)") }
    }

    @Test("asDate: date serials and three text forms that name a real day")
    func asDate() {
        #expect(XlsxReader.CellValue.date(serial: 45356).asDate()?.isoDate == "2024-03-05")
        #expect(XlsxReader.CellValue.text("2024-03-05").asDate()?.isoDate == "2024-03-05")
        #expect(XlsxReader.CellValue.text("2024/3/5").asDate()?.isoDate == "2024-03-05")
        #expect(XlsxReader.CellValue.text("2024年3月5日").asDate()?.isoDate == "2024-03-05")
        #expect(XlsxReader.CellValue.text(" ２０２４年１２月３１日 ").asDate()?.isoDate == "2024-12-31")
        #expect(XlsxReader.CellValue.text("2024-02-29").asDate()?.isoDate == "2024-02-29")
        let refused: [XlsxReader.CellValue] = [
            .text("2023-02-29"), .text("2024-13-01"), .text("2024-3-5x"), .text("3/5/2024"), .text("2024.3.5"),
            .text("2024-03/05"), .text("2024年3月5"), .text("24-03-05"), .text("20240305"), .text(""),
            .number(45356), .date(serial: 0.5), .date(serial: 60), .date(serial: -1), .bool(true),
        ]
        for value in refused { #expect(value.asDate() == nil, "\(value)") }
    }

    @Test("serials in Excel's 1900 system, with its fictitious 1900-02-29")
    func serials() throws {
        let known: [(Double, String)] = [
            (1, "1900-01-01"), (59, "1900-02-28"), (61, "1900-03-01"), (25569, "1970-01-01"),
            (45356, "2024-03-05"), (2_958_465, "9999-12-31"),
        ]
        for (serial, iso) in known {
            let date = try #require(XlsxDate(serial: serial))
            #expect(date.isoDate == iso)
            #expect(date.serial == serial)
        }
        #expect(XlsxDate(serial: 60) == nil)
        #expect(XlsxDate(serial: 2_958_466) == nil)
        #expect(XlsxDate(serial: 45356.999999)?.isoDate == "2024-03-06", "rounding to the second carries into the next day")
        let time = try #require(XlsxDate(serial: 45356 + 0.6041666667))
        #expect((time.hour, time.minute, time.second) == (14, 30, 0))
        #expect(time.description == "2024-03-05T14:30:00")
    }

    @Test("date number formats: built-in ids and letters outside quotes and brackets")
    func dateFormats() {
        for id in [14, 15, 16, 17, 18, 19, 20, 21, 22, 45, 46, 47, 31, 57, 58] {
            #expect(NumberFormat.isDate(id: id, code: nil), "id \(id)")
        }
        for id in [0, 1, 2, 3, 4, 9, 10, 11, 12, 13, 37, 38, 39, 40, 48, 49] {
            #expect(!NumberFormat.isDate(id: id, code: nil), "id \(id)")
        }
        for code in ["yyyy-mm-dd", "d/m/yy", "h:mm", "[h]:mm:ss", "[$-804]yyyy\"年\"m\"月\"d\"日\"", "yyyy/m/d;@",
                     "[Red][<0]dd;mm", "mmm", "ss.0"] {
            #expect(NumberFormat.isDate(code: code), "\(code)")
        }
        for code in ["General", "0.00", "#,##0", "@", "0.0\"d\"", "\\d0", "[Red]0.00", "[$¥-804]#,##0", "0.00E+00",
                     "#,##0_);(#,##0)", "* #,##0", "0%"] {
            #expect(!NumberFormat.isDate(code: code), "\(code)")
        }
        // A custom code given for a built-in id decides.
        #expect(!NumberFormat.isDate(id: 14, code: "0.00"))
    }

    @Test("_xHHHH_ escapes")
    func escapes() {
        #expect(decodeXString("plain") == "plain")
        #expect(decodeXString("_x0041_") == "A")
        #expect(decodeXString("_x005F_x0041_") == "_x0041_")
        #expect(decodeXString("a_x000d__x000A_b") == "a\r\nb")
        #expect(decodeXString("_xD83D__xDE00_") == "😀")
        #expect(decodeXString("_xD83D_") == "\u{FFFD}")
        #expect(decodeXString("_x41_ _x00G1_ x0041_ _x0041") == "_x41_ _x00G1_ x0041_ _x0041")
        #expect(decodeXString("中_x4E2D_文") == "中中文")
    }

    @Test("A1 references")
    func references() {
        #expect(CellRef.parse("A1") == .cell(row: 1, col: 1))
        #expect(CellRef.parse("xfd1048576") == .cell(row: 1_048_576, col: 16_384))
        #expect(CellRef.parse("XFE1") == .outOfGrid)
        #expect(CellRef.parse("A1048577") == .outOfGrid)
        #expect(CellRef.parse("AAAAA1") == .outOfGrid)
        #expect(CellRef.parse("A99999999999") == .outOfGrid)
        #expect(CellRef.parse("1A") == .invalid)
        #expect(CellRef.parse("A") == .invalid)
        #expect(CellRef.parse("") == .invalid)
        #expect(CellRef.parse("A1:B2") == .invalid)
        #expect(CellRef.a1(row: 7, col: 2) == "B7")
        #expect(CellRef.column(27) == "AA")
        #expect(CellRef.column(16_384) == "XFD")
        #expect(Cell(row: 7, col: 2, value: .number(1)).ref == "B7")
    }

    @Test("zlib's inflate, within a budget, gives back what ZIPFoundation deflated and refuses cut, oversized and broken streams")
    func inflate() throws {
        // Real streams: ZIPFoundation deflates a sheet and noise; inflating gives back the same bytes.
        let folder = try makeTempFolder()
        defer { cleanup(folder) }
        var text = ""
        for i in 0..<20_000 { text += "<row r=\"\(i)\"><c t=\"s\"><v>\(i * 7919 % 1000)</v></c></row>" }
        var seed: UInt32 = 1
        let noise: [UInt8] = (0..<70_000).map { i in
            seed = seed &* 1_664_525 &+ 1_013_904_223
            return i % 3 == 0 ? UInt8(seed >> 24) : UInt8(ascii: "a") + UInt8(seed >> 29)
        }
        let originals = [Data(text.utf8), Data(noise)]
        let url = folder.appendingPathComponent("z.zip")
        try writeZip([("a.xml", originals[0]), ("b.bin", originals[1])], to: url)
        let bytes = [UInt8](try Data(contentsOf: url))
        let headers = offsets(of: 0x0403_4B50, in: bytes)
        #expect(headers.count == 2)
        for (offset, original) in zip(headers, originals) {
            let csize = Int(bytes[offset + 18]) | Int(bytes[offset + 19]) << 8 | Int(bytes[offset + 20]) << 16 | Int(bytes[offset + 21]) << 24
            let usize = Int(bytes[offset + 22]) | Int(bytes[offset + 23]) << 8 | Int(bytes[offset + 24]) << 16 | Int(bytes[offset + 25]) << 24
            let start = offset + 30 + (Int(bytes[offset + 26]) | Int(bytes[offset + 27]) << 8) + (Int(bytes[offset + 28]) | Int(bytes[offset + 29]) << 8)
            let whole = try bytes[start..<(start + csize)].withUnsafeBytes { try Inflate.raw($0, keep: usize, budget: .max) }
            #expect(whole.size == UInt64(usize) && whole.data == original)
            #expect(original.withUnsafeBytes { Inflate.crc32($0) } == UInt32(bytes[offset + 14]) | UInt32(bytes[offset + 15]) << 8 | UInt32(bytes[offset + 16]) << 16 | UInt32(bytes[offset + 17]) << 24)
            // Kept only up to `keep`, counted to the end.
            let part = try bytes[start..<(start + csize)].withUnsafeBytes { try Inflate.raw($0, keep: 100, budget: .max) }
            #expect(part.size == UInt64(usize) && part.data == original.prefix(100))
            // Cut short: truncated.
            #expect(throws: Inflate.Failure.truncated) {
                try bytes[start..<(start + csize / 2)].withUnsafeBytes { try Inflate.raw($0, keep: usize, budget: .max) }
            }
            // Budget.
            #expect(throws: Inflate.Failure.overBudget) {
                try bytes[start..<(start + csize)].withUnsafeBytes { try Inflate.raw($0, keep: usize, budget: UInt64(usize - 1)) }
            }
        }
        // A stored block, a fixed-code block with only end-of-block, an invalid block type, and a non-final empty
        // stored block with nothing after it (a stream that never ends).
        let stored: [UInt8] = [0x01, 0x03, 0x00, 0xFC, 0xFF, 0x61, 0x62, 0x63]
        #expect(try stored.withUnsafeBytes { try Inflate.raw($0, keep: 10, budget: .max) }.data == Data("abc".utf8))
        let fixedEmpty: [UInt8] = [0x03, 0x00]
        #expect(try fixedEmpty.withUnsafeBytes { try Inflate.raw($0, keep: 10, budget: .max) }.size == 0)
        let badType: [UInt8] = [0x07]
        #expect(throws: Inflate.Failure.invalid("invalid block type")) {
            try badType.withUnsafeBytes { try Inflate.raw($0, keep: 10, budget: .max) }
        }
        let endless: [UInt8] = [0x00, 0x00, 0x00, 0xFF, 0xFF]
        #expect(throws: Inflate.Failure.truncated) {
            try endless.withUnsafeBytes { try Inflate.raw($0, keep: 10, budget: .max) }
        }
    }

    @Test("error messages name the place, in Chinese then English")
    func messages() {
        let e = XlsxReaderError.cellOutOfGrid(part: "xl/worksheets/sheet1.xml", sheet: "Cases", reference: "XFE1")
        #expect(e.part == "xl/worksheets/sheet1.xml")
        #expect(e.sheet == "Cases")
        #expect(e.cell == "XFE1")
        #expect(e.description == "单元格超出 Excel 表格范围（1048576 行 × 16384 列）（部件 xl/worksheets/sheet1.xml，工作表“Cases”，单元格 XFE1） / a cell lies outside Excel's grid (1,048,576 rows × 16,384 columns) (part xl/worksheets/sheet1.xml, sheet 'Cases', cell XFE1)")
        #expect(XlsxReaderError.workbookTooLarge(limit: 512 << 20).description == "解压后超过 512 MiB 上限 / the workbook expands to more than 512 MiB")
    }
}
