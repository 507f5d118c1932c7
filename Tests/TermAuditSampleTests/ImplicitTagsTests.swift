import Testing
@testable import TermAuditLoader
import Yams

/// The loader tags plain scalars without regular expressions (`ImplicitTags`, a speed fix found by the benchmark);
/// these tests hold it to Yams' default resolver. (They belong with the loader tests; kept here with the benchmark
/// work that introduced them.)
@Suite struct ImplicitTagsTests {
    static func yams(_ s: String) -> String { Resolver.default.resolveTag(of: Yams.Node(s)).rawValue }

    @Test("plain scalars get the tag of Yams' default resolver")
    func examples() {
        let samples = [
            "", "~", "null", "Null", "NULL", "nULL", "yes", "No", "TRUE", "off", "On", "y", "n", "tRUE",
            "0", "-0", "+0", "7", "007", "08", "0o17", "0o", "0b101", "0b", "0b2", "0x1F", "0xg", "1_000", "-1_000", "+12",
            "1:30", "190:20:30", "1:60", "1:5", "1:05:", "1.5", "1.", ".5", "-.5", "+.5", ".5e+3", ".5e3", "1e5", "1E-5",
            "1.5e", "1.2.3", "6.8523015e+5", "685.230_15e+03", "190:20:30.15", "-.inf", ".Inf", "+.INF", ".nan", ".NaN",
            "-.nan", "<<", "=", "2019-07-15", "2019-7-5", "2001-12-14t21:59:43.10-05:00", "2001-12-14 21:59:43.10 -5",
            "2001-12-15 2:59:43.10", "2002-12-14", "2001-12-14T21:59:43Z", "2001-12-14T21:59:43 Z", "2001-12-14 21:59",
            "12345678-1", "110101196805010000", "99010119780214056X", "A-0042", "2024-001", "5.2", "亿元", "%", "局长",
            "3.0", "100", "1e3", "0.0%", "1_0:30", "-1:30", "+1:30",
        ]
        for s in samples {
            #expect(ImplicitTags.resolve(s).rawValue == Self.yams(s), "\(s)")
        }
    }

    @Test("random short scalars from number-like characters agree with Yams")
    func random() {
        let alphabet = Array("0123456789+-._:eExXoObB<=~ TtZnulaifNI\t9")
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next() -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int(state >> 33)
        }
        for _ in 0..<20_000 {
            let length = next() % 14
            let s = String((0..<length).map { _ in alphabet[next() % alphabet.count] })
            #expect(ImplicitTags.resolve(s).rawValue == Self.yams(s), "\(s.debugDescription)")
        }
    }

    @Test("quoted scalars and explicit tags are left as written; keys are tagged like values")
    func tree() throws {
        let reader = YAMLReader(file: "t.yaml")
        let root = try #require(reader.parse(text: "a: 5\nb: \"5\"\nc: !!str 5\n1: x\nd: [yes, '7', ~]\n"))
        guard case .mapping(let m) = root else { Issue.record("not a mapping"); return }
        var tags: [String: String] = [:]
        for (k, v) in m {
            tags[k.string ?? "?"] = v.tag.rawValue
            if k.string == "1" { #expect(k.tag.rawValue == Yams.Tag.Name.int.rawValue) }
        }
        #expect(tags["a"] == Yams.Tag.Name.int.rawValue)
        #expect(tags["b"] == Yams.Tag.Name.str.rawValue)
        #expect(tags["c"] == Yams.Tag.Name.str.rawValue)
        if case .sequence(let q) = m["d"]! {
            #expect(q.map(\.tag.rawValue) == [Yams.Tag.Name.bool.rawValue, Yams.Tag.Name.str.rawValue, Yams.Tag.Name.null.rawValue])
        } else {
            Issue.record("d is not a list")
        }
    }
}
