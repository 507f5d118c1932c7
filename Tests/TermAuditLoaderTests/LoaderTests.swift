import Foundation
import Testing
import TermAudit
@testable import TermAuditLoader

@Suite("Loading case files")
struct LoaderTests {
    @Test("the contract example of the issue loads without errors")
    func contractExample() throws {
        let text = try String(contentsOf: Fixtures.samples.appendingPathComponent("cases/2024-007.yaml"), encoding: .utf8)
        let (c, d) = Fixtures.parse(text)
        #expect(d.isEmpty, "\(d)")
        let k = try #require(c)
        #expect(k.id == "2024-007")
        #expect(k.post.inherits == DayRange(text: "2018-01-01..2022-12-31"))
        #expect(k.indicators.count == 3)
        #expect(k.handover?.items["debts"]?.finding == "F2")
        #expect(k.assessment.map(\.year) == [2023, 2024])
        #expect(k.assessment[1].grade == .basicallyCompetent)
    }

    @Test("a file with ten different mistakes gets ten located messages in one run")
    func tenMistakes() {
        let text = """
        id: 2024-bad
        official:
          name: 张三
          nationl_id: "1101"
          service_start: 2023-02-30
        post:
          unit: 县水利局
          title: 局长
          rank: principle
          level: 科级
          system: 政府工作部门
          basis: appointed
          decided: 2019/07/15
          terms_before: one
        trigger: term_end
        team:
          - {name: 李明, department: audit, unit: 县审计局, leader: true}
          - {name: 李明, department: audit, unit: 县审计局}
        indicators:
          - {id: a, area: duties, name: x, target: -3, actual: 1, better: higher}
          - {id: b, area: dutys, name: y, target: 1, actual: 2, better: higher}
        handover:
          checklist: handover-standard
          items:
            seal: done
            debts: {status: issue, finding: F9}
        findings: []
        """
        let (_, d) = Fixtures.parse(text, file: "bad.yaml")
        #expect(d.count == 10)
        #expect(d.codes == ["unknown-key", "impossible-date", "bad-value", "bad-date", "wrong-type", "duplicate-member",
                            "negative-target", "unknown-id", "unknown-item", "undefined-finding"])
        #expect(d.map(\.location.line) == [4, 5, 9, 13, 14, 18, 20, 21, 25, 26])
        #expect(d.allSatisfy { $0.location.file == "bad.yaml" && $0.location.column > 1 })
        #expect(d[0].hint == "did you mean 'national_id'?")
        #expect(d[2].hint == "did you mean 'principal'? allowed: principal (正职), deputy (副职)")
        #expect(d[8].hint == "did you mean 'seals'?")
    }

    @Test("sex and sanctions are read; a bad sex, an unknown kind and an until before the date are located errors")
    func sexAndSanctions() throws {
        let base = Fixtures.valid.replacingOccurrences(of: "  service_start: 1990-08-01\n", with: """
          service_start: 1990-08-01
          sex: 女
          sanctions:
            - {kind: admonishment, date: 2024-03-01, note: 诫勉}
            - {kind: disciplinary, date: 2023-05-01, until: 2025-05-01}

        """)
        let (c, d) = Fixtures.parse(base)
        #expect(d.isEmpty, "\(d)")
        let o = try #require(c?.official)
        #expect(o.sex == .female)
        #expect(o.sanctions.map(\.kind) == [.admonishment, .disciplinary])
        #expect(o.sanctions[1].until == Day(iso: "2025-05-01"))
        let bad = base.replacingOccurrences(of: "sex: 女", with: "sex: F")
            .replacingOccurrences(of: "kind: admonishment", with: "kind: admonishmnt")
            .replacingOccurrences(of: "until: 2025-05-01", with: "until: 2023-04-30")
        let (_, e) = Fixtures.parse(bad)
        #expect(e.count == 3)
        #expect(e.contains { $0.message.contains("official.sex 'F'") && $0.hint.contains("male") && $0.location.line == 7 })
        #expect(e.contains { $0.hint.contains("did you mean 'admonishment'?") && $0.location.line == 9 })
        #expect(e.contains { $0.message.contains("until 2023-04-30 is not after its date 2023-05-01") && $0.location.line == 10 })
    }

    @Test("unknown template ids are refused with a suggestion")
    func unknownTemplate() {
        let (_, d) = Fixtures.parse(Fixtures.valid.replacingOccurrences(of: "checklist: handover-standard", with: "checklist: handover-standrd"))
        #expect(d.codes == ["unknown-id"])
        #expect(d[0].hint.contains("handover-standard"))
    }

    @Test("wrong types are named with what was found")
    func wrongTypes() {
        var t = Fixtures.valid.replacingOccurrences(of: "target: 5.0", with: "target: 5.0, actual: \"5.2\"")
        t = t.replacingOccurrences(of: ", actual: 5.2", with: "")
        t = t.replacingOccurrences(of: "leader: true}", with: "leader: maybe}")
        let (_, d) = Fixtures.parse(t)
        #expect(d.codes == ["wrong-type", "wrong-type"])
        #expect(d.contains { $0.message.contains("leader should be true or false") })
        #expect(d.contains { $0.message.contains("actual should be a number") && $0.hint.contains("remove the quotes") })
    }

    @Test("NaN, infinity and too-large numbers are refused")
    func badNumbers() {
        for (v, code) in [(".nan", "bad-number"), (".inf", "bad-number"), ("-.inf", "bad-number"), ("1e300", "number-too-large")] {
            let (_, d) = Fixtures.parse(Fixtures.valid.replacingOccurrences(of: "actual: 5.2", with: "actual: \(v)"))
            #expect(d.codes == [code], "\(v)")
        }
    }

    @Test("duplicate keys are an error at the mapping")
    func duplicateKeys() {
        let (_, d) = Fixtures.parse(Fixtures.valid.replacingOccurrences(of: "  title: 局长\n", with: "  title: 局长\n  title: 副局长\n"))
        #expect(d.codes == ["duplicate-key"])
        #expect(d[0].message.contains("'title'"))
    }

    @Test("a byte-order mark and CRLF line ends are accepted")
    func bomAndCRLF() {
        let (c, d) = Fixtures.parse("\u{FEFF}" + Fixtures.valid.replacingOccurrences(of: "\n", with: "\r\n"))
        #expect(d.isEmpty, "\(d)")
        #expect(c?.official.name == "测试官")
    }

    @Test("tabs used for indentation are a located syntax error")
    func tabs() {
        let (_, d) = Fixtures.parse(Fixtures.valid.replacingOccurrences(of: "  name: 测试官", with: "\tname: 测试官"))
        #expect(d.codes == ["yaml-syntax"])
        #expect(d[0].location.line == 3)
    }

    @Test("non-UTF-8 bytes are located")
    func notUTF8() throws {
        let dir = try Fixtures.workspace(["a.yaml": ""])
        var data = Data("id: X\nofficial:\n  name: ".utf8)
        data.append(contentsOf: [0xCD, 0xF5, 0xBD, 0xA8]) // GBK
        try data.write(to: dir.appendingPathComponent("cases/a.yaml"))
        let r = WorkspaceLoader.load(path: dir.path)
        #expect(r.diagnostics.codes == ["not-utf8"])
        #expect(r.diagnostics[0].location.line == 3)
        #expect(r.diagnostics[0].location.column == 9)
    }

    @Test("an empty file is an error")
    func empty() {
        let (_, d) = Fixtures.parse("")
        #expect(d.codes == ["empty"])
    }

    @Test("an alias bomb is refused before it expands")
    func aliasBomb() {
        var text = "id: X\nofficial: {name: x}\nfindings:\n  - &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n"
        var prev = "a"
        for name in ["b", "c", "d", "e", "f", "g", "h", "i"] {
            text += "  - &\(name) [" + Array(repeating: "*\(prev)", count: 9).joined(separator: ",") + "]\n"
            prev = name
        }
        let (_, d) = Fixtures.parse(text)
        #expect(d.codes == ["alias-not-allowed"])
        #expect(d[0].location.line == 4)
        #expect(d[0].location.column == 5)
        let (_, d2) = Fixtures.parse("id: X\nteam: *t\n")
        #expect(d2.codes == ["alias-not-allowed"])
        #expect(d2[0].location.column == 7)
    }

    @Test("asterisks and ampersands inside text are not aliases")
    func notAliases() {
        let t = Fixtures.valid.replacingOccurrences(of: "  - {id: F1, title: 借款待查, category: finance, status: resolved}",
                                                    with: "  - id: F1\n    title: \"*重点* & 次要\"\n    category: finance\n    status: resolved\n    note: |\n      * 第一条\n      & 第二条\n")
            .replacingOccurrences(of: "name: 收入,", with: "name: 收入 * 系数 & 2,")
        let (c, d) = Fixtures.parse(t)
        #expect(d.isEmpty, "\(d)")
        #expect(c?.findings.first?.title == "*重点* & 次要")
        #expect(c?.findings.first?.note == "* 第一条\n& 第二条\n")
        #expect(c?.indicators.first?.name == "收入 * 系数 & 2")
    }

    @Test("deep nesting is refused before parsing")
    func deepNesting() {
        let deep = "id: X\nofficial: " + String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000) + "\n"
        let (_, d) = Fixtures.parse(deep)
        #expect(d.codes == ["too-deep"])
        let dashes = "id: X\nteam:\n" + String(repeating: "- ", count: 5_000) + "x\n"
        #expect(Fixtures.parse(dashes).1.codes == ["too-deep"])
    }

    @Test("a quoted national id is required and checked")
    func nationalID() {
        let (_, d) = Fixtures.parse(Fixtures.valid.replacingOccurrences(of: "national_id: \"110101196805010011\"", with: "national_id: 110101196805010011"))
        #expect(d.codes == ["unquoted-id"])
        let (_, d2) = Fixtures.parse(Fixtures.valid.replacingOccurrences(of: "\"110101196805010011\"", with: "\"12345\""))
        #expect(d2.codes == ["bad-value"])
    }

    @Test("qualitative and quantitative indicators take their own keys")
    func indicatorShapes() {
        let (_, d) = Fixtures.parse(Fixtures.valid.replacingOccurrences(of: "rating: achieved}", with: "rating: achieved, actual: 3}"))
        #expect(d.codes == ["wrong-key"])
        let (_, d2) = Fixtures.parse(Fixtures.valid.replacingOccurrences(of: ", better: higher", with: ""))
        #expect(d2.codes == ["missing-key"])
        let (_, d3) = Fixtures.parse(Fixtures.valid.replacingOccurrences(of: "rating: achieved}", with: "rating: done}"))
        #expect(d3.codes == ["bad-value"])
    }

    @Test("scores outside the 100-point scale and repeated years are refused")
    func assessmentChecks() {
        let (_, d) = Fixtures.parse(Fixtures.valid.replacingOccurrences(of: "performance: 86", with: "performance: 101"))
        #expect(d.codes == ["out-of-range"])
        let (_, d2) = Fixtures.parse(Fixtures.valid.replacingOccurrences(of: "  - {year: 2024, performance: 86, opinion: 78}", with: "  - {year: 2024, performance: 86, opinion: 78}\n  - {year: 2024, grade: 称职}"))
        #expect(d2.codes == ["duplicate-year"])
        let (_, d3) = Fixtures.parse(Fixtures.valid.replacingOccurrences(of: "performance: 86, opinion: 78", with: "grade: 很好"))
        #expect(d3.codes == ["bad-value"])
    }

    @Test("an inherited term must be a real range")
    func inherits() {
        let (_, d) = Fixtures.parse(Fixtures.valid.replacingOccurrences(of: "  terms_before: 0", with: "  terms_before: 0\n  inherits: 2022-12-31..2018-01-01"))
        #expect(d.codes == ["bad-value"])
        let (_, d2) = Fixtures.parse(Fixtures.valid.replacingOccurrences(of: "  terms_before: 0", with: "  terms_before: 0\n  inherits: 2018-01-01..2022-02-30"))
        #expect(d2.codes == ["bad-date"])
    }

    @Test("duplicate case ids across files are reported with both files")
    func duplicateCaseIDs() throws {
        let dir = try Fixtures.workspace(["a.yaml": Fixtures.valid, "sub/b.yaml": Fixtures.valid])
        let r = WorkspaceLoader.load(path: dir.path)
        #expect(r.diagnostics.codes == ["duplicate-case"])
        #expect(r.diagnostics[0].message.contains("a.yaml"))
        #expect(r.diagnostics[0].location.file.hasSuffix("sub/b.yaml"))
    }

    @Test("errors of all files are collected in one run, sorted by file and line")
    func allFiles() throws {
        let bad1 = Fixtures.valid.replacingOccurrences(of: "id: T-1", with: "id: T-2").replacingOccurrences(of: "rank: principal", with: "rank: boss")
        let bad2 = Fixtures.valid.replacingOccurrences(of: "id: T-1", with: "id: T-3").replacingOccurrences(of: "trigger: term_end", with: "trigger: retired")
        let dir = try Fixtures.workspace(["a.yaml": Fixtures.valid, "b.yaml": bad1, "c.yaml": bad2])
        let r = WorkspaceLoader.load(path: dir.path)
        #expect(r.diagnostics.count == 2)
        #expect(r.diagnostics[0].location.file.hasSuffix("b.yaml"))
        #expect(r.diagnostics[1].location.file.hasSuffix("c.yaml"))
        #expect(r.workspace?.cases.map(\.id) == ["T-1"])
    }

    @Test("a single case file can be validated inside its workspace")
    func singleFile() throws {
        let dir = try Fixtures.workspace(["a.yaml": Fixtures.valid, "b.yaml": "id: [\n"])
        let r = WorkspaceLoader.load(path: dir.appendingPathComponent("cases/a.yaml").path)
        #expect(r.diagnostics.isEmpty)
        #expect(r.workspace?.cases.count == 1)
    }

    @Test("a path with no workspace above it is a clear error")
    func noWorkspace() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("nows-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let r = WorkspaceLoader.load(path: dir.path)
        #expect(r.diagnostics.codes == ["no-workspace"])
        #expect(WorkspaceLoader.load(path: "/nonexistent/x").diagnostics.codes == ["not-found"])
    }

    @Test("an unknown policy in termaudit.yaml is refused")
    func unknownPolicy() throws {
        let dir = try Fixtures.workspace(["a.yaml": Fixtures.valid], config: "jurisdiction: 县\npolicy: seed-cty\nlibrary: \(Fixtures.checklists.path)\n")
        let r = WorkspaceLoader.load(path: dir.path)
        #expect(r.diagnostics.codes == ["unknown-policy"])
        #expect(r.diagnostics[0].hint == "did you mean 'seed-city'?")
    }

    @Test("the sample workspace validates with no errors")
    func samples() {
        let r = WorkspaceLoader.load(path: Fixtures.samples.path)
        #expect(r.diagnostics.isEmpty, "\(r.diagnostics.prefix(5))")
        #expect((r.workspace?.cases.count ?? 0) >= 24)
    }
}

@Suite("Loader limits")
struct LoaderLimitTests {
    @Test("text longer than a spreadsheet cell holds is refused with its length")
    func longText() {
        let long = String(repeating: "审", count: 32_768)
        let (_, d) = Fixtures.parse(Fixtures.valid.replacingOccurrences(of: "title: 借款待查", with: "title: \(long)"))
        #expect(d.map(\.code) == ["text-too-long"])
        #expect(d.first?.message.contains("32768") == true)
        let fits = String(repeating: "审", count: 32_767)
        #expect(Fixtures.parse(Fixtures.valid.replacingOccurrences(of: "title: 借款待查", with: "title: \(fits)")).1.isEmpty)
    }
}

/// Dates after the workspace's `as_of`, and inherited windows that cannot be (issue 13, "Dates and deadlines").
@Suite("Dates against as_of and inherited windows")
struct DateChecksTests {
    static let asOf = Day(iso: "2024-12-31")!

    static func parse(_ text: String) -> [Diagnostic] {
        WorkspaceLoader.parseCase(text: text, file: "case.yaml", library: Fixtures.library, policy: Fixtures.policy, context: CaseContext(asOf: asOf)).1
    }

    static let withAudit = Fixtures.valid.replacingOccurrences(of: "signoffs: []\n", with: """
    audit:
      program: department-heads
      conclusions:
        audit: {result: 未发现问题, by: 甲, date: 2024-12-20}
    signoffs:
      - {role: team_leader, name: 甲, time: "2024-12-30T08:00:00Z", digest: "sha256:00", signature: "AA==", public_key: "AA=="}

    """)

    @Test("after-as-of: nothing is reported for records on or before as_of")
    func onOrBefore() {
        #expect(Self.parse(Self.withAudit).filter { $0.code == "after-as-of" }.isEmpty)
    }

    @Test("after-as-of: a decision, a conclusion, a signature, an assessment year and a sanction after as_of are located errors",
          arguments: [
            ("decided: 2019-07-15", "decided: 2025-01-02", "post.decided 2025-01-02"),
            ("date: 2024-12-20}", "date: 2025-01-06}", "conclusion date of audit 2025-01-06"),
            ("2024-12-30T08:00:00Z", "2025-01-01T08:00:00Z", "signature time 2025-01-01T08:00:00Z"),
            ("{year: 2024, performance: 86", "{year: 2025, performance: 86", "assessment year 2025"),
            ("  service_start: 1990-08-01\n", "  service_start: 1990-08-01\n  sanctions: [{kind: admonishment, date: 2025-02-01}]\n", "sanction date 2025-02-01"),
          ])
    func afterAsOf(_ from: String, _ to: String, _ what: String) throws {
        #expect(Self.withAudit.contains(from))
        let d = Self.parse(Self.withAudit.replacingOccurrences(of: from, with: to)).filter { $0.code == "after-as-of" }
        #expect(d.count == 1)
        let e = try #require(d.first)
        #expect(e.message == "\(what) is after the workspace's as_of 2024-12-31")
        #expect(e.location.file == "case.yaml" && e.location.line > 1)
        #expect(e.hint.contains("as_of"))
        // Without an as_of nothing is checked.
        let none = WorkspaceLoader.parseCase(text: Self.withAudit.replacingOccurrences(of: from, with: to), file: "case.yaml",
                                             library: Fixtures.library, policy: Fixtures.policy).1
        #expect(!none.contains { $0.code == "after-as-of" })
    }

    @Test("post.inherits: a window that starts after the decision, ends before it, or is longer than one term is refused",
          arguments: [
            ("2020-01-01..2024-12-31", "starts 2020-01-01, after the decision 2019-07-15"),
            ("2014-01-01..2018-12-31", "ends 2018-12-31, before the decision 2019-07-15"),
            ("2018-01-01..2023-12-31", "is longer than one term of 5 years (a term from 2018-01-01 ends 2022-12-31)"),
          ])
    func inheritsChecks(_ window: String, _ message: String) throws {
        let text = Fixtures.valid.replacingOccurrences(of: "  terms_before: 0\n", with: "  terms_before: 0\n  inherits: \(window)\n")
        let d = Self.parse(text)
        #expect(d.count == 1, "\(d)")
        #expect(d.first?.message.contains(message) == true, "\(d)")
        #expect(d.first?.code == "bad-value")
        #expect(d.first?.location.line == 16)
    }

    @Test("post.inherits: the predecessor's whole term, decided inside it, is accepted")
    func inheritsFine() {
        let text = Fixtures.valid.replacingOccurrences(of: "  terms_before: 0\n", with: "  terms_before: 0\n  inherits: 2018-01-01..2022-12-31\n")
        #expect(Self.parse(text).isEmpty)
    }
}

/// Every finding belongs to the department that found it (issue 13, "Department conclusions and findings").
@Suite("Findings belong to departments")
struct FindingOwnerTests {
    static func parse(_ text: String, program: String? = nil) -> [Diagnostic] {
        WorkspaceLoader.parseCase(text: text, file: "case.yaml", library: Fixtures.library, policy: Fixtures.policy,
                                  context: CaseContext(auditProgram: program)).1
    }

    static func withAudit(item: String, conclusion: String) -> String {
        Fixtures.valid.replacingOccurrences(of: "signoffs: []\n", with: """
        audit:
          program: department-heads
          items:
            special-funds: \(item)
          conclusions:
            audit: \(conclusion)

        """)
    }

    @Test("no-department: with the workspace's audit program, an unlinked finding without a department is a located error")
    func unlinked() throws {
        #expect(Self.parse(Fixtures.valid).isEmpty)                              // no program: departments are not tracked
        let d = Self.parse(Fixtures.valid, program: "department-heads")
        #expect(d.count == 1)
        let e = try #require(d.first)
        #expect(e.code == "no-department")
        #expect(e.message == "finding F1 belongs to no department")
        #expect(e.location.line == 31)
        #expect(e.hint.contains("audit.items.ITEM.findings: [F1]") && e.hint.contains("department: one of"))
        let owned = Fixtures.valid.replacingOccurrences(of: "status: resolved}", with: "status: resolved, department: audit}")
        #expect(Self.parse(owned, program: "department-heads").isEmpty)
    }

    @Test("a finding listed by an audit item belongs to that item's department")
    func linkedByItem() {
        let text = Self.withAudit(item: "{status: problem, findings: [F1], examiner: 甲}",
                                  conclusion: "{result: 发现问题, findings: [F1], by: 甲, date: 2024-12-20}")
        #expect(Self.parse(text).isEmpty)
    }

    @Test("inconsistent-conclusion: 未发现问题 from a department that owns a finding (through an item, or the finding's department)")
    func inconsistent() throws {
        let byItem = Self.withAudit(item: "{status: problem, findings: [F1], examiner: 甲}",
                                    conclusion: "{result: 未发现问题, by: 甲, date: 2024-12-20}")
        let d = Self.parse(byItem)
        #expect(d.map(\.code) == ["inconsistent-conclusion"])
        #expect(d.first?.message == "the conclusion of audit is 未发现问题, but finding F1 belongs to audit")
        #expect(d.first?.location.line == 39)
        let direct = Self.withAudit(item: "{status: no_problem, examiner: 甲}", conclusion: "{result: 未发现问题, by: 甲, date: 2024-12-20}")
            .replacingOccurrences(of: "status: resolved}", with: "status: resolved, department: audit}")
        #expect(Self.parse(direct).map(\.code) == ["inconsistent-conclusion"])
        // Owned by another department: this one's 未发现问题 stands.
        let other = direct.replacingOccurrences(of: "department: audit}", with: "department: discipline}")
        #expect(Self.parse(other).isEmpty)
    }
}

/// Typing mistakes a Chinese keyboard makes (issue 14): full-width punctuation in the YAML syntax.
@Suite("Full-width punctuation")
struct FullWidthTests {
    @Test("full-width： after a key is named at its own position, with the half-width form")
    func blockColon() throws {
        let text = Fixtures.valid.replacingOccurrences(of: "  name: 测试官", with: "  name：测试官")
        let (_, d) = Fixtures.parse(text)
        #expect(d.map(\.code) == ["full-width"])
        let e = try #require(d.first)
        #expect(e.location.line == 3 && e.location.column == 7)
        #expect(e.message == "full-width '：' (U+FF1A) where YAML needs the half-width ':'")
        #expect(e.hint.contains("半角冒号"))
    }

    @Test("in a flow: a full-width colon after a key and a full-width comma before the next key; every one is reported")
    func flow() throws {
        let text = Fixtures.valid.replacingOccurrences(of: "  - {name: 乙, department: discipline, unit: 县纪委监委}",
                                                       with: "  - {name： 乙，department: discipline, unit: 县纪委监委}")
        let (_, d) = Fixtures.parse(text)
        #expect(d.map(\.code) == ["full-width", "full-width"], "\(d)")
        #expect(d.map(\.location.column) == [10, 13])
        #expect(d.map(\.location.line) == [19, 19])
    }

    @Test("full-width punctuation inside text is left alone")
    func insideText() {
        let text = Fixtures.valid.replacingOccurrences(of: "title: 借款待查", with: "title: 借款待查，金额：5万元（待核）")
        #expect(Fixtures.parse(text).1.isEmpty)
        // With a real syntax error elsewhere, the comma in the text is not blamed.
        let broken = text.replacingOccurrences(of: "trigger: term_end", with: "trigger: [term_end")
        let d = Fixtures.parse(broken).1
        #expect(d.map(\.code) == ["yaml-syntax"], "\(d)")
    }

    @Test("a flow that parses with a full-width colon in its key is named too")
    func keyWithFullWidth() throws {
        let text = Fixtures.valid.replacingOccurrences(of: "{id: F1, title: 借款待查,", with: "{id: F1, title：借款待查,")
        let d = Fixtures.parse(text).1
        #expect(d.contains { $0.code == "full-width" && $0.message.contains("'：'") }, "\(d)")
    }

    @Test("every file's syntax errors are reported in one run")
    func everyFile() throws {
        let a = Fixtures.valid.replacingOccurrences(of: "  name: 测试官", with: "  name：测试官")
        let b = Fixtures.valid.replacingOccurrences(of: "id: T-1", with: "id: T-2").replacingOccurrences(of: "  title: 局长", with: "  title：局长")
        let dir = try Fixtures.workspace(["a.yaml": a, "b.yaml": b])
        let r = WorkspaceLoader.load(path: dir.path)
        #expect(r.diagnostics.filter { $0.code == "full-width" }.map(\.location.file).map { String($0.suffix(6)) } == ["a.yaml", "b.yaml"])
    }
}

@Suite("Chinese values")
struct ChineseValueTests {
    @Test("every coded value is also accepted by its Chinese label, and reads as the same case")
    func accepted() throws {
        let zh = Fixtures.valid
            .replacingOccurrences(of: "trigger: term_end", with: "trigger: 任期届满")
            .replacingOccurrences(of: "rank: principal", with: "rank: 正职")
            .replacingOccurrences(of: "basis: appointed", with: "basis: 委任")
            .replacingOccurrences(of: "department: audit, unit", with: "department: 审计, unit")
            .replacingOccurrences(of: "area: duties", with: "area: 工作职能和职责")
            .replacingOccurrences(of: "better: higher", with: "better: 越高越好")
            .replacingOccurrences(of: "rating: achieved", with: "rating: 达成")
            .replacingOccurrences(of: "seals: done", with: "seals: 已交接")
            .replacingOccurrences(of: "status: issue", with: "status: 有问题")
            .replacingOccurrences(of: "category: finance, status: resolved", with: "category: 财务管理, status: 已整改")
        let (en, d0) = Fixtures.parse(Fixtures.valid)
        let (c, d) = Fixtures.parse(zh)
        #expect(d0.isEmpty && d.isEmpty, "\(d)")
        let a = try #require(c), b = try #require(en)
        #expect(a.indicators == b.indicators && a.handover == b.handover && a.findings == b.findings && a.team == b.team)
        #expect(a.trigger == .termEnd && a.post.rank == .principal && a.handover?.items["seals"]?.status == .done)
        #expect(a.findings.first?.category == "finance" && a.findings.first?.status == .resolved)
        #expect(a.team.first?.department == "audit" && a.indicators.first?.area == "duties")
    }

    @Test("a value that is neither a code nor a label is refused with every allowed value in both languages")
    func refused() {
        let (_, d) = Fixtures.parse(Fixtures.valid.replacingOccurrences(of: "trigger: term_end", with: "trigger: 调岗"))
        #expect(d.codes == ["bad-value"])
        #expect(d.first?.hint.contains("term_end (任期届满), transfer (调整岗位), promotion (提拔重用)") == true, "\(d)")
        let (_, v) = Fixtures.parse(Fixtures.valid.replacingOccurrences(of: "department: audit, unit", with: "department: 审计局, unit"))
        #expect(v.codes == ["unknown-id"])
        #expect(v.first?.hint.contains("audit (审计)") == true, "\(v)")
    }
}
