/// Excel's sheet-name rules: checking a name, and making a valid unique name from any text.
public enum SheetName {
    /// Excel's limit on a sheet name's length (counted here in UTF-16 code units, as Excel does).
    public static let maxLength = 31
    /// The characters Excel forbids in sheet names.
    public static let forbiddenCharacters: Set<Character> = ["[", "]", ":", "*", "?", "/", "\\"]

    /// The key used to compare names ignoring case (Unicode-aware, unlike libxlsxwriter's ASCII-only check).
    static func key(_ name: String) -> String { name.lowercased() }

    private static func isControl(_ c: Character) -> Bool {
        c.unicodeScalars.contains { $0.value < 0x20 || (0x7F...0x9F).contains($0.value) || $0.value == 0xFFFE || $0.value == 0xFFFF }
    }

    /// Throws the specific `XlsxError` for the first rule `name` breaks: empty, longer than 31
    /// UTF-16 units, a character of `[ ] : * ? / \` or a control character, an apostrophe at either
    /// end, the reserved name "History", or a name in `taken` (compared ignoring case).
    public static func validate(_ name: String, taken: [String] = []) throws {
        if name.isEmpty { throw XlsxError.sheetNameEmpty }
        let length = name.utf16.count
        if length > maxLength { throw XlsxError.sheetNameTooLong(name: name, length: length) }
        if let bad = name.first(where: { forbiddenCharacters.contains($0) || isControl($0) }) {
            let shown = isControl(bad)
                ? bad.unicodeScalars.map { "U+" + String($0.value, radix: 16, uppercase: true).leftPadded(to: 4) }.joined()
                : "'\(bad)'"
            throw XlsxError.sheetNameForbiddenCharacter(name: name, character: shown)
        }
        if name.hasPrefix("'") || name.hasSuffix("'") { throw XlsxError.sheetNameApostrophe(name: name) }
        if key(name) == "history" { throw XlsxError.sheetNameReserved(name: name) }
        if let existing = taken.first(where: { key($0) == key(name) }) {
            throw XlsxError.sheetNameTaken(name: name, existing: existing)
        }
    }

    /// Turns arbitrary text into a valid sheet name not in `taken` (compared ignoring case):
    /// forbidden and control characters become `_`, apostrophes at either end are dropped, the
    /// text is cut by whole characters to 31 UTF-16 units, and ` (2)`, ` (3)`… is appended
    /// (cutting further) until the name is free. Empty input becomes "Sheet".
    public static func make(from text: String, taken: Set<String>) -> String {
        var base = String(text.map { forbiddenCharacters.contains($0) || isControl($0) ? "_" : $0 })
        base = base.trimmingApostrophes()
        if base.isEmpty || key(base) == "history" { base = base.isEmpty ? "Sheet" : base + "_" }
        let takenKeys = Set(taken.map(key))
        var candidate = fit(base, suffix: "")
        var n = 2
        while takenKeys.contains(key(candidate)) {
            candidate = fit(base, suffix: " (\(n))")
            n += 1
        }
        return candidate
    }

    /// Cuts `base` by whole characters so that `base + suffix` fits in 31 UTF-16 units.
    static func fit(_ base: String, suffix: String) -> String {
        let room = maxLength - suffix.utf16.count
        var kept = ""
        var used = 0
        for ch in base {
            let w = ch.utf16.count
            if used + w > room { break }
            kept.append(ch)
            used += w
        }
        // Cutting may expose an apostrophe at the end, or leave nothing.
        kept = kept.trimmingApostrophes()
        if kept.isEmpty { kept = "Sheet" }
        return kept + suffix
    }
}

extension String {
    func trimmingApostrophes() -> String {
        var s = Substring(self)
        while s.first == "'" { s = s.dropFirst() }
        while s.last == "'" { s = s.dropLast() }
        return String(s)
    }
}
