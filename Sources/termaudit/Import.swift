import ArgumentParser
import Foundation
import TermAudit
import TermAuditImport
import TermAuditLoader
import TermAuditSignoff

/// `termaudit import`: takes a filled fill-in workbook back into the case files.
struct Import: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "导入填报工作簿 — write the values of a filled fill-in workbook back into the case files.",
        discussion: """
        A three-way merge, cell by cell: the workbook remembers the value each fill-in cell had when it was
        exported. A cell changed in the workbook is applied when the case still holds the exported value; a cell
        left alone is not applied, whatever happened to the case since (so two people who filled workbooks from
        one export, in different cells, both get their work in); a cell changed on both sides to different values
        is a conflict that refuses the whole import unless --take-workbook or --keep-current settles it. An import
        that would change a signed case is refused unless --void-signatures.

        Only the changed values are edited; the rest of each case file stays as it was. Either every change is
        applied or none. Refused, with the sheet and cell: values outside a dropdown, numbers where text is
        expected or the reverse, dates in a wrong form, unknown or edited row identifiers, formulas, and files that
        are not valid xlsx (or are zip bombs).
        """
    )

    @Argument(help: "The filled workbook (.xlsx).")
    var workbook: String

    @Argument(help: "The workspace (default: the current folder).")
    var path: String = "."

    @Option(help: "A store instead of a folder: sqlite:PATH (or PATH.db) or postgres://…; each changed case becomes a new revision.")
    var database: String?

    @Flag(help: "Print the changes as a readable diff and write nothing.")
    var dryRun = false

    @Flag(help: "Settle conflicts (cells changed both in the workbook and in the case since export) with the workbook's value.")
    var takeWorkbook = false

    @Flag(help: "Settle conflicts with the case's current value (the workbook's other changes still apply).")
    var keepCurrent = false

    @Flag(help: "Apply changes to signed cases; their signatures become stale and must be made again.")
    var voidSignatures = false

    @Flag(help: .hidden)
    var force = false

    func run() throws {
        if force {
            throw ValidationError("--force is gone: the import now merges cell by cell; settle conflicts with --take-workbook or --keep-current")
        }
        if takeWorkbook && keepCurrent { throw ValidationError("choose one of --take-workbook and --keep-current") }
        let url = URL(fileURLWithPath: workbook)
        guard FileManager.default.fileExists(atPath: url.path) else { throw ValidationError("no such file: \(workbook)") }
        if database != nil && path != "." { throw ValidationError("give either a workspace folder or --database, not both") }
        let session = try Session.open(path: path, database: database)
        let texts = try Workspaces.texts(database: database)
        let signoff = SignoffWorkspace(root: session.load.root ?? URL(fileURLWithPath: path), workspace: session.workspace,
                                       policy: session.policy, evaluator: session.evaluator)
        if !signoff.signerDiagnostics.isEmpty { Session.fail(signoff.signerDiagnostics) }
        let ws = session.workspace
        let options = ImportOptions(resolution: takeWorkbook ? .takeWorkbook : keepCurrent ? .keepCurrent : .refuse,
                                    voidSignatures: voidSignatures, verifier: signoff.verifier)
        switch Importer.plan(workbook: url, workspace: ws, texts: texts, options: options) {
        case .failure(let problems):
            for p in problems { Terminal.eprint("\(workbook): \(p)") }
            Terminal.eprint("✗ \(problems.count) 个问题，未写入任何文件 (\(problems.count) problems; nothing was written)")
            throw ExitCode(1)
        case .success(let plan):
            if !plan.changedSince.isEmpty {
                print("  以下案卷在工作簿生成后已改动，逐格合并 / changed since export, merged cell by cell: \(plan.changedSince.joined(separator: ", "))")
            }
            for c in plan.settled {
                print("  冲突按\(takeWorkbook ? "工作簿" : "现值")处理 / conflict settled by --\(takeWorkbook ? "take-workbook" : "keep-current"): \(c)")
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
                try Importer.apply(plan, texts: texts, note: "import \(url.lastPathComponent)")
            } catch {
                Terminal.eprint("✗ 导入失败，案卷文件保持原样 (import failed; every case file is as it was): \(error)")
                throw ExitCode(1)
            }
            for c in plan.changes { print("  \(c.caseID)  \(c.field): \(c.old) → \(c.new)") }
            for v in plan.voided {
                print("  ⚠ 签字已失效，须重新签字 / signature voided, to be made again: \(v)")
            }
            print("✓ 已导入 \(plan.changes.count) 处改动，涉及 \(plan.files.count) 个案卷文件 (\(plan.changes.count) changes in \(plan.files.count) files)")
        }
    }

    /// Each file's changes, then its changed lines as a unified diff.
    func printDiff(_ plan: ImportPlan) {
        for f in plan.files {
            let display = f.display
            print("--- \(display)")
            print("+++ \(display)")
            for c in plan.changes where c.caseID == f.caseID { print("# \(c.field): \(c.old) → \(c.new)") }
            for line in LineDiff.diff(f.oldText, f.newText) { print(line) }
        }
    }
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
