/// Full-width punctuation typed where YAML needs its ASCII form — the commonest mistake of a Chinese keyboard:
/// `name：王某` (U+FF1A for `:`), `{a: 1，b: 2}` (U+FF0C for `,`), `items: ［a, b］`. libyaml then reports something
/// confusing somewhere later; this finds each such character at its own position, with its half-width form.
enum FullWidth {
    struct Hit: Equatable {
        var line: Int
        var column: Int
        var character: Character
        var halfWidth: String
    }

    /// A character of a YAML key as termaudit writes them: ASCII letters, digits, `_` and `-`.
    static func isKeyCharacter(_ c: Character) -> Bool { c.isASCII && (c.isLetter || c.isNumber || c == "_" || c == "-") }

    static let forms: [Character: String] = ["：": ":", "，": ",", "（": "(", "）": ")", "［": "[", "］": "]", "｛": "{", "｝": "}",
                                             "－": "-", "＃": "#", "＇": "'", "＂": "\""]

    /// Every full-width character standing where YAML syntax is expected: after a key (an ASCII identifier at the
    /// start of a line, after `- `, or after `{` or `,` in a flow), as the separator of a flow, or opening a flow
    /// value. Text in quotes and comments is skipped, so full-width punctuation inside values is left alone.
    static func scan(_ text: String) -> [Hit] {
        var hits: [Hit] = []
        var lineNo = 0
        for raw in text.split(separator: "\n", omittingEmptySubsequences: false) {
            lineNo += 1
            let chars = Array(raw)
            var i = 0
            var quote: Character?
            var depth = 0              // flow nesting on this line
            var keyStart = true        // at a place where a key may begin
            var keyChars = 0           // ASCII identifier characters read since that place
            while i < chars.count {
                let c = chars[i]
                if let q = quote {
                    if c == q { quote = nil }
                    i += 1
                    continue
                }
                switch c {
                case "\"", "'":
                    quote = c
                    keyStart = false
                case "#" where i == 0 || chars[i - 1] == " " || chars[i - 1] == "\t":
                    i = chars.count
                    continue
                case "{", "[":
                    depth += 1
                    keyStart = true
                    keyChars = 0
                case "}", "]":
                    depth = max(0, depth - 1)
                    keyStart = false
                case ",":
                    keyStart = depth > 0
                    keyChars = 0
                case " ", "\t":
                    if keyChars > 0 { keyStart = false }
                case "-" where keyChars == 0 && keyStart:
                    break                                   // a list item's dash
                case "：":
                    if keyStart && keyChars > 0 { hits.append(Hit(line: lineNo, column: i + 1, character: c, halfWidth: ":")) }
                    keyStart = false
                case "，" where depth > 0 && startsKey(chars, after: i):
                    // Separating entries of a flow (the next key follows); a full-width comma inside text is left alone.
                    hits.append(Hit(line: lineNo, column: i + 1, character: c, halfWidth: ","))
                    keyStart = true
                    keyChars = 0
                case "｛", "［":
                    // Opening a value: after `key: `, after `- `, or first on the line.
                    var j = i - 1
                    while j >= 0 && (chars[j] == " " || chars[j] == "\t") { j -= 1 }
                    let dashOnly = j >= 0 && chars[j] == "-" && chars[..<j].allSatisfy { $0 == " " }
                    if j < 0 || chars[j] == ":" || dashOnly {
                        hits.append(Hit(line: lineNo, column: i + 1, character: c, halfWidth: forms[c]!))
                    }
                    keyStart = false
                default:
                    if keyStart && isKeyCharacter(c) {
                        keyChars += 1
                    } else if keyStart && keyChars == 0 && c == " " {
                        break
                    } else {
                        keyStart = false
                    }
                }
                i += 1
            }
        }
        return hits
    }

    /// The full-width syntax characters inside a key that parsed (e.g. `name： 乙，department` from
    /// `{name： 乙，department: …}`), with their offsets in the key: a colon after the leading identifier, a comma
    /// before the next identifier.
    static func inKey(_ key: String) -> [(Int, Hit)] {
        guard key.unicodeScalars.contains(where: { $0 == "：" || $0 == "，" }) else { return [] }
        let chars = Array(key)
        var out: [(Int, Hit)] = []
        var identifierSoFar = true      // chars[..<i] is an ASCII identifier
        for (i, c) in chars.enumerated() {
            defer { identifierSoFar = identifierSoFar && isKeyCharacter(c) }
            if c == "：" && ((i > 0 && identifierSoFar) || (i > 0 && startsKeyBefore(chars, at: i))) {
                out.append((i, Hit(line: 0, column: 0, character: c, halfWidth: ":")))
            } else if c == "，" && startsKeyIn(chars, after: i) {
                out.append((i, Hit(line: 0, column: 0, character: c, halfWidth: ",")))
            }
        }
        return out
    }

    /// Whether an ASCII identifier ends at `i` and follows a comma (half- or full-width) or the start.
    static func startsKeyBefore(_ chars: [Character], at i: Int) -> Bool {
        var j = i - 1
        while j >= 0 && isKeyCharacter(chars[j]) { j -= 1 }
        guard j < i - 1 else { return false }
        while j >= 0 && chars[j] == " " { j -= 1 }
        return j < 0 || chars[j] == "，" || chars[j] == ","
    }

    /// Whether an identifier follows position `i` (then the end of the key, or a colon).
    static func startsKeyIn(_ chars: [Character], after i: Int) -> Bool {
        var j = i + 1
        while j < chars.count && chars[j] == " " { j += 1 }
        let start = j
        while j < chars.count && isKeyCharacter(chars[j]) { j += 1 }
        return j > start && (j == chars.count || chars[j] == ":" || chars[j] == "：")
    }

    /// Whether a key (an ASCII identifier followed by `:` or `：`) starts after position `i`.
    static func startsKey(_ chars: [Character], after i: Int) -> Bool {
        var j = i + 1
        while j < chars.count && chars[j] == " " { j += 1 }
        let start = j
        while j < chars.count && isKeyCharacter(chars[j]) { j += 1 }
        return j > start && j < chars.count && (chars[j] == ":" || chars[j] == "：")
    }

    static func message(_ h: Hit) -> String {
        "full-width '\(h.character)' (U+\(String(h.character.unicodeScalars.first!.value, radix: 16, uppercase: true))) where YAML needs the half-width '\(h.halfWidth)'"
    }

    static func hint(_ h: Hit) -> String {
        h.halfWidth == ":" ? "write ':' followed by a space (半角冒号加空格), e.g. name: 王某"
            : "write the half-width '\(h.halfWidth)' (半角) — switch the input method to half-width punctuation"
    }
}
