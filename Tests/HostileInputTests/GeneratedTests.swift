import Foundation
import Testing

/// Large hostile inputs, generated at run time (nothing this big is committed).
enum Generated: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case text10MB, block10MB, text32768, astral32768, key10MB, enum10MB
    case flowDeep, flowMapDeep, blockDeep, dashDeep, billionLaughs
    case flowNodes, blockNodes, manyKeys, fileTooLarge, manyErrors

    var testDescription: String { rawValue }

    /// The case file (a variation of samples/cases/2024-007.yaml).
    func data() throws -> Data {
        let base = try H.baseText()
        func replacing(_ old: String, _ new: String) throws -> Data {
            guard base.contains(old) else { throw Failure("the base case has no '\(old)'") }
            return Data(base.replacingOccurrences(of: old, with: new).utf8)
        }
        switch self {
        case .text10MB: return try replacing("  title: 局长", "  title: " + String(repeating: "x", count: 10_000_000))
        case .block10MB:
            return try replacing("    accounts: {status: done, note: 已与财务科核对}",
                                 "    accounts:\n      status: done\n      note: |\n" + String(repeating: "        审计意见第N条\n", count: 380_000))
        case .text32768: return try replacing("  title: 局长", "  title: " + String(repeating: "x", count: 32_768))
        case .astral32768: return try replacing("  title: 局长", "  title: " + String(repeating: "𠮷", count: 16_384))
        case .key10MB: return try replacing("trigger: term_end", "trigger: term_end\n? " + String(repeating: "k", count: 10_000_000) + "\n: 1")
        case .enum10MB: return try replacing("  rank: principal", "  rank: " + String(repeating: "p", count: 10_000_000))
        case .flowDeep: return try replacing("signoffs: []", "signoffs: " + String(repeating: "[", count: 1_000_000))
        case .flowMapDeep: return try replacing("signoffs: []", "signoffs: " + String(repeating: "{a: ", count: 100_000) + String(repeating: "}", count: 100_000))
        case .blockDeep:
            return try replacing("signoffs: []", "signoffs:\n" + (1..<200).map { String(repeating: " ", count: 2 * $0) + "k\($0):\n" }.joined() + String(repeating: " ", count: 400) + "x: 1")
        case .dashDeep: return try replacing("signoffs: []", "signoffs:\n" + String(repeating: "- ", count: 1_000) + "x")
        case .billionLaughs:
            var lines = ["a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]"]
            let names = "abcdefghij".map(String.init)
            for i in 1..<names.count {
                lines.append("\(names[i]): &\(names[i]) [" + Array(repeating: "*\(names[i - 1])", count: 9).joined(separator: ",") + "]")
            }
            return Data((lines.joined(separator: "\n") + "\n").utf8)
        case .flowNodes: return try replacing("signoffs: []", "signoffs: [" + Array(repeating: "1", count: 300_000).joined(separator: ",") + "]")
        case .blockNodes: return try replacing("signoffs: []", "signoffs:\n" + String(repeating: "  - 1\n", count: 300_000))
        case .manyKeys: return Data(((0..<120_000).map { "k\($0): v\n" }.joined()).utf8)
        case .fileTooLarge: return Data((base + "# " + String(repeating: "x", count: 17 << 20) + "\n").utf8)
        case .manyErrors:
            return try replacing("indicators:\n", "indicators:\n" + (0..<500).map { "  - {id: i\($0), area: nowhere, name: n, target: 1, better: higher}\n" }.joined())
        }
    }

    /// The codes `validate` must report (a trailing "…" entry: the rest are the same code, up to too-many-errors).
    var codes: [String] {
        switch self {
        case .text10MB, .block10MB, .text32768, .astral32768: return ["text-too-long"]
        case .key10MB: return ["unknown-key"]
        case .enum10MB: return ["bad-value"]
        case .flowDeep, .flowMapDeep, .blockDeep, .dashDeep: return ["too-deep"]
        case .billionLaughs: return ["alias-not-allowed"]
        case .flowNodes, .blockNodes: return ["too-many-nodes"]
        case .manyKeys: return Array(repeating: "unknown-key", count: 200) + ["too-many-errors"]
        case .fileTooLarge: return ["file-too-large"]
        case .manyErrors: return Array(repeating: "unknown-id", count: 200) + ["too-many-errors"]
        }
    }

    /// LINE:COL of the first diagnostic.
    var first: String? {
        switch self {
        case .text10MB, .text32768, .astral32768: return "9:10"
        case .block10MB: return "34:13"
        case .key10MB: return "19:3"
        case .enum10MB: return "10:9"
        case .flowDeep: return "42:75"        // the 65th '[' after "signoffs: "
        case .dashDeep: return "43:129"       // the 65th '- ' indicator
        case .billionLaughs: return "1:4"
        case .manyKeys: return "1:1"
        case .fileTooLarge: return "1:1"
        case .manyErrors: return "25:20"
        case .flowMapDeep, .blockDeep, .flowNodes, .blockNodes: return nil
        }
    }
}

@Suite("Hostile and odd inputs: generated at run time")
struct GeneratedTests {
    @Test("large and deep inputs are refused, located, within the time bound", arguments: Generated.allCases)
    func refused(_ g: Generated) throws {
        let ws = try H.workspace(cases: ["cases/big.yaml": try g.data()])
        defer { try? FileManager.default.removeItem(at: ws) }
        let r = try Proc.termaudit(["validate", ".", "--format", "json"], cwd: ws)
        #expect(r.status == 1)
        let report = try JSONDecoder().decode(ValidationJSON.self, from: r.out)
        #expect(report.codes == g.codes, "\(report.diagnostics.prefix(3).map { "\($0.code) \($0.message)" })")
        if let first = g.first { #expect(report.first == "cases/big.yaml:\(first)") }
        for d in report.diagnostics { #expect(d.message.count < 300, "\(d.code): a message of \(d.message.count) characters") }
        // The commands that need valid input stop at the same error, as fast.
        let status = try Proc.termaudit(["status", "."], cwd: ws)
        #expect(status.status == 1)
        if let first = g.first { #expect(status.err.contains("cases/big.yaml:\(first): error: ")) }
    }

    @Test("a text of exactly 32,767 UTF-16 units (astral characters) is accepted and reads back exactly")
    func longestText() throws {
        let title = String(repeating: "𠮷", count: 16_383) + "x"
        #expect(title.utf16.count == 32_767)
        let base = try H.baseText()
        let ws = try H.workspace(cases: ["cases/a.yaml": Data(base.replacingOccurrences(of: "  title: 局长", with: "  title: \(title)").utf8)])
        defer { try? FileManager.default.removeItem(at: ws) }
        let v = try Proc.termaudit(["validate", "."], cwd: ws)
        #expect(v.status == 0, "\(v.stdout)")
        let out = try H.tempDir("out")
        defer { try? FileManager.default.removeItem(at: out) }
        // (The internal edition: the base case is still being audited, and the public edition carries only concluded ones.)
        let pub = out.appendingPathComponent("p.xlsx")
        let r = try Proc.termaudit(["export", ".", "--edition", "internal", "-o", pub.path, "--quiet"], cwd: ws)
        #expect(r.status == 0, "\(r.err)")
        let book = try Book.read(pub)
        let rows = try #require(book.sheet("汇总")).rows(matching: ["案卷编号": "2024-007"])
        #expect(rows.first?["职务"]?.value == .text(title))

        // The internal edition also writes the sign-off form, with name, unit and title each in its own cell.
        let whole = out.appendingPathComponent("o.xlsx")
        let i = try Proc.termaudit(["export", ".", "-o", whole.path, "--quiet"], cwd: ws)
        #expect(i.status == 0, "\(i.err)")
    }

    @Test("an audit item's reason and note of 32,767 characters each are exported, each in its own cell")
    func reasonAndNote() throws {
        let long = String(repeating: "理", count: 32_767)
        let base = try H.baseText()
        let audit = """
        audit:
          program: department-heads
          items:
            integrity: {status: not_applicable, reason: \(long), note: \(long)}

        """
        guard base.contains("signoffs: []") else { throw Failure("the base case changed") }
        let text = base.replacingOccurrences(of: "signoffs: []", with: audit + "signoffs: []")
        let ws = try H.workspace(cases: ["cases/a.yaml": Data(text.utf8)])
        defer { try? FileManager.default.removeItem(at: ws) }
        let v = try Proc.termaudit(["validate", ".", "--format", "json"], cwd: ws)
        let report = try JSONDecoder().decode(ValidationJSON.self, from: v.out)
        try #require(report.ok, "\(report.diagnostics.map { "\($0.code) \($0.message)" })")
        let out = try H.tempDir("out")
        defer { try? FileManager.default.removeItem(at: out) }
        let whole = out.appendingPathComponent("o.xlsx")
        let r = try Proc.termaudit(["export", ".", "-o", whole.path, "--quiet"], cwd: ws)
        try #require(r.status == 0, "\(r.err)")
        let rows = try #require(try Book.read(whole).sheet("审计事项")).rows(matching: ["案卷编号": "2024-007", "事项编号": "integrity"])
        #expect(rows.count == 1)
        #expect(rows.first?["理由"]?.value == .text(long))
        #expect(rows.first?["备注"]?.value == .text(long))
    }
}
