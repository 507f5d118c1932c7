import Foundation
import Testing
import TermAudit
import TermAuditExport
import TermAuditRules

@Suite("Public edition redaction")
struct PublicationTests {
    /// Every internal-only field of a case, filled with a canary string.
    func planted(_ ws: Workspace) -> (Workspace, [String]) {
        var ws = ws
        var canaries: [String] = []
        func canary(_ what: String) -> String {
            let s = "CANARY-\(what)-\(canaries.count)"
            canaries.append(s)
            return s
        }
        for i in ws.cases.indices {
            var c = ws.cases[i]
            c.official.nationalID = canary("nid")
            c.official.staffID = canary("staff")
            for j in c.team.indices { c.team[j].name = canary("member") }
            for j in c.indicators.indices { c.indicators[j].note = canary("indnote") }
            if var h = c.handover {
                for k in h.items.keys { h.items[k]?.note = canary("itemnote") }
                h.parties = ["incoming": canary("incoming"), "supervisor": canary("supervisor")]
                c.handover = h
            }
            for j in c.findings.indices {
                c.findings[j].note = canary("fnote")
                if [.open, .unverified, .transferred].contains(c.findings[j].status) {
                    c.findings[j].title = canary("ftitle")
                    c.findings[j].amount = 98765.4321
                }
            }
            c.findings.append(Finding(id: "FX\(i)", title: canary("open"), category: "other", status: .open, amount: 12345.678))
            c.findings.append(Finding(id: "FY\(i)", title: canary("unverified"), category: "other", status: .unverified))
            c.findings.append(Finding(id: "FZ\(i)", title: canary("transferred"), category: "other", status: .transferred))
            if var a = c.audit {
                for k in a.items.keys { a.items[k]?.note = canary("auditnote") }
                c.audit = a
            }
            ws.cases[i] = c
        }
        return (ws, canaries)
    }

    func zipText(_ url: URL) throws -> String {
        let r = try X.run(["python3", "-c", "import zipfile,sys\nz=zipfile.ZipFile(sys.argv[1])\nsys.stdout.write('\\n'.join(z.read(n).decode('utf-8','replace') for n in z.namelist()))", url.path])
        return String(decoding: r.out, as: UTF8.self)
    }

    @Test("no internal-only field appears in any part of the public edition")
    func redaction() throws {
        let (ws, canaries) = planted(try X.loadSamples())
        let dir = try X.tempDir()
        try X.export(ws, edition: .public, to: dir.appendingPathComponent("pub.xlsx"))
        try X.export(ws, edition: .internal, to: dir.appendingPathComponent("int.xlsx"))
        let pub = try zipText(dir.appendingPathComponent("pub.xlsx"))
        let internalText = try zipText(dir.appendingPathComponent("int.xlsx"))
        let leaked = canaries.filter { pub.contains($0) }
        #expect(leaked.isEmpty, "leaked: \(leaked.prefix(5))")
        #expect(!pub.contains("98765.4321") && !pub.contains("12345.678"))
        // The internal edition holds every canary that has a place in the workbook (proves the test can fail).
        for kind in ["nid", "staff", "member", "indnote", "itemnote", "fnote", "ftitle", "open", "unverified", "transferred", "auditnote"] {
            #expect(canaries.contains { $0.contains("-\(kind)-") && internalText.contains($0) }, "\(kind)")
        }
    }

    @Test("the public edition counts withheld findings, hides member names and protects its sheets")
    func publicShape() throws {
        let ws = try X.loadSamples()
        let url = try X.tempDir().appendingPathComponent("pub.xlsx")
        try X.export(ws, edition: .public, to: url)
        let book = try X.read(url)
        #expect(book.sheets.map(\.name) == ["封面", "汇总", "指标完成", "交接清单", "问题与整改", "审计组", "部门结论"])
        #expect(book.sheets.allSatisfy { $0.protected })
        let f = book.sheet("问题与整改")!.records
        let c7 = f.filter { $0["案卷编号"]?.text == "2024-007" }
        #expect(c7.contains { $0["问题编号"]?.text == "F1" })
        #expect(!c7.contains { $0["问题编号"]?.text == "F2" })
        #expect(c7.contains { $0["问题"]?.text?.contains("另有 1 项问题正在核查或处理中") == true })
        #expect(book.sheet("审计组")!.records.allSatisfy { $0["成员"] == nil })
        #expect(!book.sheet("汇总")!.cells.contains { $0.value.text == "110101196805010000" })
        #expect(book.sheet("汇总")!.records.allSatisfy { $0["逾期事项"] == nil && $0["建议安置"] == nil })
        // Conclusions only for concluded cases.
        let ev = CaseEvaluator(workspace: ws, policy: ws.policy!, asOf: ws.config.asOf!)
        let concluded = Set(ws.cases.filter { ev.evaluate($0).audit.complete && $0.audit != nil }.map(\.id))
        let shown = Set(book.sheet("部门结论")!.records.compactMap { $0["案卷编号"]?.text })
        #expect(!shown.isEmpty)
        #expect(shown.isSubset(of: concluded))
    }

    @Test("the publication table keeps identifiers and unsettled matters internal")
    func table() {
        for f in [Field.nationalID, .staffID, .findingUnsettled, .findingNote, .checklistNote, .signatures, .auditItems, .overdue] {
            #expect(!Edition.public.includes(f, teamNamesAllowed: true), "\(f)")
            #expect(Edition.internal.includes(f))
        }
        #expect(!Edition.public.includes(.teamMemberNames))
        #expect(Edition.public.includes(.teamMemberNames, teamNamesAllowed: true))
    }
}
