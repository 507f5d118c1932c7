import Foundation
import Testing
import TermAudit

@Suite("termaudit new")
struct NewTests {
    func text(_ r: (out: Data, err: String, status: Int32)) -> String { String(decoding: r.out, as: UTF8.self) }

    @Test("new workspace, then new case: the case validates as written, lists the checklist and program items as pending, and is 组建审计组")
    func workspaceAndCase() throws {
        let dir = try X.tempDir()
        let ws = dir.appendingPathComponent("青山县2025")
        let checklists = X.repo.appendingPathComponent("checklists").path
        let w = try X.run([X.termaudit, "new", "workspace", ws.path, "--jurisdiction", "青山县", "--period", "2025年度",
                           "--as-of", "2025-12-31", "--library", checklists])
        #expect(w.status == 0, "\(w.err)")
        #expect(FileManager.default.fileExists(atPath: ws.appendingPathComponent("cases").path))
        let c = try X.run([X.termaudit, "new", "case", "2025-001", ws.path, "--official", "张三", "--unit", "县财政局", "--title", "局长",
                           "--rank", "正职", "--level", "科级", "--decided", "2020-03-01", "--trigger", "任期届满", "--system", "政府工作部门",
                           "--folder", "县直部门"])
        #expect(c.status == 0, "\(c.err)")
        let file = ws.appendingPathComponent("cases/县直部门/2025-001.yaml")
        let yaml = try String(contentsOf: file, encoding: .utf8)
        #expect(yaml.contains("rank: principal") && yaml.contains("trigger: term_end") && yaml.contains("name: \"张三\""))
        #expect(yaml.contains("    seals: pending") && yaml.contains("checklist: handover-standard"))
        #expect(yaml.contains("program: department-heads") && yaml.contains("    budget-execution: pending"), "\(yaml)")
        let v = try X.run([X.termaudit, "validate", ws.path])
        #expect(v.status == 0, "\(v.err)")
        let s = try X.run([X.termaudit, "status", ws.path, "--case", "2025-001", "--format", "json"])
        #expect(s.status == 0 && text(s).contains("\"state\" : \"preparing\""), "\(text(s)) \(s.err)")
        // The same id again is refused, and nothing changes.
        let again = try X.run([X.termaudit, "new", "case", "2025-001", ws.path, "--official", "李四", "--unit", "县财政局", "--title", "局长",
                               "--rank", "deputy", "--level", "科级", "--decided", "2020-03-01", "--trigger", "transfer", "--system", "政府工作部门"])
        #expect(again.status != 0 && again.err.contains("exists already"), "\(again.err)")
        #expect(try String(contentsOf: file, encoding: .utf8) == yaml)
    }

    @Test("a wrong code is refused with every allowed value in both languages; a non-empty folder is not made a workspace")
    func refusals() throws {
        let dir = try X.tempDir()
        let ws = dir.appendingPathComponent("ws")
        #expect(try X.run([X.termaudit, "new", "workspace", ws.path, "--jurisdiction", "青山县", "--library", X.repo.appendingPathComponent("checklists").path]).status == 0)
        let bad = try X.run([X.termaudit, "new", "case", "2025-002", ws.path, "--official", "王五", "--unit", "县财政局", "--title", "局长",
                             "--rank", "一把手", "--level", "科级", "--decided", "2020-03-01", "--trigger", "任期届满", "--system", "政府工作部门"])
        #expect(bad.status != 0 && bad.err.contains("principal (正职), deputy (副职)"), "\(bad.err)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: ws.appendingPathComponent("cases").path).isEmpty)
        let again = try X.run([X.termaudit, "new", "workspace", ws.path, "--jurisdiction", "青山县"])
        #expect(again.status != 0 && again.err.contains("not an empty folder"))
        let policy = try X.run([X.termaudit, "new", "workspace", dir.appendingPathComponent("w2").path, "--jurisdiction", "青山县",
                                "--policy", "seed-cty", "--library", X.repo.appendingPathComponent("checklists").path])
        #expect(policy.status == 1 && policy.err.contains("seed-city"), "\(policy.err)")
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("w2").path))
    }
}
