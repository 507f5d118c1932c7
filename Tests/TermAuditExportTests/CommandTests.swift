import Foundation
import Testing
import TermAudit
import TermAuditExport

@Suite("The export command and output safety")
struct CommandTests {
    @Test("numbers are written the same under a German locale (byte-identical output)")
    func germanLocale() throws {
        let locales = String(decoding: try X.run(["locale", "-a"]).out, as: UTF8.self).lowercased()
        guard locales.contains("de_de.utf8") || locales.contains("de_de.utf-8") else {
            Issue.record("the de_DE.UTF-8 locale is not installed; scripts/setup.sh --test installs it")
            return
        }
        let dir = try X.tempDir()
        let c = try X.run([X.termaudit, "export", X.samples.path, "-o", dir.appendingPathComponent("c.xlsx").path, "--quiet"], env: ["LC_ALL": "C"])
        #expect(c.status == 0, "\(c.err)")
        let de = try X.run([X.termaudit, "export", X.samples.path, "-o", dir.appendingPathComponent("de.xlsx").path, "--quiet"],
                           env: ["LC_ALL": "de_DE.UTF-8", "LANG": "de_DE.UTF-8"])
        #expect(de.status == 0, "\(de.err)")
        let a = try Data(contentsOf: dir.appendingPathComponent("c.xlsx"))
        let b = try Data(contentsOf: dir.appendingPathComponent("de.xlsx"))
        #expect(a == b)
        let book = try X.read(dir.appendingPathComponent("de.xlsx"))
        let rev = book.sheet("指标完成")!.records.first { $0["案卷编号"]?.text == "2024-007" && $0["指标编号"]?.text == "fiscal-revenue" }
        #expect(rev?["目标值"]?.number == 5.0)
        #expect(rev?["完成值"]?.number == 5.2)
    }

    @Test("term applies the loader's checks to --inherits: after the decision, before it, longer than a term")
    func termInherits() throws {
        let dir = X.samples   // a workspace: `term` finds the checklists and the policy from it
        for (window, message) in [("2020-01-01..2024-12-31", "starts 2020-01-01, after the decision 2019-07-15"),
                                  ("2013-01-01..2017-12-31", "ends 2017-12-31, before the decision 2019-07-15"),
                                  ("2018-01-01..2023-12-31", "is longer than one term of 5 years")] {
            let r = try X.run([X.termaudit, "term", "--decided", "2019-07-15", "--inherits", window], cwd: dir)
            #expect(r.status == 1, "\(window)")
            #expect(r.err.contains("error: --inherits: the inherited term ") && r.err.contains(message), "\(r.err)")
            #expect(r.out.isEmpty)
        }
        let ok = try X.run([X.termaudit, "term", "--decided", "2019-07-15", "--inherits", "2018-01-01..2022-12-31"], cwd: dir)
        #expect(ok.status == 0, "\(ok.err)")
        #expect(String(decoding: ok.out, as: UTF8.self).contains("2018-01-01 .. 2022-12-31"))
    }

    @Test("export --state selects cases by state (Chinese labels accepted); an unknown state is refused with the list")
    func stateFilter() throws {
        let dir = try X.tempDir()
        let url = dir.appendingPathComponent("s.xlsx")
        let r = try X.run([X.termaudit, "export", X.samples.path, "--state", "signed_off,待岗", "-o", url.path, "--quiet"])
        #expect(r.status == 0, "\(r.err)")
        let book = try X.read(url)
        #expect(book.properties.title == "青山县 领导干部经济责任审计结果（内部版）")     // no brackets inside brackets
        let ids = Set(book.sheet("汇总")!.records.compactMap { $0["案卷编号"]?.text })
        #expect(ids.contains("2024-001") && ids.contains("2024-007") && !ids.contains("2024-002"))
        let bad = try X.run([X.termaudit, "export", X.samples.path, "--state", "signed", "-o", dir.appendingPathComponent("b.xlsx").path])
        #expect(bad.status != 0 && bad.err.contains("signed_off (已签字)"))
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("b.xlsx").path))
    }

    @Test("a missing output folder is a clear error and creates nothing")
    func missingFolder() throws {
        let dir = try X.tempDir()
        let target = dir.appendingPathComponent("no/such/folder/out.xlsx")
        let r = try X.run([X.termaudit, "export", X.samples.path, "-o", target.path])
        #expect(r.status == 1)
        #expect(r.err.contains("no/such/folder"))
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("no").path))
    }

    @Test("a folder in the way is a clear error and is left as it was")
    func folderInTheWay() throws {
        let dir = try X.tempDir()
        let target = dir.appendingPathComponent("out.xlsx")
        try FileManager.default.createDirectory(at: target, withIntermediateDirectories: false)
        let r = try X.run([X.termaudit, "export", X.samples.path, "-o", target.path])
        #expect(r.status == 1)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["out.xlsx"])
        var isDir: ObjCBool = false
        #expect(FileManager.default.fileExists(atPath: target.path, isDirectory: &isDir) && isDir.boolValue)
    }

    @Test("a failure half-way leaves an existing workbook untouched and no temporary file")
    func failureHalfWay() throws {
        var ws = try X.loadSamples()
        let dir = try X.tempDir()
        let target = dir.appendingPathComponent("out.xlsx")
        let old = Data("the previous workbook".utf8)
        try old.write(to: target)
        // A text longer than a cell holds (the loader refuses it; here it is planted past the loader).
        ws.cases[20].findings.append(Finding(id: "LONG", title: String(repeating: "长", count: 40_000), category: "other", status: .resolved))
        #expect(throws: (any Error).self) { try X.export(ws, edition: .internal, to: target) }
        #expect(try Data(contentsOf: target) == old)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["out.xlsx"])
    }

    @Test("invalid input exits 1 with located errors and writes nothing")
    func invalidInput() throws {
        let ws = try X.tempDir()
        try FileManager.default.copyItem(at: X.samples, to: ws.appendingPathComponent("s"))
        let root = ws.appendingPathComponent("s")
        try "library: \(X.repo.appendingPathComponent("checklists").path)\n".write(to: root.appendingPathComponent("lib.txt"), atomically: true, encoding: .utf8)
        var cfg = try String(contentsOf: root.appendingPathComponent("termaudit.yaml"), encoding: .utf8)
        cfg = cfg.replacingOccurrences(of: "library: ../checklists", with: "library: \(X.repo.appendingPathComponent("checklists").path)")
        try cfg.write(to: root.appendingPathComponent("termaudit.yaml"), atomically: true, encoding: .utf8)
        let file = root.appendingPathComponent("cases/2024-007.yaml")
        let text = try String(contentsOf: file, encoding: .utf8).replacingOccurrences(of: "rank: principal", with: "rank: principle")
        try text.write(to: file, atomically: true, encoding: .utf8)
        let out = ws.appendingPathComponent("o.xlsx")
        let r = try X.run([X.termaudit, "export", root.path, "-o", out.path])
        #expect(r.status == 1)
        #expect(r.err.contains("2024-007.yaml:10:9: error: post.rank 'principle'"))
        #expect(r.err.contains("did you mean 'principal'?"))
        #expect(!FileManager.default.fileExists(atPath: out.path))
    }

    @Test("the public and internal editions of the samples pass openxml-audit")
    func openXMLAudit() throws {
        let which = try X.run(["sh", "-c", "command -v openxml-audit"])
        guard which.status == 0 else {
            Issue.record("openxml-audit is not installed; scripts/setup.sh --test installs it")
            return
        }
        let dir = try X.tempDir()
        for edition in ["internal", "public"] {
            let out = dir.appendingPathComponent("\(edition).xlsx")
            let r = try X.run([X.termaudit, "export", X.samples.path, "--edition", edition, "-o", out.path, "--quiet"])
            #expect(r.status == 0, "\(r.err)")
            let audit = try X.run(["openxml-audit", "--policy", "strict", out.path])
            let text = String(decoding: audit.out, as: UTF8.self)
            #expect(audit.status == 0, "\(text)")
            #expect(text.contains("Errors: 0"), "\(text)")
            #expect(try X.read(out).bad_parts.isEmpty)
        }
    }
}

@Suite("Printing through LibreOffice")
struct PrintTests {
    @Test("the internal workbook converts to PDF on A4 with the header row repeated on later pages")
    func pdf() throws {
        let have = try X.run(["sh", "-c", "command -v soffice && command -v pdftotext && command -v pdfinfo"])
        guard have.status == 0 else {
            Issue.record("LibreOffice and poppler-utils are not installed; scripts/setup.sh --test installs them")
            return
        }
        let dir = try X.tempDir()
        let xlsx = dir.appendingPathComponent("internal.xlsx")
        let r = try X.run([X.termaudit, "export", X.samples.path, "-o", xlsx.path, "--quiet"])
        #expect(r.status == 0, "\(r.err)")
        let profile = dir.appendingPathComponent("profile")
        _ = try X.run(["soffice", "-env:UserInstallation=file://\(profile.path)", "--headless", "--convert-to", "pdf", "--outdir", dir.path, xlsx.path])
        let pdf = dir.appendingPathComponent("internal.pdf")
        #expect(FileManager.default.fileExists(atPath: pdf.path), "LibreOffice could not convert the workbook")
        let info = String(decoding: try X.run(["pdfinfo", pdf.path]).out, as: UTF8.self)
        #expect(info.contains("(A4)"), "\(info)")
        let pages = Int(info.split(separator: "\n").first { $0.hasPrefix("Pages:") }?.split(separator: " ").last ?? "0") ?? 0
        #expect(pages > 5)
        // The 交接清单 sheet spans several pages; each starts with the header row and ends with the footer.
        var headed = 0
        for p in 1...pages {
            let text = String(decoding: try X.run(["pdftotext", "-f", "\(p)", "-l", "\(p)", "-layout", pdf.path, "-"]).out, as: UTF8.self)
            #expect(text.contains("第 \(p) 页 共 \(pages) 页"), "page \(p) has no footer")
            if text.contains("交接事项") && text.contains("案卷编号") { headed += 1 }
        }
        #expect(headed >= 3, "the checklist's header row should be repeated on each of its pages")
        // Every page is marked; each sign-off form sits whole on its own page; CJK text has a CJK font.
        var forms = 0
        for p in 1...pages {
            let text = String(decoding: try X.run(["pdftotext", "-f", "\(p)", "-l", "\(p)", "-layout", pdf.path, "-"]).out, as: UTF8.self)
            #expect(text.contains("青山县") && text.contains("领导干部经济责任审计结果 · 内部版"), "page \(p) has no header")
            #expect(text.contains("数据截至 2024-12-31") && text.contains("内部资料 注意保管"), "page \(p) has no data date or scope mark")
            if text.contains("经济责任审计与工作交接签字表") {
                forms += 1
                #expect(text.components(separatedBy: "经济责任审计与工作交接签字表").count == 2, "page \(p) holds more than one form")
                for role in ["审计组长", "移交人", "接交人", "监交人", "签字状态"] { #expect(text.contains(role), "page \(p): the form is split (no \(role))") }
            }
        }
        #expect(forms >= 10, "\(forms) sign-off forms")
        let fonts = String(decoding: try X.run(["pdffonts", pdf.path]).out, as: UTF8.self)
        #expect(["CJK", "Han", "WenQuanYi", "Fallback", "Song", "Hei"].contains { fonts.contains($0) }, "no CJK font in the PDF: \(fonts)")
    }
}

/// Errors are errors (issue 14): a bad line in signers.yaml stops every command that reads signatures.
@Suite("signers.yaml errors stop status, verify, sign and export")
struct SignersErrorTests {
    /// A copy of the samples whose signers.yaml has one typo (an unknown role) on line 7.
    static func workspace() throws -> URL {
        let dir = try X.tempDir()
        let ws = dir.appendingPathComponent("samples")
        try FileManager.default.copyItem(at: X.samples, to: ws)
        try FileManager.default.createSymbolicLink(at: dir.appendingPathComponent("checklists"),
                                                   withDestinationURL: X.repo.appendingPathComponent("checklists"))
        let url = ws.appendingPathComponent("signers.yaml")
        let text = try String(contentsOf: url, encoding: .utf8)
        try text.replacingOccurrences(of: "role: team_leader, public_key: \"1qMl", with: "role: team_leadr, public_key: \"1qMl")
            .write(to: url, atomically: true, encoding: .utf8)
        return ws
    }

    @Test("status, verify, sign and export exit 1 with the located error; export writes nothing")
    func everyCommand() throws {
        let ws = try Self.workspace()
        let out = ws.deletingLastPathComponent().appendingPathComponent("o.xlsx")
        for args in [["status", ws.path], ["verify", ws.path], ["export", ws.path, "-o", out.path, "--quiet"],
                     ["sign", "2024-002", "--role", "team_leader", "--key", ws.appendingPathComponent("keys/lu-jia.key").path,
                      "--time", "2024-12-20T02:00:00Z", ws.path]] {
            let r = try X.run([X.termaudit] + args)
            #expect(r.status == 1, "\(args[0]): \(r.err)")
            #expect(r.err.contains("signers.yaml:7:") && r.err.contains("team_leadr"), "\(args[0]): \(r.err)")
            #expect(args[0] == "sign" || r.out.isEmpty, "\(args[0]) printed: \(String(decoding: r.out, as: UTF8.self).prefix(200))")
        }
        #expect(!FileManager.default.fileExists(atPath: out.path))
        // Fixed, every command runs again.
        let url = ws.appendingPathComponent("signers.yaml")
        try String(contentsOf: url, encoding: .utf8).replacingOccurrences(of: "team_leadr", with: "team_leader").write(to: url, atomically: true, encoding: .utf8)
        #expect(try X.run([X.termaudit, "status", ws.path, "--brief"]).status == 0)
        #expect(try X.run([X.termaudit, "export", ws.path, "-o", out.path, "--quiet"]).status == 0)
    }
}

/// An invalid case file does not hide the others (issue 14).
@Suite("One broken case file")
struct BrokenCaseTests {
    /// A copy of the samples where 2024-003 has `rank: principle` (line 13).
    static func workspace() throws -> URL {
        let ws = try SignersErrorTests.workspace()
        let url = ws.appendingPathComponent("signers.yaml")   // undo the signers typo of the other suite's copy
        try String(contentsOf: url, encoding: .utf8).replacingOccurrences(of: "team_leadr", with: "team_leader").write(to: url, atomically: true, encoding: .utf8)
        let c = ws.appendingPathComponent("cases/县直部门/2024-003.yaml")
        try String(contentsOf: c, encoding: .utf8).replacingOccurrences(of: "rank: principal", with: "rank: principle").write(to: c, atomically: true, encoding: .utf8)
        return ws
    }

    @Test("status, rank and verify report every valid case and list the broken one with its located error (exit 1)")
    func reportOthers() throws {
        let ws = try Self.workspace()
        let located = "cases/县直部门/2024-003.yaml:13:9: error: post.rank 'principle' is not allowed"
        let status = try X.run([X.termaudit, "status", ws.path, "--format", "json"])
        #expect(status.status == 1)
        #expect(status.err.contains(located), "\(status.err)")
        struct S: Decodable { struct C: Decodable { var id: String }; var cases: [C] }
        let ids = try JSONDecoder().decode(S.self, from: status.out).cases.map(\.id)
        #expect(ids.count == 34 && !ids.contains("2024-003") && ids.contains("2024-004"))
        let rank = try X.run([X.termaudit, "rank", ws.path])
        #expect(rank.status == 1 && rank.err.contains(located))
        #expect(String(decoding: rank.out, as: UTF8.self).contains("周文斌"))
        let verify = try X.run([X.termaudit, "verify", ws.path])
        #expect(verify.status == 1 && verify.err.contains(located))
        #expect(String(decoding: verify.out, as: UTF8.self).contains("2024-001"))
    }

    @Test("sign works on a valid case while another is broken; the broken one cannot be signed")
    func signOthers() throws {
        let ws = try Self.workspace()
        let key = ws.appendingPathComponent("keys/lu-jia.key").path
        let ok = try X.run([X.termaudit, "sign", "2024-002", "--role", "team_leader", "--key", key, "--time", "2024-12-20T02:00:00Z", ws.path])
        #expect(ok.status == 0, "\(ok.err)")
        let bad = try X.run([X.termaudit, "sign", "2024-003", "--role", "team_leader", "--key", key, "--time", "2024-12-20T02:00:00Z", ws.path])
        #expect(bad.status == 1 && bad.err.contains("2024-003.yaml:13:9"))
    }

    @Test("export stays all-or-nothing, unless --case selects valid cases")
    func exportAllOrNothing() throws {
        let ws = try Self.workspace()
        let dir = ws.deletingLastPathComponent()
        let all = try X.run([X.termaudit, "export", ws.path, "-o", dir.appendingPathComponent("all.xlsx").path, "--quiet"])
        #expect(all.status == 1 && all.err.contains("2024-003.yaml:13:9"))
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("all.xlsx").path))
        let one = try X.run([X.termaudit, "export", ws.path, "--case", "2024-001", "-o", dir.appendingPathComponent("one.xlsx").path, "--quiet"])
        #expect(one.status == 0, "\(one.err)")
        let book = try X.read(dir.appendingPathComponent("one.xlsx"))
        #expect(book.sheet("汇总")?.records.map { $0["案卷编号"]?.text } == ["2024-001"])
    }
}

@Suite("export --department")
struct DepartmentExportTests {
    @Test("the internal edition of one department: only its audit items and findings; the cover says so")
    func internalOfOneDepartment() throws {
        let dir = try X.tempDir()
        let out = dir.appendingPathComponent("discipline.xlsx")
        let r = try X.run([X.termaudit, "export", X.samples.path, "--department", "纪检监察", "-o", out.path, "--quiet"])
        #expect(r.status == 0, "\(r.err)")
        let book = try X.read(out)
        let items = try #require(book.sheet("审计事项")).records
        #expect(!items.isEmpty && items.allSatisfy { $0["负责部门"]?.text == "纪检监察" })
        let all = try X.read({ let u = dir.appendingPathComponent("all.xlsx"); _ = try X.run([X.termaudit, "export", X.samples.path, "-o", u.path, "--quiet"]); return u }())
        #expect(try #require(book.sheet("问题与整改")).records.count < (all.sheet("问题与整改")?.records.count ?? 0))
        #expect(book.sheet("汇总")?.records.count == all.sheet("汇总")?.records.count)
        #expect(book.sheet("封面")!.cells.contains { $0.value.text == "纪检监察（仅本部门的审计事项、结论和问题）" })
    }
}
