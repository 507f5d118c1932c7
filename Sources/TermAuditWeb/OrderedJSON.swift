import Foundation
import TermAudit
import TermAuditLoader
import TermAuditSignoff

/// A small JSON reader that keeps the order of keys (a case file's keys are written in the order given) and says
/// where a malformed body goes wrong (line and column).
struct OrderedJSON {
    struct Failure: Error, CustomStringConvertible {
        var line: Int
        var column: Int
        var message: String
        var description: String { "JSON \(line):\(column): \(message)" }
    }

    private let s: [UInt8]
    private var i = 0
    private var depth = 0

    /// Parses a whole JSON text into a `CaseTree` (numbers kept as written; strings `YYYY-MM-DD` as dates).
    static func parse(_ data: [UInt8]) throws -> CaseTree {
        var p = OrderedJSON(s: data)
        p.space()
        let v = try p.value()
        p.space()
        guard p.i == p.s.count else { throw p.fail("unexpected text after the value") }
        return v
    }

    private init(s: [UInt8]) { self.s = s }

    private func fail(_ m: String) -> Failure {
        var line = 1, column = 1
        for b in s[..<min(i, s.count)] {
            if b == 0x0A { line += 1; column = 1 } else if b & 0xC0 != 0x80 { column += 1 }
        }
        return Failure(line: line, column: column, message: m)
    }

    private mutating func space() {
        while i < s.count, [0x20, 0x09, 0x0A, 0x0D].contains(s[i]) { i += 1 }
    }

    private mutating func value() throws -> CaseTree {
        guard i < s.count else { throw fail("a value is missing") }
        switch s[i] {
        case UInt8(ascii: "{"):
            depth += 1
            guard depth <= 32 else { throw fail("nested too deeply") }
            defer { depth -= 1 }
            i += 1
            var pairs: [(String, CaseTree)] = []
            space()
            if i < s.count, s[i] == UInt8(ascii: "}") { i += 1; return .map(pairs) }
            while true {
                space()
                guard i < s.count, s[i] == UInt8(ascii: "\"") else { throw fail("expected a key in double quotes") }
                let key = try string()
                if pairs.contains(where: { $0.0 == key }) { throw fail("the key '\(key)' appears twice") }
                space()
                guard i < s.count, s[i] == UInt8(ascii: ":") else { throw fail("expected ':' after the key '\(key)'") }
                i += 1
                space()
                pairs.append((key, try value()))
                space()
                guard i < s.count else { throw fail("expected ',' or '}'") }
                if s[i] == UInt8(ascii: ",") { i += 1; continue }
                if s[i] == UInt8(ascii: "}") { i += 1; return .map(pairs) }
                throw fail("expected ',' or '}'")
            }
        case UInt8(ascii: "["):
            depth += 1
            guard depth <= 32 else { throw fail("nested too deeply") }
            defer { depth -= 1 }
            i += 1
            var items: [CaseTree] = []
            space()
            if i < s.count, s[i] == UInt8(ascii: "]") { i += 1; return .list(items) }
            while true {
                space()
                items.append(try value())
                space()
                guard i < s.count else { throw fail("expected ',' or ']'") }
                if s[i] == UInt8(ascii: ",") { i += 1; continue }
                if s[i] == UInt8(ascii: "]") { i += 1; return .list(items) }
                throw fail("expected ',' or ']'")
            }
        case UInt8(ascii: "\""):
            let text = try string()
            if text.utf8.count == 10, let d = Day(iso: text), d.description == text { return .date(d) }
            return .text(text)
        case UInt8(ascii: "t"): return try word("true", .bool(true))
        case UInt8(ascii: "f"): return try word("false", .bool(false))
        case UInt8(ascii: "n"): return try word("null", .null)
        default:
            let start = i
            while i < s.count, "+-0123456789.eE".utf8.contains(s[i]) { i += 1 }
            let text = String(decoding: s[start..<i], as: UTF8.self)
            guard !text.isEmpty, let d = Double(text), d.isFinite, text.first != "+" else {
                i = start
                throw fail("expected a value (an object, a list, text in double quotes, a number, true, false or null)")
            }
            return .number(text)
        }
    }

    private mutating func word(_ w: String, _ v: CaseTree) throws -> CaseTree {
        let bytes = Array(w.utf8)
        guard i + bytes.count <= s.count, Array(s[i..<(i + bytes.count)]) == bytes else { throw fail("expected \(w)") }
        i += bytes.count
        return v
    }

    private mutating func string() throws -> String {
        i += 1
        var out = [UInt8]()
        while i < s.count {
            let b = s[i]
            if b == UInt8(ascii: "\"") {
                i += 1
                guard let text = String(validating: out, as: UTF8.self) else { throw fail("text that is not UTF-8") }
                return text
            }
            if b < 0x20 { throw fail("a control character inside text (write it as \\n, \\t or \\u00XX)") }
            if b == UInt8(ascii: "\\") {
                i += 1
                guard i < s.count else { break }
                switch s[i] {
                case UInt8(ascii: "\""): out.append(0x22)
                case UInt8(ascii: "\\"): out.append(0x5C)
                case UInt8(ascii: "/"): out.append(0x2F)
                case UInt8(ascii: "b"): out.append(0x08)
                case UInt8(ascii: "f"): out.append(0x0C)
                case UInt8(ascii: "n"): out.append(0x0A)
                case UInt8(ascii: "r"): out.append(0x0D)
                case UInt8(ascii: "t"): out.append(0x09)
                case UInt8(ascii: "u"):
                    var code = try hex4()
                    if (0xD800..<0xDC00).contains(code) {
                        guard i + 2 < s.count, s[i + 1] == UInt8(ascii: "\\"), s[i + 2] == UInt8(ascii: "u") else { throw fail("a lone surrogate in \\u escape") }
                        i += 2
                        let low = try hex4()
                        guard (0xDC00..<0xE000).contains(low) else { throw fail("a lone surrogate in \\u escape") }
                        code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                    }
                    guard let scalar = Unicode.Scalar(code) else { throw fail("a lone surrogate in \\u escape") }
                    out.append(contentsOf: Array(String(Character(scalar)).utf8))
                default: throw fail("an unknown escape \\\(Character(Unicode.Scalar(s[i])))")
                }
                i += 1
                continue
            }
            out.append(b)
            i += 1
        }
        throw fail("text without its closing '\"'")
    }

    private mutating func hex4() throws -> UInt32 {
        guard i + 4 < s.count, let v = UInt32(String(decoding: s[(i + 1)...(i + 4)], as: UTF8.self), radix: 16) else {
            throw fail("\\u needs four hexadecimal digits")
        }
        i += 4
        return v
    }
}

extension CaseTree {
    /// JSON text for this tree (keys in order; numbers as written; dates as "YYYY-MM-DD").
    func json(indent: Int = 0) -> String {
        let pad = String(repeating: "  ", count: indent + 1), end = String(repeating: "  ", count: indent)
        switch self {
        case .map(let pairs):
            if pairs.isEmpty { return "{}" }
            return "{\n" + pairs.map { "\(pad)\(CanonicalJSON.quoted($0.0)): \($0.1.json(indent: indent + 1))" }.joined(separator: ",\n") + "\n\(end)}"
        case .list(let items):
            if items.isEmpty { return "[]" }
            return "[\n" + items.map { pad + $0.json(indent: indent + 1) }.joined(separator: ",\n") + "\n\(end)]"
        case .text(let t): return CanonicalJSON.quoted(t)
        case .number(let n):
            // As written when it is a JSON number (YAML allows a few forms JSON does not: `.5`, `+1`, `1_000`).
            if n.range(of: #"^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?$"#, options: .regularExpression) != nil { return n }
            return Double(n.replacingOccurrences(of: "_", with: "")).map { "\($0)" } ?? "null"
        case .bool(let b): return b ? "true" : "false"
        case .date(let d): return CanonicalJSON.quoted(d.description)
        case .null: return "null"
        }
    }
}
