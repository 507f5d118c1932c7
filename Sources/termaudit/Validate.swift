import ArgumentParser
import Foundation
import TermAudit
import TermAuditReport
import TermAuditLoader

/// `termaudit validate`: reads every file strictly and prints every problem found, located.
struct Validate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "检查案卷 — check a workspace or case file; print every error with file:line:column.",
        discussion: "Exit status 0 when there are no errors, 1 when there are."
    )

    @OptionGroup var workspace: WorkspaceOptions

    @Option(help: "Output format: text or json.")
    var format: OutputFormat = .text

    func run() throws {
        // The case files are parsed in parallel as a stream: only each case's id and location are kept (for the
        // duplicate-id check), so memory does not grow with the cases. The report is the one `WorkspaceLoader.load` gives.
        let (stream, settings) = try Workspaces.openForChecking(workspace)
        var check = CaseCheck(settings: settings)
        stream?.forEach { c, diagnostics in check.add(c, diagnostics) }
        let diagnostics = check.diagnostics()
        let errors = diagnostics.filter { $0.severity == .error }
        let caseCount = check.caseCount
        let files = stream?.entries.count ?? 0
        switch format {
        case .json:
            let report = ValidationReport(ok: errors.isEmpty, files: files, cases: caseCount,
                                          errors: errors.count, diagnostics: diagnostics)
            print(try JSONOutput.string(report))
        case .text:
            for d in diagnostics { Terminal.printDiagnostic(d) }
            let fileCount = Set(errors.map(\.location.file)).count
            if errors.isEmpty {
                print("✓ \(caseCount) 个案卷无错误 (\(caseCount) cases in \(files) files, no errors)")
            } else {
                print("✗ \(errors.count) 个错误，涉及 \(fileCount) 个文件 (\(errors.count) errors in \(fileCount) files)")
            }
        }
        if !errors.isEmpty { throw ExitCode(1) }
    }
}

/// The JSON form of `validate`.
struct ValidationReport: Encodable {
    var ok: Bool
    var files: Int
    var cases: Int
    var errors: Int
    var diagnostics: [Diagnostic]
}
