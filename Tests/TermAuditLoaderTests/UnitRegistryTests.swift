import Foundation
import Testing
import TermAudit
@testable import TermAuditLoader

/// The unit registry, `units.yaml` (issue 13, "Term system and appointment system").
@Suite("Unit registry")
struct UnitRegistryTests {
    static let units = """
    units:
      - {id: test-bureau, name: 县测试局, aliases: [测试局], kind: government_department}
      - {id: audit, name: 县审计局, kind: government_department}
      - {id: discipline, name: 县纪委监委, kind: party_mass_department}
      - {id: organization, name: 县委组织部, kind: party_mass_department}
      - {id: hrss, name: 县人力资源和社会保障局, aliases: [县人社局], kind: government_department}

    """

    static func load(units: String?, case text: String = Fixtures.valid) throws -> LoadResult {
        let dir = try Fixtures.workspace(["t.yaml": text])
        if let units { try Data(units.utf8).write(to: dir.appendingPathComponent("units.yaml")) }
        return WorkspaceLoader.load(path: dir.path)
    }

    @Test("a workspace without units.yaml validates as before and has no registry")
    func none() throws {
        let r = try Self.load(units: nil)
        #expect(r.diagnostics.isEmpty)
        #expect(r.workspace?.units == nil)
    }

    @Test("names and aliases resolve to one unit; units are told apart by identity")
    func identity() throws {
        let r = try Self.load(units: Self.units)
        #expect(r.diagnostics.isEmpty, "\(r.diagnostics)")
        let reg = try #require(r.workspace?.units)
        #expect(reg.unit(named: "县人社局")?.id == "hrss")
        #expect(reg.unit(named: "县人力资源和社会保障局")?.kind == .governmentDepartment)
        #expect(reg.same("县人社局", "县人力资源和社会保障局"))
        #expect(!reg.same("县人社局", "县审计局"))
        #expect(reg.same("未登记", "未登记") && !reg.same("未登记", "县审计局"))
    }

    @Test("unknown-unit: with a registry, post.unit and team units must be registered, with a suggestion")
    func unknownUnit() throws {
        let text = Fixtures.valid.replacingOccurrences(of: "unit: 县测试局", with: "unit: 县测试司")
            .replacingOccurrences(of: "unit: 县委组织部}", with: "unit: 县委宣传部}")
        let r = try Self.load(units: Self.units, case: text)
        #expect(r.diagnostics.codes == ["unknown-unit", "unknown-unit"])
        let post = try #require(r.diagnostics.first { $0.message.hasPrefix("post.unit") })
        #expect(post.message == "post.unit '县测试司' is not a unit of units.yaml")
        #expect(post.hint == "did you mean '县测试局'?")
        #expect(post.location.line == 8)
        let member = try #require(r.diagnostics.first { $0.message.hasPrefix("team member unit") })
        #expect(member.location.line == 20)
    }

    @Test("units.yaml errors are located: a duplicate id, a name used by two units, an unknown kind")
    func registryErrors() throws {
        let bad = """
        units:
          - {id: a, name: 甲局, kind: government_department}
          - {id: a, name: 乙局, kind: government_department}
          - {id: c, name: 丙局, aliases: [甲局], kind: government_departmnt}

        """
        let r = try Self.load(units: bad)
        let d = r.diagnostics.filter { $0.location.file.hasSuffix("units.yaml") }
        #expect(d.codes.sorted() == ["bad-value", "duplicate-id"], "\(d)")
        #expect(d.contains { $0.code == "duplicate-id" && $0.location.line == 3 && $0.message.contains("line 2") })
        #expect(d.contains { $0.location.line == 4 && $0.hint.contains("did you mean 'government_department'?") })
        // The third unit is refused for its kind, so its alias is not checked; with a good kind it is.
        let r2 = try Self.load(units: bad.replacingOccurrences(of: "government_departmnt", with: "government_department"))
        let d2 = r2.diagnostics.filter { $0.location.file.hasSuffix("units.yaml") }
        #expect(d2.contains { $0.code == "duplicate-name" && $0.message == "'甲局' already names unit a; a name or alias may name one unit only" })
    }
}
