import Foundation
import Testing
import TermAudit
import TermAuditImport
import TermAuditLoader
import TermAuditRules

/// Helpers: a temporary copy of the samples, the termaudit binary, and openpyxl edits.
enum I {
    static let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static var termaudit: String {
        let beside = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("termaudit")
        if FileManager.default.isExecutableFile(atPath: beside.path) { return beside.path }
        return repo.appendingPathComponent(".build/debug/termaudit").path
    }

    /// A copy of samples/ in a temporary folder, pointing at the repository's checklists.
    static func workspace() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("termaudit-import-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let ws = dir.appendingPathComponent("ws")
        try FileManager.default.copyItem(at: repo.appendingPathComponent("samples"), to: ws)
        let cfg = ws.appendingPathComponent("termaudit.yaml")
        let text = try String(contentsOf: cfg, encoding: .utf8)
            .replacingOccurrences(of: "library: ../checklists", with: "library: \(repo.appendingPathComponent("checklists").path)")
        try text.write(to: cfg, atomically: true, encoding: .utf8)
        return ws
    }

    @discardableResult
    static func run(_ args: [String], cwd: URL? = nil) throws -> (out: String, err: String, status: Int32) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = args
        if let cwd { p.currentDirectoryURL = cwd }
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        let o = out.fileHandleForReading.readDataToEndOfFile()
        let e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (String(decoding: o, as: UTF8.self), String(decoding: e, as: UTF8.self), p.terminationStatus)
    }

    /// Exports the fill-in workbook of a workspace.
    static func fillIn(_ ws: URL) throws -> URL {
        let out = ws.deletingLastPathComponent().appendingPathComponent("fill.xlsx")
        let r = try run([termaudit, "export", ws.path, "--edition", "fill-in", "-o", out.path, "--quiet"])
        guard r.status == 0 else { throw Failure("export failed: \(r.err)") }
        return out
    }

    /// Sets cells as a person would in a spreadsheet (openpyxl): `edits` are (sheet, case, key, column header, value).
    /// A value is written as Python source (a number, a quoted string, or `=…` for a formula).
    static func fill(_ src: URL, _ edits: [(String, String, String, String, String)], to dst: URL) throws {
        var py = "import openpyxl, sys\nwb = openpyxl.load_workbook(sys.argv[1])\n"
        py += "def put(sheet, case, key, header, value, raw_text=False):\n"
        py += "    ws = wb[sheet]\n    cols = {ws.cell(1, c).value: c for c in range(1, ws.max_column + 1)}\n"
        py += "    for r in range(2, ws.max_row + 1):\n"
        py += "        if ws.cell(r, 1).value == case and str(ws.cell(r, 2).value) == key:\n"
        py += "            cell = ws.cell(r, cols[header]); cell.value = value\n"
        py += "            if raw_text: cell.data_type = 's'\n            return\n"
        py += "    raise SystemExit('no row %s %s %s' % (sheet, case, key))\n"
        for (sheet, c, key, header, value) in edits {
            let raw = value.hasPrefix("TEXT:")
            let v = raw ? "'" + value.dropFirst(5).replacingOccurrences(of: "'", with: "\\'") + "'" : value
            py += "put('\(sheet)', '\(c)', '\(key)', '\(header)', \(v)\(raw ? ", True" : ""))\n"
        }
        py += "wb.save(sys.argv[2])\n"
        let script = src.deletingLastPathComponent().appendingPathComponent("fill-\(UUID().uuidString).py")
        try py.write(to: script, atomically: true, encoding: .utf8)
        let r = try run(["python3", script.path, src.path, dst.path])
        guard r.status == 0 else { throw Failure("openpyxl failed: \(r.err)") }
    }

    static func load(_ ws: URL) throws -> Workspace {
        let r = WorkspaceLoader.load(path: ws.path)
        guard !r.hasErrors, let w = r.workspace else { throw Failure("\(r.diagnostics)") }
        return w
    }

    static func contents(_ ws: URL) throws -> [String: Data] {
        var out: [String: Data] = [:]
        let e = FileManager.default.enumerator(at: ws.appendingPathComponent("cases"), includingPropertiesForKeys: nil)!
        for case let u as URL in e where u.pathExtension == "yaml" { out[u.path] = try Data(contentsOf: u) }
        return out
    }
}

struct Failure: Error, CustomStringConvertible {
    var description: String
    init(_ d: String) { description = d }
}

@Suite("Import of filled workbooks")
struct ImportTests {
    let edits: [(String, String, String, String, String)] = [
        ("指标", "2024-007", "fiscal-revenue", "完成值", "5.5"),
        ("指标", "2024-007", "party-building", "评价", "'部分达成'"),
        ("指标", "2024-007", "party-building", "备注", "'两个支部未达标'"),
        ("指标", "2024-003", "water-use", "完成值", "TEXT:12.5"),        // a number typed as text
        ("交接清单", "2024-007", "cash", "状态", "'已交接'"),
        ("交接清单", "2024-007", "cash", "备注", "'现金已盘点'"),
        ("交接清单", "2024-007", "seals", "状态", "'不适用'"),
        ("交接清单", "2024-007", "seals", "不适用理由", "'无独立印章'"),
        ("问题与整改", "2024-007", "F2", "整改状态", "'持续整改'"),
        ("问题与整改", "2024-007", "F2", "责任", "'直接责任'"),
        ("问题与整改", "2024-007", "F2", "整改期限", "'2025-03-31'"),
        ("考核", "2024-007", "2024", "工作实绩", "70"),
        ("考核", "2024-007", "2024", "民意测评", "TEXT:65"),
        ("问题与整改", "2024-007", "F2", "金额（万元）", "12.5"),
        ("考核", "2024-007", "2023", "班子得分", "88"),
        ("考核", "2024-007", "2023", "给定等次", "'称职'"),
    ]

    func check(_ w: Workspace) throws {
        let c = try #require(w.cases.first { $0.id == "2024-007" })
        #expect(c.indicators.first { $0.id == "fiscal-revenue" }?.measure == .quantitative(target: 5, actual: 5.5, better: .higher))
        #expect(c.indicators.first { $0.id == "party-building" }?.measure == .qualitative(target: "全部达标", rating: .partial))
        #expect(c.indicators.first { $0.id == "party-building" }?.note == "两个支部未达标")
        #expect(c.handover?.items["cash"]?.status == .done)
        #expect(c.handover?.items["cash"]?.note == "现金已盘点")
        #expect(c.handover?.items["seals"]?.status == .notApplicable)
        #expect(c.handover?.items["seals"]?.reason == "无独立印章")
        let f2 = try #require(c.finding("F2"))
        #expect(f2.status == .rectifying && f2.responsibility == "direct" && f2.due == Day(iso: "2025-03-31"))
        #expect(c.assessment.first { $0.year == 2024 }?.performance == 70)
        #expect(c.assessment.first { $0.year == 2024 }?.opinion == 65)
        #expect(f2.amount == 12.5)
        #expect(c.assessment.first { $0.year == 2023 }?.teamScore == 88 && c.assessment.first { $0.year == 2023 }?.grade == .competent)
        let c3 = try #require(w.cases.first { $0.id == "2024-003" })
        if case let .quantitative(_, actual, _) = c3.indicators.first(where: { $0.id == "water-use" })!.measure {
            #expect(actual == 12.5)
        }
    }

    @Test("export fill-in → fill with openpyxl → import: the case files hold exactly those values, status follows")
    func roundTrip() throws {
        let ws = try I.workspace()
        let before = try I.contents(ws)
        let filled = ws.deletingLastPathComponent().appendingPathComponent("filled.xlsx")
        try I.fill(try I.fillIn(ws), edits, to: filled)
        let status0 = try I.run([I.termaudit, "status", ws.path, "--case", "2024-007", "--format", "json"])
        #expect(status0.out.contains("\"state\" : \"on_hold\""))
        let r = try I.run([I.termaudit, "import", filled.path, ws.path])
        #expect(r.status == 0, "\(r.err)")
        #expect(r.out.contains("已导入 14 处改动"), "\(r.out)")
        try check(try I.load(ws))
        let after = try I.contents(ws)
        let changed = after.keys.filter { before[$0] != after[$0] }.map { URL(fileURLWithPath: $0).lastPathComponent }.sorted()
        #expect(changed == ["2024-003.yaml", "2024-007.yaml"])
        // Only the changed values' lines differ.
        let old = String(decoding: before.first { $0.key.hasSuffix("/2024-007.yaml") }!.value, as: UTF8.self).components(separatedBy: "\n")
        let new = String(decoding: after.first { $0.key.hasSuffix("/2024-007.yaml") }!.value, as: UTF8.self).components(separatedBy: "\n")
        let kept = Set(new)
        let gone = old.filter { !kept.contains($0) }
        #expect(gone.count <= 7, "\(gone)")
        #expect(new.contains("  - {id: F1, title: 专项资金未按期拨付, category: finance, responsibility: leadership, status: resolved, department: audit}"))
        // New handover items (cash) take their place in the checklist's order among the items already written.
        let w = try I.load(ws)
        let template = try #require(w.library.handoverTemplates["handover-standard"]).allItems.map(\.item.id)
        let itemsStart = try #require(new.firstIndex { $0.hasPrefix("  items:") })
        let written = new[(itemsStart + 1)...].prefix { $0.hasPrefix("    ") }.map { String($0.dropFirst(4).prefix { $0 != ":" }) }
        #expect(written.contains("cash") && written.contains("seals"), "\(written)")
        #expect(written == template.filter { written.contains($0) }, "\(written)")
        // Status reflects the import: F2 no longer holds the case.
        let status = try I.run([I.termaudit, "status", ws.path, "--case", "2024-007", "--format", "json"])
        #expect(!status.out.contains("\"state\" : \"on_hold\""))
        #expect(status.out.contains("\"state\" : \"auditing\""))
        // Importing the same workbook again changes nothing.
        let again = try I.run([I.termaudit, "import", filled.path, ws.path])
        #expect(again.status == 0)
        #expect(again.out.contains("无需改动"))
    }

    @Test("a workbook saved by LibreOffice imports the same values")
    func libreOffice() throws {
        guard (try? I.run(["sh", "-c", "command -v soffice"]).status) == 0 else {
            Issue.record("LibreOffice (soffice) is not installed; scripts/setup.sh --test installs it")
            return
        }
        let ws = try I.workspace()
        let dir = ws.deletingLastPathComponent()
        let filled = dir.appendingPathComponent("filled.xlsx")
        try I.fill(try I.fillIn(ws), edits, to: filled)
        let lo = dir.appendingPathComponent("lo")
        try FileManager.default.createDirectory(at: lo, withIntermediateDirectories: true)
        let profile = dir.appendingPathComponent("profile")
        let r = try I.run(["soffice", "-env:UserInstallation=file://\(profile.path)", "--headless", "--convert-to", "xlsx", "--outdir", lo.path, filled.path])
        let converted = lo.appendingPathComponent("filled.xlsx")
        #expect(FileManager.default.fileExists(atPath: converted.path), "soffice: \(r.out) \(r.err)")
        let imp = try I.run([I.termaudit, "import", converted.path, ws.path])
        #expect(imp.status == 0, "\(imp.err)")
        try check(try I.load(ws))
    }

    @Test("--dry-run prints a readable diff and writes nothing")
    func dryRun() throws {
        let ws = try I.workspace()
        let before = try I.contents(ws)
        let filled = ws.deletingLastPathComponent().appendingPathComponent("filled.xlsx")
        try I.fill(try I.fillIn(ws), edits, to: filled)
        let r = try I.run([I.termaudit, "import", filled.path, ws.path, "--dry-run"])
        #expect(r.status == 0, "\(r.err)")
        #expect(r.out.contains("# 指标 fiscal-revenue 完成值: 5.2 → 5.5"))
        #expect(r.out.contains("-  - {id: fiscal-revenue"))
        #expect(r.out.contains("+  - {id: fiscal-revenue") && r.out.contains("actual: 5.5"))
        #expect(try I.contents(ws) == before)
    }
}

@Suite("Import refusals")
struct ImportRefusalTests {
    /// Fills one edit and imports; returns stderr and the status, and checks nothing was written.
    func refused(_ edit: (String, String, String, String, String)) throws -> String {
        let ws = try I.workspace()
        let before = try I.contents(ws)
        let filled = ws.deletingLastPathComponent().appendingPathComponent("filled.xlsx")
        try I.fill(try I.fillIn(ws), [edit, ("指标", "2024-007", "fiscal-revenue", "完成值", "6")], to: filled)
        let r = try I.run([I.termaudit, "import", filled.path, ws.path])
        #expect(r.status == 1)
        #expect(r.err.contains("nothing was written"))
        #expect(try I.contents(ws) == before)
        return r.err
    }

    @Test("a value outside a dropdown list")
    func outsideList() throws {
        let e = try refused(("交接清单", "2024-007", "cash", "状态", "'差不多'"))
        #expect(e.contains("交接清单!H") && e.contains("'差不多' is not one of the dropdown's values"))
    }

    @Test("a number where text is expected")
    func numberForText() throws {
        let e = try refused(("问题与整改", "2024-007", "F2", "整改状态", "3"))
        #expect(e.contains("问题与整改!I") && e.contains("a number where one of the list's values is expected"))
    }

    @Test("text where a number is expected")
    func textForNumber() throws {
        let e = try refused(("指标", "2024-007", "safety-incidents", "完成值", "'零起'"))
        #expect(e.contains("指标!J") && e.contains("'零起' is not a number"))
    }

    @Test("a score outside the 100-point scale")
    func scoreRange() throws {
        let e = try refused(("考核", "2024-007", "2023", "工作实绩", "120"))
        #expect(e.contains("考核!G") && e.contains("outside 0–100"))
    }

    @Test("a date in a wrong form")
    func badDate() throws {
        let e = try refused(("问题与整改", "2024-007", "F1", "整改期限", "'明年三月'"))
        #expect(e.contains("问题与整改!L") && e.contains("not a date"))
    }

    @Test("a formula where a value is expected")
    func formula() throws {
        let e = try refused(("指标", "2024-007", "safety-incidents", "完成值", "'=1-1'"))
        #expect(e.contains("指标!J") && e.contains("a formula where a value is expected"))
    }

    @Test("a row whose identifiers were changed")
    func changedIDs() throws {
        let e = try refused(("指标", "2024-007", "safety-incidents", "指标编号", "'fiscal-revenue'"))
        #expect(e.contains("指标!A") && e.contains("hidden identifiers were changed"))
    }

    @Test("an unknown item id in a consistent row, and an unknown finding reference")
    func unknownIDs() throws {
        let e = try refused(("交接清单", "2024-007", "cash", "关联问题", "'F9'"))
        #expect(e.contains("交接清单!J") && e.contains("no finding 'F9'"))
    }

    @Test("a file that is not a valid xlsx")
    func notXlsx() throws {
        let ws = try I.workspace()
        let bad = ws.deletingLastPathComponent().appendingPathComponent("bad.xlsx")
        try "id,value\n1,2\n".write(to: bad, atomically: true, encoding: .utf8)
        let r = try I.run([I.termaudit, "import", bad.path, ws.path])
        #expect(r.status == 1)
        #expect(r.err.contains("bad.xlsx"))
        #expect(r.err.lowercased().contains("xlsx") || r.err.contains("zip"))
    }

    @Test("a zip bomb is refused by the size limits before expanding")
    func zipBomb() throws {
        let ws = try I.workspace()
        let fill = try I.fillIn(ws)
        let w = try I.load(ws)
        var limits = XlsxLimitsForTests.tiny
        limits.maxTotalUncompressedBytes = 50_000
        switch Importer.plan(workbook: fill, workspace: w, options: ImportOptions(limits: limits)) {
        case .success: Issue.record("a workbook over the limit was read")
        case .failure(let p): #expect(p.first?.message.contains("50000") == true || p.first?.message.contains("50,000") == true || p.first?.message.lowercased().contains("limit") == true || p.first?.message.contains("上限") == true, "\(p)")
        }
    }

    @Test("a failure while writing leaves every case file as it was")
    func allOrNothing() throws {
        let ws = try I.workspace()
        let filled = ws.deletingLastPathComponent().appendingPathComponent("filled.xlsx")
        try I.fill(try I.fillIn(ws), [("指标", "2024-007", "fiscal-revenue", "完成值", "6"), ("指标", "2024-003", "water-use", "完成值", "11")], to: filled)
        let w = try I.load(ws)
        guard case .success(let plan) = Importer.plan(workbook: filled, workspace: w) else {
            Issue.record("plan failed")
            return
        }
        #expect(plan.files.count == 2)
        // The second file changes under our feet after planning: nothing may be written.
        let before = try I.contents(ws)
        let second = plan.files[1].url!
        try (plan.files[1].oldText + "# edited meanwhile\n").write(to: second, atomically: true, encoding: .utf8)
        let mid = try I.contents(ws)
        #expect(throws: (any Error).self) { try Importer.apply(plan) }
        #expect(try I.contents(ws) == mid)
        #expect(mid[plan.files[0].url!.path] == before[plan.files[0].url!.path])
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: plan.files[0].url!.deletingLastPathComponent().path).filter { $0.hasPrefix(".") }
        #expect(leftovers.isEmpty)
    }
}

@Suite("Three-way merge on import")
struct MergeTests {
    func text(_ ws: URL, _ file: String) throws -> String {
        try String(contentsOf: ws.appendingPathComponent(file), encoding: .utf8)
    }

    @Test("two people fill workbooks from one export, in different cells: both get their work in")
    func twoPeople() throws {
        let ws = try I.workspace()
        let dir = ws.deletingLastPathComponent()
        let export = try I.fillIn(ws)
        let a = dir.appendingPathComponent("a.xlsx"), b = dir.appendingPathComponent("b.xlsx")
        try I.fill(export, [("指标", "2024-007", "fiscal-revenue", "完成值", "6")], to: a)
        try I.fill(export, [("交接清单", "2024-007", "cash", "状态", "'已交接'"), ("考核", "2024-007", "2024", "工作实绩", "71")], to: b)
        let ra = try I.run([I.termaudit, "import", a.path, ws.path])
        #expect(ra.status == 0, "\(ra.err)")
        let rb = try I.run([I.termaudit, "import", b.path, ws.path])
        #expect(rb.status == 0, "\(rb.err)")
        #expect(rb.out.contains("changed since export, merged cell by cell: 2024-007"))
        #expect(rb.out.contains("已导入 2 处改动"), "\(rb.out)")
        let c = try #require(try I.load(ws).cases.first { $0.id == "2024-007" })
        #expect(c.indicators.first { $0.id == "fiscal-revenue" }?.measure == .quantitative(target: 5, actual: 6, better: .higher))
        #expect(c.handover?.items["cash"]?.status == .done)
        #expect(c.assessment.first { $0.year == 2024 }?.performance == 71)
    }

    @Test("a cell left as exported does not undo a later change to the case")
    func unchangedCellKeepsLaterEdit() throws {
        let ws = try I.workspace()
        let filled = ws.deletingLastPathComponent().appendingPathComponent("filled.xlsx")
        try I.fill(try I.fillIn(ws), [("交接清单", "2024-007", "cash", "备注", "'现金已盘点'")], to: filled)
        let file = ws.appendingPathComponent("cases/2024-007.yaml")
        try text(ws, "cases/2024-007.yaml").replacingOccurrences(of: "actual: 5.2,", with: "actual: 7,").write(to: file, atomically: true, encoding: .utf8)
        let r = try I.run([I.termaudit, "import", filled.path, ws.path])
        #expect(r.status == 0, "\(r.err)")
        let after = try text(ws, "cases/2024-007.yaml")
        #expect(after.contains("actual: 7,") && after.contains("现金已盘点"))
        #expect(r.out.contains("已导入 1 处改动"), "\(r.out)")
    }

    @Test("a cell changed on both sides is a conflict naming sheet!cell, case and the three values; settled only by a flag")
    func conflict() throws {
        let ws = try I.workspace()
        let dir = ws.deletingLastPathComponent()
        let export = try I.fillIn(ws)
        let a = dir.appendingPathComponent("a.xlsx"), b = dir.appendingPathComponent("b.xlsx")
        try I.fill(export, [("指标", "2024-007", "fiscal-revenue", "完成值", "6")], to: a)
        try I.fill(export, [("指标", "2024-007", "fiscal-revenue", "完成值", "8"), ("交接清单", "2024-007", "cash", "备注", "'现金已盘点'")], to: b)
        #expect(try I.run([I.termaudit, "import", a.path, ws.path]).status == 0)
        let before = try I.contents(ws)
        let r = try I.run([I.termaudit, "import", b.path, ws.path])
        #expect(r.status == 1)
        #expect(r.err.range(of: #"指标!J\d+: 案卷 2024-007 指标 fiscal-revenue 完成值 两边都改了"#, options: .regularExpression) != nil, "\(r.err)")
        #expect(r.err.contains("导出时 exported「5.2」，现在 now「6」，工作簿 workbook「8」"))
        #expect(r.err.contains("--take-workbook") && r.err.contains("--keep-current") && r.err.contains("nothing was written"))
        #expect(try I.contents(ws) == before)
        // --keep-current: the case's value stays, the rest of the workbook applies.
        let k = try I.run([I.termaudit, "import", b.path, ws.path, "--keep-current"])
        #expect(k.status == 0, "\(k.err)")
        #expect(k.out.contains("conflict settled by --keep-current"))
        var after = try text(ws, "cases/2024-007.yaml")
        #expect(after.contains("actual: 6,") && after.contains("现金已盘点"))
        // --take-workbook: the workbook's value.
        let t = try I.run([I.termaudit, "import", b.path, ws.path, "--take-workbook"])
        #expect(t.status == 0, "\(t.err)")
        after = try text(ws, "cases/2024-007.yaml")
        #expect(after.contains("actual: 8,"))
        // Both flags at once, and the old --force, are refused with a reason.
        let both = try I.run([I.termaudit, "import", b.path, ws.path, "--take-workbook", "--keep-current"])
        #expect(both.status != 0 && both.err.contains("choose one"))
        let force = try I.run([I.termaudit, "import", b.path, ws.path, "--force"])
        #expect(force.status != 0 && force.err.contains("--force is gone"))
    }

    @Test("an import that changes a signed case is refused, listing the signatures; --void-signatures applies it and says so")
    func signedCase() throws {
        let ws = try I.workspace()
        let filled = ws.deletingLastPathComponent().appendingPathComponent("filled.xlsx")
        try I.fill(try I.fillIn(ws), [("指标", "2024-001", "fiscal-revenue", "完成值", "3500")], to: filled)
        let before = try I.contents(ws)
        let verify0 = try I.run([I.termaudit, "verify", ws.path, "--case", "2024-001"])
        #expect(verify0.status == 0, "\(verify0.out) \(verify0.err)")
        let r = try I.run([I.termaudit, "import", filled.path, ws.path])
        #expect(r.status == 1)
        #expect(r.err.contains("would void these signatures: 2024-001 审计组长"), "\(r.err)")
        #expect(r.err.contains("--void-signatures"))
        #expect(try I.contents(ws) == before)
        let v = try I.run([I.termaudit, "import", filled.path, ws.path, "--void-signatures"])
        #expect(v.status == 0, "\(v.err)")
        #expect(v.out.contains("signature voided, to be made again: 2024-001 审计组长"), "\(v.out)")
        let verify = try I.run([I.termaudit, "verify", ws.path, "--case", "2024-001"])
        #expect(verify.status == 1)
        #expect(verify.out.contains("stale") || verify.out.contains("失效"))
    }
}

import XlsxReader

enum XlsxLimitsForTests {
    static var tiny: XlsxLimits { XlsxLimits.default }
}

@Suite("The audit team's sheets: 审计事项 and 部门结论")
struct AuditSheetTests {
    @Test("each department records its items and conclusion in the workbook; the case gets an audit section in program order")
    func recordItemsAndConclusion() throws {
        let ws = try I.workspace()
        let filled = ws.deletingLastPathComponent().appendingPathComponent("filled.xlsx")
        let export = try I.fillIn(ws)
        try I.fill(export, [
            ("审计事项", "2024-007", "debts", "状态", "'发现问题'"),
            ("审计事项", "2024-007", "debts", "审查人", "'李明'"),
            ("审计事项", "2024-007", "debts", "关联问题", "'F1'"),
            ("审计事项", "2024-007", "policy-implementation", "状态", "'未发现问题'"),
            ("审计事项", "2024-007", "policy-implementation", "审查人", "'李明'"),
            ("审计事项", "2024-007", "integrity", "状态", "'no_problem'"),
            ("审计事项", "2024-007", "integrity", "审查人", "'赵红'"),
            ("部门结论", "2024-007", "discipline", "结论", "'未发现问题'"),
            ("部门结论", "2024-007", "discipline", "结论人", "'赵红'"),
            ("部门结论", "2024-007", "discipline", "日期", "'2024-12-16'"),
        ], to: filled)
        let r = try I.run([I.termaudit, "import", filled.path, ws.path])
        #expect(r.status == 0, "\(r.err)")
        #expect(r.out.contains("已导入 4 处改动"), "\(r.out)")
        let c = try #require(try I.load(ws).cases.first { $0.id == "2024-007" })
        let audit = try #require(c.audit)
        #expect(audit.program == "department-heads")
        #expect(audit.items["debts"]?.status == .problem && audit.items["debts"]?.findings == ["F1"] && audit.items["debts"]?.examiner == "李明")
        #expect(audit.items["policy-implementation"]?.status == .noProblem && audit.items["integrity"]?.examiner == "赵红")
        #expect(audit.conclusions["discipline"]?.by == "赵红" && audit.conclusions["discipline"]?.date == Day(iso: "2024-12-16"))
        // Items are written in the program's order.
        let text = try String(contentsOf: ws.appendingPathComponent("cases/2024-007.yaml"), encoding: .utf8)
        let p = try #require(text.range(of: "policy-implementation:")), d = try #require(text.range(of: "debts: {status: problem"))
        let i = try #require(text.range(of: "integrity:"))
        #expect(p.lowerBound < d.lowerBound && d.lowerBound < i.lowerBound, "\(text)")
        #expect(try I.run([I.termaudit, "validate", ws.path]).status == 0)
        let status = try I.run([I.termaudit, "status", ws.path, "--case", "2024-007"])
        #expect(status.out.contains("纪检 2/2") || status.out.contains("纪检 1/2"), "\(status.out)")
    }

    @Test("审查人 must be a member of the case's team (a dropdown of that team), a conclusion needs its three parts")
    func refusals() throws {
        let ws = try I.workspace()
        let filled = ws.deletingLastPathComponent().appendingPathComponent("filled.xlsx")
        let export = try I.fillIn(ws)
        try I.fill(export, [
            ("审计事项", "2024-007", "debts", "状态", "'发现问题'"),
            ("审计事项", "2024-007", "debts", "审查人", "'张三'"),
            ("部门结论", "2024-007", "audit", "结论", "'未发现问题'"),
        ], to: filled)
        let before = try I.contents(ws)
        let r = try I.run([I.termaudit, "import", filled.path, ws.path])
        #expect(r.status == 1)
        #expect(r.err.range(of: #"审计事项!I\d+: '张三' is not a member of case 2024-007's audit team"#, options: .regularExpression) != nil, "\(r.err)")
        #expect(r.err.contains("李明 / 赵红 / 钱进 / 孙丽"))
        #expect(r.err.range(of: #"部门结论!H\d+: a conclusion needs 结论人"#, options: .regularExpression) != nil, "\(r.err)")
        #expect(try I.contents(ws) == before)
        // The dropdown of 审查人 lists the case's own team, from the hidden sheet 审计组名单.
        let py = "import zipfile,re,sys\nz=zipfile.ZipFile(sys.argv[1])\nnames=[n for n in z.namelist() if n.startswith('xl/worksheets/')]\n"
            + "print(sum(len(re.findall(r\"<formula1>'审计组名单'!\\$B\\$\\d+(?::\\$[A-Z]+\\$\\d+)?</formula1>\", z.read(n).decode())) for n in names))\n"
        let script = ws.deletingLastPathComponent().appendingPathComponent("dv.py")
        try py.write(to: script, atomically: true, encoding: .utf8)
        let count = try I.run(["python3", script.path, export.path])
        #expect((Int(count.out.trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0) >= 2 * 20, "\(count.out) \(count.err)")
    }
}

@Suite("New findings and a department's workbook")
struct NewFindingAndDepartmentTests {
    @Test("a finding written in a blank row of 问题与整改 is added with the next free id, at the end of the case's findings")
    func newFinding() throws {
        let ws = try I.workspace()
        let filled = ws.deletingLastPathComponent().appendingPathComponent("filled.xlsx")
        try I.fill(try I.fillIn(ws), [
            ("问题与整改", "2024-007", "+1", "问题", "'公务接待超标准'"),
            ("问题与整改", "2024-007", "+1", "类别", "'财务管理'"),
            ("问题与整改", "2024-007", "+1", "发现部门", "'审计'"),
            ("问题与整改", "2024-007", "+1", "金额（万元）", "3.6"),
            ("问题与整改", "2024-007", "+2", "问题", "'会议费列支不规范'"),
            ("问题与整改", "2024-007", "+2", "类别", "'财务管理'"),
            ("问题与整改", "2024-007", "+2", "整改状态", "'持续整改'"),
            ("问题与整改", "2024-007", "+2", "发现部门", "'纪检监察'"),
        ], to: filled)
        let r = try I.run([I.termaudit, "import", filled.path, ws.path])
        #expect(r.status == 0, "\(r.err)")
        #expect(r.out.contains("问题 F3（新增）") && r.out.contains("问题 F4（新增）"), "\(r.out)")
        let c = try #require(try I.load(ws).cases.first { $0.id == "2024-007" })
        #expect(c.findings.map(\.id) == ["F1", "F2", "F3", "F4"])
        let f3 = try #require(c.finding("F3")), f4 = try #require(c.finding("F4"))
        #expect(f3.title == "公务接待超标准" && f3.category == "finance" && f3.department == "audit" && f3.amount == 3.6 && f3.status == .open)
        #expect(f4.status == .rectifying && f4.department == "discipline")
        let text = try String(contentsOf: ws.appendingPathComponent("cases/2024-007.yaml"), encoding: .utf8)
        #expect(text.contains("  - {id: F3, title: 公务接待超标准, category: finance, status: open, amount: 3.6, department: audit}"), "\(text)")
        // Importing the same workbook again adds nothing more: the case has those findings.
        let again = try I.run([I.termaudit, "import", filled.path, ws.path])
        #expect(again.status == 0 && again.out.contains("无需改动"), "\(again.out) \(again.err)")
    }

    @Test("a new finding needs its title, category and department, named by cell")
    func newFindingRefused() throws {
        let ws = try I.workspace()
        let filled = ws.deletingLastPathComponent().appendingPathComponent("filled.xlsx")
        try I.fill(try I.fillIn(ws), [("问题与整改", "2024-007", "+1", "问题", "'公务接待超标准'")], to: filled)
        let before = try I.contents(ws)
        let r = try I.run([I.termaudit, "import", filled.path, ws.path])
        #expect(r.status == 1)
        #expect(r.err.range(of: #"问题与整改!G\d+: a new finding needs its 类别"#, options: .regularExpression) != nil, "\(r.err)")
        let filled2 = ws.deletingLastPathComponent().appendingPathComponent("filled2.xlsx")
        try I.fill(try I.fillIn(ws), [("问题与整改", "2024-007", "+1", "问题", "'公务接待超标准'"), ("问题与整改", "2024-007", "+1", "类别", "'财务管理'")], to: filled2)
        let r2 = try I.run([I.termaudit, "import", filled2.path, ws.path])
        #expect(r2.err.range(of: #"问题与整改!H\d+: a new finding needs its 发现部门"#, options: .regularExpression) != nil, "\(r2.err)")
        #expect(try I.contents(ws) == before)
    }

    @Test("--department audit: only the audit department's items, conclusion and findings; it imports like the whole workbook")
    func department() throws {
        let ws = try I.workspace()
        let dir = ws.deletingLastPathComponent()
        let out = dir.appendingPathComponent("audit.xlsx")
        let e = try I.run([I.termaudit, "export", ws.path, "--edition", "fill-in", "--department", "审计", "-o", out.path, "--quiet"])
        #expect(e.status == 0, "\(e.err)")
        let py = "import openpyxl,sys,json\nwb=openpyxl.load_workbook(sys.argv[1])\n"
            + "v=[n for n in wb.sheetnames if wb[n].sheet_state=='visible']\n"
            + "d=sorted(set(r[5] for r in wb['审计事项'].iter_rows(min_row=2,values_only=True)))\n"
            + "c=sorted(set(r[5] for r in wb['部门结论'].iter_rows(min_row=2,values_only=True)))\n"
            + "print(json.dumps([v,d,c],ensure_ascii=False))\n"
        let script = dir.appendingPathComponent("dept.py")
        try py.write(to: script, atomically: true, encoding: .utf8)
        let shown = try I.run(["python3", script.path, out.path])
        #expect(shown.out.trimmingCharacters(in: .whitespacesAndNewlines) == #"[["填写说明", "问题与整改", "审计事项", "部门结论"], ["审计"], ["审计"]]"#, "\(shown.out) \(shown.err)")
        let filled = dir.appendingPathComponent("audit-filled.xlsx")
        try I.fill(out, [("审计事项", "2024-007", "debts", "状态", "'未发现问题'"), ("审计事项", "2024-007", "debts", "审查人", "'李明'")], to: filled)
        let r = try I.run([I.termaudit, "import", filled.path, ws.path])
        #expect(r.status == 0, "\(r.err)")
        #expect(try I.load(ws).cases.first { $0.id == "2024-007" }?.audit?.items["debts"]?.status == .noProblem)
        let bad = try I.run([I.termaudit, "export", ws.path, "--edition", "fill-in", "--department", "审计局", "-o", out.path])
        #expect(bad.status != 0 && bad.err.contains("audit (审计)"))
    }
}

