/// Estimates how wide text is in Excel column units, since libxlsxwriter has no autofit.
public enum TextWidth {
    /// Whether a scalar is East Asian Wide or Fullwidth (CJK ideographs, kana, Hangul, full-width forms).
    public static func isWide(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x1100...0x115F, 0x2E80...0x303E, 0x3041...0x33FF, 0x3400...0x4DBF, 0x4E00...0x9FFF,
             0xA000...0xA4CF, 0xA960...0xA97F, 0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFE10...0xFE19,
             0xFE30...0xFE6F, 0xFF00...0xFF60, 0xFFE0...0xFFE6, 0x16FE0...0x16FE4, 0x17000...0x18AFF,
             0x1B000...0x1B16F, 0x1F200...0x1F2FF, 0x20000...0x2FFFD, 0x30000...0x3FFFD:
            return true
        default:
            return scalar.properties.isEmojiPresentation
        }
    }

    /// The width of one character (grapheme cluster): 2 when wide or an emoji, 0 for a lone
    /// combining or format mark, otherwise 1.
    public static func units(of character: Character) -> Int {
        guard let first = character.unicodeScalars.first else { return 0 }
        if isWide(first) || (character.unicodeScalars.count > 1 && character.unicodeScalars.contains { $0.properties.isEmojiPresentation || $0.value == 0xFE0F }) {
            return 2
        }
        switch first.properties.generalCategory {
        case .nonspacingMark, .enclosingMark, .format, .control: return 0
        default: return 1
        }
    }

    /// The display width of `text` in half-width units (full-width / East Asian Wide characters
    /// count 2, others 1); for multi-line text, the widest line.
    public static func units(_ text: String) -> Int {
        var widest = 0
        var current = 0
        for ch in text {
            if ch == "\n" || ch == "\r\n" || ch == "\r" {
                widest = max(widest, current)
                current = 0
            } else {
                current += units(of: ch)
            }
        }
        return max(widest, current)
    }

    /// A column width (in Excel's character units) that fits the widest of `texts`, plus padding,
    /// clamped to `minimum…maximum` (Excel's own maximum is 255).
    public static func columnWidth<S: Sequence>(for texts: S, minimum: Double = 8.43, maximum: Double = 60) -> Double
    where S.Element == String {
        let widest = texts.reduce(0) { max($0, units($1)) }
        let width = Double(widest) * 1.1 + 2
        return min(max(width, minimum), min(maximum, 255))
    }
}
