import Foundation
import TermAudit

/// Adds one record to a case file's `signoffs`, changing nothing else in the file.
///
/// - `signoffs: []` (a trailing comment is kept) becomes `signoffs:` followed by the record as a block item;
/// - a block list `signoffs:` gets the record appended after its last item (the items' indentation is kept);
/// - a file without `signoffs` gets a `signoffs:` section at its end.
///
/// A non-empty flow list (`signoffs: [{…}]`) is refused: rewrite it in block style first.
public enum SignoffEditor {
    /// The text of the file with `record` appended to its `signoffs`.
    public static func append(_ record: Signoff, to text: String, file: String) throws -> String {
        let eol = text.contains("\r\n") ? "\r\n" : "\n"
        var lines = splitLines(text)
        func cannot(_ zh: String, _ en: String) -> SignoffError { .cannotEdit(file: file, Label(zh: zh, en: en)) }

        guard let i = lines.firstIndex(where: { isSignoffsKey($0.content) }) else {
            if lines.contains(where: { $0.content.contains("signoffs") && !$0.content.trimmingCharacters(in: .whitespaces).hasPrefix("#") }) {
                throw cannot("找不到顶格书写的 `signoffs:` 键（整个文件是流式写法或键带引号？）",
                             "cannot find a top-level `signoffs:` key at the start of a line (is the whole file in flow style or the key quoted?)")
            }
            // No signoffs section: append one at the end.
            var out = text
            if !out.isEmpty && !out.hasSuffix("\n") { out += eol }
            out += "signoffs:" + eol + itemLines(record, indent: 2).map { $0 + eol }.joined()
            return out
        }
        let line = lines[i].content
        let rest = line.dropFirst("signoffs:".count)
        let trimmed = rest.drop { $0 == " " || $0 == "\t" }
        if trimmed.hasPrefix("[]") {
            let after = trimmed.dropFirst(2)
            let afterTrim = after.drop { $0 == " " || $0 == "\t" }
            guard afterTrim.isEmpty || afterTrim.hasPrefix("#") else {
                throw cannot("`signoffs: []` 后面有多余内容", "unexpected text after `signoffs: []`")
            }
            // `signoffs: []   # c` → `signoffs:   # c` (the comment and the spaces before it are kept).
            let newLine = "signoffs:" + (afterTrim.isEmpty ? "" : String(after))
            lines[i].content = newLine
            var items = itemLines(record, indent: 2).map { Line(content: $0, end: eol) }
            if lines[i].end.isEmpty {
                // The last line had no line end: keep the file without a final line end.
                lines[i].end = eol
                items[items.count - 1].end = ""
            }
            lines.insert(contentsOf: items, at: i + 1)
            return lines.map { $0.content + $0.end }.joined()
        }
        guard trimmed.isEmpty || trimmed.hasPrefix("#") else {
            throw cannot("signoffs 写成了流式列表 [ … ]，无法追加；请先改为块式（每项一行 `- `）再签字",
                         "signoffs is a flow list [ … ]; rewrite it in block style (one `- ` item per line) and sign again")
        }
        // A block list (or an empty value): find its last line.
        var last = i
        var dash: Int? = nil
        var j = i + 1
        while j < lines.count {
            let l = lines[j].content
            let body = l.drop { $0 == " " }
            if body.isEmpty || body.hasPrefix("#") || body.allSatisfy({ $0 == " " || $0 == "\t" || $0 == "\r" }) { j += 1; continue }
            let indent = l.count - body.count
            let isItem = body == "-" || body.hasPrefix("- ")
            if indent == 0 && !isItem { break }
            if dash == nil {
                guard isItem else {
                    throw cannot("signoffs 的值不是列表", "the value of signoffs is not a list")
                }
                dash = indent
            }
            last = j
            j += 1
        }
        var items = itemLines(record, indent: dash ?? 2).map { Line(content: $0, end: eol) }
        if lines[last].end.isEmpty {
            lines[last].end = eol
            items[items.count - 1].end = ""
        }
        lines.insert(contentsOf: items, at: last + 1)
        return lines.map { $0.content + $0.end }.joined()
    }

    /// The record as block-style YAML lines; every value is a double-quoted (JSON-escaped) string.
    public static func itemLines(_ r: Signoff, indent: Int) -> [String] {
        let p = String(repeating: " ", count: indent)
        let q = CanonicalJSON.quoted
        var out = [
            "\(p)- role: \(q(r.role))",
            "\(p)  name: \(q(r.name))",
            "\(p)  post: \(q(r.post))",
            "\(p)  time: \(q(r.time))",
            "\(p)  digest: \(q(r.digest))",
            "\(p)  signature: \(q(r.signature))",
            "\(p)  public_key: \(q(r.publicKey))",
            "\(p)  sections:",
        ]
        for s in CaseDigest.sectionNames { if let d = r.sections[s] { out.append("\(p)    \(s): \(q(d))") } }
        return out
    }

    struct Line {
        var content: String
        /// "\n", "\r\n" or "" for a last line without a line end.
        var end: String
    }

    static func splitLines(_ text: String) -> [Line] {
        var out: [Line] = []
        var cur = ""
        var it = text.unicodeScalars.makeIterator()
        var pendingCR = false
        while let u = it.next() {
            if pendingCR {
                pendingCR = false
                if u == "\n" { out.append(Line(content: cur, end: "\r\n")); cur = ""; continue }
                cur.unicodeScalars.append("\r")
            }
            if u == "\r" { pendingCR = true; continue }
            if u == "\n" { out.append(Line(content: cur, end: "\n")); cur = ""; continue }
            cur.unicodeScalars.append(u)
        }
        if pendingCR { cur.unicodeScalars.append("\r") }
        if !cur.isEmpty { out.append(Line(content: cur, end: "")) }
        return out
    }

    /// `signoffs:` at column 0, followed by the end, a space or a tab.
    static func isSignoffsKey(_ line: String) -> Bool {
        guard line.hasPrefix("signoffs:") else { return false }
        let after = line.dropFirst("signoffs:".count)
        return after.isEmpty || after.first == " " || after.first == "\t"
    }
}
