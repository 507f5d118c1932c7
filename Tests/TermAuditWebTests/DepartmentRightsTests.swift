import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing
import TermAudit
@testable import TermAuditStore
@testable import TermAuditWeb

/// A team member changes their own department's audit items and conclusion and the team's shared sections, never
/// another department's part or the organization department's: in the form (shown as text, refused if changed
/// anyway) and in the API, with nothing written and the refusal logged.
@Suite struct DepartmentRightsTests {
    static let caseID = "2024-023"   // 陆佳 leads; 严刚 纪检监察, 钟玲 组织 (zuzhi), 范琳 人事

    @Test("the audit form: a member's own department is editable, the others are text; changing another's item or conclusion is refused and logged")
    func auditForm() async throws {
        let f = try Fixture.make(grants: [])
        let password = f.password("zuzhi")
        let store = f.store
        let before = try store.revisions(of: Self.caseID).count
        try await f.test { client in
            let s = try await client.signIn("zuzhi", password)
            let uri = "/cases/\(Self.caseID)/edit/audit"
            let html = String(buffer: try await client.get(uri, s).body)
            // 组织's conclusion is a choice; 纪检监察's is shown as text, sent back as it is.
            #expect(html.contains(#"<select id="f-audit-conclusions-organization-result" name="audit.conclusions.organization.result""#))
            #expect(html.contains(#"<input type="hidden" name="audit.conclusions.discipline.result""#))
            #expect(html.contains(#"<span class="ro" id="f-audit-conclusions-discipline-result""#))
            #expect(!html.contains(#"<select id="f-audit-conclusions-discipline-result""#))
            let fields = SectionFormTests.fields(html)
            let theirs = try #require(fields.first { $0.0.hasPrefix("audit.items.") && $0.0.hasSuffix(".status")
                && html.contains(#"<input type="hidden" name="\#($0.0)""#) }?.0)
            let mine = try #require(fields.first { $0.0.hasPrefix("audit.items.") && $0.0.hasSuffix(".status")
                && html.contains(#"<select id="f-\#($0.0.replacingOccurrences(of: ".", with: "-"))""#) }?.0)
            let item = String(mine.dropLast(7))

            // Another department's item changed by hand (the hidden input edited): refused, naming it; nothing written.
            let forged = try await client.postForm(uri, s, fields.map { $0.0 == theirs ? ($0.0, "not_applicable") : $0 })
            #expect(forged.status == .forbidden)
            #expect(String(buffer: forged.body).contains(String(theirs.dropLast(7))))
            let conclusion = try await client.postForm(uri, s, fields.map {
                $0.0 == "audit.conclusions.discipline.result" ? ($0.0, "未发现问题") : $0
            })
            #expect(conclusion.status == .forbidden)
            #expect(try store.revisions(of: Self.caseID).count == before)
            #expect(try store.auditLog().filter { $0.actor == "zuzhi" && $0.action == "denied" && $0.outcome == "not-yours" }.count == 2)

            // The page as it came, with one of the member's own items examined: saved.
            let own = try await client.postForm(uri, s, fields.map {
                $0.0 == mine ? ($0.0, "no_problem") : $0.0 == item + ".examiner" ? ($0.0, "钟玲") : $0
            })
            let ownHTML = String(buffer: own.body)
            #expect(own.status == .seeOther, "\(ownHTML.range(of: "field-error").map { String(ownHTML[$0.lowerBound...].prefix(400)) } ?? String(ownHTML.prefix(300)))")
            #expect(try store.revisions(of: Self.caseID).count == before + 1)
            #expect(try store.revisions(of: Self.caseID).last?.author == "zuzhi")
        }
    }

    @Test("the API: a member's PUT of the audit section touching another department is refused; the leader's is written")
    func auditAPI() async throws {
        let f = try Fixture.make(grants: [])
        let (member, leader) = (f.password("jijian"), f.password("leader"))
        let store = f.store
        try await f.test { client in
            let m = try await client.signIn("jijian", member), l = try await client.signIn("leader", leader)
            let uri = "/api/v1/cases/\(Self.caseID)/sections/audit"
            let got = try await client.get(uri, m)
            let revision = Int(try #require(got.headers[.eTag]).trimmingCharacters(in: CharacterSet(charactersIn: "\"")))!
            // The case has no audit section yet (null): every item pending.
            var audit = try JSONSerialization.jsonObject(with: Data(String(buffer: got.body).utf8), options: .fragmentsAllowed) as? [String: Any] ?? [:]
            var conclusions = audit["conclusions"] as? [String: Any] ?? [:]
            conclusions["personnel"] = ["result": "未发现问题", "by": "范琳", "date": "2024-12-20"]
            audit["conclusions"] = conclusions
            let body = String(decoding: try JSONSerialization.data(withJSONObject: audit), as: UTF8.self)
            let refused = try await client.put(uri, m, revision: revision, body)
            #expect(refused.status == .forbidden)
            let error = try errorObject(refused)
            #expect((error["fields"] as? [[String: Any]])?.map { $0["path"] as? String } == ["audit.conclusions.personnel.by",
                                                                                            "audit.conclusions.personnel.date",
                                                                                            "audit.conclusions.personnel.result"])
            #expect(try store.revisions(of: Self.caseID).count == revision)
            // The team leader may record any department's part (the rules still judge it).
            let written = try await client.put(uri, l, revision: revision, body)
            #expect(written.status == .ok || written.status == .unprocessableContent, "\(String(buffer: written.body).prefix(300))")
            #expect(written.status != .forbidden)
        }
    }

    @Test("a member may not name the handover parties (the organization department's), but may hand over checklist items")
    func handover() async throws {
        let f = try Fixture.make(grants: [])
        let password = f.password("renshi")
        let store = f.store
        let before = try store.revisions(of: Self.caseID).count
        try await f.test { client in
            let s = try await client.signIn("renshi", password)
            let uri = "/cases/\(Self.caseID)/edit/handover"
            let html = String(buffer: try await client.get(uri, s).body)
            #expect(html.contains(#"<span class="ro" id="f-handover-parties-incoming""#))
            let fields = KeyedFormTests.inputs(html)
            let parties = try await client.postForm(uri, s, fields.map { $0.0 == "handover.parties.incoming" ? ($0.0, "张三") : $0 })
            #expect(parties.status == .forbidden)
            #expect(try store.revisions(of: Self.caseID).count == before)
            let reason = try #require(fields.first { $0.0.hasPrefix("handover.items.") && $0.0.hasSuffix(".reason") && !$0.1.isEmpty }?.0)
            let item = try await client.postForm(uri, s, fields.map { $0.0 == reason ? ($0.0, $0.1 + "（人事已核对）") : $0 })
            #expect(item.status == .seeOther, "\(String(buffer: item.body).prefix(400))")
            #expect(try store.revisions(of: Self.caseID).count == before + 1)
        }
    }
}
