import ArgumentParser
import Foundation
import TermAudit
import TermAuditLoader
import TermAuditSample

/// `termaudit sample`: a synthetic workspace of N fictional cases, for benchmarks and tests.
struct Sample: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "模拟工作区 — write a synthetic workspace of N fictional cases (benchmarks, tests, demos).",
        discussion: """
        The same --cases, --seed and checklists give byte-identical files. Cases cover every state except signed_off
        (on_hold, preparing, auditing, ready_for_signoff); files go to cases/000/, cases/001/ … (1,000 per folder).
        termaudit.yaml points `library:` at the absolute path of the checklists folder used.
        """
    )

    @Option(help: "Number of cases (1…1,000,000).")
    var cases: Int

    @Option(help: "Seed: the same seed gives the same workspace.")
    var seed: UInt64 = 1

    @Option(help: "The folder to create (must not exist, or be empty).")
    var out: String

    @Option(help: "The checklists folder (default: found as for `termaudit term`).")
    var library: String?

    func validate() throws {
        guard (1...1_000_000).contains(cases) else { throw ValidationError("--cases must be 1…1,000,000, got \(cases)") }
    }

    func run() throws {
        let started = Date()
        guard let libURL = (library.map { URL(fileURLWithPath: $0) } ?? WorkspaceLoader.libraryForCurrentDirectory())?.standardizedFileURL else {
            throw ValidationError("cannot find the checklists folder; give --library PATH/TO/checklists")
        }
        let (lib, diagnostics) = LibraryLoader.load(directory: libURL)
        if diagnostics.contains(where: { $0.severity == .error }) { Session.fail(diagnostics) }
        let folder = URL(fileURLWithPath: out).standardizedFileURL
        let counts: [SampleState: Int]
        do {
            counts = try SampleWorkspace(cases: cases, seed: seed, library: lib).write(to: folder, libraryPath: libURL.path)
        } catch let e as SampleError {
            Terminal.eprint("✗ \(e)")
            throw ExitCode(1)
        }
        let mix = SampleState.allCases.map { "\($0.rawValue) \(counts[$0] ?? 0)" }.joined(separator: ", ")
        print("✓ \(cases) 个模拟案卷 → \(out) (\(String(format: "%.1f", Date().timeIntervalSince(started))) s; planned: \(mix))")
    }
}
