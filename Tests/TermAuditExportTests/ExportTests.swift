import Foundation
import Testing
import TermAudit
import TermAuditExport
import TermAuditRules
import TermAuditSignoff

@Suite("Audit workbook export")
struct ExportTests {
    @Test("the internal workbook's cells equal the case data")
    func internalCells() throws {
        let ws = try X.loadSamples()
        let url = try X.tempDir().appendingPathComponent("internal.xlsx")
        let summary = try X.export(ws, edition: .internal, to: url)
        let book = try X.read(url)
        #expect(book.bad_parts.isEmpty)
        #expect(book.sheets.map(\.name) == ["封面", "汇总", "指标完成", "交接清单", "问题与整改", "审计组", "审计事项", "签字"])
        let ev = CaseEvaluator(workspace: ws, policy: ws.policy!, asOf: ws.config.asOf!)

        let summarySheet = try #require(book.sheet("汇总"))
        let rows = summarySheet.records
        #expect(rows.count == ws.cases.count)
        for (c, r) in zip(ws.cases, rows) {
            let s = ev.evaluate(c)
            #expect(r["案卷编号"]?.text == c.id)
            #expect(r["姓名"]?.text == c.official.name)
            #expect(r["单位"]?.text == c.post.unit)
            #expect(r["身份证号"]?.text == c.official.nationalID)
            #expect(r["状态"]?.text == s.state.label.zh)
            #expect(r["任期起"]?.text == s.term.start.description)
            #expect(r["任期止"]?.text == s.term.end.description)
            if let completion = s.indicators.completion { #expect(abs((r["指标完成率"]?.number ?? -1) - completion) < 1e-9) }
            #expect(r["交接进度"]?.text == "\(s.checklist.done)/\(s.checklist.total)")
            // 逾期事项: overdue findings, then handover items past the handover's due date.
            let overdue = r["逾期事项"]?.text
            #expect((overdue == nil) == (s.overdueFindings.isEmpty && s.checklist.overdue.isEmpty), "\(c.id)")
            for id in s.overdueFindings { #expect(overdue?.contains(id) == true, "\(c.id)") }
        }
        #expect(rows.first { $0["案卷编号"]?.text == "2024-031" }?["逾期事项"]?.text == "问题 F2")
        // 暂不任免 while the gate is shut, naming what it waits for.
        #expect(rows.first { $0["案卷编号"]?.text == "2024-031" }?["建议安置"]?.text == "暂不任免（问题未清：F2），届时提拔使用")

        let ind = try #require(book.sheet("指标完成")).records
        let allIndicators = ws.cases.flatMap { c in c.indicators.map { (c, $0) } }
        #expect(ind.count == allIndicators.count)
        for ((c, i), r) in zip(allIndicators, ind) {
            #expect(r["案卷编号"]?.text == c.id)
            #expect(r["指标编号"]?.text == i.id)
            #expect(r["指标名称"]?.text == i.name)
            switch i.measure {
            case let .quantitative(target, actual, _):
                #expect(r["目标值"]?.number == target)
                #expect(r["完成值"]?.number == actual)
                if actual == nil { #expect(r["完成情况"]?.text == "未报") }
            case let .qualitative(target, rating):
                #expect(r["目标值"]?.text == target)
                #expect(r["完成值"]?.text == rating?.label.zh)
            }
        }

        let cl = try #require(book.sheet("交接清单")).records
        #expect(cl.count == ws.cases.count * 28)
        let seals = cl.first { $0["案卷编号"]?.text == "2024-007" && $0["事项编号"]?.text == "accounts" }
        #expect(seals?["状态"]?.text == "已交接")
        #expect(seals?["备注"]?.text == "已与财务科核对")

        let f = try #require(book.sheet("问题与整改")).records
        #expect(f.count == ws.cases.reduce(0) { $0 + $1.findings.count })
        let f2 = f.first { $0["案卷编号"]?.text == "2024-007" && $0["问题编号"]?.text == "F2" }
        #expect(f2?["问题"]?.text == "一笔对外借款去向待查")
        #expect(f2?["整改状态"]?.text == "一时难以查清")

        let team = try #require(book.sheet("审计组")).records
        #expect(team.count == ws.cases.reduce(0) { $0 + $1.team.count })
        #expect(team.contains { $0["成员"]?.text == "李明" && $0["组长"]?.text == "组长" })

        let audit = try #require(book.sheet("审计事项")).records
        let statuses = ws.cases.map { ev.evaluate($0) }
        #expect(audit.count == statuses.reduce(0) { $0 + $1.audit.items.count })
        for (row, item) in zip(audit, statuses.flatMap { s in s.audit.items.map { (s.auditCase.id, $0) } }) {
            #expect(row["案卷编号"]?.text == item.0)
            #expect(row["事项编号"]?.text == item.1.item.id)
            #expect(row["状态"]?.text == item.1.state.status.label.zh)
            #expect(row["审核人"]?.text == item.1.state.examiner)
        }

        let cover = try #require(book.sheet("封面"))
        let coverText = cover.cells.compactMap { $0.value.text }
        #expect(coverText.contains(summary.digest))
        #expect(coverText.contains("\(ws.cases.count)"))
        #expect(coverText.contains(Edition.internal.label.zh))
        #expect(summary.digest.count == 64)
        #expect(book.properties.title == "t")
    }

    @Test("every table sheet prints on A4 landscape at 75 % or more, wide ones across pages with their key columns, each page marked")
    func printSetup() throws {
        let ws = try X.loadSamples()
        let url = try X.tempDir().appendingPathComponent("p.xlsx")
        try X.export(ws, edition: .internal, to: url)
        let book = try X.read(url)
        var across = 0
        for s in book.sheets {
            // Every page: jurisdiction, title and edition, sheet; date of the data, page of the total, scope mark.
            #expect(s.header_left == "青山县" && s.header_center == "领导干部经济责任审计结果 · 内部版" && s.header_right == "&A", "\(s.name)")
            #expect(s.footer_left == "数据截至 2024-12-31" && s.footer == "第 &P 页 共 &N 页" && s.footer_right == "内部资料 注意保管", "\(s.name)")
            #expect(s.paper == 9, "\(s.name)")
            guard !["封面", "签字"].contains(s.name) else { continue }
            #expect(s.orientation == "landscape", "\(s.name)")
            if s.fit_to_page == true {
                #expect((s.fit_width ?? 1) == 1, "\(s.name)")   // 1 is the default, not written
            } else if let scale = s.scale, scale != 100 {
                // Too wide for one page at 75 %: across pages, case, unit and name on each.
                #expect(scale == 75, "\(s.name)")
                #expect(s.print_title_cols == "A:C" || s.print_title_cols == "$A:$C", "\(s.name): \(s.print_title_cols ?? "nil")")
                across += 1
            }
            #expect(s.freeze == "A2", "\(s.name)")
            #expect(s.autofilter?.hasPrefix("A1:") == true, "\(s.name)")
            #expect(s.print_title_rows == "1:1" || s.print_title_rows == "$1:$1", "\(s.name): \(s.print_title_rows ?? "nil")")
        }
        #expect(across >= 2, "the summary and the checklist are wider than a page")
        #expect(book.sheet("指标完成")!.conditional_formats >= 1)
        #expect(book.sheet("汇总")!.conditional_formats >= 1)
        let pct = book.sheet("汇总")!.cells.first { $0.row == 2 && $0.format == "0.0%" }
        #expect(pct != nil)
        // A long text wraps and its row grows: the cover's note, and the summary's 处理意见.
        let cover = book.sheet("封面")!
        let note = try #require(cover.cells.first { $0.value.text?.hasPrefix("本工作簿为内部版") == true })
        #expect((cover.row_heights[String(note.row)] ?? 0) >= 30)
    }

    @Test("sign-off forms: one per page for each case ready for sign-off or signed off, rows to sign in, Beijing time")
    func signoffForms() throws {
        let ws = try X.loadSamples()
        let url = try X.tempDir().appendingPathComponent("p.xlsx")
        try X.export(ws, edition: .internal, to: url)
        let book = try X.read(url)
        let sheet = try #require(book.sheet("签字"))
        let titles = sheet.cells.filter { $0.value.text == "经济责任审计与工作交接签字表" }.map(\.row)
        let policy = ws.policy!
        let ev = CaseEvaluator(workspace: ws, policy: policy, asOf: ws.config.asOf!)
        let ready = ws.cases.filter { [.readyForSignoff, .signedOff].contains(ev.evaluate($0).state) }
        #expect(titles.count == ready.count && !ready.isEmpty)
        // No form for a case still being audited or on hold.
        let caseCells = Set(sheet.cells.filter { $0.col == 2 }.compactMap { $0.value.text })
        for c in ws.cases where !ready.contains(where: { $0.id == c.id }) { #expect(!caseCells.contains(c.id), "\(c.id)") }
        // Each form starts a page: a break after the row before every title but the first.
        #expect(sheet.row_breaks == titles.dropFirst().map { $0 - 1 })
        // Copies: one for each of the four roles and one for the file.
        #expect(sheet.cells.contains { $0.value.text == "一式五份：审计组长、移交人、接交人、监交人各执一份，组织部门存档一份" })
        // Signer rows are tall enough to sign in (≥ 40 pt), four per form.
        let tall = sheet.row_heights.values.filter { $0 >= 40 }
        #expect(tall.count == 4 * ready.count)
        // The signed case shows its times in Beijing time (recorded 2024-12-19T01:00:00Z).
        #expect(sheet.cells.contains { $0.value.text == "2024-12-19 09:00 北京时间 (UTC+8)" })
        #expect(!sheet.cells.contains { $0.value.text?.hasSuffix("Z") == true })
    }

    @Test("the same input gives a byte-identical file")
    func deterministic() throws {
        let ws = try X.loadSamples()
        let dir = try X.tempDir()
        try X.export(ws, edition: .internal, to: dir.appendingPathComponent("a.xlsx"))
        try X.export(ws, edition: .internal, to: dir.appendingPathComponent("b.xlsx"))
        let a = try Data(contentsOf: dir.appendingPathComponent("a.xlsx"))
        let b = try Data(contentsOf: dir.appendingPathComponent("b.xlsx"))
        #expect(a == b)
        #expect(a.count > 10_000)
    }

    @Test("English labels with --lang en")
    func english() throws {
        let ws = try X.loadSamples()
        let url = try X.tempDir().appendingPathComponent("en.xlsx")
        try X.export(ws, edition: .public, lang: .en, to: url)
        let book = try X.read(url)
        #expect(book.sheets.map(\.name) == ["Cover", "Summary", "Indicators", "Handover", "Findings", "Team", "Conclusions"])
        #expect(book.sheet("Summary")!.records.first?["State"] != nil)
    }

    @Test("user text is written as text, never as a formula, and odd text reads back exactly")
    func textNeverFormula() throws {
        var ws = try X.loadSamples()
        var c = ws.cases[0]
        let odd = ["=SUM(A1:A2)", "+86 10 1234", "-1", "@cmd", "=1+1", "😀 𠀀𠀁 مرحبا עברית", "_x0041_", "tab\tand\nnewline"]
        c.findings = odd.enumerated().map { Finding(id: "O\($0.offset)", title: $0.element, category: "other", status: .resolved) }
        ws.cases = [c]
        let url = try X.tempDir().appendingPathComponent("odd.xlsx")
        try X.export(ws, edition: .internal, to: url)
        let sheet = try #require(try X.read(url).sheet("问题与整改"))
        let titles = sheet.cells.filter { $0.col == 5 && $0.row > 1 }
        #expect(titles.map { $0.value.text ?? "" } == odd)
        #expect(titles.allSatisfy { $0.type == "s" })
    }

    @Test("rows continue on a numbered sheet when a sheet is full")
    func rollover() throws {
        let ws = try X.loadSamples()
        let url = try X.tempDir().appendingPathComponent("roll.xlsx")
        try X.export(ws, edition: .internal, to: url, rowLimit: 100)
        let book = try X.read(url)
        let parts = book.sheets.filter { $0.name.hasPrefix("交接清单") }
        #expect(parts.map(\.name).prefix(3) == ["交接清单", "交接清单 (2)", "交接清单 (3)"])
        #expect(parts.allSatisfy { $0.cells.contains { $0.row == 1 && $0.value.text == "案卷编号" } })
        #expect(parts.reduce(0) { $0 + $1.records.count } == ws.cases.count * 28)
    }

    @Test("the cover digest is the SHA-256 over the cases' canonical digests")
    func digest() throws {
        let ws = try X.loadSamples()
        let url = try X.tempDir().appendingPathComponent("d.xlsx")
        let s = try X.export(ws, edition: .public, to: url)
        let text = ws.cases.map { "\($0.id)\t\(CaseDigest($0).digest)\n" }.joined()
        #expect(s.digest == CaseDigest.sha256Hex(Data(text.utf8)))
        var changed = ws
        changed.cases[3].indicators[0].note = "changed"
        let s2 = try X.export(changed, edition: .public, to: url)
        #expect(s2.digest != s.digest)
    }
}
