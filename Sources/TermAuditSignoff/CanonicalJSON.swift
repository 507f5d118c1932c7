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
    public var text: String { String(decoding: utf8, as: UTF8.self) }

    /// The canonical bytes (UTF-8).
    public var bytes: Data { Data(utf8) }

    /// The canonical text as UTF-8 bytes, written straight into one buffer.
    public var utf8: [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(256)
        write(into: &out)
        return out
    }

    func write(into out: inout [UInt8]) {
        switch self {
        case .null: out += Self.nullBytes
        case .bool(let b): out += b ? Self.trueBytes : Self.falseBytes
        case .number(let d): Self.number(d, into: &out)
        case .string(let s): Self.string(s, into: &out)
        case .array(let a):
            out.append(UInt8(ascii: "["))
            for (i, v) in a.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                v.write(into: &out)
            }
            out.append(UInt8(ascii: "]"))
        case .object(let o):
            out.append(UInt8(ascii: "{"))
            var first = true
            for (k, v) in o.sorted(by: { Self.precedesInUTF16($0.key, $1.key) }) {
                if !first { out.append(UInt8(ascii: ",")) }
                first = false
                Self.string(k, into: &out)
                out.append(UInt8(ascii: ":"))
                v.write(into: &out)
            }
            out.append(UInt8(ascii: "}"))
        }
    }

    private static let nullBytes = Array("null".utf8), trueBytes = Array("true".utf8), falseBytes = Array("false".utf8)

    /// Whether `a` sorts before `b` by their UTF-16 code units (RFC 8785 §3.2.3), compared on the UTF-8 bytes while
    /// they are ASCII (where the two orders agree) and only otherwise on UTF-16.
    static func precedesInUTF16(_ a: String, _ b: String) -> Bool {
        var i = a.utf8.makeIterator(), j = b.utf8.makeIterator()
        while true {
            guard let x = i.next() else { return j.next() != nil }
            guard let y = j.next() else { return false }
            if x != y {
                // Equal bytes so far are equal scalars, and an ASCII byte is a whole scalar: the first differing
                // ASCII bytes decide. Past U+007F, UTF-8 (scalar) order and UTF-16 order can differ.
                if x < 0x80 && y < 0x80 { return x < y }
                return a.utf16.lexicographicallyPrecedes(b.utf16)
            }
        }
    }

    /// A JSON string with the escapes of RFC 8785 §3.2.2.2: `"` `\` and the C0 controls only.
    static func string(_ s: String, into out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        var s = s
        s.withUTF8 { utf8 in
            var plainFrom = 0
            for (i, b) in utf8.enumerated() where b < 0x20 || b == UInt8(ascii: "\"") || b == UInt8(ascii: "\\") {
                out.append(contentsOf: utf8[plainFrom..<i])
                plainFrom = i + 1
                out.append(UInt8(ascii: "\\"))
                switch b {
                case UInt8(ascii: "\""): out.append(UInt8(ascii: "\""))
                case UInt8(ascii: "\\"): out.append(UInt8(ascii: "\\"))
                case 0x08: out.append(UInt8(ascii: "b"))
                case 0x0C: out.append(UInt8(ascii: "f"))
                case 0x0A: out.append(UInt8(ascii: "n"))
                case 0x0D: out.append(UInt8(ascii: "r"))
                case 0x09: out.append(UInt8(ascii: "t"))
                default: out += [UInt8(ascii: "u"), 0x30, 0x30, hexDigits[Int(b >> 4)], hexDigits[Int(b & 0xF)]]
                }
            }
            out.append(contentsOf: utf8[plainFrom...])
        }
        out.append(UInt8(ascii: "\""))
    }

    /// Lowercase hexadecimal digits, by value.
    static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)

    /// Lowercase hexadecimal of bytes (two digits each).
    public static func hex<Bytes: Sequence>(_ bytes: Bytes) -> String where Bytes.Element == UInt8 {
        var out: [UInt8] = []
        out.reserveCapacity(64)
        for b in bytes {
            out.append(hexDigits[Int(b >> 4)])
            out.append(hexDigits[Int(b & 0xF)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    static func number(_ d: Double, into out: inout [UInt8]) {
        // Whole numbers below 2^53 print as integers (the first branch of `number`), without going through text.
        if d == d.rounded(.towardZero), abs(d) < 9_007_199_254_740_992 {
            var n = Int64(d)
            if n == 0 { out.append(UInt8(ascii: "0")); return }
            if n < 0 { out.append(UInt8(ascii: "-")); n = -n }
            var digits: [UInt8] = []
            while n > 0 { digits.append(UInt8(ascii: "0") + UInt8(n % 10)); n /= 10 }
            out.append(contentsOf: digits.reversed())
            return
        }
        let text: String = number(d)   // the function, not the case `.number`
        out += text.utf8
    }

    /// A string as a JSON (and YAML double-quoted) literal.
    public static func quoted(_ s: String) -> String {
        var out: [UInt8] = []
        string(s, into: &out)
        return String(decoding: out, as: UTF8.self)
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
