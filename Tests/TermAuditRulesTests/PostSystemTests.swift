import Testing
import TermAudit
import TermAuditRules

/// Who is under the term system and who under the appointment system (issue 13), and unit identity.
@Suite("Post systems and unit identity")
struct PostSystemTests {
    static let units = UnitRegistry(units: [
        RegisteredUnit(id: "bureau", name: "县某局", aliases: ["某局"], kind: .governmentDepartment),
        RegisteredUnit(id: "party", name: "中共某镇委员会", kind: .partyCommittee),
        RegisteredUnit(id: "town", name: "某镇人民政府", kind: .government),
        RegisteredUnit(id: "soe", name: "县某公司", kind: .soe),
        RegisteredUnit(id: "audit", name: "县审计局", kind: .governmentDepartment),
    ])

    static func evaluate(_ c: AuditCase, units: UnitRegistry? = units, policy: Policy = R.seed) -> CaseStatus {
        CaseEvaluator(library: R.library, policy: policy, asOf: R.day("2024-12-31"), defaultTemplate: "handover-standard", units: units).evaluate(c)
    }

    @Test("term.system: the seed city's scope — principals of departments under the term system, deputies of governments under the appointment system")
    func seedScope() {
        var c = R.clean(rank: .deputy, decided: "2019-03-01")
        #expect(Self.evaluate(c).postSystem == .appointment)
        #expect(Self.evaluate(c).consequences.contains(.reappointmentDue))
        c.post.unit = "某镇人民政府"
        #expect(Self.evaluate(c).postSystem == .appointment)
        c = R.clean(rank: .principal, decided: "2019-03-01", termsBefore: 1)
        let s = Self.evaluate(c)
        #expect(s.postSystem == .term)
        #expect(s.consequences.contains(.exchangeOrNonLeadership))
    }

    @Test("term.system: a Party committee's deputy is elected — neither re-appointment nor the two-term limit, with a reason")
    func partyDeputy() throws {
        var c = R.clean(rank: .deputy, decided: "2019-03-01")
        c.post.unit = "中共某镇委员会"
        c.post.title = "党委副书记"
        let s = Self.evaluate(c)
        #expect(s.postSystem == .neither)
        #expect(!s.consequences.contains(.reappointmentDue))
        let r = try #require(s.reasons.first { $0.rule == "term.system" })
        #expect(r.message.zh.contains("不属任期制或聘任制"))
        #expect(r.citation?.source == .seed)
        // Without a registry: as before, every deputy is due for re-appointment.
        #expect(Self.evaluate(c, units: nil).consequences.contains(.reappointmentDue))
        #expect(Self.evaluate(c, units: nil).postSystem == nil)
    }

    @Test("term.system: a state-owned enterprise's principal is outside both systems: no two-term limit")
    func soe() {
        var c = R.clean(rank: .principal, decided: "2019-03-01", termsBefore: 1)
        c.post.unit = "县某公司"
        let s = Self.evaluate(c)
        #expect(s.postSystem == .neither)
        #expect(!s.consequences.contains(.exchangeOrNonLeadership))
    }

    @Test("term.system: the national policy puts deputies under the term system and re-appoints nobody")
    func national() {
        let c = R.clean(rank: .deputy, decided: "2019-03-01")
        let s = Self.evaluate(c, policy: R.national)
        #expect(s.postSystem == .term)
        #expect(!s.consequences.contains(.reappointmentDue))
    }

    @Test("team.independence: a member from the audited unit written by an alias must stand aside")
    func aliasConflict() {
        var c = R.clean()
        c.team[1].unit = "某局"          // alias of 县某局, the audited unit
        let s = Self.evaluate(c)
        #expect(s.team.conflicts == [c.team[1].name])
        #expect(s.state == .preparing)
        #expect(Self.evaluate(c, units: nil).team.conflicts.isEmpty)   // by text alone it was missed
    }
}
