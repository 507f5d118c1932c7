import Foundation
import TermAudit

/// Limits that keep hostile input from exhausting time or memory.
public enum LoaderLimits {
    /// Largest file the loader reads.
    public static let maxFileBytes = 16 << 20
    /// Deepest nesting of collections accepted.
    public static let maxDepth = 64
    /// Most nodes the loader visits in one file (an alias bomb expands beyond this). Also counted by the pre-scan,
    /// so that the parser never builds more: 250,000 values take about 2 s in a debug build (a case has hundreds).
    public static let maxNodes = 250_000
    /// Longest text accepted in one field (Excel's cell limit, in UTF-16 code units).
    public static let maxTextLength = 32_767
    /// Most diagnostics reported for one file.
    public static let maxDiagnosticsPerFile = 200
    /// Years a date may have (a workbook holds 1900…9999; terms derived from these dates must fit too).
    public static let years = 1900...2100
}

/// Reads a YAML document into typed values, collecting located diagnostics instead of stopping at the first.
final class YAMLReader {
    let file: String
    private(set) var diagnostics: [Diagnostic] = []
    private var budget = LoaderLimits.maxNodes
    private(set) var exhausted = false

    init(file: String) { self.file = file }

    // MARK: Parsing

    /// Decodes and parses a file's bytes; reports encoding, size, nesting and syntax problems.
    func parse(data: Data) -> Node? {
        if data.count > LoaderLimits.maxFileBytes {
            report(line: 1, column: 1, code: "file-too-large",
                   "the file is \(data.count) bytes, more than the \(LoaderLimits.maxFileBytes >> 20) MiB a case file may have",
                   hint: "split it or remove the oversized text")
            return nil
        }
        var bytes = data
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes = bytes.dropFirst(3) }
        guard let text = String(validatingUTF8Data: bytes) else {
            let (line, column) = Self.firstInvalidUTF8(in: Array(bytes))
            report(line: line, column: column, code: "not-utf8", "the file is not valid UTF-8 text",
                   hint: "save the file as UTF-8 (GBK and other encodings are not accepted)")
            return nil
        }
        return parse(text: text)
    }

    /// Parses YAML text.
    func parse(text: String) -> Node? {
        var scan = PreScanFacts()
        if let p = Self.preScan(text, facts: &scan) {
            report(line: p.line, column: p.column, code: p.code, p.message, hint: p.hint)
            return nil
        }
        if scan.hasNUL {
            report(line: 1, column: 1, code: "nul-byte", "the file contains a NUL byte", hint: "remove it: case files are text")
            return nil
        }
        switch scan.hasAnchorCharacters ? Self.aliasProbe(text) : nil {
        case let .alias(line, column, what)?:
            report(line: line, column: column, code: "alias-not-allowed", "\(what) is not allowed in termaudit files",
                   hint: "write the value out; anchors and aliases can multiply a file into billions of values")
            return nil
        case let .duplicateKeys(error)?:
            syntax(error, in: text)   // stop here: the parser would hash every key of that mapping, aliases expanded
            return nil
        case nil:
            break
        }
        do {
            guard let node = try YAMLComposer.compose(text) else {
                report(line: 1, column: 1, code: "empty", "the file is empty", hint: "a case file is a mapping with at least `id`")
                return nil
            }
            return node
        } catch let error as YAMLError {
            // Full-width punctuation in the syntax is the usual cause: name each such character where it is.
            let hits = FullWidth.scan(text)
            if hits.isEmpty {
                syntax(error, in: text)
            } else {
                for h in hits { report(line: h.line, column: h.column, code: "full-width", FullWidth.message(h), hint: FullWidth.hint(h)) }
            }
            return nil
        } catch {
            report(line: 1, column: 1, code: "yaml-syntax", "cannot read YAML: \(error)")
            return nil
        }
    }

    private func syntax(_ error: YAMLError, in text: String) {
        switch error {
        case let .scanner(context, problem, mark), let .parser(context, problem, mark), let .composer(context, problem, mark):
            var msg = "YAML syntax: \(problem)"
            if let context { msg += " \(context.text)" }
            let tab = problem.contains("tab") || Self.indentedWithTab(line: mark.line, in: text)
            report(line: mark.line, column: mark.column, code: "yaml-syntax", msg,
                   hint: tab ? "indent with spaces, not tabs" : "check the indentation and quoting here")
        case let .duplicateKeys(duplicates, mark):
            report(line: mark.line, column: mark.column, code: "duplicate-key",
                   "duplicate key \(duplicates.map { "'\($0)'" }.joined(separator: ", ")) in this mapping",
                   hint: "each key may appear once; merge the two entries")
        case let .reader(problem, offset):
            let (line, column) = Self.lineColumn(ofByteOffset: offset, in: text)
            report(line: line, column: column, code: "yaml-reader", "cannot read the text: \(problem)",
                   hint: "remove control characters; save as UTF-8")
        case let .limit(code, message, mark):
            report(line: mark.line, column: mark.column, code: code, message,
                   hint: code == "too-deep" ? "case files need only a few levels" : code == "too-many-nodes"
                       ? "a case file needs far fewer; split it or remove the repeated entries" : "")
        }
    }

    /// Whether the indentation of a line (1-based) contains a tab: libyaml then says only "found character that
    /// cannot start any token".
    static func indentedWithTab(line: Int, in text: String) -> Bool {
        guard line >= 1 else { return false }
        let lines = text.utf8.split(separator: 10, maxSplits: line, omittingEmptySubsequences: false)
        guard line <= lines.count else { return false }
        return lines[line - 1].prefix(while: { $0 == 32 || $0 == 9 }).contains(9)
    }

    /// The exact check for anchors and aliases behind the pre-scan (a heuristic that quoting can mislead): the text is
    /// parsed once with every `&` and `*` replaced by `@`, which cannot start a node. A real anchor or alias then fails
    /// to parse exactly there, and no alias can refer to anything; inside text, quotes and comments nothing changes.
    /// Only for text that has a `&` or `*` at all. Keys that differ only in `&`, `*` and `@` (none is valid in a case
    /// file) become duplicates in the probe: that is refused too, before the real parse could meet an alias.
    enum ProbeResult {
        case alias(Int, Int, String)
        case duplicateKeys(YAMLError)
    }

    static func aliasProbe(_ text: String) -> ProbeResult? {
        guard text.utf8.contains(where: { $0 == 0x26 || $0 == 0x2A }) else { return nil }
        let probe = String(decoding: text.utf8.map { $0 == 0x26 || $0 == 0x2A ? 0x40 : $0 }, as: UTF8.self)
        let mark: Node.Mark
        do {
            _ = try YAMLComposer.compose(probe)
            return nil
        } catch let YAMLError.scanner(_, _, m), let YAMLError.parser(_, _, m) {
            mark = m
        } catch let error as YAMLError {
            if case .duplicateKeys = error { return .duplicateKeys(error) }
            return nil
        } catch {
            return nil
        }
        // The character at the mark in the original text (lines end at LF, CR LF or CR, as libyaml counts them).
        var line = 1, column = 1, afterCR = false
        for s in text.unicodeScalars {
            if s == "\n" && afterCR { afterCR = false; continue }
            afterCR = s == "\r"
            if line == mark.line && column == mark.column {
                if s == "*" { return .alias(line, column, "an alias (*name)") }
                if s == "&" { return .alias(line, column, "an anchor (&name)") }
                return nil
            }
            if s == "\n" || s == "\r" { line += 1; column = 1 } else { column += 1 }
            if line > mark.line { return nil }
        }
        return nil
    }

    /// A problem found by the quick scan before parsing.
    struct PreScanProblem {
        var line: Int, column: Int, code: String, message: String, hint: String
    }

    /// A quick scan, before the recursive parser sees the text, for nesting deeper than the limit and for
    /// anchors and aliases (`&a`, `*a`): case files need neither, and aliases can multiply a small file into
    /// billions of values ("billion laughs").
    static func preScan(_ text: String) -> PreScanProblem? {
        var facts = PreScanFacts()
        return preScan(text, facts: &facts)
    }

    /// What the pre-scan saw on the way, when it found no problem: the checks that follow need no pass of their own.
    struct PreScanFacts {
        var hasNUL = false
        /// A `&` or `*` anywhere (the alias probe runs only then).
        var hasAnchorCharacters = false
    }

    static func preScan(_ text: String, facts: inout PreScanFacts) -> PreScanProblem? {
        var text = text
        return text.withUTF8 { preScan(bytes: $0, facts: &facts) }
    }

    static func preScan(bytes: UnsafeBufferPointer<UInt8>, facts: inout PreScanFacts) -> PreScanProblem? {
        var line = 1, column = 0
        var flow = 0
        var inSingle = false, inDouble = false, comment = false
        var lineStart = true, indent = 0, dashes = 0
        var blockParent: Int? = nil   // indentation of the key that opened a block scalar
        var nodeStart = true          // the next non-space character starts a node
        var prev: UInt8 = 10
        // The line's content (after indentation and `- `, before a comment) is bytes[contentStart..<contentEnd].
        var contentStart = -1, contentEnd = -1
        var nodes = 0                 // node starts seen: an upper bound of what the parser would build
        var escaped = false           // the previous character in double quotes was an unescaped backslash
        func deep(_ l: Int, _ c: Int) -> PreScanProblem {
            PreScanProblem(line: l, column: c, code: "too-deep", message: "the document nests deeper than \(LoaderLimits.maxDepth) levels",
                           hint: "case files need only a few levels")
        }
        func endLine() {
            // A block scalar (| or >) starts when a line ends with its indicator outside quotes.
            guard contentStart >= 0 else { return }
            var end = contentEnd
            while end > contentStart, bytes[end - 1] == 32 || bytes[end - 1] == 13 { end -= 1 }
            while end > contentStart, bytes[end - 1] == UInt8(ascii: "-") || bytes[end - 1] == UInt8(ascii: "+")
                    || (bytes[end - 1] >= 48 && bytes[end - 1] <= 57) { end -= 1 }
            if end > contentStart, bytes[end - 1] == UInt8(ascii: "|") || bytes[end - 1] == UInt8(ascii: ">"),
               !inDouble, !inSingle, flow == 0, end - contentStart == 1 || bytes[end - 2] == 32 {
                if blockParent == nil { blockParent = indent }
            }
        }
        for i in 0..<bytes.count {
            let b = bytes[i]
            if b == 0 { facts.hasNUL = true } else if b == 0x26 || b == 0x2A { facts.hasAnchorCharacters = true }
            if b & 0xC0 != 0x80 { column += 1 }   // columns count characters: skip UTF-8 continuation bytes
            if b == 10 {
                if !comment || true { endLine() }
                line += 1; column = 0; comment = false; lineStart = true; indent = 0; dashes = 0
                inSingle = false; nodeStart = flow == 0 ? true : nodeStart
                contentStart = -1; contentEnd = -1
                prev = b
                continue
            }
            if lineStart {
                if b == 32 { indent += 1; prev = b; continue }
                if b == 13 { prev = b; continue }
                if let parent = blockParent {
                    if indent > parent { comment = true; lineStart = false; prev = b; continue }   // block scalar content
                    blockParent = nil
                }
                if b == UInt8(ascii: "-") || b == UInt8(ascii: "?") {
                    dashes += 1; prev = b; nodeStart = true
                    if dashes > LoaderLimits.maxDepth { return deep(line, column) }
                    continue
                }
                lineStart = false
                if indent / 2 + dashes > LoaderLimits.maxDepth * 2 { return deep(line, column) }
            }
            if comment { prev = b; continue }
            if contentStart < 0 { contentStart = i }
            contentEnd = i + 1
            if inDouble {
                // `\\` is an escaped backslash: the quote after it closes the string.
                if escaped { escaped = false } else if b == UInt8(ascii: "\\") { escaped = true } else if b == UInt8(ascii: "\"") { inDouble = false }
                prev = b
                continue
            }
            if inSingle {
                if b == UInt8(ascii: "'") { inSingle = false }
                prev = b
                continue
            }
            if b == 32 || b == 9 { prev = b; continue }
            if nodeStart && (b == UInt8(ascii: "*") || b == UInt8(ascii: "&")) {
                let what = b == UInt8(ascii: "*") ? "an alias (*name)" : "an anchor (&name)"
                return PreScanProblem(line: line, column: column, code: "alias-not-allowed",
                                      message: "\(what) is not allowed in termaudit files",
                                      hint: "write the value out; anchors and aliases can multiply a file into billions of values")
            }
            if nodeStart {
                nodes += 1
                if nodes > LoaderLimits.maxNodes {
                    return PreScanProblem(line: line, column: column, code: "too-many-nodes",
                                          message: "the document has more than \(LoaderLimits.maxNodes) values",
                                          hint: "a case file needs far fewer; split it or remove the repeated entries")
                }
            }
            nodeStart = false
            switch b {
            case UInt8(ascii: "\""): if prev == 32 || prev == 10 || prev == UInt8(ascii: "[") || prev == UInt8(ascii: ",") || prev == UInt8(ascii: "{") || prev == UInt8(ascii: ":") || prev == 9 { inDouble = true }
            case UInt8(ascii: "'"): if prev == 32 || prev == 10 || prev == UInt8(ascii: "[") || prev == UInt8(ascii: ",") || prev == UInt8(ascii: "{") || prev == UInt8(ascii: ":") || prev == 9 { inSingle = true }
            case UInt8(ascii: "#") where prev == 32 || prev == 9 || prev == 10: comment = true; contentEnd = i
            case UInt8(ascii: "["), UInt8(ascii: "{"):
                flow += 1; nodeStart = true
                if flow > LoaderLimits.maxDepth { return deep(line, column) }
            case UInt8(ascii: "]"), UInt8(ascii: "}"):
                flow = max(0, flow - 1)
            case UInt8(ascii: ","):
                if flow > 0 { nodeStart = true }
            case UInt8(ascii: ":"):
                nodeStart = true
            default: break
            }
            prev = b
        }
        return nil
    }

    static func firstInvalidUTF8(in bytes: [UInt8]) -> (Int, Int) {
        var line = 1, column = 1, i = 0
        while i < bytes.count {
            let b = bytes[i]
            var len = 0
            if b < 0x80 { len = 1 } else if b & 0xE0 == 0xC0, b >= 0xC2 { len = 2 } else if b & 0xF0 == 0xE0 { len = 3 } else if b & 0xF8 == 0xF0, b <= 0xF4 { len = 4 }
            if len == 0 || i + len > bytes.count { return (line, column) }
            for k in 1..<len where bytes[i + k] & 0xC0 != 0x80 { return (line, column) }
            // The second byte's range excludes overlong forms (E0, F0), surrogates (ED) and values above U+10FFFF (F4).
            if (b == 0xE0 && bytes[i + 1] < 0xA0) || (b == 0xED && bytes[i + 1] > 0x9F)
                || (b == 0xF0 && bytes[i + 1] < 0x90) || (b == 0xF4 && bytes[i + 1] > 0x8F) { return (line, column) }
            if b == 10 { line += 1; column = 1 } else { column += 1 }
            i += len
        }
        return (line, column)
    }

    /// The line and column (counted in Unicode scalars) of the byte at `offset` (as libyaml reports reader errors).
    /// CR LF, LF and a lone CR each end a line.
    static func lineColumn(ofByteOffset offset: Int, in text: String) -> (Int, Int) {
        var line = 1, column = 1, afterCR = false, i = 0
        for b in text.utf8 {
            if i >= offset { break }
            i += 1
            if b & 0xC0 == 0x80 { continue }   // a continuation byte: the same character
            if b == 10 && afterCR { afterCR = false; continue }
            afterCR = b == 13
            if b == 10 || b == 13 { line += 1; column = 1 } else { column += 1 }
        }
        return (line, column)
    }

    // MARK: Reporting

    func location(_ node: Node) -> SourceLocation {
        let m = node.mark
        return SourceLocation(file: file, line: m?.line ?? 1, column: m?.column ?? 1)
    }

    func report(line: Int, column: Int, code: String, _ message: @autoclosure () -> String, hint: @autoclosure () -> String = "") {
        report(at: SourceLocation(file: file, line: line, column: column), code: code, message(), hint: hint())
    }

    func report(at location: SourceLocation, code: String, _ message: @autoclosure () -> String, hint: @autoclosure () -> String = "",
                severity: Diagnostic.Severity = .error) {
        if diagnostics.count == LoaderLimits.maxDiagnosticsPerFile {
            diagnostics.append(Diagnostic(at: location, code: "too-many-errors", message: "too many errors in this file; the rest are not shown"))
            exhausted = true   // nothing more will be shown: stop reading
        }
        if diagnostics.count > LoaderLimits.maxDiagnosticsPerFile { return }
        diagnostics.append(Diagnostic(severity, at: location, code: code, message: message(), hint: hint()))
    }

    func report(_ node: Node, code: String, _ message: @autoclosure () -> String, hint: @autoclosure () -> String = "") {
        report(at: location(node), code: code, message(), hint: hint())
    }

    /// User text shortened for a message (a value may be megabytes long).
    static func clip(_ s: String) -> String { s.count > 40 ? String(s.prefix(40)) + "…" : s }

    var hasErrors: Bool { diagnostics.contains { $0.severity == .error } }

    /// Counts a visited node; false once the node budget is spent (an alias bomb or a huge document).
    func visit(_ node: Node) -> Bool {
        if exhausted { return false }
        budget -= 1
        if budget < 0 {
            exhausted = true
            report(node, code: "too-many-nodes",
                   "the document expands to more than \(LoaderLimits.maxNodes) values (too large, or aliases that multiply)",
                   hint: "case files need no anchors or aliases; write the values out")
            return false
        }
        return true
    }

    // MARK: Shapes

    /// Describes what a node is, for messages.
    static func describe(_ node: Node) -> String {
        switch node {
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        case .scalar(let s):
            let tag = node.tag.kind
            let text = s.string.count > 40 ? String(s.string.prefix(40)) + "…" : s.string
            if tag == .null { return "nothing (null)" }
            if tag == .bool { return "the boolean \(text)" }
            if tag == .int || tag == .float { return "the number \(text)" }
            return "the text \"\(text)\""
        }
    }

    static func isNull(_ node: Node) -> Bool {
        if case .scalar = node, node.tag.kind == .null { return true }
        return false
    }

    /// Reads a mapping: reports unknown keys (with "did you mean") and non-text keys.
    func mapping(_ node: Node, of what: String, keys allowed: [String]) -> Fields? {
        guard visit(node) else { return nil }
        guard case .mapping(let m) = node else {
            report(node, code: "wrong-type", "\(what) should be a mapping (key: value), found \(Self.describe(node))")
            return nil
        }
        var values = Fields.Entries()
        values.list.reserveCapacity(m.count)
        for (k, v) in m {
            guard case .scalar(let ks) = k else {
                report(k, code: "wrong-type", "a key in \(what) should be text, found \(Self.describe(k))")
                continue
            }
            let key = ks.string
            if !allowed.contains(key) {
                let fullWidth = FullWidth.inKey(key)
                if !fullWidth.isEmpty {
                    // The key swallowed the entries a full-width colon or comma was meant to separate: name each
                    // character where it is (a one-line plain key: its column plus the offset).
                    let at = location(k)
                    for (offset, h) in fullWidth {
                        report(line: at.line, column: at.column + offset, code: "full-width", FullWidth.message(h), hint: FullWidth.hint(h))
                    }
                    values.swallowed = true
                } else {
                    report(k, code: "unknown-key", "unknown key '\(Self.clip(key))' in \(what)",
                           hint: Suggest.hint(for: key, in: allowed, noun: "key"))
                }
                continue
            }
            values.list.append((key, k, v))
        }
        return Fields(node: node, values: values, what: what, reader: self)
    }

    /// Reads a list, calling `each` for every element.
    func sequence(_ node: Node, of what: String, _ each: (Node, Int) -> Void) {
        guard visit(node) else { return }
        if Self.isNull(node) { return }
        guard case .sequence(let s) = node else {
            report(node, code: "wrong-type", "\(what) should be a list, found \(Self.describe(node))")
            return
        }
        for (i, n) in s.enumerated() {
            if exhausted { return }
            each(n, i)
        }
    }

    // MARK: Scalars

    func text(_ node: Node, _ what: String, allowEmpty: Bool = false) -> String? {
        guard visit(node) else { return nil }
        guard case .scalar(let s) = node else {
            report(node, code: "wrong-type", "\(what) should be text, found \(Self.describe(node))")
            return nil
        }
        let tag = node.tag.kind
        if tag == .null {
            report(node, code: "missing-value", "\(what) has no value", hint: "write a value after the colon")
            return nil
        }
        if tag == .bool {
            report(node, code: "wrong-type", "\(what) should be text, found \(Self.describe(node))",
                   hint: "put it in quotes if you mean the word: \"\(s.string)\"")
            return nil
        }
        let value = s.string
        if value.utf16.count > LoaderLimits.maxTextLength {
            report(node, code: "text-too-long",
                   "\(what) is \(value.utf16.count) characters long; a spreadsheet cell holds at most \(LoaderLimits.maxTextLength)",
                   hint: "shorten it, or keep the long text in a separate document and refer to it")
            return nil
        }
        // Blank: only tabs and space separators (CharacterSet.whitespaces), checked without bridging to NSString.
        if !allowEmpty && Self.isBlank(value) {
            report(node, code: "empty-value", "\(what) is empty", hint: "write a value")
            return nil
        }
        return value
    }

    /// Only tabs and space separators (or nothing). Most text starts with a printable ASCII or CJK character: decided
    /// at the first byte.
    static func isBlank(_ value: String) -> Bool {
        if let b = value.utf8.first, (b > 0x20 && b < 0x80) || (b >= 0xE4 && b <= 0xE9) { return false }   // U+3000 (E3 80 80) is a space
        return value.unicodeScalars.allSatisfy { $0 == "\t" || $0.properties.generalCategory == .spaceSeparator }
    }

    /// An identifier: letters, digits, `-`, `_`, `.`; starting with a letter or digit.
    func identifier(_ node: Node, _ what: String) -> String? {
        guard let s = text(node, what) else { return nil }
        func alphanumeric(_ b: UInt8) -> Bool { (b >= 0x30 && b <= 0x39) || (b | 0x20 >= 0x61 && b | 0x20 <= 0x7A) }
        let u = s.utf8
        let ok = u.count <= 64 && u.first.map(alphanumeric) == true
            && u.allSatisfy { alphanumeric($0) || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: ".") }
        if !ok {
            report(node, code: "bad-id", "\(what) '\(Self.clip(s))' is not a valid id",
                   hint: "use up to 64 ASCII letters, digits, '-', '_' or '.', starting with a letter or digit")
            return nil
        }
        return s
    }

    func number(_ node: Node, _ what: String) -> Double? {
        guard visit(node) else { return nil }
        guard case .scalar(let s) = node else {
            report(node, code: "wrong-type", "\(what) should be a number, found \(Self.describe(node))")
            return nil
        }
        let tag = node.tag.kind
        guard tag == .int || tag == .float else {
            var hint = "write a plain number such as 5 or 5.2"
            if s.style != .plain, Double(s.string) != nil { hint = "remove the quotes: numbers are written without them" }
            report(node, code: "wrong-type", "\(what) should be a number, found \(Self.describe(node))", hint: hint)
            return nil
        }
        let raw = s.string.utf8.contains(UInt8(ascii: "_")) ? s.string.replacingOccurrences(of: "_", with: "") : s.string
        let parsed = Double(raw) ?? Int(raw, radix: 10).map(Double.init) ?? Self.yamlInt(raw).map(Double.init)
        guard let v = parsed, !v.isNaN, v.isFinite || !raw.lowercased().contains("inf") else {
            report(node, code: "bad-number", "\(what) is \(Self.clip(s.string)), which is not a finite number",
                   hint: "NaN and infinities are not accepted; write an ordinary number")
            return nil
        }
        if abs(v) > 1e15 {   // also a literal beyond the range of a Double (read as infinity)
            report(node, code: "number-too-large", "\(what) is \(Self.clip(s.string)), larger than termaudit accepts (10^15)",
                   hint: "check the unit (e.g. 亿元 instead of 元)")
            return nil
        }
        return v
    }

    private static func yamlInt(_ s: String) -> Int? {
        if s.hasPrefix("0x") { return Int(s.dropFirst(2), radix: 16) }
        if s.hasPrefix("0o") { return Int(s.dropFirst(2), radix: 8) }
        return nil
    }

    func integer(_ node: Node, _ what: String, in range: ClosedRange<Int>) -> Int? {
        guard let v = number(node, what) else { return nil }
        guard v.rounded() == v else {
            report(node, code: "wrong-type", "\(what) should be a whole number, found \(v)")
            return nil
        }
        guard v >= Double(range.lowerBound), v <= Double(range.upperBound) else {
            report(node, code: "out-of-range", "\(what) is \(Int(v)), outside \(range.lowerBound)…\(range.upperBound)")
            return nil
        }
        return Int(v)
    }

    func bool(_ node: Node, _ what: String) -> Bool? {
        guard visit(node) else { return nil }
        guard case .scalar(let s) = node, node.tag.kind == .bool else {
            report(node, code: "wrong-type", "\(what) should be true or false, found \(Self.describe(node))")
            return nil
        }
        return ["true", "True", "TRUE", "yes", "Yes", "YES", "on", "On", "ON", "y", "Y"].contains(s.string)
    }

    func day(_ node: Node, _ what: String) -> Day? {
        guard visit(node) else { return nil }
        guard case .scalar(let s) = node, !Self.isNull(node) else {
            report(node, code: "wrong-type", "\(what) should be a date YYYY-MM-DD, found \(Self.describe(node))")
            return nil
        }
        let raw = s.string
        if let d = Day(iso: raw) {
            // A spreadsheet holds dates from 1900 to 9999; terms and deadlines derived from these dates stay inside.
            guard LoaderLimits.years.contains(d.year) else {
                report(node, code: "out-of-range", "\(what) \(raw) is outside the years \(LoaderLimits.years.lowerBound)–\(LoaderLimits.years.upperBound)",
                       hint: "check the year")
                return nil
            }
            return d
        }
        let parts = raw.split(separator: "-")
        if parts.count == 3, parts.allSatisfy({ $0.allSatisfy(\.isASCII) && Int($0) != nil }), raw.count == 10 {
            report(node, code: "impossible-date", "\(what) \(raw) is not a date that exists",
                   hint: "check the day of the month (e.g. February has 28 or 29 days)")
        } else {
            report(node, code: "bad-date", "\(what) should be a date YYYY-MM-DD, found \(Self.describe(node))",
                   hint: "write e.g. 2019-07-15")
        }
        return nil
    }

    func choice<T: RawRepresentable>(_ node: Node, _ what: String, _ type: T.Type) -> T? where T.RawValue == String, T: CaseIterable {
        guard visit(node) else { return nil }
        let options = T.allCases.map(\.rawValue)
        guard case .scalar(let s) = node, !Self.isNull(node) else {
            report(node, code: "wrong-type", "\(what) should be one of \(options.joined(separator: ", ")), found \(Self.describe(node))")
            return nil
        }
        if let v = T(rawValue: s.string) { return v }
        // The Chinese label is accepted wherever the code is.
        let labels = T.allCases.map { ($0 as? Labelled)?.label.zh }
        if let i = labels.firstIndex(where: { $0 == s.string }) { return Array(T.allCases)[i] }
        let listed = zip(options, labels).map { code, zh in zh.map { "\(code) (\($0))" } ?? code }
        report(node, code: "bad-value", "\(what) '\(Self.clip(s.string))' is not allowed",
               hint: Self.allowed(Suggest.closest(to: s.string, in: options + labels.compactMap { $0 }), listed))
        return nil
    }

    /// "did you mean …?" when a value is close to one, then every allowed value.
    static func allowed(_ closest: String?, _ listed: [String]) -> String {
        (closest.map { "did you mean '\($0)'? " } ?? "") + "allowed: " + listed.joined(separator: ", ")
    }

    func oneOf(_ node: Node, _ what: String, _ options: [String]) -> String? {
        guard let s = text(node, what) else { return nil }
        if options.contains(s) { return s }
        report(node, code: "unknown-id", "\(what) '\(Self.clip(s))' is not known", hint: Suggest.hint(for: s, in: options))
        return nil
    }

    /// An id of a vocabulary (departments, areas, categories …), or its Chinese label.
    func oneOf(_ node: Node, _ what: String, vocabulary: [VocabularyEntry]) -> String? {
        guard let s = text(node, what) else { return nil }
        if let e = vocabulary.first(where: { $0.id == s || $0.label.zh == s }) { return e.id }
        let listed = vocabulary.map { "\($0.id) (\($0.label.zh))" }
        report(node, code: "unknown-id", "\(what) '\(Self.clip(s))' is not known",
               hint: Self.allowed(Suggest.closest(to: s, in: vocabulary.map(\.id) + vocabulary.map(\.label.zh)), listed))
        return nil
    }

    func label(_ node: Node, _ what: String) -> Label? {
        guard let f = mapping(node, of: what, keys: ["zh", "en"]) else { return nil }
        let zh = f.required("zh") { text($0, "\(what).zh") }
        let en = f.required("en") { text($0, "\(what).en") }
        guard let zh, let en else { return nil }
        return Label(zh: zh, en: en)
    }

    func citation(_ node: Node, _ what: String) -> Citation? {
        guard let f = mapping(node, of: what, keys: ["source", "ref"]) else { return nil }
        let source = f.required("source") { choice($0, "\(what).source", Citation.Source.self) }
        let ref = f.required("ref") { text($0, "\(what).ref") }
        guard let source, let ref else { return nil }
        return Citation(source: source, ref: ref)
    }
}

/// The fields of one mapping, read by key.
struct Fields {
    /// The entries of a mapping by key: a short list searched in order (mappings have a few keys, and the composer
    /// has refused duplicates), cheaper than hashing every key.
    struct Entries {
        var list: [(name: String, key: Node, value: Node)] = []
        /// A key held full-width punctuation: its missing keys are that mistake's echo, not reported again.
        var swallowed = false
        subscript(name: String) -> (key: Node, value: Node)? {
            for e in list where e.name == name { return (e.key, e.value) }
            return nil
        }
    }
    let node: Node
    let values: Entries
    let what: String
    let reader: YAMLReader

    var location: SourceLocation { reader.location(node) }

    func has(_ key: String) -> Bool {
        guard let v = values[key]?.value else { return false }
        return !YAMLReader.isNull(v)
    }

    func node(_ key: String) -> Node? { values[key]?.value }

    /// Reads a key that must be present.
    func required<T>(_ key: String, _ read: (Node) -> T?) -> T? {
        guard let entry = values[key] else {
            if !values.swallowed { reader.report(node, code: "missing-key", "\(what) has no '\(key)'", hint: "add `\(key):`") }
            return nil
        }
        return read(entry.value)
    }

    /// Reads a key that may be absent or null.
    func optional<T>(_ key: String, _ read: (Node) -> T?) -> T? {
        guard let entry = values[key], !YAMLReader.isNull(entry.value) else { return nil }
        return read(entry.value)
    }
}

extension String {
    init?(validatingUTF8Data data: Data) {
        guard let s = String(validating: data, as: UTF8.self) else { return nil }
        self = s
    }
}
