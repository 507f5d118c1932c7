import ArgumentParser
import Foundation
import TermAudit
import TermAuditImport
import TermAuditLoader

/// `termaudit import`: takes a filled fill-in workbook back into the case files.
struct Import: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "导入填报工作簿 — write the values of a filled fill-in workbook back into the case files.",
        discussion: """
        Only the changed values are edited; the rest of each case file stays as it was. Either every change is
        applied or none. Refused, with the sheet and cell: values outside a dropdown, numbers where text is
        expected or the reverse, dates in a wrong form, unknown or edited row identifiers, formulas, files that
        are not valid xlsx (or are zip bombs), and a workbook made from data that has changed since (unless --force).
        """
    )

    @Argument(help: "The filled workbook (.xlsx).")
    var workbook: String

    @Argument(help: "The workspace (default: the current folder).")
    var path: String = "."

    @Flag(help: "Print the changes as a readable diff and write nothing.")
    var dryRun = false

    @Flag(help: "Apply the workbook even for cases that changed since it was made.")
    var force = false

    func run() throws {
        let url = URL(fileURLWithPath: workbook)
        guard FileManager.default.fileExists(atPath: url.path) else { throw ValidationError("no such file: \(workbook)") }
        let result = WorkspaceLoader.load(path: path)
        if result.hasErrors { Session.fail(result.diagnostics) }
        guard let ws = result.workspace else { throw ExitCode(1) }
        var files: [String: URL] = [:]
        for c in ws.cases { files[c.id] = URL(fileURLWithPath: c.location.file) }
        switch Importer.plan(workbook: url, workspace: ws, files: files, force: force) {
        case .failure(let problems):
            for p in problems { Terminal.eprint("\(workbook): \(p)") }
            Terminal.eprint("✗ \(problems.count) 个问题，未写入任何文件 (\(problems.count) problems; nothing was written)")
            throw ExitCode(1)
        case .success(let plan):
            if !plan.stale.isEmpty {
                Terminal.eprint("⚠ --force: 以下案卷在工作簿生成后已改动，仍按工作簿写入 / applied over later changes: \(plan.stale.joined(separator: ", "))")
            }
            if plan.changes.isEmpty {
                print("✓ 工作簿与案卷一致，无需改动 (no changes; \(plan.rowsRead) rows read)")
                return
            }
            if dryRun {
                printDiff(plan)
                print("\n（预览 dry run）\(plan.changes.count) 处改动，涉及 \(plan.files.count) 个案卷文件；未写入。")
                return
            }
            do {
                try Importer.apply(plan)
            } catch {
                Terminal.eprint("✗ 导入失败，案卷文件保持原样 (import failed; every case file is as it was): \(error)")
                throw ExitCode(1)
            }
            for c in plan.changes { print("  \(c.caseID)  \(c.field): \(c.old) → \(c.new)") }
            print("✓ 已导入 \(plan.changes.count) 处改动，涉及 \(plan.files.count) 个案卷文件 (\(plan.changes.count) changes in \(plan.files.count) files)")
        }
    }

    /// Each file's changes, then its changed lines as a unified diff.
    func printDiff(_ plan: ImportPlan) {
        for f in plan.files {
            let display = YAMLDisplay.path(f.url)
            print("--- \(display)")
            print("+++ \(display)")
            for c in plan.changes where c.caseID == f.caseID { print("# \(c.field): \(c.old) → \(c.new)") }
            for line in LineDiff.diff(f.oldText, f.newText) { print(line) }
        }
    }
}

enum YAMLDisplay {
    static func path(_ url: URL) -> String { DisplayPath.of(url) }
}

/// A minimal line diff: common prefix and suffix kept, the middle shown as removed and added lines, with
/// hunk headers — enough for in-place edits, which change a few lines.
enum LineDiff {
    static func diff(_ a: String, _ b: String) -> [String] {
        let x = a.components(separatedBy: "\n"), y = b.components(separatedBy: "\n")
        // Longest common subsequence on lines (files are small).
        let n = x.count, m = y.count
        var lcs = [[Int]](repeating: [Int](repeating: 0, count: m + 1), count: n + 1)
        for i in stride(from: n - 1, through: 0, by: -1) {
            for j in stride(from: m - 1, through: 0, by: -1) {
                lcs[i][j] = x[i] == y[j] ? lcs[i + 1][j + 1] + 1 : max(lcs[i + 1][j], lcs[i][j + 1])
            }
        }
        var out: [String] = []
        var i = 0, j = 0
        while i < n || j < m {
            if i < n && j < m && x[i] == y[j] { i += 1; j += 1; continue }
            out.append("@@ -\(i + 1) +\(j + 1) @@")
            while i < n || j < m {
                if i < n && j < m && x[i] == y[j] { break }
                if i < n && (j == m || lcs[i + 1][j] >= lcs[i][j + 1]) { out.append("-\(x[i])"); i += 1 } else { out.append("+\(y[j])"); j += 1 }
            }
        }
        return out
    }
}
