import Foundation
import TermAudit
import Yams

/// A value to write into a case file.
public indirect enum YAMLValue: Sendable, Equatable {
    case number(Double)
    /// A number as it was written (`5.0` stays `5.0`); text that is not a plain decimal number is written as a `number`.
    case decimal(String)
    case bool(Bool)
    case text(String)
    case date(Day)
    case flowMap([(String, YAMLValue)])
    case flowList([YAMLValue])
    /// A mapping written in block style when it starts a new top-level section (flow style elsewhere).
    case blockMap([(String, YAMLValue)])
    /// A list written in block style (`- …` lines) when it starts a new top-level section.
    case blockList([YAMLValue])

    public static func == (a: YAMLValue, b: YAMLValue) -> Bool {
        switch (a, b) {
        case let (.blockMap(x), .blockMap(y)): return x.map(\.0) == y.map(\.0) && x.map(\.1) == y.map(\.1)
        case let (.blockList(x), .blockList(y)): return x == y
        case let (.flowList(x), .flowList(y)): return x == y
        case let (.number(x), .number(y)): return x == y
        case let (.bool(x), .bool(y)): return x == y
        case let (.decimal(x), .decimal(y)): return x == y
        case let (.text(x), .text(y)): return x == y
        case let (.date(x), .date(y)): return x == y
        case let (.flowMap(x), .flowMap(y)): return x.map(\.0) == y.map(\.0) && x.map(\.1) == y.map(\.1)
        default: return false
        }
    }
}

/// One step of a path into a case file.
public enum YAMLPathStep: Sendable, Equatable, CustomStringConvertible {
    /// A key of a mapping.
    case key(String)
    /// The element of a list whose `field` has the value `value` (e.g. the indicator with `id: rev`).
    case element(field: String, value: String)

    public var description: String {
        switch self {
        case .key(let k): return k
        case .element(let f, let v): return "[\(f)=\(v)]"
        }
    }
}

/// Why an edit could not be made in place.
public struct CaseFileEditError: Error, Sendable, CustomStringConvertible {
    public var file: String
    public var message: String

    public var description: String { "\(file): \(message)" }
}

/// Edits values of a case file in place, leaving every other byte as it was: comments, key order, quoting
/// and layout of untouched parts survive. Values are replaced where they stand; a missing key is added to
/// its mapping (in flow style inside flow mappings, as a new line in block mappings); a removed key takes its
/// line (or its `key: value,` in a flow mapping) with it.
public final class CaseFileEditor {
    private let file: String
    private var scalars: [Unicode.Scalar]
    private let root: Yams.Node
    private var lineStarts: [Int] = []
    private var edits: [(start: Int, end: Int, text: String)] = []
    private let bom: Bool
    private let newline: String

    /// Parses the file's text; throws when it is not a YAML mapping.
    public init(text: String, file: String) throws {
        self.file = file
        var t = text
        bom = t.hasPrefix("\u{FEFF}")
        if bom { t.removeFirst() }
        newline = t.contains("\r\n") ? "\r\n" : "\n"
        scalars = Array(t.unicodeScalars)
        guard let node = try Yams.compose(yaml: t), case .mapping = node else {
            throw CaseFileEditError(file: file, message: "not a YAML mapping")
        }
        root = node
        lineStarts = [0]
        for (i, s) in scalars.enumerated() where s == "\n" { lineStarts.append(i + 1) }
    }

    private func fail(_ m: String) -> CaseFileEditError { CaseFileEditError(file: file, message: m) }

    private func offset(_ node: Yams.Node) throws -> Int {
        guard let m = node.mark, m.line - 1 < lineStarts.count else { throw fail("a value has no position") }
        return lineStarts[m.line - 1] + m.column - 1
    }

    private func lineStart(of i: Int) -> Int {
        var j = i
        while j > 0 && scalars[j - 1] != "\n" { j -= 1 }
        return j
    }

    private func column(of i: Int) -> Int { i - lineStart(of: i) }

    /// Sets (or, with nil, removes) the value at `path`; missing mappings on the way are created. A new key goes
    /// where `order` (the keys in their intended order, e.g. a checklist's items) puts it among the keys already
    /// there; without an order, first in a block mapping and last in a flow mapping.
    public func set(_ path: [YAMLPathStep], to value: YAMLValue?, order: [String]? = nil) throws {
        guard !path.isEmpty else { throw fail("empty path") }
        var node = root
        var flowDepth = 0
        for (i, step) in path.enumerated() {
            let last = i == path.count - 1
            switch step {
            case .key(let k):
                guard case .mapping(let m) = node else { throw fail("\(path.prefix(i)) is not a mapping") }
                let inFlow = isFlow(node) || flowDepth > 0
                if let pair = m.first(where: { $0.key.scalar?.string == k }) {
                    if last {
                        if let value { try replace(pair.value, with: render(value, flow: inFlow), keyNode: pair.key, flow: inFlow) } else { try remove(key: pair.key, value: pair.value, in: m, flow: inFlow) }
                        return
                    }
                    if isFlow(node) { flowDepth += 1 }
                    node = pair.value
                } else {
                    guard let value else { return }   // removing what is not there
                    // Build the rest of the path as nested flow mappings.
                    var v = value
                    for s in path[(i + 1)...].reversed() {
                        guard case .key(let kk) = s else { throw fail("cannot create a list element at \(path)") }
                        v = .flowMap([(kk, v)])
                    }
                    try insert(key: k, value: v, into: node, mapping: m, flow: inFlow, order: last ? order : nil)
                    return
                }
            case let .element(field, want):
                guard case .sequence(let seq) = node else { throw fail("\(path.prefix(i)) is not a list") }
                guard let el = seq.first(where: { e in
                    if case .mapping(let mm) = e { return mm.first { $0.key.scalar?.string == field }?.value.scalar?.string == want }
                    return false
                }) else { throw fail("no element with \(field) \(want) in \(path.prefix(i))") }
                guard !last else { throw fail("cannot replace a whole list element") }
                if isFlow(node) { flowDepth += 1 }
                node = el
            }
        }
    }

    /// Replaces (or adds) a whole top-level section, written in block style: a list as `- {…}` lines, a mapping as
    /// `key: value` lines (a mapping inside it in block style too, anything deeper in flow style).
    ///
    /// Every part of the old section equal to its new value keeps its lines as they were — a list element found
    /// anywhere in the old list, a mapping's key — with their comments, so that two people changing different
    /// parts of a section change different lines (and a merge of the two works line by line). What changed is
    /// written anew.
    public func setSection(_ key: String, to tree: CaseTree) throws {
        guard case .mapping(let m) = root, !isFlow(root) else { throw fail("the case file is not a block mapping") }
        guard let pair = m.first(where: { $0.key.scalar?.string == key }) else {
            try insert(key: key, value: tree.yaml(), into: root, mapping: m, flow: false)
            return
        }
        let k = try offset(pair.key)
        var colon = k
        while colon < scalars.count && scalars[colon] != ":" { colon += 1 }
        guard colon < scalars.count else { throw fail("no ':' after \(key)") }
        if case .scalar(let sc) = pair.value, sc.string.isEmpty, pair.value.tag.rawValue == Yams.Tag.Name.null.rawValue {
            edits.append((colon + 1, colon + 1, try block(tree, old: nil, depth: 0)))   // `key:` with nothing after it
            return
        }
        let b: Int
        switch pair.value {
        case .mapping, .sequence where !isFlow(pair.value):
            b = extent(of: k, isItem: false)
        default:
            b = try span(pair.value, flow: false, keyColumn: column(of: k)).1
        }
        edits.append((colon + 1, b, try block(tree, old: pair.value, depth: 0)))
    }

    /// The text after a key's colon for `tree`, reusing the old value's lines where they hold the same value.
    private func block(_ tree: CaseTree, old: Yams.Node?, depth: Int) throws -> String {
        let pad = String(repeating: " ", count: 2 * (depth + 1))
        let oldBlock = old.map { !isFlow($0) } ?? false
        switch tree {
        case .list(let items) where depth == 0:
            var oldItems: [Yams.Node] = []
            if let old, oldBlock, case .sequence(let seq) = old { oldItems = Array(seq) }
            var used = Set<Int>()
            var out = ""
            for item in items {
                if let j = oldItems.indices.first(where: { !used.contains($0) && CaseTree.tree(oldItems[$0]) == item }) {
                    used.insert(j)
                    out += newline + (try lines(of: oldItems[j], isItem: true))
                } else {
                    out += newline + pad + "- " + render(item.yaml(depth: 2), flow: true)
                }
            }
            return out
        case .map(let pairs) where depth <= 1:
            var oldPairs: [(key: Yams.Node, value: Yams.Node)] = []
            if let old, oldBlock, case .mapping(let om) = old { oldPairs = om.map { ($0.key, $0.value) } }
            var out = ""
            for (k, v) in pairs {
                if case .null = v { continue }
                if let o = oldPairs.first(where: { $0.key.scalar?.string == k }) {
                    if CaseTree.tree(o.value) == v {
                        out += newline + (try lines(of: o.key, isItem: false))
                        continue
                    }
                    if case .map = v, case .mapping = o.value, !isFlow(o.value), depth == 0 {
                        out += newline + pad + Self.scalarText(k, flow: false) + ":" + (try block(v, old: o.value, depth: depth + 1))
                        continue
                    }
                }
                switch v {
                case .map where depth == 0:
                    out += newline + pad + Self.scalarText(k, flow: false) + ":" + (try block(v, old: nil, depth: depth + 1))
                default:
                    out += newline + pad + Self.scalarText(k, flow: false) + ": " + render(v.yaml(depth: 2), flow: false)
                }
            }
            return out
        default:
            return " " + render(tree.yaml(depth: 2), flow: false)
        }
    }

    /// The whole lines of an entry (a mapping's key with its value, or a list item), without the last line break.
    private func lines(of node: Yams.Node, isItem: Bool) throws -> String {
        let o = try offset(node)
        let a = lineStart(of: o)
        return String(String.UnicodeScalarView(scalars[a..<extent(of: o, isItem: isItem)]))
    }

    /// The end of the entry starting at `o` (a key, or a list item's value after its `- `): the end of its last line
    /// and of the lines after it indented further (for a key, also list items at its own indentation); trailing
    /// blank lines are not part of it.
    private func extent(of o: Int, isItem: Bool) -> Int {
        func lineEnd(_ from: Int) -> Int {
            var i = from
            while i < scalars.count && scalars[i] != "\n" { i += 1 }
            return i
        }
        // An item's column is its dash's; a key's is its own.
        var c = column(of: o)
        if isItem {
            var d = o - 1
            while d > lineStart(of: o) && scalars[d] != "-" { d -= 1 }
            c = column(of: d)
        }
        var end = lineEnd(o)
        var p = end + 1
        while p < scalars.count {
            let e = lineEnd(p)
            var q = p
            while q < e && (scalars[q] == " " || scalars[q] == "\t" || scalars[q] == "\r") { q += 1 }
            if q == e { p = e + 1; continue }
            let col = q - p
            let dash = scalars[q] == "-" && (q + 1 == e || scalars[q + 1] == " ")
            if col < c || (col == c && (isItem || !dash)) { break }
            end = e
            p = e + 1
        }
        while end > o && scalars[end - 1] == "\r" { end -= 1 }
        return end
    }

    /// Appends an element to the list at `path` (a top-level list is created when missing): inside the brackets
    /// of a flow list, or as a `- {…}` line after the last element of a block list.
    public func append(to path: [YAMLPathStep], element: YAMLValue) throws {
        var node = root
        for (i, step) in path.enumerated() {
            switch step {
            case .key(let k):
                guard case .mapping(let m) = node else { throw fail("\(path.prefix(i)) is not a mapping") }
                guard let pair = m.first(where: { $0.key.scalar?.string == k }) else {
                    guard i == 0, path.count == 1 else { throw fail("no \(k) in \(path.prefix(i))") }
                    try insert(key: k, value: .blockList([element]), into: root, mapping: m, flow: false)
                    return
                }
                node = pair.value
            case let .element(field, want):
                guard case .sequence(let seq) = node, let el = seq.first(where: { e in
                    if case .mapping(let mm) = e { return mm.first { $0.key.scalar?.string == field }?.value.scalar?.string == want }
                    return false
                }) else { throw fail("no element with \(field) \(want) in \(path.prefix(i))") }
                node = el
            }
        }
        let text = render(element, flow: true)
        if case .scalar(let s) = node, s.string.isEmpty, node.tag.rawValue == Yams.Tag.Name.null.rawValue {
            // `findings:` with nothing after it.
            let o = try offset(node)
            edits.append((o, o, " [\(text)]"))
            return
        }
        guard case .sequence(let seq) = node else { throw fail("\(path) is not a list") }
        let start = try offset(node)
        if isFlow(node) {
            let close = try matching(start) - 1
            var p = close
            while p > start + 1 && (scalars[p - 1] == " " || scalars[p - 1] == "\t") { p -= 1 }
            edits.append((p, p, (p == start + 1 ? "" : ", ") + text))
            return
        }
        guard let lastElement = seq.map({ $0 }).last else { throw fail("\(path) is an empty block list") }
        guard isFlow(lastElement) || { if case .scalar = lastElement { return true } else { return false } }() else {
            throw fail("the last element of \(path) is written in block style; add the new one by hand")
        }
        let (_, end) = try span(lastElement, flow: true, keyColumn: 0)
        // The dash of the last element gives the indent.
        let lineStart = lineStart(of: try offset(lastElement))
        var dash = lineStart
        while dash < scalars.count && scalars[dash] == " " { dash += 1 }
        let indent = String(repeating: " ", count: dash - lineStart)
        var i = end
        while i < scalars.count && scalars[i] != "\n" { i += 1 }
        if i < scalars.count {
            edits.append((i + 1, i + 1, indent + "- " + text + newline))
        } else {
            edits.append((i, i, newline + indent + "- " + text + newline))
        }
    }

    // MARK: Spans

    /// Whether a collection is written in flow style (`{…}` or `[…]`), read from the text: Yams does not
    /// always report the style it parsed.
    private func isFlow(_ node: Yams.Node) -> Bool {
        guard let o = try? offset(node), o < scalars.count else { return false }
        switch node {
        case .mapping: return scalars[o] == "{"
        case .sequence: return scalars[o] == "["
        default: return false
        }
    }

    /// The end (exclusive) of a scalar's text starting at `start`.
    private func scalarEnd(_ s: Yams.Node.Scalar, start: Int, flow: Bool, keyColumn: Int) throws -> Int {
        var i = start
        // The style as written (Yams does not always report it).
        let first = start < scalars.count ? scalars[start] : " "
        let style: Yams.Node.Scalar.Style = first == "\"" ? .doubleQuoted : first == "'" ? .singleQuoted
            : (first == "|" ? .literal : (first == ">" ? .folded : .plain))
        switch style {
        case .doubleQuoted:
            i += 1
            while i < scalars.count {
                if scalars[i] == "\\" { i += 2; continue }
                if scalars[i] == "\"" { return i + 1 }
                i += 1
            }
            throw fail("unterminated quoted text")
        case .singleQuoted:
            i += 1
            while i < scalars.count {
                if scalars[i] == "'" {
                    if i + 1 < scalars.count && scalars[i + 1] == "'" { i += 2; continue }
                    return i + 1
                }
                i += 1
            }
            throw fail("unterminated quoted text")
        case .literal, .folded:
            // The indicator line, then every line more indented than the key (or blank).
            while i < scalars.count && scalars[i] != "\n" { i += 1 }
            var end = i
            while i < scalars.count {
                let ls = i + 1
                var j = ls, indent = 0
                while j < scalars.count && scalars[j] == " " { j += 1; indent += 1 }
                if j >= scalars.count { end = scalars.count; break }
                if scalars[j] == "\n" || (scalars[j] == "\r" && j + 1 < scalars.count && scalars[j + 1] == "\n") { i = j; if scalars[j] == "\r" { i += 1 }; continue }
                if indent <= keyColumn { break }
                var k = j
                while k < scalars.count && scalars[k] != "\n" { k += 1 }
                end = k
                i = k
            }
            return end
        default:
            while i < scalars.count {
                let c = scalars[i]
                if c == "\n" || c == "\r" { break }
                if flow && (c == "," || c == "}" || c == "]") { break }
                if c == "#" && i > start && (scalars[i - 1] == " " || scalars[i - 1] == "\t") { break }
                i += 1
            }
            while i > start && (scalars[i - 1] == " " || scalars[i - 1] == "\t") { i -= 1 }
            // A plain scalar that continues on the next line cannot be replaced safely.
            let text = String(String.UnicodeScalarView(scalars[start..<i]))
            if text != s.string { throw fail("the value '\(s.string.prefix(30))' spans several lines; edit it by hand") }
            return i
        }
    }

    private func span(_ node: Yams.Node, flow: Bool, keyColumn: Int) throws -> (Int, Int) {
        let start = try offset(node)
        switch node {
        case .scalar(let s):
            return (start, try scalarEnd(s, start: start, flow: flow, keyColumn: keyColumn))
        case .mapping, .sequence:
            guard isFlow(node) else { fallthrough }
            return (start, try matching(start))
        default:
            throw fail("only single values and flow collections can be replaced in place")
        }
    }

    /// The index after the bracket that closes the one at `open`.
    private func matching(_ open: Int) throws -> Int {
        var depth = 0, i = open
        var inD = false, inS = false
        while i < scalars.count {
            let c = scalars[i]
            if inD { if c == "\\" { i += 2; continue }; if c == "\"" { inD = false } } else if inS { if c == "'" { inS = false } } else {
                switch c {
                case "\"": inD = true
                case "'": inS = true
                case "{", "[": depth += 1
                case "}", "]":
                    depth -= 1
                    if depth == 0 { return i + 1 }
                default: break
                }
            }
            i += 1
        }
        throw fail("unbalanced brackets")
    }

    // MARK: Operations

    private func replace(_ value: Yams.Node, with text: String, keyNode: Yams.Node, flow inFlow: Bool) throws {
        let keyColumn = column(of: try offset(keyNode))
        if case .scalar(let s) = value, s.string.isEmpty, value.tag.rawValue == Yams.Tag.Name.null.rawValue,
           let o = try? offset(value), o >= scalars.count || !"\"'".unicodeScalars.contains(scalars[o]) {
            // `key:` with nothing after it: put the value after the colon.
            let k = try offset(keyNode)
            var i = k
            while i < scalars.count && scalars[i] != ":" { i += 1 }
            edits.append((i + 1, i + 1, " " + text))
            return
        }
        let (a, b) = try span(value, flow: inFlow, keyColumn: keyColumn)
        edits.append((a, b, text))
    }

    private func remove(key: Yams.Node, value: Yams.Node, in m: Yams.Node.Mapping, flow: Bool) throws {
        let k = try offset(key)
        let keyColumn = column(of: k)
        let (_, e) = try span(value, flow: flow, keyColumn: keyColumn)
        if flow {
            var a = k, b = e
            var j = b
            while j < scalars.count && (scalars[j] == " " || scalars[j] == "\t") { j += 1 }
            if j < scalars.count && scalars[j] == "," {
                b = j + 1
                while b < scalars.count && scalars[b] == " " { b += 1 }
            } else {
                var p = a
                while p > 0 && (scalars[p - 1] == " " || scalars[p - 1] == "\t") { p -= 1 }
                if p > 0 && scalars[p - 1] == "," { a = p - 1 }
            }
            edits.append((a, b, ""))
        } else {
            let ls = lineStart(of: k)
            let onlySpaces = scalars[ls..<k].allSatisfy { $0 == " " }
            var b = e
            while b < scalars.count && scalars[b] != "\n" { b += 1 }
            if b < scalars.count { b += 1 }
            if onlySpaces {
                edits.append((ls, b, ""))
            } else {
                // The key follows `- `: the next key moves up onto this line.
                var n = b
                while n < scalars.count && scalars[n] == " " { n += 1 }
                edits.append((k, n, ""))
            }
        }
    }

    private func insert(key: String, value: YAMLValue, into node: Yams.Node, mapping m: Yams.Node.Mapping, flow: Bool,
                        order: [String]? = nil) throws {
        let start = try offset(node)
        let keyText = render(.text(key), flow: true)
        if let order, let pos = order.firstIndex(of: key), node != root, !m.isEmpty {
            let later = Set(order[(pos + 1)...])
            if let next = m.first(where: { later.contains($0.key.scalar?.string ?? "") }) {
                // Before the first key that comes later in the order.
                let f = try offset(next.key)
                if isFlow(node) {
                    edits.append((f, f, "\(keyText): \(render(value, flow: true)), "))
                } else {
                    edits.append((f, f, "\(keyText): \(render(value, flow: false))" + newline + String(repeating: " ", count: column(of: f))))
                }
                return
            }
            if !isFlow(node), let lastPair = m.map({ $0 }).last,
               let (_, end) = try? span(lastPair.value, flow: false, keyColumn: column(of: try offset(lastPair.key))) {
                // After the last pair: on the line after its value (its comment stays on its line).
                var i = end
                while i < scalars.count && scalars[i] != "\n" { i += 1 }
                let indent = String(repeating: " ", count: column(of: try offset(lastPair.key)))
                if i < scalars.count {
                    edits.append((i + 1, i + 1, indent + "\(keyText): \(render(value, flow: false))" + newline))
                } else {
                    edits.append((i, i, newline + indent + "\(keyText): \(render(value, flow: false))" + newline))
                }
                return
            }
        }
        if isFlow(node) {
            let close = try matching(start) - 1
            var p = close
            while p > start + 1 && (scalars[p - 1] == " " || scalars[p - 1] == "\t") { p -= 1 }
            let empty = p == start + 1
            edits.append((p, p, (empty ? "" : ", ") + "\(keyText): \(render(value, flow: true))"))
        } else if node == root {
            // Top level: a new line at the end of the file.
            var text = ""
            if let last = scalars.last, last != "\n" { text += newline }
            if case .blockMap = value {
                text += "\(keyText):" + renderBlock(value, indent: 2) + newline
            } else if case .blockList = value {
                text += "\(keyText):" + renderBlock(value, indent: 2) + newline
            } else {
                text += "\(keyText): \(render(value, flow: false))" + newline
            }
            edits.append((scalars.count, scalars.count, text))
        } else {
            guard let first = m.first?.key else { throw fail("cannot add to an empty mapping") }
            let f = try offset(first)
            let indent = String(repeating: " ", count: column(of: f))
            edits.append((f, f, "\(keyText): \(render(value, flow: false))" + newline + indent))
        }
    }

    // MARK: Rendering

    /// A block mapping's lines, each on a new line at `indent` (nested block mappings further in).
    func renderBlock(_ v: YAMLValue, indent: Int) -> String {
        if case .blockList(let values) = v {
            let pad = String(repeating: " ", count: indent)
            return values.map { newline + pad + "- " + render($0, flow: true) }.joined()
        }
        guard case .blockMap(let pairs) = v else { return " " + render(v, flow: false) }
        let pad = String(repeating: " ", count: indent)
        return pairs.map { k, value in
            newline + pad + Self.scalarText(k, flow: false) + ":" + renderBlock(value, indent: indent + 2)
        }.joined()
    }

    func render(_ v: YAMLValue, flow: Bool) -> String {
        switch v {
        case .number(let d):
            if d == d.rounded() && abs(d) < 1e15 { return String(Int64(d)) }
            return "\(d)"
        case .date(let d): return d.description
        case .bool(let b): return b ? "true" : "false"
        case .decimal(let n):
            if n.range(of: #"^-?[0-9]+(\.[0-9]+)?([eE][+-]?[0-9]+)?$"#, options: .regularExpression) != nil { return n }
            return render(.number(Double(n) ?? 0), flow: flow)
        case .text(let s): return Self.scalarText(s, flow: flow)
        case .flowMap(let pairs):
            return "{" + pairs.map { "\(Self.scalarText($0.0, flow: true)): \(render($0.1, flow: true))" }.joined(separator: ", ") + "}"
        case .flowList(let values):
            return "[" + values.map { render($0, flow: true) }.joined(separator: ", ") + "]"
        case .blockMap(let pairs):
            return render(.flowMap(pairs), flow: true)
        case .blockList(let values):
            return render(.flowList(values), flow: true)
        }
    }

    /// Text as a plain scalar when it reads back as exactly that text, else double-quoted.
    static func scalarText(_ s: String, flow: Bool) -> String {
        let risky = s.isEmpty || s.first!.isWhitespace || s.last!.isWhitespace || s.contains(": ") || s.contains(" #")
            || s.unicodeScalars.contains { $0.value < 0x20 || $0 == "\u{7F}" || $0 == "\u{FEFF}" || $0 == "\u{85}" || $0 == "\u{2028}" || $0 == "\u{2029}" }
            || "-?:,[]{}#&*!|>'\"%@`".unicodeScalars.contains(s.unicodeScalars.first!)
            || (flow && s.unicodeScalars.contains { ",[]{}".unicodeScalars.contains($0) }) || s.hasSuffix(":")
        if !risky, let node = try? Yams.compose(yaml: "k: " + s), case .mapping(let m) = node,
           let v = m.first?.value, v.scalar?.string == s, v.tag.rawValue == Yams.Tag.Name.str.rawValue {
            return s
        }
        var out = "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case "\r": out += "\\r"
            default:
                if u.value < 0x20 || u.value == 0x7F || u == "\u{85}" || u == "\u{2028}" || u == "\u{2029}" || u == "\u{FEFF}" {
                    out += String(format: "\\u%04X", u.value)
                } else {
                    out.unicodeScalars.append(u)
                }
            }
        }
        return out + "\""
    }

    /// The edited text. Throws when two edits overlap.
    public func result() throws -> String {
        // From the end backwards; edits at the same place are applied latest first, so they read in the order made.
        let sorted = edits.enumerated().sorted { ($0.element.start, $0.element.end, $0.offset) > ($1.element.start, $1.element.end, $1.offset) }.map(\.element)
        var out = scalars
        var lastStart = Int.max
        for e in sorted {
            if e.end > lastStart { throw fail("two changes touch the same text") }
            out.replaceSubrange(e.start..<e.end, with: Array(e.text.unicodeScalars))
            lastStart = e.start
        }
        var s = String(String.UnicodeScalarView(out))
        if bom { s = "\u{FEFF}" + s }
        return s
    }
}
