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
