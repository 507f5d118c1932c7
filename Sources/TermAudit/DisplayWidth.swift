/// Terminal and spreadsheet display width of text: East Asian wide and full-width characters count 2.
public enum DisplayWidth {
    /// The width of a string in columns.
    public static func of(_ s: String) -> Int {
        var w = 0
        for u in s.unicodeScalars { w += width(u) }
        return w
    }

    /// The width of one scalar: 0 for combining marks and controls, 2 for wide, 1 otherwise.
    public static func width(_ u: Unicode.Scalar) -> Int {
        let v = u.value
        if v == 0 || v < 32 || (v >= 0x7F && v < 0xA0) { return 0 }
        if u.properties.generalCategory == .nonspacingMark || u.properties.generalCategory == .enclosingMark || v == 0x200B { return 0 }
        if (0x1100...0x115F).contains(v) || (0x2E80...0x303E).contains(v) || (0x3041...0x33FF).contains(v)
            || (0x3400...0x4DBF).contains(v) || (0x4E00...0x9FFF).contains(v) || (0xA000...0xA4CF).contains(v)
            || (0xAC00...0xD7A3).contains(v) || (0xF900...0xFAFF).contains(v) || (0xFE30...0xFE4F).contains(v)
            || (0xFF00...0xFF60).contains(v) || (0xFFE0...0xFFE6).contains(v) || (0x1F300...0x1F64F).contains(v)
            || (0x1F900...0x1F9FF).contains(v) || (0x20000...0x3FFFD).contains(v) {
            return 2
        }
        return 1
    }

    /// Pads `s` with spaces on the right to `width` columns.
    public static func pad(_ s: String, to width: Int) -> String {
        let w = of(s)
        return w >= width ? s : s + String(repeating: " ", count: width - w)
    }
}
