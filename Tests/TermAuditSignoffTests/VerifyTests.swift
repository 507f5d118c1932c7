import Foundation
import Testing
import TermAudit
import TermAuditLoader
import TermAuditRules
import TermAuditSignoff
import Yams

@Suite("Verifying")
struct VerifyTests {
    let people = TempWorkspace.people002

    /// A content edit of 2024-002 and the section it changes.
    struct Change: CustomTestStringConvertible, Sendable {
        var section: String
        var old: String
        var new: String
        var testDescription: String { "\(section): \(old) → \(new)" }
    }

    static let changes: [Change] = [
        Change(section: "indicators", old: "actual: 1.25", new: "actual: 1.26"),                  // a number
        Change(section: "indicators", old: "note: 2023年汛期缺2次记录", new: "note: 2023年汛期缺3次记录"),
        Change(section: "official", old: "staff_id: A-0102", new: "staff_id: A-0103"),              // a text
        Change(section: "official", old: "born: 1981-09-23", new: "born: 1981-09-24"),              // a date
        Change(section: "post", old: "title: 副镇长", new: "title: 副镇长（主持工作）"),
        Change(section: "trigger", old: "trigger: term_end", new: "trigger: transfer"),
        Change(section: "team", old: "unit: 青山县人力资源和社会保障局}", new: "unit: 青山县人社局}"),
        Change(section: "handover", old: "    duties: done\n", new: "    duties: pending\n"),      // a status
        Change(section: "handover", old: "due: 2024-12-18", new: "due: 2024-12-19"),     // (a changed party is wrong-signer: WhoMaySignTests)
        Change(section: "findings", old: "findings: []", new: "findings:\n  - {id: F1, title: 补记问题, category: funds, status: resolved, amount: 3.5, department: finance}"),
        Change(section: "assessment", old: "performance: 84", new: "performance: 84.5"),
        Change(section: "audit", old: "audit: {result: 未发现问题, by: 陆佳, date: 2024-12-15}", new: "audit: {result: 未发现问题, by: 陆佳, date: 2024-12-14}"),
    ]

    @Test("changing content after signing makes every signature stale and names the changed section", arguments: changes)
    func stale(_ change: Change) throws {
        let w = try TempWorkspace(cases: ["2024-002"])
        try w.register(people)
        try w.signAll("2024-002", people)
        try w.edit("2024-002", change.old, change.new)
        let checks = try w.checks("2024-002")
        #expect(checks.map(\.result) == [.stale, .stale, .stale, .stale])
        #expect(checks.allSatisfy { $0.changedSections == [change.section] })
        #expect(checks[0].detail.zh.contains(change.section))
        let ws = try w.open()
        let c = try ws.auditCase("2024-002")
        let status = ws.evaluator.evaluate(c, signatures: ws.verifier.verdicts(c))
        #expect(status.state != .signedOff)
        #expect(status.reasons.contains { $0.rule == "signoff.stale" })
    }

    @Test("reformatting (flow ↔ block, key order, comments, quoting) keeps the signatures valid",
          arguments: [Restyler(style: .block, reverseKeys: true, doubleQuote: true),
                      Restyler(style: .block, reverseKeys: false, doubleQuote: false),
                      Restyler(style: .flow, reverseKeys: true, doubleQuote: true),
                      Restyler(style: .flow, reverseKeys: false, doubleQuote: false, comments: false)])
    func reformat(_ restyler: Restyler) throws {
        let w = try TempWorkspace(cases: ["2024-002"])
        try w.register(people)
        try w.signAll("2024-002", people)
        let before = try w.text("2024-002")
        let node = try #require(try Yams.compose(yaml: before))
        let restyled = restyler.render(node)
        #expect(restyled != before)
        try w.write("2024-002", restyled)
        let checks = try w.checks("2024-002")
        #expect(checks.map(\.result) == [.valid, .valid, .valid, .valid], "\(restyled)")
        let ws = try w.open()
        let c = try ws.auditCase("2024-002")
        #expect(ws.evaluator.evaluate(c, signatures: ws.verifier.verdicts(c)).state == .signedOff)
    }

    @Test("flow-style parts rewritten by hand in block style, and plain ↔ quoted scalars, keep the digest")
    func handReformat() throws {
        let w = try TempWorkspace(cases: ["2024-002"])
        try w.register(people)
        try w.signAll("2024-002", people)
        try w.edit("2024-002", "  - {id: farmland, area: duties, name: 高标准农田建设, unit: 万亩, target: 1.2, actual: 1.25, better: higher, weight: 5}\n",
                   "  # 高标准农田\n  - id: 'farmland'\n    weight: 5.0\n    better: \"higher\"\n    actual: 1.250\n    target: 1.20\n    unit: 万亩\n    name: \"高标准农田建设\"\n    area: duties\n")
        try w.edit("2024-002", "    duties: done\n", "    duties: {status: done}   # 同样的含义\n")
        try w.edit("2024-002", "# 青溪镇副镇长", "---\n# 青溪镇副镇长")
        #expect(try w.checks("2024-002").map(\.result) == [.valid, .valid, .valid, .valid])
    }

    @Test("a signature pasted into another case is wrong-case; an altered record is bad-signature")
    func copied() throws {
        let w = try TempWorkspace(cases: ["2024-002", "2024-004", "2024-005"])
        try w.register(people)
        try w.register(TempWorkspace.people004)
        try w.sign("2024-002", "team_leader", as: "陆佳")
        let record = try w.open().auditCase("2024-002").signoffs[0]

        // Pasted as is into 2024-004.
        try w.write("2024-004", try SignoffEditor.append(record, to: try w.text("2024-004"), file: "2024-004"))
        let pasted = try w.checks("2024-004")
        #expect(pasted.map(\.result) == [.wrongCase])
        #expect(pasted[0].signedCase == "2024-002")
        #expect(pasted[0].detail.zh.contains("2024-002"))
        let ws = try w.open()
        let c4 = try ws.auditCase("2024-004")
        #expect(ws.verifier.verdicts(c4) == ["team_leader": .invalid])
        #expect(ws.evaluator.evaluate(c4, signatures: ws.verifier.verdicts(c4)).reasons.contains { $0.rule == "signoff.invalid" })

        // Altered (another name) and pasted into 2024-005.
        var altered = record
        altered.name = "周文斌"
        try w.write("2024-005", try SignoffEditor.append(altered, to: try w.text("2024-005"), file: "2024-005"))
        #expect(try w.checks("2024-005").map(\.result) == [.badSignature])

        // The original is still valid where it belongs.
        #expect(try w.checks("2024-002").map(\.result) == [.valid])
    }

    @Test("a record from a case that is not in the workspace, or with altered sections or signature, is bad-signature")
    func badSignature() throws {
        let w = try TempWorkspace(cases: ["2024-002", "2024-004"])
        try w.register(people)
        try w.sign("2024-002", "team_leader", as: "陆佳")
        let record = try w.open().auditCase("2024-002").signoffs[0]
        try w.write("2024-004", try SignoffEditor.append(record, to: try w.text("2024-004"), file: "2024-004"))
        try FileManager.default.removeItem(at: w.files["2024-002"]!)
        #expect(try w.checks("2024-004").map(\.result) == [.badSignature])

        // Sections altered to hide what changed.
        let w2 = try TempWorkspace(cases: ["2024-002"])
        try w2.register(people)
        try w2.sign("2024-002", "team_leader", as: "陆佳")
        let r = try w2.open().auditCase("2024-002").signoffs[0]
        try w2.edit("2024-002", "findings: \"\(r.sections["findings"]!)\"", "findings: \"\(String(repeating: "0", count: 64))\"")
        #expect(try w2.checks("2024-002").map(\.result) == [.badSignature])
        // A flipped signature character.
        try w2.edit("2024-002", "findings: \"\(String(repeating: "0", count: 64))\"", "findings: \"\(r.sections["findings"]!)\"")
        let flipped = (r.signature.first == "A" ? "B" : "A") + r.signature.dropFirst()
        try w2.edit("2024-002", r.signature, flipped)
        #expect(try w2.checks("2024-002").map(\.result) == [.badSignature])
    }

    @Test("a key removed from signers.yaml, or registered for another role, is unknown-key")
    func unknownKey() throws {
        let w = try TempWorkspace(cases: ["2024-002"])
        try w.register(people)
        try w.sign("2024-002", "team_leader", as: "陆佳")
        try w.unregister("陆佳")
        #expect(try w.checks("2024-002").map(\.result) == [.unknownKey])
        try w.register(name: "陆佳", role: "supervisor", key: w.keys["陆佳"]!)
        let k = try w.checks("2024-002")
        #expect(k.map(\.result) == [.unknownKey])
        #expect(k[0].detail.en.contains("supervisor"))
    }

    @Test("re-signing after a change supersedes the stale signatures; the case is signed_off again")
    func resign() throws {
        let w = try TempWorkspace(cases: ["2024-002"])
        try w.register(people)
        try w.signAll("2024-002", people)
        try w.edit("2024-002", "actual: 1.25", "actual: 1.3")
        #expect(refusal { try w.sign("2024-002", "outgoing", as: "刘晓燕") } == .outOfOrder(role: "outgoing", missing: ["team_leader"]))
        try w.signAll("2024-002", people)
        let checks = try w.checks("2024-002")
        #expect(checks.map(\.result) == [.superseded, .superseded, .superseded, .superseded, .valid, .valid, .valid, .valid])
        #expect(!checks.contains { $0.result.isProblem })
        let ws = try w.open()
        let c = try ws.auditCase("2024-002")
        #expect(ws.evaluator.evaluate(c, signatures: ws.verifier.verdicts(c)).state == .signedOff)
    }

    @Test("key rotation: an added key keeps old signatures valid; a retired key's record is superseded by re-signing")
    func rotation() throws {
        let w = try TempWorkspace(cases: ["2024-002"])
        try w.register(people, staffIDs: ["陆佳": "S-01"])        // two keys of one person: the same staff_id on both
        try w.signAll("2024-002", people)
        let old = w.keys["陆佳"]!
        let new = SigningKey.generate(name: "陆佳")
        // Add the new key, keep the old: still valid.
        try w.register(name: "陆佳", role: "team_leader", key: new, staffID: "S-01")
        #expect(try w.checks("2024-002").map(\.result) == [.valid, .valid, .valid, .valid])
        // Retire the old key: its record is unknown-key and the role must be signed again.
        try w.unregister("陆佳")
        try w.register(name: "陆佳", role: "team_leader", key: new, staffID: "S-01")
        #expect(try w.checks("2024-002").map(\.result) == [.unknownKey, .valid, .valid, .valid])
        #expect(refusal { try w.open().sign(caseID: "2024-002", role: "team_leader", key: old, time: "2024-12-28T00:00:00Z") }?.code == "unregistered-key")
        try w.sign("2024-002", "team_leader", as: "陆佳", time: "2024-12-28T00:00:00Z")
        let checks = try w.checks("2024-002")
        #expect(checks.map(\.result) == [.superseded, .valid, .valid, .valid, .valid])
        let ws = try w.open()
        let c = try ws.auditCase("2024-002")
        #expect(ws.evaluator.evaluate(c, signatures: ws.verifier.verdicts(c)).state == .signedOff)
    }

    @Test("the signature checks with openssl over the documented message and PEM key")
    func openssl() throws {
        let openssl = ["/usr/bin/openssl", "/usr/local/bin/openssl", "/opt/homebrew/bin/openssl"].first { FileManager.default.isExecutableFile(atPath: $0) }
        guard let openssl else { return }   // openssl is not installed here
        let w = try TempWorkspace(cases: ["2024-002"])
        try w.register(people)
        let signed = try w.sign("2024-002", "team_leader", as: "陆佳")
        let r = signed.record
        let dir = w.root
        let message = "termaudit-signoff-v1\ncase:2024-002\nrole:team_leader\nname:陆佳\npost:陆佳的职务\ntime:2024-12-20T02:00:00Z\ndigest:\(r.digest)\n"
        #expect(signed.message == message)
        try Data(message.utf8).write(to: dir.appendingPathComponent("msg"))
        try Data(base64Encoded: r.signature)!.write(to: dir.appendingPathComponent("sig"))
        try PublicKey.pem(PublicKey.decode(r.publicKey)!).write(to: dir.appendingPathComponent("pub.pem"), atomically: true, encoding: .utf8)
        func run(_ msg: String) throws -> Int32 {
            let p = Process()
            p.executableURL = URL(fileURLWithPath: openssl)
            p.arguments = ["pkeyutl", "-verify", "-pubin", "-inkey", "pub.pem", "-rawin", "-in", msg, "-sigfile", "sig"]
            p.currentDirectoryURL = dir
            p.standardOutput = FileHandle.nullDevice
            p.standardError = FileHandle.nullDevice
            try p.run()
            p.waitUntilExit()
            return p.terminationStatus
        }
        #expect(try run("msg") == 0)
        try Data(message.replacingOccurrences(of: "case:2024-002", with: "case:2024-004").utf8).write(to: dir.appendingPathComponent("msg2"))
        #expect(try run("msg2") != 0)
        // The digest is the SHA-256 of the canonical root document.
        let ws = try w.open()
        let d = CaseDigest(try ws.auditCase("2024-002"))
        #expect(CaseDigest.sha256Hex(d.rootDocument.bytes) == r.digest)
    }
}
