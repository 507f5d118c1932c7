import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing
import TermAudit
import TermAuditExport
@testable import TermAuditStore
@testable import TermAuditWeb

@Suite("Web application: the published pages")
struct PublicTests {
    @Test("a reader is led to the published results and refused the internal record (403, logged) on every case route")
    func readerScope() async throws {
        let f = try Fixture.make()
        let password = f.password("reader")
        let states = Set(f.desk.policy.publication.states.map(\.rawValue))
        let published = try f.store.list().filter { states.contains($0.state) }.map(\.caseID)
        let store = f.store
        try await f.test { client in
            let s = try await client.signIn("reader", password)
            let desk = try await client.get("/", s)
            #expect(desk.status == .seeOther && desk.headers[.location] == "/public")
            let list = String(buffer: try await client.get("/public?limit=500", s).body)
            #expect(list.contains("共 \(published.count) 件"))
            for id in published { #expect(list.contains("href=\"/public/\(id)\"")) }
            #expect(!list.contains("href=\"/cases\""), "the reader's menu has no internal list")
            for uri in ["/cases", "/cases/2024-010", "/cases/2024-010/history", "/cases/2024-010/verify", "/api/v1/cases", "/api/v1/cases/2024-010",
                        "/api/v1/cases/2024-010/sections/official", "/api/v1/cases/2024-010/signoffs"] {
                #expect(try await client.get(uri, s).status == .forbidden, "\(uri)")
            }
            #expect(try store.auditLog().contains { $0.actor == "reader" && $0.action == "denied" && $0.subject == "/api/v1/cases/2024-010" })
            // A case the public edition does not carry (still being audited) is not there.
            #expect(try await client.get("/public/2024-003", s).status == .notFound)
        }
    }

    @Test("a published case's page shows what the public edition carries and none of the internal-only values of any published case")
    func nothingInternal() async throws {
        let f = try Fixture.make()
        let password = f.password("reader")
        let policy = f.desk.policy
        let states = Set(policy.publication.states.map(\.rawValue))
        // Per published case: values that must show, and values only the internal record holds.
        var cases: [(id: String, shown: [String], hidden: [String])] = []
        for row in try f.store.list() where states.contains(row.state) {
            let s = try #require(try f.desk.caseView(row.caseID)).status
            let c = s.auditCase
            let withheld = c.findings.filter { Publication.withholds($0.status, in: .public, policy: policy) }
            var hidden = [c.official.staffID, c.official.nationalID, c.official.born?.description, c.official.serviceStart?.description]
                .compactMap { $0 }
            hidden += c.indicators.compactMap(\.note) + c.findings.compactMap(\.note) + withheld.map(\.title)
            hidden += (c.handover?.items.values.compactMap(\.note) ?? [])
            hidden += (c.handover?.parties.filter { $0.key != "outgoing" }.map(\.value) ?? [])
            if !policy.publication.teamNames { hidden += c.team.map(\.name) }
            hidden += c.signoffs.map(\.name).filter { $0 != c.official.name }
            hidden += (c.audit?.items.values.compactMap(\.examiner) ?? [])
            hidden = hidden.filter { $0.count >= 2 && $0 != c.official.name && !c.post.unit.contains($0) }
            let shown = [c.official.name, c.post.unit] + c.indicators.map(\.name) + c.findings.filter { !withheld.contains($0) }.map(\.title)
            cases.append((row.caseID, shown, hidden))
        }
        #expect(cases.count > 3 && cases.allSatisfy { !$0.hidden.isEmpty })
        let all = cases
        try await f.test { client in
            let s = try await client.signIn("reader", password)
            for c in all {
                let r = try await client.get("/public/\(c.id)", s)
                #expect(r.status == .ok, "\(c.id)")
                let html = String(buffer: r.body)
                for v in c.shown { #expect(html.contains(HTML.escape(v)), "\(c.id) does not show \(v)") }
                for v in c.hidden { #expect(!html.contains(HTML.escape(v)), "\(c.id) shows the internal \(v)") }
                #expect(!html.contains("id=\"signoff\"") && !html.contains("signature"), "no sign-off on a published page")
            }
        }
    }
}
