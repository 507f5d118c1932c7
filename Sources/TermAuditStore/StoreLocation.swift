import Foundation

/// Where a store is: an SQLite file (embedded, the default) or a PostgreSQL database.
///
/// Written as `sqlite:PATH` (a bare path ending in `.db` works too) or `postgres://USER:PASSWORD@HOST:PORT/DB`
/// (`postgresql://` too).
public enum StoreLocation: Sendable, Equatable, CustomStringConvertible {
    case sqlite(path: String)
    case postgres(url: String)

    public init(_ text: String) throws {
        let t = text.trimmingCharacters(in: .whitespaces)
        if t.hasPrefix("sqlite:") {
            var path = String(t.dropFirst("sqlite:".count))
            if path.hasPrefix("//") { path = String(path.dropFirst(2)) }   // sqlite:///abs/path and sqlite://rel
            guard !path.isEmpty else { throw StoreError.badLocation(text, "sqlite: needs a file path, e.g. sqlite:data/termaudit.db") }
            self = .sqlite(path: path)
        } else if t.hasPrefix("postgres://") || t.hasPrefix("postgresql://") {
            guard let u = URLComponents(string: t), u.host?.isEmpty == false, u.path.count > 1 else {
                throw StoreError.badLocation(text, "write postgres://USER:PASSWORD@HOST:PORT/DATABASE")
            }
            self = .postgres(url: t)
        } else if t.lowercased().hasSuffix(".db") || t.lowercased().hasSuffix(".sqlite") {
            self = .sqlite(path: t)
        } else {
            throw StoreError.badLocation(text, "write sqlite:PATH (or a path ending in .db) or postgres://USER:PASSWORD@HOST:PORT/DATABASE")
        }
    }

    /// For messages: the SQLite path, or the PostgreSQL URL without its password.
    public var description: String {
        switch self {
        case .sqlite(let path): return "sqlite:\(path)"
        case .postgres(let url):
            guard var u = URLComponents(string: url) else { return "postgres://…" }
            if u.password != nil { u.password = "***" }
            return u.string.map { $0.removingPercentEncoding ?? $0 } ?? "postgres://…"
        }
    }
}

/// Why the store refused: every message says what is wrong and what would be right.
public struct StoreError: Error, Sendable, CustomStringConvertible {
    public var code: String
    public var message: String
    public var hint: String

    public init(_ code: String, _ message: String, hint: String = "") {
        self.code = code
        self.message = message
        self.hint = hint
    }

    public var description: String { hint.isEmpty ? message : "\(message)\n    → \(hint)" }

    static func badLocation(_ text: String, _ hint: String) -> StoreError {
        StoreError("bad-location", "'\(text)' is not a database URL", hint: hint)
    }
}
