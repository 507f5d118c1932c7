import Foundation
import Testing
@testable import XlsxWriter

/// All XlsxWriter tests, run one at a time: the locale test changes the process-wide locale.
@Suite("XlsxWriter", .serialized)
struct XlsxWriterTests {}

/// A JSON scalar as printed by Tests/Support/readxlsx.py.
enum JSONValue: Decodable, Equatable, CustomStringConvertible {
    case string(String)
    case number(Double)
    case bool(Bool)
    case null

    init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() { self = .null }
        else if let b = try? c.decode(Bool.self) { self = .bool(b) }
        else if let n = try? c.decode(Double.self) { self = .number(n) }
        else { self = .string(try c.decode(String.self)) }
    }

    var string: String? { if case .string(let s) = self { return s } else { return nil } }
    var number: Double? { if case .number(let n) = self { return n } else { return nil } }

    var description: String {
        switch self {
        case .string(let s): return s.debugDescription
        case .number(let n): return "\(n)"
        case .bool(let b): return "\(b)"
        case .null: return "null"
        }
    }
}

struct ReadCell: Decodable {
    let ref: String
    let row: Int
    let col: Int
    let value: JSONValue
    let dataType: String
    let numberFormat: String
    let bold: Bool
    let italic: Bool
    let fontSize: Double?
    let fontColor: String?
    let fill: String?
    let locked: Bool?
    let wrap: Bool
    let horizontal: String?
}

struct ReadPrint: Decodable {
    let orientation: String?
    let paperSize: Int?
    let fitToWidth: Int?
    let fitToHeight: Int?
    let fitToPage: Bool
    let titleRows: String?
    let headerCenter: String?
    let footerCenter: String?
}

struct ReadProtection: Decodable {
    let sheet: Bool
    let password: String?
}

struct ReadValidation: Decodable {
    let type: String?
    let formula1: String?
    let sqref: String
    let promptTitle: String?
    let prompt: String?
    let errorTitle: String?
    let error: String?
}

struct ReadConditional: Decodable {
    let sqref: String
    let type: String
    let formulas: [String]
}

struct ReadSheet: Decodable {
    let title: String
    let state: String
    let active: Bool
    let freezePanes: String?
    let maxRow: Int
    let cells: [ReadCell]
    let columnWidths: [String: Double]
    let hiddenColumns: [String]
    let autoFilter: String?
    let print: ReadPrint
    let protection: ReadProtection
    let dataValidations: [ReadValidation]
    let conditionalFormats: [ReadConditional]

    subscript(_ ref: String) -> ReadCell? { cells.first { $0.ref == ref } }
}

struct ReadProperties: Decodable {
    let title: String?
    let subject: String?
    let creator: String?
    let description: String?
    let created: String?
}

struct ReadBook: Decodable {
    let sheets: [ReadSheet]
    let activeIndex: Int
    let properties: ReadProperties

    subscript(_ title: String) -> ReadSheet? { sheets.first { $0.title == title } }
}

struct ReaderFailed: Error, CustomStringConvertible {
    let description: String
}

/// Reads a workbook back with openpyxl through Tests/Support/readxlsx.py.
func readBack(_ url: URL) throws -> ReadBook {
    let script = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Support/readxlsx.py")
    let scratch = try makeTempFolder()
    defer { cleanup(scratch) }
    let outURL = scratch.appendingPathComponent("stdout.json")
    let errURL = scratch.appendingPathComponent("stderr.txt")
    _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
    _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
    let out = try FileHandle(forWritingTo: outURL)
    let err = try FileHandle(forWritingTo: errURL)
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["python3", script.path, url.path]
    process.standardOutput = out
    process.standardError = err
    try process.run()
    let deadline = Date().addingTimeInterval(120)
    while process.isRunning && Date() < deadline { usleep(20_000) }
    if process.isRunning {
        process.terminate()
        process.waitUntilExit()
        throw ReaderFailed(description: "readxlsx.py timed out on \(url.path)")
    }
    process.waitUntilExit()
    try out.close()
    try err.close()
    let data = try Data(contentsOf: outURL)
    guard process.terminationStatus == 0 else {
        let message = (try? String(contentsOf: errURL, encoding: .utf8)) ?? ""
        throw ReaderFailed(description: "readxlsx.py failed (\(process.terminationStatus)): " + message)
    }
    let decoder = JSONDecoder()
    decoder.keyDecodingStrategy = .convertFromSnakeCase
    return try decoder.decode(ReadBook.self, from: data)
}

/// A fresh folder for one test, removed by the caller with `cleanup`.
func makeTempFolder() throws -> URL {
    let url = FileManager.default.temporaryDirectory
        .appendingPathComponent("xlsxwriter-tests-\(UUID().uuidString)", isDirectory: true)
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

func cleanup(_ url: URL) {
    try? FileManager.default.removeItem(at: url)
}

/// A fixed creation date (2023-11-14T22:13:20Z), so output never depends on the clock.
let fixedDate = Date(timeIntervalSince1970: 1_700_000_000)

func testOptions(constantMemory: Bool = true) -> Workbook.Options {
    Workbook.Options(created: fixedDate, constantMemory: constantMemory, title: "测试", author: "termaudit")
}

/// Writes one sheet with `body`, closes, and reads it back.
func roundTrip(constantMemory: Bool = true, sheet: String = "Data",
               _ body: (Workbook, Worksheet) throws -> Void) throws -> (ReadBook, Workbook) {
    let folder = try makeTempFolder()
    defer { cleanup(folder) }
    let url = folder.appendingPathComponent("out.xlsx")
    let wb = try Workbook(path: url.path, options: testOptions(constantMemory: constantMemory))
    let ws = try wb.addWorksheet(name: sheet)
    try body(wb, ws)
    try wb.close()
    return (try readBack(url), wb)
}

/// The names in a folder (including hidden files).
func folderContents(_ url: URL) throws -> [String] {
    try FileManager.default.contentsOfDirectory(atPath: url.path).sorted()
}
