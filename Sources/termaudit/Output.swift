import Foundation
import TermAudit

/// Terminal helpers.
enum Terminal {
    static let isTTY = isatty(STDOUT_FILENO) == 1
    static let stderrIsTTY = isatty(STDERR_FILENO) == 1
    static let color = isTTY && ProcessInfo.processInfo.environment["NO_COLOR"] == nil

    static func printDiagnostic(_ d: Diagnostic) {
        let sev = d.severity == .error ? (color ? "\u{1B}[31merror\u{1B}[0m" : "error") : (color ? "\u{1B}[33mwarning\u{1B}[0m" : "warning")
        print("\(d.location): \(sev): \(d.message)")
        if !d.hint.isEmpty { print("    → \(d.hint)") }
    }

    static func eprint(_ s: String) {
        FileHandle.standardError.write(Data((s + "\n").utf8))
    }
}
