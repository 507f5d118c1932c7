import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing
import TermAudit
@testable import TermAuditStore
@testable import TermAuditWeb

/// Failed sign-ins slow further tries, per account name and per address, with a growing delay and a lockout; an
/// unknown account name is treated exactly as a known one with a wrong password.
@Suite struct ThrottleTests {
    @Test("the delay grows after the free tries, is capped, and turns into a lockout; failures are forgotten after a quiet while")
    func policy() {
        let s = ThrottleSettings()
        let t0 = Date(timeIntervalSince1970: 1_800_000_000)
        var account: SignInFailures?, address: SignInFailures?
        var accountDelays: [TimeInterval] = [], addressDelays: [TimeInterval] = []
        for i in 0..<30 {
            let now = t0.addingTimeInterval(Double(i))
            account = Throttle.next("account:x", account, now: now, settings: s)
            address = Throttle.next("address:1.2.3.4", address, now: now, settings: s)
            accountDelays.append(account!.notBefore.timeIntervalSince(now))
            addressDelays.append(address!.notBefore.timeIntervalSince(now))
        }
        #expect(Array(accountDelays.prefix(10)) == [0, 0, 0, 1, 2, 4, 8, 16, 32, 900])
        #expect(Array(addressDelays[6..<10]) == [8, 16, 32, 60], "capped at a minute")
        #expect(addressDelays[29] == 900, "an address is locked after 30 failures")
        let later = Throttle.next("account:x", account, now: account!.lastFailure.addingTimeInterval(s.forgetAfter + 1), settings: s)
        #expect(later.failures == 1)
    }

    @Test("a known account's wrong password and an unknown account name get the same outcomes; the right password waits out the lockout; success clears the count")
    func desk() throws {
        let f = try Fixture.make()
        defer { f.store.close() }
        var settings = SessionSettings()
        settings.throttle.accountLockAfter = 6
        let t0 = Date(timeIntervalSince1970: Date().timeIntervalSince1970.rounded(.down))
        func attempts(_ name: String, address: String) throws -> [String] {
            var out: [String] = []
            var now = t0
            for _ in 0..<6 {
                out.append(try f.desk.signIn(username: name, password: "not-the-password", address: address, settings: settings, now: now).summary)
                // Too soon: refused without checking.
                out.append(try f.desk.signIn(username: name, password: "not-the-password", address: address, settings: settings,
                                             now: now.addingTimeInterval(0.5)).summary)
                now = now.addingTimeInterval(60)
            }
            return out
        }
        let known = try attempts("renshi", address: "10.0.0.1")
        let unknown = try attempts("nobody", address: "10.0.0.2")
        #expect(known == unknown)
        // Two tries a minute (the second half a second after the first): the fourth failure earns a second's wait, the
        // fifth two, the sixth the lockout.
        #expect(known == ["refused", "refused", "refused", "refused", "refused", "throttled 2", "refused", "throttled 900",
                          "throttled 840", "throttled 840", "throttled 780", "throttled 780"])
        // Locked: even the right password is not checked until the lockout ends.
        let lockedAt = t0.addingTimeInterval(3 * 60)
        #expect(try f.desk.signIn(username: "renshi", password: f.password("renshi"), address: "10.0.0.1", settings: settings,
                                  now: lockedAt.addingTimeInterval(899)).summary == "throttled 1")
        #expect(try f.desk.signIn(username: "renshi", password: f.password("renshi"), address: "10.0.0.3", settings: settings,
                                  now: lockedAt.addingTimeInterval(600)).summary.hasPrefix("throttled"), "the lock is the account's, not the address's")
        #expect(try f.desk.signIn(username: "renshi", password: f.password("renshi"), address: "10.0.0.1", settings: settings,
                                  now: lockedAt.addingTimeInterval(901)).summary == "signedIn")
        #expect(try f.store.signInFailures(Throttle.keys(username: "renshi", address: "-")).isEmpty, "a success clears the account's count")
        // The log names the attempts and the refusals; the unknown name is logged (it is a valid account name), no password.
        let log = try f.store.auditLog()
        #expect(log.filter { $0.action == "sign-in-failed" && $0.subject == "nobody" }.count == 6)
        #expect(log.filter { $0.action == "sign-in-throttled" && $0.subject == "renshi" }.count == 8)
        #expect(!log.contains { $0.subject.contains("not-the-password") || $0.outcome.contains("not-the-password") })
    }

    @Test("many account names from one address: the address is locked too")
    func address() throws {
        let f = try Fixture.make()
        defer { f.store.close() }
        var settings = SessionSettings()
        settings.throttle.addressLockAfter = 5
        settings.throttle.free = 100
        let t0 = Date(timeIntervalSince1970: Date().timeIntervalSince1970.rounded(.down))
        var outcomes: [String] = []
        for i in 0..<6 {
            outcomes.append(try f.desk.signIn(username: "guess\(i)", password: "x", address: "10.9.9.9", settings: settings,
                                              now: t0.addingTimeInterval(Double(i))).summary)
        }
        #expect(outcomes == ["refused", "refused", "refused", "refused", "refused", "throttled 899"])
        // Another address is not held up.
        #expect(try f.desk.signIn(username: "admin", password: f.password("admin"), address: "10.9.9.8", settings: settings,
                                  now: t0.addingTimeInterval(6)).summary == "signedIn")
    }

    @Test("over HTTP: 429 with Retry-After from the API, the sign-in page says how long to wait")
    func http() async throws {
        var throttle = ThrottleSettings()
        throttle.free = 1
        throttle.baseDelay = 30
        let f = try Fixture.make(sessions: SessionSettings(throttle: throttle))
        try await f.test { client in
            func api(_ name: String, _ password: String) async throws -> TestResponse {
                try await client.execute(uri: "/api/v1/session", method: .post, headers: [.contentType: "application/json"],
                                         body: ByteBuffer(string: #"{"username": "\#(name)", "password": "\#(password)"}"#))
            }
            #expect(try await api("shenji", "wrong-1").status == .unauthorized)
            #expect(try await api("shenji", "wrong-2").status == .unauthorized)
            let held = try await api("shenji", "wrong-3")
            #expect(held.status == .tooManyRequests)
            #expect(held.headers[.retryAfter].flatMap(Int.init).map { (29...31).contains($0) } == true)
            #expect(try errorObject(held)["code"] as? String == "throttled")
            let page = try await client.execute(uri: "/login", method: .post, headers: [.contentType: "application/x-www-form-urlencoded"],
                                                body: ByteBuffer(string: "username=shenji&password=x"))
            #expect(page.status == .tooManyRequests)
            #expect(String(buffer: page.body).contains("登录失败次数过多，请"))
        }
    }

    @Test("my account's current password is checked as a sign-in: wrong ones are counted, then tries wait, sign-in too")
    func currentPassword() async throws {
        var throttle = ThrottleSettings()
        throttle.free = 1
        throttle.baseDelay = 30
        let f = try Fixture.make(sessions: SessionSettings(throttle: throttle), grants: [])
        let password = f.password("renshi")
        let store = f.store
        try await f.test { client in
            let s = try await client.signIn("renshi", password)
            let new = "一个新的长密码终于来了"
            let first = try await client.postForm("/account/password", s, [("current", "wrong-1"), ("password", new), ("again", new)])
            #expect(String(buffer: first.body).contains("当前密码不正确"))
            let second = try await client.postForm("/account/password", s, [("current", "wrong-2"), ("password", new), ("again", new)])
            #expect(String(buffer: second.body).contains("当前密码不正确"))
            // Now even the right password waits, here and at sign-in.
            let held = try await client.postForm("/account/password", s, [("current", password), ("password", new), ("again", new)])
            #expect(String(buffer: held.body).contains("失败次数过多"))
            let signIn = try await client.execute(uri: "/api/v1/session", method: .post, headers: [.contentType: "application/json"],
                                                  body: ByteBuffer(string: #"{"username": "renshi", "password": "\#(password)"}"#))
            #expect(signIn.status == .tooManyRequests)
            #expect(try store.auditLog().filter { $0.actor == "renshi" && $0.outcome == "wrong-current-password" }.count == 2)
            #expect(try store.sessionCount(of: "renshi") == 1)
        }
    }
}
