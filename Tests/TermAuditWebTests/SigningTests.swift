import Crypto
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing
import TermAudit
import TermAuditSignoff
@testable import TermAuditStore
@testable import TermAuditWeb

/// Signing as the browser does it: prepare, sign the bytes the server sent with the signer's key, send the signature.
extension TestClientProtocol {
    func postJSON(_ uri: String, _ s: Signed, _ body: [String: Any]) async throws -> TestResponse {
        var h = s.writeHeaders
        h[.contentType] = "application/json"
        return try await execute(uri: uri, method: .post, headers: h, body: ByteBuffer(bytes: try JSONSerialization.data(withJSONObject: body)))
    }

    /// Prepares and signs `caseID` as `role` with the sample key `keyFile`; the answers of both steps.
    func sign(_ caseID: String, role: String, keyFile: String, _ s: Signed,
              tamper: (inout [String: Any]) -> Void = { _ in }) async throws -> (prepared: TestResponse, signed: TestResponse?) {
        let key = try SigningKey.read(Fixture.samples.appendingPathComponent("keys/\(keyFile)"))
        let prepared = try await postJSON("/api/v1/cases/\(caseID)/signoffs/prepare", s, ["role": role, "public_key": key.publicKeyBase64])
        guard prepared.status == .ok else { return (prepared, nil) }
        let p = try json(prepared)
        let encoded = try #require(p["message_base64"] as? String)
        let message = try #require(Data(base64Encoded: encoded))
        var body: [String: Any] = ["role": role, "public_key": key.publicKeyBase64, "time": p["time"]!, "revision": p["revision"]!,
                                   "signature": try key.privateKey.signature(for: message).base64EncodedString()]
        tamper(&body)
        return (prepared, try await postJSON("/api/v1/cases/\(caseID)/signoffs", s, body))
    }
}

@Suite("Web application: signing and verifying")
struct SigningTests {
    /// 2024-010's signers in order: the role, the sample key, the person, and the demonstration account bound to them.
    static let order = [("team_leader", "lu-jia.key", "陆佳", "leader"), ("outgoing", "lin-jing.key", "林静", "signer"),
                        ("incoming", "ge-yu.key", "葛宇", "geyu"), ("supervisor", "su-qing.key", "苏晴", "suqing")]

    @Test("the four signers sign 2024-010 in order through the API, each with their own account; the case becomes signed off and the command line verifies the store")
    func signsInOrder() async throws {
        let f = try Fixture.make()
        let passwords = Dictionary(uniqueKeysWithValues: Self.order.map { ($0.3, f.password($0.3)) })
        let database = "sqlite:" + f.dir.appendingPathComponent("store.db").path
        try await f.test { client in
            var sessions: [String: Signed] = [:]
            for (account, password) in passwords { sessions[account] = try await client.signIn(account, password) }
            let s = sessions["signer"]!
            var revision = try #require(try json(try await client.get("/api/v1/cases/2024-010/signoffs", s))["revision"] as? Int)
            for (i, (role, keyFile, name, account)) in Self.order.enumerated() {
                let (prepared, signed) = try await client.sign("2024-010", role: role, keyFile: keyFile, sessions[account]!)
                #expect(prepared.status == .ok, "\(String(buffer: prepared.body))")
                let p = try json(prepared)
                // The message is the one `termaudit sign` signs, for the named signer and the case's digest now.
                let text = try #require(p["message"] as? String)
                #expect(text == SignedMessage.text(caseID: "2024-010", role: role, name: name, post: p["post"] as! String, time: p["time"] as! String,
                                                   digest: p["digest"] as! String))
                #expect(Data(base64Encoded: p["message_base64"] as! String) == Data(text.utf8))
                #expect((p["time"] as? String)?.hasPrefix("2024-12-31T") == true, "pinned to the samples' reference date")
                #expect(p["revision"] as? Int == revision)
                let answer = try #require(signed)
                #expect(answer.status == .created, "\(String(buffer: answer.body))")
                let a = try json(answer)
                #expect(a["revision"] as? Int == revision + 1)
                #expect(a["state"] as? String == (i == 3 ? "signed_off" : "ready_for_signoff"))
                revision += 1
            }
            let v = try json(try await client.get("/api/v1/cases/2024-010/signoffs", s))
            #expect(v["state"] as? String == "signed_off")
            let checks = try #require(v["signatures"] as? [[String: Any]])
            // The sample's earlier signatures went stale when the case changed; the new ones supersede them.
            #expect(checks.map { $0["result"] as? String } == Array(repeating: "superseded", count: 4) + Array(repeating: "valid", count: 4))
            #expect(checks.suffix(4).map { $0["name"] as? String } == Self.order.map(\.2))
            // The history names the account that carried each signature.
            let history = try json(try await client.get("/api/v1/cases/2024-010/history", s))
            #expect((history["revisions"] as? [[String: Any]])?.suffix(4).map { $0["author"] as? String } == Self.order.map(\.3))
            // The case page shows the state; the verification page shows every signature valid.
            let page = String(buffer: try await client.get("/cases/2024-010/verify", s).body)
            #expect(page.contains("共 8 个签字，逐一按当前案卷内容和签字人名册核验，全部有效。"))
            #expect(page.contains("termaudit-signoff-v1\ncase:2024-010\nrole:supervisor\nname:苏晴"))
            // The command line, on the same store file, agrees.
            let (out, _, status) = try Fixture.run([Fixture.termaudit, "verify", "--database", database, "--case", "2024-010"])
            #expect(status == 0, "\(String(decoding: out, as: UTF8.self))")
            #expect(String(decoding: out, as: UTF8.self).contains("✓ 共 8 个签字，全部有效"))
        }
    }

    @Test("refusals: out of order, a key of another role, an unregistered key, a forged signature, a stale preparation, an old time, a case not ready; nothing is written")
    func refusals() async throws {
        let f = try Fixture.make()
        let (signerPassword, leaderPassword, memberPassword, readerPassword) = (f.password("signer"), f.password("leader"), f.password("jijian"),
                                                                                 f.password("reader"))
        try await f.test { client in
            let signer = try await client.signIn("signer", signerPassword)
            let s = try await client.signIn("leader", leaderPassword)
            func code(_ r: TestResponse) throws -> String? { try errorObject(r)["code"] as? String }
            let start = try json(try await client.get("/api/v1/cases/2024-010/signoffs", s))
            let before = try #require(start["revision"] as? Int), records = try #require(start["signatures"] as? [Any]).count

            let early = try await client.sign("2024-010", role: "outgoing", keyFile: "lin-jing.key", signer)
            #expect(early.prepared.status == .unprocessableContent)
            #expect(try code(early.prepared) == "out-of-order")
            #expect((try errorObject(early.prepared)["message"] as? String)?.contains("须按顺序签字") == true)

            let wrongRole = try await client.sign("2024-010", role: "team_leader", keyFile: "lin-jing.key", s)
            #expect(try code(wrongRole.prepared) == "wrong-role")

            let stranger = Curve25519.Signing.PrivateKey().publicKey.rawRepresentation.base64EncodedString()
            let unknown = try await client.postJSON("/api/v1/cases/2024-010/signoffs/prepare", s, ["role": "team_leader", "public_key": stranger])
            #expect(unknown.status == .unprocessableContent)
            #expect(try code(unknown) == "unregistered-key")

            let badKey = try await client.postJSON("/api/v1/cases/2024-010/signoffs/prepare", s, ["role": "team_leader", "public_key": "abc"])
            #expect(badKey.status == .unprocessableContent)
            #expect((try errorObject(badKey)["fields"] as? [[String: Any]])?.first?["path"] as? String == "public_key")

            // A signature over another message (another key's) does not verify: refused, nothing written.
            let forged = try await client.sign("2024-010", role: "team_leader", keyFile: "lu-jia.key", s) { body in
                let other = try! SigningKey.read(Fixture.samples.appendingPathComponent("keys/lin-jing.key"))
                body["signature"] = try! other.privateKey.signature(for: Data("termaudit-signoff-v1\n".utf8)).base64EncodedString()
            }
            #expect(forged.signed?.status == .unprocessableContent)
            #expect(try code(forged.signed!) == "bad-signature")

            // A time other than the one prepared (back-dated) is refused.
            let backdated = try await client.sign("2024-010", role: "team_leader", keyFile: "lu-jia.key", s) { body in body["time"] = "2024-12-01T08:00:00Z" }
            #expect(try code(backdated.signed!) == "expired")

            // The case changed between preparing and signing.
            let moved = try await client.sign("2024-010", role: "team_leader", keyFile: "lu-jia.key", s) { body in
                body["revision"] = (body["revision"] as! Int) - 1
            }
            #expect(moved.signed?.status == .conflict)

            #expect(try json(try await client.get("/api/v1/cases/2024-010/signoffs", s))["revision"] as? Int == before)
            #expect((try json(try await client.get("/api/v1/cases/2024-010/signoffs", s))["signatures"] as? [Any])?.count == records)

            let notReady = try await client.sign("2024-023", role: "team_leader", keyFile: "lu-jia.key", s)
            #expect(try code(notReady.prepared) == "not-ready")

            // Accounts that do not sign 2024-010 as team leader — a member of its team, a reader, its outgoing party
            // (holding the leader's key) — are refused before anything is checked, and the refusal is logged.
            for (user, password) in [("jijian", memberPassword), ("reader", readerPassword), ("signer", signerPassword)] {
                let other = try await client.signIn(user, password)
                let r = try await client.sign("2024-010", role: "team_leader", keyFile: "lu-jia.key", other)
                #expect(r.prepared.status == .forbidden, "\(user)")
            }
            // A signer of another case does not see this one.
            #expect(try await client.sign("2024-001", role: "outgoing", keyFile: "chen-guohua.key", signer).prepared.status == .notFound)
            // Without the CSRF token: refused.
            let noToken = try await client.execute(uri: "/api/v1/cases/2024-010/signoffs/prepare", method: .post,
                                                   headers: [.cookie: s.cookie, .contentType: "application/json"],
                                                   body: ByteBuffer(string: #"{"role":"team_leader","public_key":"\#(stranger)"}"#))
            #expect(noToken.status == .forbidden)
        }
    }

    @Test("the sign page offers the next role and the key file with labels, only to accounts that sign; the verify page names a stale signature's changed section")
    func pages() async throws {
        let f = try Fixture.make()
        let (signerPassword, memberPassword, leaderPassword) = (f.password("signer"), f.password("jijian"), f.password("leader"))
        try await f.test { client in
            let leader = try await client.signIn("leader", leaderPassword)
            let s = leader
            let page = String(buffer: try await client.get("/cases/2024-010/sign", s).body)
            #expect(page.contains(#"<label for="sign-role">签字角色</label>"#))
            #expect(page.contains(#"<label for="sign-key">私钥文件</label>"#))
            #expect(page.contains(#"<option value="team_leader" selected>审计组长 · 陆佳"#))
            #expect(page.contains(#"<script src="/static/sign.js"></script>"#))
            #expect(page.contains("签字时间记为 2024-12-31T"))
            let script = try await client.get("/static/sign.js", nil)
            #expect(script.headers[.contentType] == "text/javascript; charset=utf-8")
            #expect(String(buffer: script.body).contains("crypto.subtle.sign"))

            // The outgoing party is offered their own role only.
            let signer = try await client.signIn("signer", signerPassword)
            let signerPage = String(buffer: try await client.get("/cases/2024-010/sign", signer).body)
            #expect(signerPage.contains(#"<option value="outgoing" selected>移交人 · 林静"#))
            #expect(!signerPage.contains(#"<option value="team_leader""#))

            let member = try await client.signIn("jijian", memberPassword)
            let memberPage = String(buffer: try await client.get("/cases/2024-010/sign", member).body)
            #expect(memberPage.contains("本案没有由您签字的角色"))
            #expect(!memberPage.contains("sign-form"))

            let notReady = String(buffer: try await client.get("/cases/2024-023/sign", s).body)
            #expect(notReady.contains("只有「待签字」的案卷才能签字"))
            #expect(!notReady.contains("sign-form"))

            // 2024-001 is signed; the leader changes an indicator (voiding the signatures on purpose).
            let verified = String(buffer: try await client.get("/cases/2024-001/verify", s).body)
            #expect(verified.contains("共 4 个签字，逐一按当前案卷内容和签字人名册核验，全部有效。"))
            let got = try await client.get("/api/v1/cases/2024-001/sections/indicators", leader)
            let revision = Int(got.headers[.eTag]!.trimmingCharacters(in: CharacterSet(charactersIn: "\"")))!
            let changed = try #require(String(buffer: got.body).replacingFirst(#""actual": "#, with: #""actual": 1"#))
            #expect(try await client.put("/api/v1/cases/2024-001/sections/indicators?void_signatures=true", leader, revision: revision, changed).status == .ok)
            let stale = String(buffer: try await client.get("/cases/2024-001/verify", s).body)
            #expect(stale.contains("共 4 个签字，4 个有问题。"))
            #expect(stale.contains(#"<tr class="changed"><td><code>indicators</code>"#))
            #expect(stale.contains("indicators"))
        }
    }

    @Test("the signing time: the server's clock, or the reference date at the clock's time of day when it is past; a time not just given out is not current")
    func signingTime() async throws {
        let f = try Fixture.make()
        let desk = f.desk
        try await f.test { _ in
            let now = Date()
            let time = desk.signingTime(now)
            #expect(time == "2024-12-31" + SignoffTime.string(now).dropFirst(10))
            #expect(desk.isCurrentSigningTime(time, now: now))
            #expect(desk.isCurrentSigningTime(desk.signingTime(now.addingTimeInterval(-600)), now: now))
            #expect(!desk.isCurrentSigningTime(desk.signingTime(now.addingTimeInterval(-1200)), now: now))
            #expect(!desk.isCurrentSigningTime(desk.signingTime(now.addingTimeInterval(300)), now: now))
            #expect(!desk.isCurrentSigningTime("2024-12-31 08:00", now: now))
            // Around midnight the pinned window wraps; another day is never inside it.
            var calendar = Calendar(identifier: .gregorian)
            calendar.timeZone = TimeZone(identifier: "UTC")!
            let midnight = calendar.startOfDay(for: now).addingTimeInterval(5 * 60)
            #expect(desk.isCurrentSigningTime("2024-12-31T23:55:00Z", now: midnight))
            #expect(desk.isCurrentSigningTime("2024-12-31T00:04:00Z", now: midnight))
            #expect(!desk.isCurrentSigningTime("2024-12-01T08:00:00Z", now: midnight))
            #expect(!desk.isCurrentSigningTime("2024-12-31T12:00:00Z", now: midnight))
        }
    }
}

extension String {
    /// The text with the first occurrence of `s` replaced; nil when there is none.
    func replacingFirst(_ s: String, with r: String) -> String? {
        guard let range = range(of: s) else { return nil }
        return replacingCharacters(in: range, with: r)
    }
}
