import Foundation
import Testing
import TermAudit
import TermAuditExport
import TermAuditRules

@Suite("Public edition redaction")
struct PublicationTests {
    /// Every internal-only field of a case, filled with a canary string. Matters under investigation are planted in
    /// the cases the public edition does not publish anyway (planting one in a concluded case would unpublish it), and
    /// those cases' officials get a canary name: no trace of an unpublished case may appear.
    func planted(_ ws: Workspace) -> (Workspace, [String]) {
        var ws = ws
        let ev = CaseEvaluator(workspace: ws, policy: ws.policy!, asOf: ws.config.asOf!)
        let published = Set(ws.cases.filter { Publication.publishes(ev.evaluate($0).state, in: .public, policy: ws.policy!) }.map(\.id))
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
            for j in c.official.sanctions.indices { c.official.sanctions[j].note = canary("sanction") }
            // Members renamed everywhere they are named (examiners, conclusions), so that the case keeps its state.
            var renamed: [String: String] = [:]
            for j in c.team.indices { let n = canary("member"); renamed[c.team[j].name] = n; c.team[j].name = n }
            if var a = c.audit {
                for k in a.items.keys { if let e = a.items[k]?.examiner { a.items[k]?.examiner = renamed[e] ?? e } }
                for k in a.conclusions.keys { if let b = a.conclusions[k]?.by { a.conclusions[k]?.by = renamed[b] ?? b } }
                c.audit = a
            }
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
            if !published.contains(c.id) {
                c.official.name = canary("unpublished")
                c.findings.append(Finding(id: "FX\(i)", title: canary("open"), category: "other", status: .open, amount: 12345.678))
                c.findings.append(Finding(id: "FY\(i)", title: canary("unverified"), category: "other", status: .unverified))
                c.findings.append(Finding(id: "FZ\(i)", title: canary("transferred"), category: "other", status: .transferred))
            }
            if var a = c.audit {
                for k in a.items.keys { a.items[k]?.note = canary("auditnote") }
                c.audit = a
            }
            ws.cases[i] = c
        }
        return (ws, canaries)
    }

    /// The internal-only fields, listed once for this test and the reader canary (Tests/Security/internal-only.json).
    struct InternalOnly: Decodable {
        var kind: String
        var internalWorkbook: Bool
        enum CodingKeys: String, CodingKey { case kind, internalWorkbook = "internal_workbook" }
    }

    static func internalOnly() throws -> [InternalOnly] {
        struct File: Decodable { var fields: [InternalOnly] }
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Security/internal-only.json")
        return try JSONDecoder().decode(File.self, from: Data(contentsOf: url)).fields
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
        let fields = try Self.internalOnly()
        #expect(Set(canaries.map { $0.split(separator: "-")[1] }.map(String.init)) == Set(fields.map(\.kind)),
                "plant every kind of Tests/Security/internal-only.json, and only those")
        for f in fields where f.internalWorkbook {
            #expect(canaries.contains { $0.contains("-\(f.kind)-") && internalText.contains($0) }, "\(f.kind)")
        }
        // The public edition is not empty: the concluded cases are there (so a leak would show).
        let book = try X.read(dir.appendingPathComponent("pub.xlsx"))
        #expect((book.sheet("汇总")?.records.count ?? 0) >= 10)
    }

    @Test("the public edition carries only concluded cases, no consequences or placement, no ids, no member names; sheets protected")
    func publicShape() throws {
        let ws = try X.loadSamples()
        let url = try X.tempDir().appendingPathComponent("pub.xlsx")
        try X.export(ws, edition: .public, to: url)
        let book = try X.read(url)
        #expect(book.sheets.map(\.name) == ["封面", "汇总", "指标完成", "交接清单", "问题与整改", "审计组", "部门结论"])
        #expect(book.sheets.allSatisfy { $0.protected })
        // Protected against editing, but readers can still sort and use the filter buttons.
        #expect(book.sheets.allSatisfy { $0.sort_locked == false && $0.filter_locked == false })
        let ev = CaseEvaluator(workspace: ws, policy: ws.policy!, asOf: ws.config.asOf!)
        let states = Dictionary(uniqueKeysWithValues: ws.cases.map { ($0.id, ev.evaluate($0).state) })
        let shown = book.sheet("汇总")!.records.compactMap { $0["案卷编号"]?.text }
        #expect(Set(shown) == Set(states.filter { [.readyForSignoff, .signedOff].contains($0.value) }.keys))
        #expect(!shown.contains("2024-007"))                                   // on hold: not published at all
        for sheet in book.sheets where sheet.name != "封面" {
            #expect(!sheet.records.contains { $0["案卷编号"]?.text == "2024-007" }, "\(sheet.name)")
        }
        // Personal consequences and placement advice are internal; so are ids (labels only on paper).
        let header = book.sheet("汇总")!.records.first.map { Set($0.keys) } ?? []
        #expect(!header.contains("处理意见") && !header.contains("建议安置") && !header.contains("待岗事项") && !header.contains("逾期事项"))
        #expect(book.sheet("指标完成")!.records.allSatisfy { $0["指标编号"] == nil })
        #expect(book.sheet("交接清单")!.records.allSatisfy { $0["事项编号"] == nil })
        #expect(!book.sheet("指标完成")!.cells.contains { $0.value.text == "fiscal-revenue" || $0.value.text == "duties" })
        // Nothing points at a matter under investigation.
        #expect(!book.sheet("问题与整改")!.cells.contains { $0.value.text?.contains("正在核查或处理中") == true })
        #expect(book.sheet("审计组")!.records.allSatisfy { $0["成员"] == nil })
        #expect(!book.sheet("汇总")!.cells.contains { $0.value.text == "110101196805010000" })
        // Conclusions only for concluded cases.
        let concluded = Set(ws.cases.filter { ev.evaluate($0).audit.complete && $0.audit != nil }.map(\.id))
        let withConclusions = Set(book.sheet("部门结论")!.records.compactMap { $0["案卷编号"]?.text })
        #expect(!withConclusions.isEmpty)
        #expect(withConclusions.isSubset(of: concluded))
        // The cover says what is published, and the data digest is the internal edition's.
        #expect(book.sheet("封面")!.cells.contains { $0.value.text?.hasPrefix("仅审计已办结的案卷（待签字、已签字）") == true })
        // A clean cover: no software or file names on the public one.
        #expect(!book.sheet("封面")!.cells.contains { ($0.value.text ?? "").contains("libxlsxwriter") || ($0.value.text ?? "").contains("seed-city") })
    }

    @Test("a policy publishes what its table says: other states, and consequences or placement it lists")
    func policyTable() throws {
        var ws = try X.loadSamples()
        var p = ws.policy!
        p.publication.states = [.readyForSignoff, .signedOff, .onHold]
        p.publication.alsoPublic = ["consequences"]
        ws.library.policies[p.id] = p
        let url = try X.tempDir().appendingPathComponent("pub.xlsx")
        try X.export(ws, edition: .public, to: url)
        let rows = try X.read(url).sheet("汇总")!.records
        #expect(rows.contains { $0["案卷编号"]?.text == "2024-007" })
        #expect(rows.first?.keys.contains("处理意见") == true)
        #expect(rows.first?.keys.contains("建议安置") == false)
        #expect(Edition.public.includes(.consequences, policy: p) && !Edition.public.includes(.placement, policy: p))
        #expect(!Edition.public.includes(.nationalID, policy: p))
    }

    @Test("the publication table keeps identifiers and unsettled matters internal")
    func table() {
        for f in [Field.nationalID, .staffID, .findingUnsettled, .findingNote, .checklistNote, .signatures, .auditItems, .overdue,
                  .consequences, .placement, .codes, .holdIDs] {
            #expect(!Edition.public.includes(f, teamNamesAllowed: true), "\(f)")
            #expect(Edition.internal.includes(f))
        }
        #expect(!Edition.public.includes(.teamMemberNames))
        #expect(Edition.public.includes(.teamMemberNames, teamNamesAllowed: true))
    }
}
