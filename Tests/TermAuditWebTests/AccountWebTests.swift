import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing
import TermAudit
@testable import TermAuditStore
@testable import TermAuditWeb

/// Account changes made from the command line take effect in the running application at the next request.
@Suite struct AccountWebTests {
    @Test("disabling an account from the command line ends its sessions at once; a revoked grant stops at the next request")
    func disableAndRevoke() async throws {
        let f = try Fixture.make()
        let db = "sqlite:" + f.dir.appendingPathComponent("store.db").path
        let (zuzhi, renshi) = (f.password("zuzhi"), f.password("renshi"))
        try await f.test { client in
            let z = try await client.signIn("zuzhi", zuzhi)
            let r = try await client.signIn("renshi", renshi)
            #expect(try await client.get("/api/v1/cases", z).status == .ok)
            let disabled = try Fixture.run([Fixture.termaudit, "user", "disable", "zuzhi", "--database", db], stderr: true)
            #expect(disabled.status == 0, "\(disabled.err)")
            #expect(try await client.get("/api/v1/cases", z).status == .unauthorized)
            // Signing in again is refused with the answer a wrong password gets.
            let again = try await client.execute(uri: "/api/v1/session", method: .post, headers: [.contentType: "application/json"],
                                                 body: ByteBuffer(string: #"{"username": "zuzhi", "password": "\#(zuzhi)"}"#))
            let wrong = try await client.execute(uri: "/api/v1/session", method: .post, headers: [.contentType: "application/json"],
                                                 body: ByteBuffer(string: #"{"username": "renshi", "password": "not-the-password"}"#))
            #expect(again.status == .unauthorized && again.status == wrong.status)
            #expect(String(buffer: again.body) == String(buffer: wrong.body))

            // renshi's only grant is taken away: the next request is refused the internal view.
            #expect(try await client.get("/api/v1/cases", r).status == .ok)
            let revoked = try Fixture.run([Fixture.termaudit, "user", "revoke", "renshi", "--role", "member",
                                           "--database", db], stderr: true)
            #expect(revoked.status == 0, "\(revoked.err)")
            #expect(try await client.get("/api/v1/cases", r).status == .forbidden)
        }
    }
}
