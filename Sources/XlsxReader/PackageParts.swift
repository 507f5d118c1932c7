import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif

// MARK: - [Content_Types].xml

final class ContentTypesHandler: PartHandler {
    /// Lower-cased part name (no leading "/") → content type.
    var overrides: [String: String] = [:]

    override func start(_ name: Substring, _ attributes: [String: String]) {
        guard name == "Override", let partName = attributes["PartName"],
              let type = attributes["ContentType"] else { return }
        overrides[ZipPackage.normalize(percentDecoded(partName)).lowercased()] = type
    }
}

// MARK: - Relationships (*.rels)

struct Relationship {
    let id: String
    let type: String
    let target: String
    let external: Bool
}

final class RelationshipsHandler: PartHandler {
    var relationships: [Relationship] = []

    override func start(_ name: Substring, _ attributes: [String: String]) {
        guard name == "Relationship", let id = attributes["Id"], let target = attributes["Target"] else {
            return
        }
        relationships.append(Relationship(id: id, type: attributes["Type"] ?? "", target: target,
                                          external: attributes["TargetMode"]?.lowercased() == "external"))
    }
}

/// The part a relationship target names, from the folder of the part that holds the relationship:
/// "worksheets/sheet1.xml" from "xl/workbook.xml" is "xl/worksheets/sheet1.xml"; "/xl/..." is absolute.
/// Nil when ".." climbs above the package root.
func resolvePartName(_ target: String, from source: String) -> String? {
    var decoded = percentDecoded(target.replacingOccurrences(of: "\\", with: "/"))
    if let hash = decoded.firstIndex(of: "#") { decoded = String(decoded[..<hash]) }
    var segments: [Substring]
    if decoded.hasPrefix("/") {
        segments = []
    } else {
        segments = source.split(separator: "/", omittingEmptySubsequences: true)
        if !segments.isEmpty { segments.removeLast() }
    }
    for segment in decoded.split(separator: "/", omittingEmptySubsequences: true) {
        switch segment {
        case ".": continue
        case "..":
            guard !segments.isEmpty else { return nil }
            segments.removeLast()
        default: segments.append(segment)
        }
    }
    guard !segments.isEmpty else { return nil }
    return segments.joined(separator: "/")
}

func percentDecoded(_ text: String) -> String {
    guard text.contains("%") else { return text }
    return text.removingPercentEncoding ?? text
}

/// The `.rels` part of a part: "xl/workbook.xml" → "xl/_rels/workbook.xml.rels".
func relationshipsPart(of part: String) -> String {
    if let slash = part.lastIndex(of: "/") {
        return "\(part[..<slash])/_rels/\(part[part.index(after: slash)...]).rels"
    }
    return "_rels/\(part).rels"
}

// MARK: - xl/workbook.xml

/// Visibility of a sheet.
public enum SheetState: String, Hashable, Sendable {
    /// Shown as a tab.
    case visible
    /// Hidden; a person can unhide it from Excel's menu.
    case hidden
    /// Hidden so that only VBA can unhide it.
    case veryHidden
}

struct SheetEntry {
    let name: String
    let sheetId: String?
    let state: SheetState
    let relationshipId: String?
}

final class WorkbookHandler: PartHandler {
    var sheets: [SheetEntry] = []
    var date1904 = false
    /// Prefixes bound to the officeDocument relationships namespace (transitional and strict).
    private var relationshipPrefixes: Set<String> = ["r"]

    private static let relationshipNamespaces: Set<String> = [
        "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
        "http://purl.oclc.org/ooxml/officeDocument/relationships",
    ]

    override func start(_ name: Substring, _ attributes: [String: String]) {
        for (key, value) in attributes where key.hasPrefix("xmlns:") && Self.relationshipNamespaces.contains(value) {
            relationshipPrefixes.insert(String(key.dropFirst(6)))
        }
        switch name {
        case "workbookPr":
            if let value = attributes["date1904"]?.lowercased() { date1904 = value == "1" || value == "true" }
        case "sheet":
            let state: SheetState
            switch attributes["state"] {
            case "hidden": state = .hidden
            case "veryHidden": state = .veryHidden
            default: state = .visible
            }
            var rid: String?
            for prefix in relationshipPrefixes {
                if let value = attributes["\(prefix):id"] { rid = value; break }
            }
            sheets.append(SheetEntry(name: decodeXString(attributes["name"] ?? ""), sheetId: attributes["sheetId"],
                                     state: state, relationshipId: rid))
        default:
            break
        }
    }
}

// MARK: - xl/styles.xml

final class StylesHandler: PartHandler {
    /// Custom number formats: id → format code.
    var numberFormats: [Int: String] = [:]
    /// numFmtId of each cellXfs entry, in order.
    var cellFormatIds: [Int] = []
    private var stack: [Substring] = []

    override func start(_ name: Substring, _ attributes: [String: String]) {
        let parent = stack.last
        stack.append(name)
        if name == "numFmt", parent == "numFmts", stack.count == 3,
           let id = attributes["numFmtId"].flatMap({ Int($0) }), let code = attributes["formatCode"] {
            numberFormats[id] = decodeXString(code)
        } else if name == "xf", parent == "cellXfs", stack.count == 3 {
            cellFormatIds.append(attributes["numFmtId"].flatMap { Int($0) } ?? 0)
        }
    }

    override func end(_ name: Substring) {
        if !stack.isEmpty { stack.removeLast() }
    }

    /// For each cellXfs index, whether its number format shows dates or times.
    func dateStyles() -> [Bool] {
        var cache: [Int: Bool] = [:]
        return cellFormatIds.map { id in
            if let known = cache[id] { return known }
            let isDate = NumberFormat.isDate(id: id, code: numberFormats[id])
            cache[id] = isDate
            return isDate
        }
    }
}

enum NumberFormat {
    /// Built-in formats that show dates or times: 14–22 and 45–47 everywhere, plus the ids that
    /// Chinese, Japanese and Korean Excel (and WPS) use for their own date formats, 27–36 and 50–58
    /// (e.g. 31 is `yyyy"年"m"月"d"日"` in Chinese Excel).
    static let builtinDateIds: Set<Int> = Set(14...22).union(45...47).union(27...36).union(50...58)

    static func isDate(id: Int, code: String?) -> Bool {
        if let code { return isDate(code: code) }
        return builtinDateIds.contains(id)
    }

    /// True when the code has a date or time letter (d, m, y, h, s, any case) outside quoted text,
    /// escaped or fill characters, and brackets (colours, locales, conditions) — but the elapsed-time
    /// brackets [h], [mm], [ss] count as times.
    static func isDate(code: String) -> Bool {
        var chars = code.unicodeScalars.makeIterator()
        while let c = chars.next() {
            switch c {
            case "\"":
                while let q = chars.next(), q != "\"" {}
            case "\\", "_", "*":
                _ = chars.next()
            case "[":
                var inside = ""
                while let q = chars.next(), q != "]" { inside.unicodeScalars.append(q) }
                let lower = inside.lowercased()
                if !lower.isEmpty, lower.allSatisfy({ $0 == "h" || $0 == "m" || $0 == "s" }),
                   Set(lower).count == 1 {
                    return true
                }
            case "d", "D", "m", "M", "y", "Y", "h", "H", "s", "S":
                return true
            default:
                break
            }
        }
        return false
    }
}

// MARK: - xl/sharedStrings.xml

/// Collects the text of `<t>` elements inside a string item, skipping phonetic runs (`<rPh>`).
struct RichTextCollector {
    private(set) var text = ""
    private var inText = false
    private var phoneticDepth = 0

    mutating func reset() {
        text = ""
        inText = false
        phoneticDepth = 0
    }

    mutating func start(_ name: Substring) {
        if name == "rPh" { phoneticDepth += 1 } else if name == "t", phoneticDepth == 0 { inText = true }
    }

    mutating func end(_ name: Substring) {
        if name == "rPh" { phoneticDepth = max(0, phoneticDepth - 1) } else if name == "t" { inText = false }
    }

    mutating func characters(_ string: String) {
        if inText { text += string }
    }
}

final class SharedStringsHandler: PartHandler {
    var strings: [String] = []
    private var inItem = false
    private var collector = RichTextCollector()

    override func start(_ name: Substring, _ attributes: [String: String]) {
        if name == "si" {
            inItem = true
            collector.reset()
        } else if name == "sst" {
            if let count = attributes["uniqueCount"].flatMap({ Int($0) }), count > 0 {
                strings.reserveCapacity(min(count, 1 << 20))
            }
        } else if inItem {
            collector.start(name)
        }
    }

    override func end(_ name: Substring) {
        if name == "si" {
            strings.append(decodeXString(collector.text))
            inItem = false
        } else if inItem {
            collector.end(name)
        }
    }

    override func text(_ string: String) {
        if inItem { collector.characters(string) }
    }
}
