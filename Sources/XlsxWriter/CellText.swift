/// Turns user text into what libxlsxwriter must receive so that Excel reads back exactly the
/// same text (ECMA-376 `ST_Xstring` rules).
enum CellText {
    /// Excel's limit on the characters in one cell, counted in UTF-16 code units.
    static let maxUTF16Length = 32_767

    /// Whether XML 1.0 forbids the scalar (C0 controls except tab, LF, CR; U+FFFE, U+FFFF).
    static func isForbiddenInXML(_ scalar: Unicode.Scalar) -> Bool {
        let v = scalar.value
        if v < 0x20 { return v != 0x09 && v != 0x0A && v != 0x0D }
        return v == 0xFFFE || v == 0xFFFF
    }

    /// What one pass over a text's UTF-8 finds: its length in UTF-16 code units (Excel's measure) and whether it
    /// can go to libxlsxwriter as it is — no XML-forbidden character to replace and no `_xHHHH_` look-alike to
    /// escape (else `sanitize` and `escapeXstring` must run).
    struct Scan {
        var utf16Count: Int
        var isClean: Bool
    }

    /// Scans `count` bytes of valid UTF-8 once (as a Swift `String` holds them).
    ///
    /// Matches `isForbiddenInXML` (C0 controls other than tab, LF and CR are single bytes; U+FFFE and U+FFFF are
    /// `EF BF BE` and `EF BF BF`) and the look-alike rule of `escapeXstring`, which involves only ASCII characters:
    /// no byte of a multi-byte sequence is ASCII, so comparing bytes gives the same answer as comparing scalars
    /// (and sanitizing first would not change it: a replaced character matches no part of the pattern either).
    static func scan(_ p: UnsafePointer<UInt8>, count n: Int) -> Scan {
        var units = 0
        var clean = true
        var i = 0
        while i < n {
            let b = p[i]
            if b < 0x80 {
                units &+= 1
                if b < 0x20 {
                    if b != 0x09 && b != 0x0A && b != 0x0D { clean = false }
                } else if b == 0x5F, isLookalike(p, at: i, count: n) {
                    clean = false
                }
                i &+= 1
            } else if b < 0xE0 {
                units &+= 1
                i &+= 2
            } else if b < 0xF0 {
                units &+= 1
                if b == 0xEF, i &+ 2 < n, p[i &+ 1] == 0xBF, p[i &+ 2] >= 0xBE { clean = false }
                i &+= 3
            } else {
                units &+= 2
                i &+= 4
            }
        }
        return Scan(utf16Count: units, isClean: clean)
    }

    /// Whether the `_` at byte `i` starts `_xHHHH_` or `_xHHHH` + CR (see `escapeXstring`).
    @inline(__always)
    private static func isLookalike(_ p: UnsafePointer<UInt8>, at i: Int, count n: Int) -> Bool {
        guard i &+ 6 < n else { return false }
        let x = p[i &+ 1], last = p[i &+ 6]
        return (x == 0x78 || x == 0x58) && isHexByte(p[i &+ 2]) && isHexByte(p[i &+ 3]) && isHexByte(p[i &+ 4])
            && isHexByte(p[i &+ 5]) && (last == 0x5F || last == 0x0D)
    }

    @inline(__always)
    private static func isHexByte(_ b: UInt8) -> Bool {
        (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x46) || (b >= 0x61 && b <= 0x66)
    }

    /// Replaces XML-forbidden characters by U+FFFD and returns the replaced scalar values.
    static func sanitize(_ text: String) -> (text: String, replaced: [UInt32]) {
        var replaced: [UInt32] = []
        guard text.unicodeScalars.contains(where: isForbiddenInXML) else { return (text, []) }
        var scalars = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            if isForbiddenInXML(scalar) {
                replaced.append(scalar.value)
                scalars.append("\u{FFFD}")
            } else {
                scalars.append(scalar)
            }
        }
        return (String(scalars), replaced)
    }

    private static func isHex(_ s: Unicode.Scalar) -> Bool {
        switch s.value {
        case 0x30...0x39, 0x41...0x46, 0x61...0x66: return true
        default: return false
        }
    }

    /// Escapes text that Excel would otherwise decode as an `_xHHHH_` escape.
    ///
    /// libxlsxwriter 1.1.4 escapes control characters (e.g. CR becomes `_x000D_`) but leaves a
    /// literal `_x0041_` alone, which Excel then reads as "A". Every `_` that starts
    /// `_xHHHH_` — or `_xHHHH` followed by a CR, which the library turns into `_x000D_` — is
    /// written as `_x005F_`, Excel's escape for `_`. Expects sanitized text.
    static func escapeXstring(_ text: String) -> String {
        guard text.unicodeScalars.contains("_") else { return text }
        let scalars = Array(text.unicodeScalars)
        var out = String.UnicodeScalarView()
        out.reserveCapacity(scalars.count)
        for (i, s) in scalars.enumerated() {
            if s == "_", i + 6 < scalars.count,
               scalars[i + 1] == "x" || scalars[i + 1] == "X",
               isHex(scalars[i + 2]), isHex(scalars[i + 3]), isHex(scalars[i + 4]), isHex(scalars[i + 5]),
               scalars[i + 6] == "_" || scalars[i + 6] == "\r" {
                out.append(contentsOf: "_x005F_".unicodeScalars)
            } else {
                out.append(s)
            }
        }
        return String(out)
    }

    /// Decodes Excel's `_xHHHH_` escapes, as Excel does when reading (used by tests and for symmetry).
    static func unescapeXstring(_ text: String) -> String {
        let scalars = Array(text.unicodeScalars)
        var out = String.UnicodeScalarView()
        var i = 0
        while i < scalars.count {
            if scalars[i] == "_", i + 6 < scalars.count, scalars[i + 1] == "x",
               isHex(scalars[i + 2]), isHex(scalars[i + 3]), isHex(scalars[i + 4]), isHex(scalars[i + 5]),
               scalars[i + 6] == "_",
               let value = UInt32(String(String.UnicodeScalarView(scalars[(i + 2)...(i + 5)])), radix: 16),
               let decoded = Unicode.Scalar(value) {
                out.append(decoded)
                i += 7
            } else {
                out.append(scalars[i])
                i += 1
            }
        }
        return String(out)
    }
}
