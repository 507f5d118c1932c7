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
    }
}
