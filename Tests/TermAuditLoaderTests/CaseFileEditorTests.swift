import Foundation
import Testing
import TermAudit
@testable import TermAuditLoader

@Suite("Editing case files in place")
struct CaseFileEditorTests {
    func edit(_ text: String, _ path: [YAMLPathStep], _ value: YAMLValue?) throws -> String {
        let e = try CaseFileEditor(text: text, file: "t.yaml")
        try e.set(path, to: value)
        return try e.result()
    }

    let text = """
    id: T-1   # the case
    indicators:
      - {id: rev, area: duties, name: 收入, target: 5.0, actual: 5.2, better: higher}
      - id: pb
        area: party-organization
        name: 党建
        target: 全部达标
        rating: achieved   # 评价
    handover:
      checklist: handover-standard
      items:
        seals: done
        accounts: {status: done, note: 已核对}
    findings:
      - {id: F1, title: "借款: 待查", category: finance, status: unverified}
    assessment:
      - {year: 2023, performance: 86, opinion: 78}

    """

    @Test("a new key goes where the given order puts it: before the first later key, or after the last one")
    func ordered() throws {
        let order = ["duties", "seals", "certificates", "accounts", "cash", "debts"]
        func add(_ t: String, _ key: String) throws -> String {
            let e = try CaseFileEditor(text: t, file: "t.yaml")
            try e.set([.key("handover"), .key("items"), .key(key)], to: .text("done"), order: order)
            return try e.result()
        }
        #expect(try add(text, "certificates") == text.replacingOccurrences(of: "    accounts:", with: "    certificates: done\n    accounts:"))
        #expect(try add(text, "duties") == text.replacingOccurrences(of: "    seals: done", with: "    duties: done\n    seals: done"))
        #expect(try add(text, "cash") == text.replacingOccurrences(of: "已核对}\n", with: "已核对}\n    cash: done\n"))
        let flow = text.replacingOccurrences(of: "  items:\n    seals: done\n    accounts: {status: done, note: 已核对}", with: "  items: {seals: done, cash: done}")
        #expect(try add(flow, "accounts") == flow.replacingOccurrences(of: "{seals: done, cash: done}", with: "{seals: done, accounts: done, cash: done}"))
        #expect(try add(flow, "debts") == flow.replacingOccurrences(of: "{seals: done, cash: done}", with: "{seals: done, cash: done, debts: done}"))
    }

    @Test("a value in a flow mapping is replaced and nothing else changes")
    func replaceFlow() throws {
        let out = try edit(text, [.key("indicators"), .element(field: "id", value: "rev"), .key("actual")], .number(5.5))
        #expect(out == text.replacingOccurrences(of: "actual: 5.2", with: "actual: 5.5"))
    }

    @Test("a value in a block mapping keeps its comment")
    func replaceBlock() throws {
        let out = try edit(text, [.key("indicators"), .element(field: "id", value: "pb"), .key("rating")], .text("partial"))
        #expect(out == text.replacingOccurrences(of: "rating: achieved   # 评价", with: "rating: partial   # 评价"))
    }

    @Test("a missing key is added to a flow mapping and to a block mapping")
    func insert() throws {
        var out = try edit(text, [.key("findings"), .element(field: "id", value: "F1"), .key("note")], .text("已移送: 见附件"))
        #expect(out == text.replacingOccurrences(of: "status: unverified}", with: "status: unverified, note: \"已移送: 见附件\"}"))
        out = try edit(text, [.key("indicators"), .element(field: "id", value: "pb"), .key("note")], .text("进展顺利"))
        #expect(out == text.replacingOccurrences(of: "  - id: pb\n", with: "  - note: 进展顺利\n    id: pb\n"))
        #expect(try Yams_parse(out))
    }

    @Test("a key is removed with its separator or its line")
    func remove() throws {
        var out = try edit(text, [.key("indicators"), .element(field: "id", value: "rev"), .key("actual")], nil)
        #expect(out == text.replacingOccurrences(of: " actual: 5.2,", with: ""))
        out = try edit(text, [.key("indicators"), .element(field: "id", value: "pb"), .key("rating")], nil)
        #expect(out == text.replacingOccurrences(of: "    rating: achieved   # 评价\n", with: ""))
        out = try edit(text, [.key("indicators"), .element(field: "id", value: "pb"), .key("id")], nil)
        #expect(out == text.replacingOccurrences(of: "  - id: pb\n    area:", with: "  - area:"))
    }

    @Test("a scalar item becomes a flow mapping; a new item is added; a missing section is created")
    func items() throws {
        var out = try edit(text, [.key("handover"), .key("items"), .key("seals")], .flowMap([("status", .text("not_applicable")), ("reason", .text("无印章"))]))
        #expect(out == text.replacingOccurrences(of: "seals: done", with: "seals: {status: not_applicable, reason: 无印章}"))
        out = try edit(text, [.key("handover"), .key("items"), .key("cash")], .text("done"))
        #expect(out == text.replacingOccurrences(of: "    seals: done\n", with: "    cash: done\n    seals: done\n"))
        out = try edit("id: X\nofficial: {name: 甲}\n", [.key("handover"), .key("items"), .key("cash")], .text("done"))
        #expect(out == "id: X\nofficial: {name: 甲}\nhandover: {items: {cash: done}}\n")
    }

    @Test("text that would read back as something else is quoted")
    func quoting() {
        #expect(CaseFileEditor.scalarText("已核对", flow: true) == "已核对")
        for s in ["true", "no", "5.2", "2024-01-01", "", " x", "a: b", "#x", "- x", "null", "~", "x, y", "@x", "a\nb", "*a", "&a"] {
            let t = CaseFileEditor.scalarText(s, flow: true)
            #expect(t.hasPrefix("\""), "\(s) → \(t)")
        }
    }

    @Test("CRLF files stay CRLF and a BOM is kept")
    func crlf() throws {
        let t = "\u{FEFF}id: X\r\nofficial:\r\n  name: 甲\r\n"
        let out = try edit(t, [.key("official"), .key("staff_id")], .text("A-1"))
        #expect(out == "\u{FEFF}id: X\r\nofficial:\r\n  staff_id: A-1\r\n  name: 甲\r\n")
    }

    @Test("a value spread over lines is refused, not mangled")
    func multiline() throws {
        let t = "id: X\nofficial:\n  name: 甲\n  staff_id: a\n    b\n"
        #expect(throws: CaseFileEditError.self) { try edit(t, [.key("official"), .key("staff_id")], .text("c")) }
        let lit = "id: X\nnote: |\n  line one\n  line two\nend: 1\n"
        #expect(try edit(lit, [.key("note")], .text("短")) == "id: X\nnote: 短\nend: 1\n")
    }
}

func Yams_parse(_ s: String) throws -> Bool {
    let (_, d) = WorkspaceLoader.parseCase(text: s, file: "x", library: Library(), policy: nil)
    return !d.contains { $0.code == "yaml-syntax" || $0.code == "duplicate-key" }
}
