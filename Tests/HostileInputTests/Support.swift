import Foundation
import Testing

/// Paths, workspaces and processes for the hostile-input tests.
enum H {
    static let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let corpus = repo.appendingPathComponent("Tests/Corpus")
    static let checklists = repo.appendingPathComponent("checklists")
    static let baseCase = repo.appendingPathComponent("samples/cases/2024-007.yaml")
    /// The wall-time bound of every command run on the corpus.
    static let timeLimit: Double = 10

    /// The termaudit executable built beside the tests, else the repository's debug build.
    static var termaudit: String {
        let beside = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("termaudit")
        if FileManager.default.isExecutableFile(atPath: beside.path) { return beside.path }
        return repo.appendingPathComponent(".build/debug/termaudit").path
    }

    static func tempDir(_ tag: String = "hostile") throws -> URL {
        let d = FileManager.default.temporaryDirectory.appendingPathComponent("termaudit-\(tag)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: d, withIntermediateDirectories: true)
        return d
    }

    /// The sample workspace settings with `library:` pointing at the repository's checklists.
    static func defaultConfig() throws -> String {
        let text = try String(contentsOf: repo.appendingPathComponent("samples/termaudit.yaml"), encoding: .utf8)
        let out = text.replacingOccurrences(of: "library: ../checklists", with: "library: \"\(checklists.path)\"")
        guard out != text else { throw Failure("samples/termaudit.yaml has no `library: ../checklists` line any more") }
        return out
    }

    /// A workspace in a new temporary folder: `termaudit.yaml` (the default one unless given) and the case files.
    static func workspace(cases: [String: Data], config: Data? = nil) throws -> URL {
        let root = try tempDir("ws")
        try (config ?? Data(try defaultConfig().utf8)).write(to: root.appendingPathComponent("termaudit.yaml"))
        try FileManager.default.createDirectory(at: root.appendingPathComponent("cases"), withIntermediateDirectories: true)
        for (path, data) in cases {
            let url = root.appendingPathComponent(path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try data.write(to: url)
        }
        return root
    }

    static func baseText() throws -> String { try String(contentsOf: baseCase, encoding: .utf8) }

    /// Every file under a folder (hidden ones too), as paths relative to it, sorted.
    static func files(under dir: URL) -> [String] {
        guard let e = FileManager.default.enumerator(atPath: dir.path) else { return [] }
        var out: [String] = []
        while let p = e.nextObject() as? String {
            var isDir: ObjCBool = false
            if FileManager.default.fileExists(atPath: dir.appendingPathComponent(p).path, isDirectory: &isDir), !isDir.boolValue { out.append(p) }
        }
        return out.sorted()
    }
}

struct Failure: Error, CustomStringConvertible {
    var description: String
    init(_ d: String) { description = d }
}

/// The outcome of one process.
struct Outcome {
    var status: Int32
    /// True when the process ended by a signal (a crash, or the kill at the time limit).
    var signaled: Bool
    var out: Data
    var err: String
    var seconds: Double
    var timedOut: Bool

    var stdout: String { String(decoding: out, as: UTF8.self) }
}

enum Proc {
    /// Runs a program (stdout and stderr go to files, so a large output cannot block it); kills it at `limit` seconds.
    /// Records an issue when it runs longer than `limit` or dies of a signal.
    static func run(_ args: [String], cwd: URL? = nil, env: [String: String] = [:], limit: Double = H.timeLimit,
                    sourceLocation: SourceLocation = #_sourceLocation) throws -> Outcome {
        let dir = try H.tempDir("proc")
        defer { try? FileManager.default.removeItem(at: dir) }
        let outURL = dir.appendingPathComponent("out"), errURL = dir.appendingPathComponent("err")
        FileManager.default.createFile(atPath: outURL.path, contents: nil)
        FileManager.default.createFile(atPath: errURL.path, contents: nil)
        let outH = try FileHandle(forWritingTo: outURL), errH = try FileHandle(forWritingTo: errURL)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: args[0].hasPrefix("/") ? args[0] : "/usr/bin/env")
        p.arguments = args[0].hasPrefix("/") ? Array(args.dropFirst()) : args
        var e = ProcessInfo.processInfo.environment
        e["NO_COLOR"] = "1"
        for (k, v) in env { e[k] = v }
        p.environment = e
        if let cwd { p.currentDirectoryURL = cwd }
        p.standardOutput = outH
        p.standardError = errH
        p.standardInput = FileHandle.nullDevice
        let start = Date()
        try p.run()
        var timedOut = false
        while p.isRunning {
            if Date().timeIntervalSince(start) > limit {
                timedOut = true
                kill(p.processIdentifier, SIGKILL)
                break
            }
            usleep(5_000)
        }
        p.waitUntilExit()
        let seconds = Date().timeIntervalSince(start)
        try outH.close()
        try errH.close()
        let o = Outcome(status: p.terminationStatus, signaled: p.terminationReason == .uncaughtSignal,
                        out: try Data(contentsOf: outURL), err: String(decoding: try Data(contentsOf: errURL), as: UTF8.self),
                        seconds: seconds, timedOut: timedOut)
        let shown = args.map { $0.count > 80 ? String($0.prefix(80)) + "…" : $0 }.joined(separator: " ")
        if let log = ProcessInfo.processInfo.environment["HOSTILE_TIMES"], let h = FileHandle(forWritingAtPath: log) {
            // HOSTILE_TIMES=FILE (an existing file) collects the wall time of every process, to see the margin.
            h.seekToEndOfFile()
            h.write(Data(String(format: "%.3f\t%@\t%@\n", seconds, cwd?.lastPathComponent ?? "-", shown).utf8))
            try? h.close()
        }
        if timedOut {
            Issue.record("ran longer than \(Int(limit)) s and was killed: \(shown)", sourceLocation: sourceLocation)
        } else if o.signaled {
            Issue.record("died of signal \(o.status): \(shown)\n\(o.err.suffix(2000))", sourceLocation: sourceLocation)
        }
        return o
    }

    static func termaudit(_ args: [String], cwd: URL, sourceLocation: SourceLocation = #_sourceLocation) throws -> Outcome {
        try run([H.termaudit] + args, cwd: cwd, sourceLocation: sourceLocation)
    }
}

// MARK: - `validate --format json`

struct ValidationJSON: Decodable {
    struct Location: Decodable { var file: String; var line: Int; var column: Int }
    struct Item: Decodable { var code: String; var message: String; var hint: String; var severity: String; var location: Location }
    var ok: Bool
    var files: Int
    var cases: Int
    var errors: Int
    var diagnostics: [Item]

    var codes: [String] { diagnostics.map(\.code) }
    var first: String? { diagnostics.first.map { "\($0.location.file):\($0.location.line):\($0.location.column)" } }
}

// MARK: - Workbooks read back with openpyxl (Tests/Support/dump_workbook.py)

/// A cell value as openpyxl reads it.
enum CellValue: Decodable, Equatable, CustomStringConvertible {
    case text(String), number(Double), bool(Bool), null

    init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() { self = .null } else if let b = try? c.decode(Bool.self) { self = .bool(b) } else if let d = try? c.decode(Double.self) { self = .number(d) } else { self = .text(try c.decode(String.self)) }
    }

    var text: String? { if case .text(let s) = self { return s }; return nil }
    var description: String {
        switch self {
        case .text(let s): return "\"\(s.unicodeScalars.map { $0.isASCII && $0.value >= 32 ? String($0) : "\\u{\(String($0.value, radix: 16))}" }.joined())\""
        case .number(let d): return String(d)
        case .bool(let b): return String(b)
        case .null: return "null"
        }
    }
}

struct BookCell: Decodable {
    var row: Int, col: Int, value: CellValue, type: String

    init(from decoder: Decoder) throws {
        var c = try decoder.unkeyedContainer()
        row = try c.decode(Int.self)
        col = try c.decode(Int.self)
        value = try c.decode(CellValue.self)
        type = try c.decode(String.self)
    }
}

struct BookSheet: Decodable {
    var name: String
    var cells: [BookCell]

    /// Cells by row, then column.
    var grid: [Int: [Int: BookCell]] {
        var g: [Int: [Int: BookCell]] = [:]
        for c in cells { g[c.row, default: [:]][c.col] = c }
        return g
    }

    /// The data rows (below the header row 1) whose cells under the given headers have the given texts.
    func rows(matching match: [String: String]) -> [[String: BookCell]] {
        let g = grid
        guard let header = g[1] else { return [] }
        var byName: [String: Int] = [:]
        for (col, cell) in header { if let t = cell.value.text { byName[t] = col } }
        return g.keys.sorted().filter { $0 > 1 }.compactMap { r -> [String: BookCell]? in
            let row = g[r]!
            for (k, v) in match { guard let col = byName[k], row[col]?.value.text == v else { return nil } }
            var named: [String: BookCell] = [:]
            for (name, col) in byName { if let c = row[col] { named[name] = c } }
            return named
        }
    }

    /// The cell right of the first cell in column 1 whose text is `label` (the cover).
    func value(labelled label: String) -> BookCell? {
        let g = grid
        for r in g.keys.sorted() where g[r]?[1]?.value.text == label { return g[r]?[2] }
        return nil
    }
}

struct Book: Decodable {
    var bad_parts: [String]
    var sheets: [BookSheet]

    func sheet(_ name: String) -> BookSheet? { sheets.first { $0.name == name } }

    static func read(_ url: URL) throws -> Book {
        let r = try Proc.run(["python3", H.repo.appendingPathComponent("Tests/Support/dump_workbook.py").path, url.path], limit: 60)
        guard r.status == 0 else { throw Failure("dump_workbook.py failed on \(url.lastPathComponent): \(r.err)") }
        return try JSONDecoder().decode(Book.self, from: r.out)
    }
}
