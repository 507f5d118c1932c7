import Foundation
import TermAudit

/// JSON output with stable key order.
enum JSONOutput {
    static func string<T: Encodable>(_ value: T) throws -> String {
        String(decoding: try data(value), as: UTF8.self)
    }

    /// The same text as UTF-8 bytes.
    static func data<T: Encodable>(_ value: T) throws -> Data {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        return try e.encode(value)
    }
}

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
