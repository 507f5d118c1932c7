import Foundation
import Testing
import TermAudit
@testable import TermAuditLoader

@Suite("The checklists library")
struct LibraryTests {
    let lib = Fixtures.library

    @Test("the handover template has the twelve areas with concrete items")
    func handover() throws {
        let t = try #require(lib.handoverTemplates["handover-standard"])
        #expect(t.areas.count >= 12)
        #expect(t.areas.allSatisfy { !$0.items.isEmpty })
        for id in ["seals", "accounts", "debts", "lawsuits", "bank-reconciliation", "it-accounts", "guarantees"] {
            #expect(t.area(ofItem: id) != nil, "\(id)")
        }
        #expect(t.version >= 1)
    }

    @Test("the eight goal areas of the source document")
    func goalAreas() {
        #expect(lib.goalAreas.map(\.id) == ["duties", "city-priorities", "party-organization", "leadership", "civility", "integrity", "long-term-plan", "other"])
        #expect(lib.goalAreas.allSatisfy { $0.citation?.source == .seed })
    }

    @Test("audit content lists for the three kinds of leaders, each item with a known department")
    func programs() {
        #expect(Set(lib.auditPrograms.keys) == ["local-leaders", "department-heads", "soe-heads"])
        let depts = Set(lib.departments.map(\.id))
        for p in lib.auditPrograms.values {
            #expect(p.items.allSatisfy { depts.contains($0.department) && $0.citation != nil })
            #expect(Set(p.items.map(\.department)).isSuperset(of: ["audit", "discipline", "organization", "personnel"]))
        }
    }

    @Test("the seed-city and national policies carry their rules and citations")
    func policies() throws {
        let seed = try #require(lib.policies["seed-city"])
        #expect(seed.term.years == 5)
        #expect(seed.term.countedStart == .midYearCutoff(month: 6, day: 30))
        #expect(seed.term.consecutiveTermLimit == 2)
        #expect(seed.term.deputyReappointment)
        #expect(seed.team.requiredDepartments == ["discipline", "organization", "personnel", "audit"])
        #expect(seed.assessment.grades.map(\.grade) == [.excellent, .competent, .basicallyCompetent, .incompetent])
        #expect(seed.assessment.teamClasses.map(\.teamClass) == [1, 2, 3, 4])
        #expect(Set(seed.consequences.keys) == Set(Consequence.allCases))
        #expect(Set(seed.placements.keys) == Set(Placement.allCases))
        #expect(seed.term.countedStartCitation.source == .seed)
        let nat = try #require(lib.policies["national"])
        #expect(nat.term.countedStart == .decisionDate)
        #expect(nat.term.yearsAtLevelLimit == 15)
        #expect(nat.assessment.caps?.teams == 0.30)
        #expect(nat.assessment.caps?.officials == 0.25)
        #expect(nat.assessment.caps?.officialsByTeamClass[4] == 0.15)
    }

    @Test("a broken checklist file is reported with its location")
    func brokenLibrary() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("lib-\(UUID().uuidString)")
        try FileManager.default.copyItem(at: Fixtures.checklists, to: dir)
        let p = dir.appendingPathComponent("policies/seed-city.yaml")
        let text = try String(contentsOf: p, encoding: .utf8).replacingOccurrences(of: "  years: 5\n", with: "  yeers: 5\n")
        try text.write(to: p, atomically: true, encoding: .utf8)
        let (_, d) = LibraryLoader.load(directory: dir)
        #expect(d.contains { $0.code == "unknown-key" && $0.hint == "did you mean 'years'?" && $0.location.file.hasSuffix("seed-city.yaml") })
    }
}
