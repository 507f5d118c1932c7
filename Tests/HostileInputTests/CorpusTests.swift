import Foundation
import Testing
import TermAudit
import TermAuditLoader

/// What a corpus entry must do (`Tests/Corpus/{invalid,valid}/NNN-name.expect`, JSON; see Tests/Corpus/README.md).
struct Expectation: Decodable {
    struct CellCheck: Decodable {
        /// The sheet, e.g. 汇总.
        var sheet: String
        /// The column header (table sheets) …
        var column: String?
        /// … or the label in column A (the cover).
        var label: String?
        var value: CellValue
        /// Header → text that picks the row; 案卷编号 defaults to 2024-007 (the base case).
        var match: [String: String]?
    }

    var exit: Int32
    /// Diagnostic codes of `validate --format json`, in order.
    var codes: [String]?
    /// `LINE:COL` in the entry's case file, or `PATH:LINE:COL` relative to the workspace.
    var first: String?
    /// Text the first diagnostic's hint must contain.
    var hint: String?
    /// Cases `validate` must load (valid entries; default 1).
    var cases: Int?
    /// Files renamed in the temporary workspace (names not every system can check out).
    var rename: [String: String]?
    /// Cells of the internal-edition workbook that must read back exactly.
    var cells: [CellCheck]?
    var about: String
}

/// One corpus entry: a case file `NNN-name.yaml`, or a small workspace folder `NNN-name/`.
struct CorpusEntry: Sendable, CustomTestStringConvertible {
    var kind: String
    var name: String

    var testDescription: String { "\(kind)/\(name)" }
    var folder: URL { H.corpus.appendingPathComponent(kind) }
    var caseFile: URL { folder.appendingPathComponent(name + ".yaml") }
    var workspaceFolder: URL { folder.appendingPathComponent(name) }
    var isWorkspace: Bool {
        var d: ObjCBool = false
        return FileManager.default.fileExists(atPath: workspaceFolder.path, isDirectory: &d) && d.boolValue
    }
    /// Where a diagnostic in this entry's case file is reported (relative to the workspace).
    var displayPath: String { "cases/\(name).yaml" }

    func expectation() throws -> Expectation {
        let url = folder.appendingPathComponent(name + ".expect")
        do {
            return try JSONDecoder().decode(Expectation.self, from: try Data(contentsOf: url))
        } catch {
            throw Failure("\(url.lastPathComponent): \(error)")
        }
    }

    /// The `PATH:LINE:COL` the first diagnostic must have.
    func firstLocation(_ e: Expectation) -> String? {
        guard let f = e.first else { return nil }
        return f.split(separator: ":").count == 2 ? "\(displayPath):\(f)" : f
    }

    /// A temporary workspace holding this entry.
    func makeWorkspace() throws -> URL {
        if !isWorkspace {
            return try H.workspace(cases: [displayPath: try Data(contentsOf: caseFile)])
        }
        let root = try H.tempDir("ws")
        let rename = try expectation().rename ?? [:]
        for rel in H.files(under: workspaceFolder) {
            var data = try Data(contentsOf: workspaceFolder.appendingPathComponent(rel))
            if rel == "termaudit.yaml" {
                data = data.replacing(Data("@CHECKLISTS@".utf8), with: Data(H.checklists.path.utf8))
            }
            let target = root.appendingPathComponent(rename[rel] ?? rel)
            try FileManager.default.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
            try data.write(to: target)
        }
        return root
    }
}

enum Corpus {
    static func entries(_ kind: String) -> [CorpusEntry] {
        let dir = H.corpus.appendingPathComponent(kind)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []
        let stems = Set(names.filter { $0.hasSuffix(".expect") }.map { String($0.dropLast(".expect".count)) })
        return stems.sorted().map { CorpusEntry(kind: kind, name: $0) }
    }

    static let invalid = entries("invalid")
    static let valid = entries("valid")
    /// The case id of the base case (samples/cases/2024-007.yaml) the entries vary.
    static let baseID = "2024-007"
}

@Suite("Hostile and odd inputs: the corpus")
struct CorpusTests {
    @Test("the corpus has at least 80 entries, each with its expectation and its input")
    func corpusIsComplete() throws {
        #expect(Corpus.invalid.count + Corpus.valid.count >= 80)
        #expect(Corpus.invalid.count >= 60)
        #expect(Corpus.valid.count >= 20)
        for kind in ["invalid", "valid"] {
            let dir = H.corpus.appendingPathComponent(kind)
            let names = try FileManager.default.contentsOfDirectory(atPath: dir.path)
            var numbers = Set<String>()
            for n in names {
                let stem = n.hasSuffix(".expect") ? String(n.dropLast(7)) : n.hasSuffix(".yaml") ? String(n.dropLast(5)) : n
                #expect(names.contains(stem + ".expect"), "\(kind)/\(n) has no .expect")
                if n.hasSuffix(".expect") {
                    #expect(names.contains(stem + ".yaml") || names.contains(stem), "\(kind)/\(n) has no input")
                    let number = String(stem.prefix(while: \.isNumber))
                    #expect(number.count == 3 && numbers.insert(number).inserted, "\(kind)/\(n): the number must be 3 digits and unique")
                }
            }
        }
        for e in Corpus.invalid {
            let x = try e.expectation()
            #expect(x.exit == 1 && !(x.codes ?? []).isEmpty, "\(e.name): an invalid entry needs exit 1 and its codes")
        }
        for e in Corpus.valid {
            let x = try e.expectation()
            #expect(x.exit == 0 && !(x.cells ?? []).isEmpty, "\(e.name): a valid entry needs exit 0 and cells to read back")
        }
    }

    @Test("invalid input: located errors, exit status 1 from every command, nothing written", arguments: Corpus.invalid)
    func invalid(_ entry: CorpusEntry) throws {
        let x = try entry.expectation()
        let ws = try entry.makeWorkspace()
        defer { try? FileManager.default.removeItem(at: ws) }
        let before = H.files(under: ws)

        let json = try Proc.termaudit(["validate", ".", "--format", "json"], cwd: ws)
        #expect(json.status == x.exit, "validate --format json: \(json.err)")
        let report = try JSONDecoder().decode(ValidationJSON.self, from: json.out)
        #expect(!report.ok)
        #expect(report.codes == x.codes ?? [], "\(x.about)")
        #expect(report.errors == report.diagnostics.filter { $0.severity == "error" }.count)
        let first = entry.firstLocation(x)
        if let first { #expect(report.first == first, "\(report.diagnostics.first.map { "\($0.code): \($0.message)" } ?? "")") }
        if let hint = x.hint { #expect(report.diagnostics.first?.hint.contains(hint) == true, "hint: \(report.diagnostics.first?.hint ?? "")") }
        for d in report.diagnostics {
            #expect(d.location.line >= 1 && d.location.column >= 1 && !d.message.isEmpty, "\(d.code) at \(d.location)")
            #expect(d.message.count < 500, "a message of \(d.message.count) characters: \(d.message.prefix(100))…")
        }

        let text = try Proc.termaudit(["validate", "."], cwd: ws)
        #expect(text.status == 1)
        if let first { #expect(text.stdout.contains("\(first): error: "), "\(text.stdout.prefix(500))") }

        // Commands that need valid input refuse it, with the same located error.
        let out = try H.tempDir("out")
        defer { try? FileManager.default.removeItem(at: out) }
        for args in [["status", "."], ["rank", "."], ["export", ".", "-o", out.appendingPathComponent("o.xlsx").path, "--quiet"],
                     ["export", ".", "--edition", "public", "-o", out.appendingPathComponent("p.xlsx").path, "--quiet"]] {
            let r = try Proc.termaudit(args, cwd: ws)
            #expect(r.status == 1, "\(args[0]): \(r.err.prefix(300))")
            if let first { #expect(r.err.contains("\(first): error: "), "\(args[0]): \(r.err.prefix(500))") }
        }
        #expect(H.files(under: out) == [], "a refused export left files behind")
        #expect(H.files(under: ws) == before, "a command changed the workspace")
        if entry.isWorkspace {
            // `term` reads the workspace settings around the current folder; it must not crash or hang on them.
            // (An unknown workspace policy is a usage error there: exit 64, unlocated — see docs/reliability.md.)
            let term = try Proc.termaudit(["term", "--decided", "2019-07-15"], cwd: ws)
            #expect([0, 1, 64].contains(term.status), "term: \(term.err.prefix(300))")
        }
    }

    @Test("valid but odd input: every command succeeds and the planted strings read back exactly", arguments: Corpus.valid)
    func valid(_ entry: CorpusEntry) throws {
        let x = try entry.expectation()
        let ws = try entry.makeWorkspace()
        defer { try? FileManager.default.removeItem(at: ws) }

        let json = try Proc.termaudit(["validate", ".", "--format", "json"], cwd: ws)
        #expect(json.status == 0, "\(json.stdout.prefix(1000))")
        let report = try JSONDecoder().decode(ValidationJSON.self, from: json.out)
        #expect(report.ok && report.diagnostics.isEmpty && report.cases == (x.cases ?? 1),
                "\(report.diagnostics.map { "\($0.location.line):\($0.location.column) \($0.code) \($0.message)" })")
        for args in [["status", "."], ["status", ".", "--format", "json"], ["rank", "."]] {
            let r = try Proc.termaudit(args, cwd: ws)
            #expect(r.status == 0, "\(args.joined(separator: " ")): \(r.err.prefix(500))")
        }

        let out = try H.tempDir("out")
        defer { try? FileManager.default.removeItem(at: out) }
        let pub = try Proc.termaudit(["export", ".", "--edition", "public", "-o", out.appendingPathComponent("p.xlsx").path, "--quiet"], cwd: ws)
        #expect(pub.status == 0, "export --edition public: \(pub.err.prefix(500))")
        let workbook = out.appendingPathComponent("o.xlsx")
        let r = try Proc.termaudit(["export", ".", "-o", workbook.path, "--quiet"], cwd: ws)
        #expect(r.status == 0, "export: \(r.err.prefix(500))")
        #expect(H.files(under: out) == ["o.xlsx", "p.xlsx"])
        guard r.status == 0 else { return }
        let book = try Book.read(workbook)
        #expect(book.bad_parts.isEmpty)
        for check in x.cells ?? [] {
            let found = try #require(book.sheet(check.sheet), "no sheet \(check.sheet)")
            let cell: BookCell?
            if let label = check.label {
                cell = found.value(labelled: label)
            } else {
                var match = check.match ?? [:]
                if match["案卷编号"] == nil { match["案卷编号"] = Corpus.baseID }
                let rows = found.rows(matching: match)
                #expect(rows.count == 1, "\(check.sheet): \(rows.count) rows match \(match)")
                cell = rows.first?[check.column ?? ""]
            }
            #expect(cell?.value == check.value, "\(check.sheet) \(check.column ?? check.label ?? ""): read back \(cell?.value.description ?? "nothing")")
            if case .text = check.value {
                #expect(cell?.type == "s", "\(check.sheet) \(check.column ?? check.label ?? ""): stored as '\(cell?.type ?? "?")', not as text")
            }
        }
    }

    @Test("every case file of the corpus gives the same diagnostics in process (the fuzz target's entry point)")
    func inProcess() throws {
        let (library, libDiagnostics) = LibraryLoader.load(directory: H.checklists)
        #expect(!libDiagnostics.contains { $0.severity == .error })
        let policy = library.policies["seed-city"]
        for entry in Corpus.invalid + Corpus.valid where !entry.isWorkspace {
            let x = try entry.expectation()
            let data = try Data(contentsOf: entry.caseFile)
            let (loaded, found) = WorkspaceLoader.parseCase(data: data, file: entry.displayPath, library: library, policy: policy)
            // In the order `validate` shows them: by line and column, stable.
            let diagnostics = found.enumerated().sorted { ($0.element.location, $0.offset) < ($1.element.location, $1.offset) }.map(\.element)
            if x.exit == 0 {
                #expect(diagnostics.isEmpty && loaded?.id == Corpus.baseID, "\(entry.name): \(diagnostics)")
            } else {
                #expect(diagnostics.map(\.code) == x.codes ?? [], "\(entry.name)")
                if let first = entry.firstLocation(x) { #expect(diagnostics.first?.location.description == first, "\(entry.name)") }
            }
        }
    }
}

private extension Data {
    func replacing(_ a: Data, with b: Data) -> Data {
        var out = Data()
        var i = startIndex
        while let r = self[i...].firstRange(of: a) {
            out += self[i..<r.lowerBound]
            out += b
            i = r.upperBound
        }
        out += self[i...]
        return out
    }
}
