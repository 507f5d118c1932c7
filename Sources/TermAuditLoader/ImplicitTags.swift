/// The tags of plain scalars, decided as Yams' default resolver decides them, without regular expressions.
///
/// Yams resolves each plain scalar by trying up to seven `NSRegularExpression`s; on Linux that was about half of
/// the time to load a case file. `YAMLComposer` gives every plain scalar without an explicit tag the tag these
/// hand-written matchers give: the same rules in the same order (bool, int, float, merge, null, timestamp, value),
/// tested against Yams' resolver.
enum ImplicitTags {
    /// The tag of a plain scalar under Yams' `Resolver.default`.
    static func resolve(_ string: String) -> Tag {
        var string = string
        return Tag(string.withUTF8 { resolve(bytes: $0) })
    }

    static func resolve(bytes s: UnsafeBufferPointer<UInt8>) -> Tag.Kind {
        // Most values start with a character no rule accepts first (a letter other than those of the words below,
        // a CJK character): decided at once.
        if let c = s.first, c >= 0x80 { return .str }
        if isBool(s) { return .bool }
        if isInt(s) { return .int }
        if isFloat(s) { return .float }
        if equals(s, "<<") { return .merge }
        if s.isEmpty || equals(s, "~") || equals(s, "null") || equals(s, "Null") || equals(s, "NULL") { return .null }
        if isTimestamp(s) { return .timestamp }
        if equals(s, "=") { return .value }
        return .str
    }

    // MARK: - The rules

    private static let bools: [String] = ["yes", "Yes", "YES", "no", "No", "NO", "true", "True", "TRUE", "false", "False", "FALSE",
                                          "on", "On", "ON", "off", "Off", "OFF"]

    private static func equals(_ s: UnsafeBufferPointer<UInt8>, _ word: StaticString) -> Bool {
        guard s.count == word.utf8CodeUnitCount else { return false }
        let w = UnsafeBufferPointer(start: word.utf8Start, count: word.utf8CodeUnitCount)
        return s.elementsEqual(w)
    }

    private static func isBool(_ s: UnsafeBufferPointer<UInt8>) -> Bool {
        guard (2...5).contains(s.count) else { return false }
        switch s[0] | 0x20 {   // the first letter of yes, no, true, false, on, off in either case
        case UInt8(ascii: "y"), UInt8(ascii: "n"), UInt8(ascii: "t"), UInt8(ascii: "f"), UInt8(ascii: "o"): break
        default: return false
        }
        return bools.contains { $0.utf8.elementsEqual(s) }
    }

    private static func digit(_ c: UInt8) -> Bool { c >= 48 && c <= 57 }

    /// Length of the run from `i` of bytes satisfying `ok`.
    private static func run(_ s: UnsafeBufferPointer<UInt8>, _ i: Int, _ ok: (UInt8) -> Bool) -> Int {
        var j = i
        while j < s.count && ok(s[j]) { j += 1 }
        return j - i
    }

    private static func sign(_ s: UnsafeBufferPointer<UInt8>, _ i: Int) -> Int {
        i < s.count && (s[i] == 43 || s[i] == 45) ? i + 1 : i   // + -
    }

    /// `(?::[0-5]?[0-9])+` from `i`: the index after the groups, or nil when there is not at least one.
    private static func sexagesimal(_ s: UnsafeBufferPointer<UInt8>, _ start: Int) -> Int? {
        var i = start, groups = 0
        while i < s.count && s[i] == 58 {   // :
            let n = run(s, i + 1, digit)
            if n == 1 || (n == 2 && s[i + 1] <= 53) {   // one digit, or two with the first 0–5
                i += 1 + n
                groups += 1
            } else {
                break
            }
        }
        return groups > 0 ? i : nil
    }

    private static func isInt(_ s: UnsafeBufferPointer<UInt8>) -> Bool {
        let i = sign(s, 0)
        let n = s.count
        guard i < n else { return false }
        // [-+]?0b[0-1_]+
        if n - i >= 3, s[i] == 48, s[i + 1] == 98, run(s, i + 2, { $0 == 48 || $0 == 49 || $0 == 95 }) == n - i - 2 { return true }
        // [-+]?0o?[0-7_]+
        if s[i] == 48 {
            let j = i + 1 < n && s[i + 1] == 111 ? i + 2 : i + 1
            if j < n, run(s, j, { ($0 >= 48 && $0 <= 55) || $0 == 95 }) == n - j { return true }
        }
        // [-+]?(?:0|[1-9][0-9_]*)
        if s[i] == 48 && n - i == 1 { return true }
        if s[i] >= 49 && s[i] <= 57 {
            let end = i + 1 + run(s, i + 1, { digit($0) || $0 == 95 })
            if end == n { return true }
            // [-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+
            if let e = sexagesimal(s, end), e == n { return true }
            // Backtracking into [0-9_]* cannot help: a group starts with ':', which the run never contains.
        }
        // [-+]?0x[0-9a-fA-F_]+
        if n - i >= 3, s[i] == 48, s[i + 1] == 120,
           run(s, i + 2, { digit($0) || ($0 >= 97 && $0 <= 102) || ($0 >= 65 && $0 <= 70) || $0 == 95 }) == n - i - 2 { return true }
        return false
    }

    private static func isFloat(_ s: UnsafeBufferPointer<UInt8>) -> Bool {
        let n = s.count
        guard n > 0 else { return false }
        let i = sign(s, 0)
        // [-+]?(?:[0-9][0-9_]*)(?:\.[0-9_]*)?(?:[eE][-+]?[0-9]+)?
        if i < n && digit(s[i]) {
            var j = i + 1 + run(s, i + 1, { digit($0) || $0 == 95 })
            if j < n && s[j] == 46 { j += 1 + run(s, j + 1, { digit($0) || $0 == 95 }) }
            if j == n { return true }
            if s[j] == 101 || s[j] == 69 {
                let k = sign(s, j + 1)
                let d = run(s, k, digit)
                if d > 0 && k + d == n { return true }
            }
            // [-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*
            let head = i + 1 + run(s, i + 1, { digit($0) || $0 == 95 })
            if let e = sexagesimal(s, head), e < n, s[e] == 46, run(s, e + 1, { digit($0) || $0 == 95 }) == n - e - 1 { return true }
        }
        // \.[0-9_]+(?:[eE][-+][0-9]+)?   (no sign)
        if s[0] == 46 {
            let d = run(s, 1, { digit($0) || $0 == 95 })
            if d > 0 {
                let j = 1 + d
                if j == n { return true }
                if s[j] == 101 || s[j] == 69, j + 1 < n, s[j + 1] == 43 || s[j + 1] == 45 {
                    let e = run(s, j + 2, digit)
                    if e > 0 && j + 2 + e == n { return true }
                }
            }
        }
        // [-+]?\.(?:inf|Inf|INF)
        if i < n && s[i] == 46 && n - i == 4 {
            let rest = UnsafeBufferPointer(rebasing: s[(i + 1)...])
            if equals(rest, "inf") || equals(rest, "Inf") || equals(rest, "INF") { return true }
        }
        // \.(?:nan|NaN|NAN)
        if equals(s, ".nan") || equals(s, ".NaN") || equals(s, ".NAN") { return true }
        return false
    }

    private static func isTimestamp(_ s: UnsafeBufferPointer<UInt8>) -> Bool {
        let n = s.count
        guard n >= 8, run(s, 0, digit) >= 4, s[4] == 45 else { return false }
        // [0-9]{4}-[0-9]{2}-[0-9]{2}
        if n == 10, digit(s[5]), digit(s[6]), s[7] == 45, digit(s[8]), digit(s[9]), run(s, 0, digit) == 4 { return true }
        // [0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(?:[Tt]|[ \t]+)[0-9]{1,2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]*)?(?:[ \t]*(?:Z|[-+][0-9]{1,2}(?::[0-9]{2})?))?
        guard run(s, 0, digit) == 4 else { return false }
        var i = 5
        let m = run(s, i, digit)
        guard m == 1 || m == 2 else { return false }
        i += m
        guard i < n, s[i] == 45 else { return false }
        i += 1
        let d = run(s, i, digit)
        guard d == 1 || d == 2 else { return false }
        i += d
        guard i < n else { return false }
        if s[i] == 84 || s[i] == 116 {   // T t
            i += 1
        } else {
            let sp = run(s, i, { $0 == 32 || $0 == 9 })
            guard sp > 0 else { return false }
            i += sp
        }
        let h = run(s, i, digit)
        guard h == 1 || h == 2 else { return false }
        i += h
        for _ in 0..<2 {
            guard i + 2 < n, s[i] == 58, digit(s[i + 1]), digit(s[i + 2]) else { return false }
            i += 3
        }
        if i < n && s[i] == 46 { i += 1 + run(s, i + 1, digit) }
        if i == n { return true }
        i += run(s, i, { $0 == 32 || $0 == 9 })
        guard i < n else { return false }
        if s[i] == 90 { return i + 1 == n }   // Z
        guard s[i] == 43 || s[i] == 45 else { return false }
        i += 1
        let zh = run(s, i, digit)
        guard zh == 1 || zh == 2 else { return false }
        i += zh
        if i == n { return true }
        return i + 3 == n && s[i] == 58 && digit(s[i + 1]) && digit(s[i + 2])
    }
}
