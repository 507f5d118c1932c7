import Foundation
import Testing
import TermAudit
import TermAuditRules
import TermAuditSignoff
import TermAuditLoader

/// The error a body throws, if it is a `SignoffError`.
func refusal(_ body: () throws -> Void) -> SignoffError? {
    do { try body() } catch let e as SignoffError { return e } catch { return .message(Label(zh: "\(error)", en: "\(error)")) }
    return nil
}

@Suite("Signing")
struct SigningTests {
    let people = TempWorkspace.people002

    @Test("signing in order succeeds; with four valid signatures the case is signed_off")
    func inOrder() throws {
        let w = try TempWorkspace(cases: ["2024-002", "2024-004"])
        try w.register(people)
        let before = try w.open()
        #expect(before.evaluator.evaluate(try before.auditCase("2024-002")).state == .readyForSignoff)
        for (i, role) in TempWorkspace.roles.enumerated() {
            let signed = try w.sign("2024-002", role, as: people[role]!, time: "2024-12-2\(i)T08:00:00Z")
            #expect(signed.record.role == role)
            #expect(signed.record.name == people[role]!)
            let ws = try w.open()
            let c = try ws.auditCase("2024-002")
            let state = ws.evaluator.evaluate(c, signatures: ws.verifier.verdicts(c)).state
            #expect(state == (i == 3 ? .signedOff : .readyForSignoff))
        }
        let ws = try w.open()
        let c = try ws.auditCase("2024-002")
        let checks = ws.verifier.check(c)
        #expect(checks.map(\.result) == [.valid, .valid, .valid, .valid])
        #expect(checks.map(\.record.role) == TempWorkspace.roles)
        let status = ws.evaluator.evaluate(c, signatures: ws.verifier.verdicts(c))
        #expect(status.state == .signedOff)
        #expect(status.missingSignatures.isEmpty)
        // The other case is untouched and still ready.
        let other = try ws.auditCase("2024-004")
        #expect(other.signoffs.isEmpty)
        #expect(ws.evaluator.evaluate(other, signatures: ws.verifier.verdicts(other)).state == .readyForSignoff)
    }

    @Test("a role whose earlier roles have not validly signed is refused (out of order)")
    func outOfOrder() throws {
        let w = try TempWorkspace(cases: ["2024-002"])
        try w.register(people)
        let before = try w.bytes("2024-002")
        #expect(refusal { try w.sign("2024-002", "outgoing", as: "刘晓燕") } == .outOfOrder(role: "outgoing", missing: ["team_leader"]))
        // Chinese messages use the roles' labels, not their ids.
        #expect(refusal { try w.sign("2024-002", "outgoing", as: "刘晓燕") }?.label.zh == "须按顺序签字：审计组长尚未有效签字，移交人暂不能签字")
        #expect(refusal { try w.sign("2024-002", "supervisor", as: "沈涛") } == .outOfOrder(role: "supervisor", missing: ["team_leader", "outgoing", "incoming"]))
        #expect(try w.bytes("2024-002") == before)
        try w.sign("2024-002", "team_leader", as: "陆佳")
        #expect(refusal { try w.sign("2024-002", "incoming", as: "潘建") } == .outOfOrder(role: "incoming", missing: ["outgoing"]))
    }

    @Test("a signing time after the workspace's as_of is refused and nothing is written")
    func afterAsOf() throws {
        let w = try TempWorkspace(cases: ["2024-002"])
        try w.register(people)
        let before = try w.bytes("2024-002")
        let e = refusal { try w.sign("2024-002", "team_leader", as: "陆佳", time: "2025-01-01T00:00:00Z") }
        #expect(e == .afterAsOf(time: "2025-01-01T00:00:00Z", asOf: Day(iso: "2024-12-31")!))
        #expect(e?.code == "after-as-of")
        #expect(e?.label.zh.contains("as_of") == true)
        #expect(try w.bytes("2024-002") == before)
        try w.sign("2024-002", "team_leader", as: "陆佳", time: "2024-12-31T23:59:59Z")   // on the day itself: fine
    }

    @Test("a key registered for another role is refused (wrong role)")
    func wrongRole() throws {
        let w = try TempWorkspace(cases: ["2024-002"])
        try w.register(people)
        let before = try w.bytes("2024-002")
        #expect(refusal { try w.open().sign(caseID: "2024-002", role: "team_leader", key: w.keys["刘晓燕"]!, time: "2024-12-20T02:00:00Z") }
                == .keyNotForRole(role: "team_leader", registeredFor: ["outgoing"]))
        #expect(try w.bytes("2024-002") == before)
    }

    @Test("a signature made elsewhere: prepared, signed and written once; a key registered to another person than the holder asked for is refused")
    func signedElsewhereByItsHolder() throws {
        let w = try TempWorkspace(cases: ["2024-002"])
        try w.register(people)
        let before = try w.bytes("2024-002")
        let key = w.keys["陆佳"]!, publicKey = key.privateKey.publicKey.rawRepresentation, time = "2024-12-20T02:00:00Z"
        // The account signing is bound to another person than the key's holder: refused at preparing and at signing.
        #expect(refusal { _ = try w.open().prepare(caseID: "2024-002", role: "team_leader", publicKey: publicKey, time: time, holder: "潘建") }
                == .notYourKey(registeredTo: "陆佳"))
        let prepared = try w.open().prepare(caseID: "2024-002", role: "team_leader", publicKey: publicKey, time: time, holder: "陆佳")
        let signature = try key.privateKey.signature(for: prepared.messageBytes)
        #expect(refusal { _ = try w.open().sign(caseID: "2024-002", role: "team_leader", publicKey: publicKey, time: time, signature: signature, holder: "潘建") }
                == .notYourKey(registeredTo: "陆佳"))
        #expect(try w.bytes("2024-002") == before)
        let signed = try w.open().sign(caseID: "2024-002", role: "team_leader", publicKey: publicKey, time: time, signature: signature, holder: "陆佳")
        #expect(signed.record.name == "陆佳" && signed.record.signature == signature.base64EncodedString())
        #expect(try w.bytes("2024-002") != before)
    }

    @Test("a key not in signers.yaml is refused (unregistered key)")
    func unregisteredKey() throws {
        let w = try TempWorkspace(cases: ["2024-002"])
        try w.register(people)
        let stranger = SigningKey.generate(name: "陆佳")   // same name, another key
        let e = refusal { try w.open().sign(caseID: "2024-002", role: "team_leader", key: stranger, time: "2024-12-20T02:00:00Z") }
        #expect(e == .unregisteredKey(role: "team_leader", publicKey: stranger.publicKeyBase64))
        #expect(e?.code == "unregistered-key")
    }

    @Test("a case on hold, or still being audited, cannot be signed")
    func notReady() throws {
        let w = try TempWorkspace(cases: ["2024-007", "2024-003"])
        try w.register(people)
        let before = try w.bytes("2024-007")
        let hold = refusal { try w.sign("2024-007", "team_leader", as: "陆佳") }
        #expect(hold == .onHold(caseID: "2024-007"))
        #expect(hold?.label.zh.contains("待岗") == true)
        #expect(hold?.label.en.contains("on hold") == true)
        #expect(try w.bytes("2024-007") == before)
        #expect(refusal { try w.sign("2024-003", "team_leader", as: "陆佳") } == .notReady(caseID: "2024-003", state: .auditing))
    }

    @Test("a role already validly signed cannot be signed again")
    func alreadySigned() throws {
        let w = try TempWorkspace(cases: ["2024-002"])
        try w.register(people)
        try w.sign("2024-002", "team_leader", as: "陆佳")
        let before = try w.bytes("2024-002")
        #expect(refusal { try w.sign("2024-002", "team_leader", as: "陆佳") } == .alreadySigned(caseID: "2024-002", role: "team_leader", by: "陆佳"))
        #expect(try w.bytes("2024-002") == before)
        // Once all four have signed, the case is signed_off: every role is already signed.
        for role in ["outgoing", "incoming", "supervisor"] { try w.sign("2024-002", role, as: people[role]!) }
        #expect(refusal { try w.sign("2024-002", "supervisor", as: "沈涛") }?.code == "already-signed")
    }

    @Test("other refusals: unknown role, signer not the one the case names, no signers.yaml, bad time")
    func otherRefusals() throws {
        let w = try TempWorkspace(cases: ["2024-002", "2024-004"])
        #expect(refusal { try w.open().sign(caseID: "2024-002", role: "team_leader", key: .generate(name: "x"), time: "2024-12-20T02:00:00Z") }?.code == "no-signers")
        try w.register(people)
        try w.register(["team_leader": "许文涛"])
        #expect(refusal { try w.sign("2024-002", "leader", as: "陆佳") } == .unknownRole("leader", known: TempWorkspace.roles))
        #expect(refusal { try w.sign("2024-002", "team_leader", as: "陆佳", time: "2024-12-20 02:00") }?.code == "error")
        // 刘晓燕 is a registered outgoing official, but 2024-004's outgoing official is 周文斌.
        try w.sign("2024-004", "team_leader", as: "许文涛")
        #expect(refusal { try w.sign("2024-004", "outgoing", as: "刘晓燕") }
                == .notNamedInCase(role: "outgoing", signer: "刘晓燕", named: "周文斌（A-0104，青山县发展和改革局）"))
    }
}

/// Who may sign (issue 14): the person the case names for the role, by identity; one person, one role.
@Suite("Who may sign")
struct WhoMaySignTests {
    @Test("team_leader: a registered team leader of another case cannot sign this one")
    func otherLeader() throws {
        let w = try TempWorkspace(cases: ["2024-002", "2024-004"])
        try w.register(TempWorkspace.people002)
        try w.register(["team_leader": "许文涛"])                         // 2024-004's leader, registered as a team leader
        let before = try w.bytes("2024-002")
        #expect(refusal { try w.sign("2024-002", "team_leader", as: "许文涛") }
                == .notNamedInCase(role: "team_leader", signer: "许文涛", named: "陆佳（青山县审计局）"))
        #expect(try w.bytes("2024-002") == before)
        try w.sign("2024-002", "team_leader", as: "陆佳")
    }

    @Test("signoff.parties-missing: without named parties a case is not ready, and nobody can sign")
    func noParties() throws {
        let w = try TempWorkspace(cases: ["2024-002"])
        try w.register(TempWorkspace.people002)
        try w.edit("2024-002", "  parties: {outgoing: 刘晓燕, incoming: 潘建, supervisor: 沈涛}\n", "")
        let ws = try w.open()
        let c = try ws.auditCase("2024-002")
        let s = ws.evaluator.evaluate(c)
        #expect(s.state == .auditing)
        #expect(s.reasons.contains { $0.rule == "signoff.parties-missing" && $0.message.zh.contains("接交人、监交人") })
        #expect(refusal { try w.sign("2024-002", "team_leader", as: "陆佳") } == .notReady(caseID: "2024-002", state: .auditing))
    }

    @Test("one person may not sign two roles of one case unless the policy allows it")
    func samePersonTwice() throws {
        let w = try TempWorkspace(cases: ["2024-002"])
        try w.edit("2024-002", "supervisor: 沈涛}", "supervisor: 陆佳}")       // the team leader named as supervisor
        try w.register(["team_leader": "陆佳", "outgoing": "刘晓燕", "incoming": "潘建", "supervisor": "陆佳"])
        try w.sign("2024-002", "team_leader", as: "陆佳", time: "2024-12-20T01:00:00Z")
        try w.sign("2024-002", "outgoing", as: "刘晓燕", time: "2024-12-20T02:00:00Z")
        try w.sign("2024-002", "incoming", as: "潘建", time: "2024-12-20T03:00:00Z")
        #expect(refusal { try w.sign("2024-002", "supervisor", as: "陆佳", time: "2024-12-20T04:00:00Z") }
                == .samePersonTwice(role: "supervisor", signer: "陆佳", otherRole: "team_leader"))
    }

    @Test("signers.yaml: two people of one name must be told apart by staff_id or unit (ambiguous-signer)")
    func ambiguousRoster() throws {
        let p = KeyTests.policy
        let k1 = SigningKey.generate(name: "a").publicKeyBase64, k2 = SigningKey.generate(name: "b").publicKeyBase64
        let bad = "- {name: 李明, post: 科长, role: team_leader, public_key: \"\(k1)\"}\n- {name: 李明, post: 科长, role: team_leader, public_key: \"\(k2)\"}\n"
        let (reg, d) = SignerRegistry.parse(data: Data(bad.utf8), file: "signers.yaml", policy: p)
        #expect(d.map(\.code) == ["ambiguous-signer"])
        #expect(d.first?.location.line == 2)
        #expect(reg.entries.count == 1)
        let ok = bad.replacingOccurrences(of: "post: 科长, role: team_leader, public_key: \"\(k2)\"", with: "post: 科长, unit: 县财政局, role: team_leader, public_key: \"\(k2)\"")
            .replacingOccurrences(of: "post: 科长, role: team_leader, public_key: \"\(k1)\"", with: "post: 科长, unit: 县审计局, role: team_leader, public_key: \"\(k1)\"")
        let (reg2, d2) = SignerRegistry.parse(data: Data(ok.utf8), file: "signers.yaml", policy: p)
        #expect(d2.isEmpty, "\(d2)")
        // The case's team leader is 李明 of 县审计局: only that 李明 can be them.
        let who = PersonIdentity(name: "李明", unit: "县审计局")
        #expect(reg2.candidates(role: "team_leader", for: who, units: nil).map(\.unit) == ["县审计局"])
        #expect(reg2.candidates(role: "team_leader", for: PersonIdentity(name: "李明"), units: nil).count == 2)
    }

    @Test("verify: a good signature by someone other than the named person is wrong-signer, and the case is not signed off")
    func verifyWrongSigner() throws {
        let w = try TempWorkspace(cases: ["2024-002"])
        try w.register(TempWorkspace.people002)
        try w.register(["incoming": "王五"])
        try w.sign("2024-002", "team_leader", as: "陆佳")
        try w.sign("2024-002", "outgoing", as: "刘晓燕")
        try w.sign("2024-002", "incoming", as: "潘建")
        try w.sign("2024-002", "supervisor", as: "沈涛")
        #expect(try w.checks("2024-002").allSatisfy { $0.result == .valid })
        // The parties are changed after signing: the incoming record is now by someone the case does not name.
        try w.edit("2024-002", "incoming: 潘建", "incoming: 王五")
        let checks = try w.checks("2024-002")
        let incoming = try #require(checks.first { $0.record.role == "incoming" })
        #expect(incoming.result == .wrongSigner)
        #expect(incoming.detail.zh.contains("王五") && incoming.detail.zh.contains("潘建"))
        let ws = try w.open()
        let c = try ws.auditCase("2024-002")
        #expect(ws.evaluator.evaluate(c, signatures: ws.verifier.verdicts(c)).state != .signedOff)
    }
}

@Suite("Editing the case file")
struct EditTests {
    let people = TempWorkspace.people002

    /// `after` is `before` with only the signoffs part changed: the same bytes before the signoffs line and after
    /// the signoffs block, and in between only the `signoffs:` line and indented lines.
    func onlySignoffsChanged(_ before: String, _ after: String, file: String = #filePath, line: Int = #line) {
        let b = Array(before.utf8), a = Array(after.utf8)
        var p = 0
        while p < b.count, p < a.count, b[p] == a[p] { p += 1 }
        var s = 0
        while s < b.count - p, s < a.count - p, b[b.count - 1 - s] == a[a.count - 1 - s] { s += 1 }
        // The differing region, widened to whole lines (byte offsets).
        var start = p
        while start > 0, a[start - 1] != 10 { start -= 1 }
        var endA = a.count - s
        while endA < a.count, endA > 0, a[endA - 1] != 10 { endA += 1 }
        let endB = b.count - (a.count - endA)
        let changed = String(decoding: a[start..<endA], as: UTF8.self)
        let removed = start <= endB ? String(decoding: b[start..<endB], as: UTF8.self) : "?"
        let lines = changed.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
        let ok = (lines.first?.hasPrefix("signoffs:") == true || lines.first.map { $0.hasPrefix(" ") || $0.hasPrefix("-") || $0.isEmpty } == true)
            && lines.dropFirst().allSatisfy { $0.isEmpty || $0.hasPrefix(" ") || $0.hasPrefix("-") }
            && (removed.isEmpty || (removed.hasPrefix("signoffs:") && removed.filter { $0 == "\n" }.count == 1))
        #expect(ok, "changed region:\n\(changed)\nremoved:\n\(removed)", sourceLocation: SourceLocation(fileID: file, filePath: file, line: line, column: 1))
    }

    @Test("sign replaces `signoffs: []` and edits nothing else (byte comparison), keeping a trailing comment")
    func emptyList() throws {
        let w = try TempWorkspace(cases: ["2024-002"])
        try w.register(people)
        // Move signoffs to the middle of the file, with a comment, so content follows it.
        var t = try w.text("2024-002")
        t = t.replacingOccurrences(of: "signoffs: []", with: "# 审计完成\n")
        t = t.replacingOccurrences(of: "trigger: term_end\n", with: "trigger: term_end\nsignoffs: []      # 由工具写入，不要手改\n")
        try w.write("2024-002", t)
        let before = try w.text("2024-002")
        let signed = try w.sign("2024-002", "team_leader", as: "陆佳")
        let after = try w.text("2024-002")
        let prefix = String(before[..<before.range(of: "signoffs: []")!.lowerBound])
        let suffix = String(before[before.range(of: "由工具写入，不要手改\n")!.upperBound...])
        #expect(after.hasPrefix(prefix + "signoffs:      # 由工具写入，不要手改\n  - role: \"team_leader\"\n"))
        #expect(after.hasSuffix("\n" + suffix))
        #expect(after.count == prefix.count + "signoffs:      # 由工具写入，不要手改\n".count + SignoffEditorLines.text(signed.record, indent: 2).count + suffix.count)
        onlySignoffsChanged(before, after)
    }

    @Test("sign appends to an existing block list after its last item, keeping the bytes before and after")
    func blockList() throws {
        let w = try TempWorkspace(cases: ["2024-002"])
        try w.register(people)
        try w.sign("2024-002", "team_leader", as: "陆佳")
        // A comment after the list and a blank line stay after the new item.
        try w.write("2024-002", try w.text("2024-002") + "\n# end of file\n")
        let before = try w.text("2024-002")
        let signed = try w.sign("2024-002", "outgoing", as: "刘晓燕")
        let after = try w.text("2024-002")
        let cut = before.range(of: "\n\n# end of file\n")!.lowerBound
        let expected = String(before[..<cut]) + "\n" + SignoffEditorLines.text(signed.record, indent: 2).dropLast() + String(before[cut...])
        #expect(after == expected)
        onlySignoffsChanged(before, after)
    }

    @Test("sign adds a signoffs section at the end when there is none; CRLF files stay CRLF")
    func absentAndCRLF() throws {
        let w = try TempWorkspace(cases: ["2024-002", "2024-005"])
        try w.register(people)
        // No signoffs key and no final line end.
        let t = try w.text("2024-002").replacingOccurrences(of: "\nsignoffs: []\n", with: "")
        try w.write("2024-002", t)
        try w.sign("2024-002", "team_leader", as: "陆佳")
        let after = try w.text("2024-002")
        #expect(after.hasPrefix(t + "\nsignoffs:\n  - role: \"team_leader\"\n"))
        // CRLF.
        let crlf = try w.text("2024-005").replacingOccurrences(of: "\n", with: "\r\n")
        try w.write("2024-005", crlf)
        try w.sign("2024-005", "team_leader", as: "陆佳")
        let a5 = try w.text("2024-005")
        #expect(!a5.replacingOccurrences(of: "\r\n", with: "").contains("\n"))
        #expect(a5.hasPrefix(String(crlf[..<crlf.range(of: "signoffs: []")!.lowerBound]) + "signoffs:\r\n  - role: "))
        #expect(try w.checks("2024-005").map(\.result) == [.valid])
    }

    @Test("a refused flow list is left alone")
    func flowList() throws {
        let w = try TempWorkspace(cases: ["2024-002"])
        try w.register(people)
        try w.sign("2024-002", "team_leader", as: "陆佳")
        // Rewrite the signoffs list in flow style (same content).
        let ws = try w.open()
        let r = try ws.auditCase("2024-002").signoffs[0]
        let t = try w.text("2024-002")
        let start = t.range(of: "signoffs:\n")!.lowerBound
        let flow = "signoffs: [{role: \(r.role), name: \(r.name), post: \(r.post), time: \"\(r.time)\", digest: \(r.digest), signature: \"\(r.signature)\", public_key: \"\(r.publicKey)\", sections: {"
            + r.sections.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }.joined(separator: ", ") + "}}]\n"
        try w.write("2024-002", String(t[..<start]) + flow)
        #expect(try w.checks("2024-002").map(\.result) == [.valid])
        let before = try w.bytes("2024-002")
        #expect(refusal { try w.sign("2024-002", "outgoing", as: "刘晓燕") }?.code == "cannot-edit")
        #expect(try w.bytes("2024-002") == before)
    }
}

/// The lines the editor writes for a record (to build expected texts).
enum SignoffEditorLines {
    static func text(_ r: Signoff, indent: Int) -> String {
        SignoffEditor.itemLines(r, indent: indent).map { $0 + "\n" }.joined()
    }
}

@Suite("Sign-off writes to the case's origin")
struct OriginSigningTests {
    @Test("the record goes into the file the case was read from, whatever path its messages display")
    func writesToOrigin() throws {
        let t = try TempWorkspace(cases: ["2024-002"])
        try t.register(TempWorkspace.people002)
        let opened = try t.open()
        var ws = opened.workspace
        let i = try #require(ws.cases.firstIndex { $0.id == "2024-002" })
        #expect(ws.cases[i].origin.filePath == t.files["2024-002"]!.standardizedFileURL.path)
        // A display path that names another file (as a message might, relative to another folder).
        let decoy = t.root.appendingPathComponent("decoy.yaml")
        ws.cases[i].location.file = decoy.path
        let moved = SignoffWorkspace(root: opened.root, workspace: ws, policy: opened.policy, evaluator: opened.evaluator)
        let before = try t.text("2024-002")
        _ = try moved.sign(caseID: "2024-002", role: "team_leader", key: t.keys["陆佳"]!, time: "2024-12-20T02:00:00Z")
        #expect(!FileManager.default.fileExists(atPath: decoy.path))
        let after = try t.text("2024-002")
        #expect(after != before && after.contains("role: \"team_leader\""), "\(after.suffix(400))")
        // A case parsed from text has nowhere to write back to.
        let (parsed, _) = WorkspaceLoader.parseCase(text: before, file: "x.yaml", library: ws.library, policy: opened.policy)
        #expect(parsed?.origin == .memory)
    }
}
