import ArgumentParser
import Foundation
import TermAudit
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
        let result = WorkspaceLoader.load(path: workspace.path, policyOverride: workspace.policy)
        let errors = result.diagnostics.filter { $0.severity == .error }
        let caseCount = result.workspace?.cases.count ?? 0
        switch format {
        case .json:
            let report = ValidationReport(ok: errors.isEmpty, files: result.files.count, cases: caseCount,
                                          errors: errors.count, diagnostics: result.diagnostics)
            print(try JSONOutput.string(report))
        case .text:
            for d in result.diagnostics { Terminal.printDiagnostic(d) }
            let fileCount = Set(errors.map(\.location.file)).count
            if errors.isEmpty {
                print("✓ \(caseCount) 个案卷无错误 (\(caseCount) cases in \(result.files.count) files, no errors)")
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
