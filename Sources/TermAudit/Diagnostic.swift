/// A place in a source file: path, 1-based line and column (columns count Unicode scalars).
public struct SourceLocation: Hashable, Sendable, Codable, CustomStringConvertible, Comparable {
    public var file: String
    public var line: Int
    public var column: Int

    public init(file: String, line: Int, column: Int) {
        self.file = file
        self.line = line
        self.column = column
    }

    /// `file:line:column`.
    public var description: String { "\(file):\(line):\(column)" }

    public static func < (a: SourceLocation, b: SourceLocation) -> Bool {
        (a.file, a.line, a.column) < (b.file, b.line, b.column)
    }
}

/// A problem found in the input: where, what was found, and what would be right.
public struct Diagnostic: Hashable, Sendable, Codable, CustomStringConvertible {
    /// How serious a diagnostic is.
    public enum Severity: String, Sendable, Codable {
        case error, warning
    }

    public var severity: Severity
    public var location: SourceLocation
    /// A stable code, e.g. `unknown-key`, for tooling and tests.
    public var code: String
    /// What was found.
    public var message: String
    /// What would be right (may be empty).
    public var hint: String

    public init(_ severity: Severity = .error, at location: SourceLocation, code: String, message: String, hint: String = "") {
        self.severity = severity
        self.location = location
        self.code = code
        self.message = message
        self.hint = hint
    }

    /// `file:line:col: error: message (hint)`.
    public var description: String {
        var s = "\(location): \(severity.rawValue): \(message)"
        if !hint.isEmpty { s += "\n    → \(hint)" }
        return s
    }
}

/// Thrown when input has errors; carries all of them.
public struct DiagnosticsError: Error, Sendable, CustomStringConvertible {
    public var diagnostics: [Diagnostic]

    public init(_ diagnostics: [Diagnostic]) { self.diagnostics = diagnostics }

    public var description: String { diagnostics.map(\.description).joined(separator: "\n") }
}
