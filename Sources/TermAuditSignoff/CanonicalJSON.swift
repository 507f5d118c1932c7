import Foundation

/// A JSON value for the canonical form of a case.
///
/// Serialized as in the JSON Canonicalization Scheme (RFC 8785): no whitespace, object members sorted by the
/// UTF-16 code units of their names, strings with the minimal escapes, numbers in the ECMAScript
/// `Number.prototype.toString` form (the shortest decimal that reads back to the same double).
public indirect enum CanonicalJSON: Sendable, Hashable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([CanonicalJSON])
    case object([String: CanonicalJSON])

    /// The canonical text.
    public var text: String {
        var out = ""
        write(into: &out)
        return out
    }

    /// The canonical bytes (UTF-8).
    public var bytes: Data { Data(text.utf8) }

    func write(into out: inout String) {
        switch self {
        case .null: out += "null"
        case .bool(let b): out += b ? "true" : "false"
        case .number(let d): out += Self.number(d)
        case .string(let s): Self.string(s, into: &out)
        case .array(let a):
            out += "["
            for (i, v) in a.enumerated() {
                if i > 0 { out += "," }
                v.write(into: &out)
            }
            out += "]"
        case .object(let o):
            out += "{"
            let keys = o.keys.sorted { Array($0.utf16).lexicographicallyPrecedes(Array($1.utf16)) }
            for (i, k) in keys.enumerated() {
                if i > 0 { out += "," }
                Self.string(k, into: &out)
                out += ":"
                o[k]!.write(into: &out)
            }
            out += "}"
        }
    }

    /// A JSON string with the escapes of RFC 8785 §3.2.2.2: `"` `\` and the C0 controls only.
    static func string(_ s: String, into out: inout String) {
        out += "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\u{08}": out += "\\b"
            case "\u{0C}": out += "\\f"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if u.value < 0x20 {
                    let hex = String(u.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(u)
                }
            }
        }
        out += "\""
    }

    /// A string as a JSON (and YAML double-quoted) literal.
    public static func quoted(_ s: String) -> String {
        var out = ""
        string(s, into: &out)
        return out
    }

    /// A finite double in the ECMAScript `Number.prototype.toString` form (RFC 8785 §3.2.2.3):
    /// `3410`, `3.2`, `0.000001`, `1e-7`, `1e+21`.
    public static func number(_ value: Double) -> String {
        precondition(value.isFinite, "canonical JSON has no NaN or infinity")
        if value == 0 { return "0" }
        if value < 0 { return "-" + number(-value) }
        // The shortest round-trip digits from Swift's description, as digits × 10^(n − k).
        let desc = "\(value)"
        var mantissa = Substring(desc)
        var exponent = 0
        if let e = desc.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            mantissa = desc[..<e]
            exponent = Int(desc[desc.index(after: e)...].replacingOccurrences(of: "+", with: ""))!
        }
        var digits = ""
        var pointAt: Int? = nil
        for ch in mantissa {
            if ch == "." { pointAt = digits.count } else { digits.append(ch) }
        }
        var n = (pointAt ?? digits.count) + exponent   // position of the decimal point
        while digits.hasPrefix("0") { digits.removeFirst(); n -= 1 }
        while digits.hasSuffix("0") { digits.removeLast() }
        let k = digits.count
        if k <= n && n <= 21 {
            return digits + String(repeating: "0", count: n - k)
        }
        if 0 < n && n <= 21 {
            let i = digits.index(digits.startIndex, offsetBy: n)
            return String(digits[..<i]) + "." + String(digits[i...])
        }
        if -6 < n && n <= 0 {
            return "0." + String(repeating: "0", count: -n) + digits
        }
        let e = n - 1
        let sign = e < 0 ? "-" : "+"
        let head = String(digits.prefix(1))
        let tail = String(digits.dropFirst())
        return head + (tail.isEmpty ? "" : "." + tail) + "e" + sign + String(abs(e))
    }
}
