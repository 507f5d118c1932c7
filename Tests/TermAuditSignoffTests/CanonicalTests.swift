import Foundation
import Testing
import TermAudit
import TermAuditSignoff

@Suite("Canonical form")
struct CanonicalTests {
    @Test("numbers are written in the shortest round-trip ECMAScript form",
          arguments: [(0.0, "0"), (-0.0, "0"), (1, "1"), (3410, "3410"), (3.0, "3"), (3.2, "3.2"), (1.25, "1.25"),
                      (0.1 + 0.2, "0.30000000000000004"), (-5.5, "-5.5"), (123.456, "123.456"), (1e15, "1000000000000000"),
                      (1e20, "100000000000000000000"), (1e21, "1e+21"), (0.000001, "0.000001"), (1e-7, "1e-7"),
                      (1.5e300, "1.5e+300"), (Double.leastNonzeroMagnitude, "5e-324"), (2.5e-8, "2.5e-8"), (123456789.125, "123456789.125")])
    func numbers(_ value: Double, _ text: String) {
        #expect(CanonicalJSON.number(value) == text)
        #expect(Double(text) == value)
    }

    @Test("strings are escaped minimally; object members are sorted by UTF-16 code units; no whitespace")
    func strings() {
        let s = CanonicalJSON.object(["b": .number(1), "a": .array([.string("x\"y\\z\n\t\u{01}é中/"), .null, .bool(true)]),
                                      "B": .object([:]), "aa": .bool(false)])
        #expect(s.text == #"{"B":{},"a":["x\"y\\z\n\t\u0001é中/",null,true],"aa":false,"b":1}"#)
    }

    /// A case with every optional value present.
    static let full = AuditCase(
        id: "T-1",
        official: Official(name: "甲", staffID: "A-1", nationalID: "990101198001010011", serviceStart: Day(iso: "2000-01-01"), born: Day(iso: "1980-01-01"),
                           sex: .female, sanctions: [Sanction(kind: .admonishment, date: Day(iso: "2024-03-01")!, until: Day(iso: "2024-09-01"), note: "n")]),
        post: Post(unit: "县局", title: "局长", rank: .principal, level: "科级", system: "县直", basis: .appointed, decided: Day(iso: "2020-01-02")!,
                   inherits: DayRange(start: Day(iso: "2018-01-01")!, end: Day(iso: "2022-12-31")!), termsBefore: 1, yearsAtLevel: 3),
        trigger: .termEnd,
        team: [TeamMember(name: "乙", department: "audit", unit: "县审计局", leader: true)],
        indicators: [Indicator(id: "i", area: "duties", name: "收入", unit: "亿元", measure: .quantitative(target: 5, actual: 5.2, better: .higher), weight: 2, note: "n"),
                     Indicator(id: "q", area: "duties", name: "党建", measure: .qualitative(target: "达标", rating: .partial))],
        handover: Handover(checklist: "handover-standard", items: ["seals": ItemState(status: .issue, note: "n", reason: "r", finding: "F1")],
                           parties: ["outgoing": "甲"], notified: Day(iso: "2024-12-01"), due: Day(iso: "2024-12-10")),
        findings: [Finding(id: "F1", title: "问题", category: "funds", responsibility: "direct", status: .resolved, amount: 1.5, note: "n", due: Day(iso: "2025-01-01"), department: "audit")],
        assessment: [AssessmentYear(year: 2024, performance: 90, opinion: 85.5, grade: .excellent, teamClass: 1, teamScore: 91)],
        signoffs: [],
        audit: AuditWork(program: "p", items: ["x": AuditItemState(status: .problem, findings: ["F1"], examiner: "乙", reason: "r", note: "n")],
                         conclusions: ["audit": Conclusion(result: .problemsFound, findings: ["F1"], by: "乙", date: Day(iso: "2024-12-15")!)])
    )

    static func snake(_ s: String) -> String {
        var out = ""
        var prevUpper = false
        for ch in s {
            if ch.isUppercase {
                if !prevUpper { out += "_" }
                out += ch.lowercased()
                prevUpper = true
            } else {
                out.append(ch)
                prevUpper = false
            }
        }
        return out
    }

    /// Stored properties (as file keys) of a value, without its source location.
    /// The stored properties that are content: not where it was read (`location`, and a case's `origin`).
    static func keys(_ x: Any) -> Set<String> {
        Set(Mirror(reflecting: x).children.compactMap(\.label).filter { $0 != "location" && $0 != "origin" }.map(snake))
    }

    static func members(_ j: CanonicalJSON?) -> Set<String> {
        switch j {
        case .object(let o)?: Set(o.keys)
        case .array(let a)?: members(a.first)
        default: []
        }
    }

    static func member(_ j: CanonicalJSON?, _ path: String...) -> CanonicalJSON? {
        var cur = j
        for p in path {
            switch cur {
            case .object(let o)?: cur = o[p]
            case .array(let a)?: cur = a.first.flatMap { if case .object(let o) = $0 { o[p] } else { nil } }
            default: return nil
            }
        }
        return cur
    }

    @Test("the canonical form covers every stored property of the model (update CaseDigest when the model grows)")
    func completeness() throws {
        let c = Self.full
        let d = CaseDigest(c)
        #expect(Self.keys(c) == Set(CaseDigest.sectionNames + ["id", "signoffs"]))
        #expect(Set(d.sections.keys) == Set(CaseDigest.sectionNames))
        #expect(Self.members(d.sections["official"]) == Self.keys(c.official))
        #expect(Self.members(Self.member(d.sections["official"], "sanctions")) == Self.keys(c.official.sanctions[0]))
        #expect(Self.members(d.sections["post"]) == Self.keys(c.post))
        #expect(Self.members(d.sections["team"]) == Self.keys(c.team[0]))
        #expect(Self.keys(c.indicators[0]) == ["id", "area", "name", "unit", "measure", "weight", "note"])
        #expect(Self.members(d.sections["indicators"]) == ["id", "area", "name", "unit", "target", "actual", "better", "weight", "note"])
        #expect(Self.members(d.sections["handover"]) == Self.keys(c.handover!))
        #expect(Self.members(Self.member(d.sections["handover"], "items", "seals")) == Self.keys(c.handover!.items["seals"]!))
        #expect(Self.members(d.sections["findings"]) == Self.keys(c.findings[0]))
        #expect(Self.members(d.sections["assessment"]) == Self.keys(c.assessment[0]))
        #expect(Self.members(d.sections["audit"]) == Self.keys(c.audit!))
        #expect(Self.members(Self.member(d.sections["audit"], "items", "x")) == Self.keys(c.audit!.items["x"]!))
        #expect(Self.members(Self.member(d.sections["audit"], "conclusions", "audit")) == Self.keys(c.audit!.conclusions["audit"]!))
        #expect(Self.keys(c.signoffs.first ?? Signoff(role: "", name: "", post: "", time: "", digest: "", signature: "", publicKey: "")).contains("public_key"))
    }

    @Test("the digest binds the case id and ignores source locations and signoffs")
    func binding() {
        var a = Self.full
        let d = CaseDigest(a)
        a.location = SourceLocation(file: "elsewhere.yaml", line: 40, column: 3)
        a.team[0].location = SourceLocation(file: "elsewhere.yaml", line: 9, column: 5)
        a.signoffs = [Signoff(role: "r", name: "n", post: "p", time: "t", digest: "d", signature: "s", publicKey: "k")]
        #expect(CaseDigest(a).digest == d.digest)
        a.id = "T-2"
        #expect(CaseDigest(a).digest != d.digest)
        #expect(CaseDigest(a).sectionDigests == d.sectionDigests)
        #expect(d.digest == CaseDigest.rootDigest(caseID: "T-1", sectionDigests: d.sectionDigests))
        #expect(d.rootDocument.text.hasPrefix(#"{"case":"T-1","format":"termaudit-case-v1","sections":{"assessment":""#))
    }

    @Test("quantitative and qualitative indicators, and absent values, have distinct canonical forms")
    func distinct() {
        var a = Self.full
        let before = CaseDigest(a).sectionDigests["indicators"]
        a.indicators[0].note = nil
        #expect(CaseDigest(a).sectionDigests["indicators"] != before)
        a.indicators[0].note = ""
        #expect(CaseDigest(a).sectionDigests["indicators"] != before)
        var b = Self.full
        b.handover = nil
        #expect(CaseDigest(b).sections["handover"] == .null)
        #expect(CaseDigest(b).sectionDigests["handover"] == CaseDigest.sha256Hex(Data("null".utf8)))
    }

    @Test("the signed message has the documented form and refuses line breaks in fields")
    func message() {
        #expect(SignedMessage.text(caseID: "C", role: "r", name: "n", post: "p", time: "2024-12-20T02:00:00Z", digest: "d")
                == "termaudit-signoff-v1\ncase:C\nrole:r\nname:n\npost:p\ntime:2024-12-20T02:00:00Z\ndigest:d\n")
        #expect(!SignedMessage.isClean("a\nb"))
        #expect(!SignedMessage.isClean("a\u{85}b"))
        #expect(SignedMessage.isClean("青山县审计局 科长"))
        #expect(SignoffTime.isValid("2024-12-20T02:00:00Z"))
        #expect(!SignoffTime.isValid("2024-02-30T02:00:00Z"))
        #expect(!SignoffTime.isValid("2024-12-20T24:00:00Z"))
        #expect(!SignoffTime.isValid("2024-12-20T02:00:00+08:00"))
        #expect(SignoffTime.isValid(SignoffTime.now()))
    }
}
