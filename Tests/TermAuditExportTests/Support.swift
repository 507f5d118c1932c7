import Foundation
import TermAudit
import TermAuditExport
import TermAuditLoader
import TermAuditRules
import TermAuditSignoff

/// Shared helpers for the export tests: loading the samples, exporting, and reading workbooks back with openpyxl.
enum X {
    static let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let samples = repo.appendingPathComponent("samples")

    static func tempDir() throws -> URL {
        let d = FileManager.default.temporaryDirectory.appendingPathComponent("termaudit-export-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: d, withIntermediateDirectories: true)
        return d
    }

    static func loadSamples() throws -> Workspace {
        let r = WorkspaceLoader.load(path: samples.path)
        guard !r.hasErrors, let ws = r.workspace else { throw TestFailure("samples do not load: \(r.diagnostics)") }
        return ws
    }

    /// Exports cases to `url` the way the command does.
    @discardableResult
    static func export(_ ws: Workspace, cases: [AuditCase]? = nil, edition: Edition, lang: Language = .zh, to url: URL,
                       rowLimit: Int = 1_048_576) throws -> ExportSummary {
        let policy = ws.policy!
        let ev = CaseEvaluator(workspace: ws, policy: policy, asOf: ws.config.asOf!)
        let ctx = ExportContext(jurisdiction: ws.config.jurisdiction, period: ws.config.period, policy: policy, library: ws.library,
                                asOf: ev.asOf, edition: edition, lang: lang, generator: "termaudit test")
        let (sink, _) = try XlsxSink.make(url: url, info: DocumentInfo(title: "t", subject: "s", company: ws.config.jurisdiction, comments: "c", created: ev.asOf),
                                header: PageMarks.header(jurisdiction: ws.config.jurisdiction, edition: edition, lang: lang),
                                footer: PageMarks.footer(asOf: ev.asOf, edition: edition, lang: lang), rowLimit: rowLimit)
        let exporter = try WorkbookExporter(sink: sink, context: ctx)
        for c in cases ?? ws.cases { try exporter.add(ev.evaluate(c), digest: CaseDigest(c).digest) }
        return try exporter.finish()
    }

    /// Runs a program and returns its standard output; throws with its standard error on failure.
    static func run(_ args: [String], env: [String: String] = [:], cwd: URL? = nil) throws -> (out: Data, err: String, status: Int32) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = args
        var e = ProcessInfo.processInfo.environment
        for (k, v) in env { e[k] = v }
        p.environment = e
        if let cwd { p.currentDirectoryURL = cwd }
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        let o = out.fileHandleForReading.readDataToEndOfFile()
        let er = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (o, String(decoding: er, as: UTF8.self), p.terminationStatus)
    }

    /// The workbook as openpyxl reads it.
    static func read(_ url: URL) throws -> Book {
        let r = try run(["python3", repo.appendingPathComponent("Tests/Support/dump_workbook.py").path, url.path])
        guard r.status == 0 else { throw TestFailure("dump_workbook.py failed: \(r.err)") }
        return try JSONDecoder().decode(Book.self, from: r.out)
    }

    /// The termaudit executable built beside the tests.
    static var termaudit: String {
        let beside = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("termaudit")
        if FileManager.default.isExecutableFile(atPath: beside.path) { return beside.path }
        return repo.appendingPathComponent(".build/debug/termaudit").path
    }
}

struct TestFailure: Error, CustomStringConvertible {
    var description: String
    init(_ d: String) { description = d }
}

/// A cell value read back: text, number, or bool.
enum CellJSON: Decodable, Equatable, CustomStringConvertible {
    case text(String), number(Double), bool(Bool), null

    init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() { self = .null } else if let b = try? c.decode(Bool.self) { self = .bool(b) } else if let d = try? c.decode(Double.self) { self = .number(d) } else { self = .text(try c.decode(String.self)) }
    }

    var text: String? { if case .text(let s) = self { return s }; return nil }
    var number: Double? { if case .number(let d) = self { return d }; return nil }
    var description: String {
        switch self {
        case .text(let s): return s
        case .number(let d): return String(d)
        case .bool(let b): return String(b)
        case .null: return "null"
        }
    }
}

struct Cell: Decodable {
    var row: Int, col: Int, value: CellJSON, type: String, format: String

    init(from decoder: Decoder) throws {
        var c = try decoder.unkeyedContainer()
        row = try c.decode(Int.self)
        col = try c.decode(Int.self)
        value = try c.decode(CellJSON.self)
        type = try c.decode(String.self)
        format = try c.decode(String.self)
    }
}

struct Sheet: Decodable {
    var name: String
    var state: String
    var protected: Bool
    var sort_locked: Bool?
    var filter_locked: Bool?
    var freeze: String?
    var autofilter: String?
    var orientation: String?
    var paper: Int?
    var fit_width: Int?
    var fit_to_page: Bool?
    var scale: Int?
    var print_title_rows: String?
    var print_title_cols: String?
    var footer: String?
    var footer_left: String?
    var footer_right: String?
    var header_left: String?
    var header_center: String?
    var header_right: String?
    /// Rows (1-based, as text) with a set height, in points.
    var row_heights: [String: Double]
    /// Manual page breaks: a page ends after each of these rows (1-based).
    var row_breaks: [Int]
    var conditional_formats: Int
    var max_row: Int
    var cells: [Cell]

    /// Rows as arrays of values by column (1-based rows and columns; row 1 is the header).
    var rows: [[Int: CellJSON]] {
        var out = [[Int: CellJSON]](repeating: [:], count: max_row)
        for c in cells { out[c.row - 1][c.col] = c.value }
        return out
    }

    /// Data rows as dictionaries keyed by header text.
    var records: [[String: CellJSON]] {
        let r = rows
        guard let header = r.first else { return [] }
        return r.dropFirst().map { row in
            var d: [String: CellJSON] = [:]
            for (col, name) in header { if let n = name.text, let v = row[col] { d[n] = v } }
            return d
        }
    }

    func cell(_ row: Int, _ col: Int) -> Cell? { cells.first { $0.row == row && $0.col == col } }
}

struct Properties: Decodable { var title: String?; var subject: String? }

struct Book: Decodable {
    var parts: [String]
    var bad_parts: [String]
    var sheets: [Sheet]
    var properties: Properties

    func sheet(_ name: String) -> Sheet? { sheets.first { $0.name == name } }
}
