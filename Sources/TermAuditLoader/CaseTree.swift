import Foundation
import TermAudit
import Yams

/// A case file's content as plain data, keys in the file's order: what the web application's section editor and
/// API read and write (as JSON), converted to and from the YAML of the case file.
public indirect enum CaseTree: Sendable, Equatable {
    case map([(String, CaseTree)])
    case list([CaseTree])
    case text(String)
    /// A number as written (`5.0`, `86`).
    case number(String)
    case bool(Bool)
    case date(Day)
    case null

    public static func == (a: CaseTree, b: CaseTree) -> Bool {
        switch (a, b) {
        case let (.map(x), .map(y)): return x.map(\.0) == y.map(\.0) && x.map(\.1) == y.map(\.1)
        case let (.list(x), .list(y)): return x == y
        case let (.text(x), .text(y)): return x == y
        case let (.number(x), .number(y)): return Double(x) == Double(y)
        case let (.bool(x), .bool(y)): return x == y
        case let (.date(x), .date(y)): return x == y
        case (.null, .null): return true
        default: return false
        }
    }

    /// The value at `key` of a map.
    public subscript(key: String) -> CaseTree? {
        guard case .map(let pairs) = self else { return nil }
        return pairs.first { $0.0 == key }?.1
    }

    /// The top-level sections of a case text, in order; nil when the text is not a YAML mapping.
    public static func sections(of text: String) -> [(String, CaseTree)]? {
        guard let node = try? Yams.compose(yaml: text), case .map(let pairs) = tree(node) else { return nil }
        return pairs
    }

    /// One top-level section of a case text (nil when the text has none, or is not a mapping).
    public static func section(_ name: String, of text: String) -> CaseTree? {
        sections(of: text)?.first { $0.0 == name }?.1
    }

    static func tree(_ node: Yams.Node) -> CaseTree {
        switch node {
        case .mapping(let m):
            return .map(m.map { ($0.key.scalar?.string ?? "", tree($0.value)) })
        case .sequence(let s):
            return .list(s.map(tree))
        case .scalar(let sc):
            let tag = node.tag.rawValue
            if tag == Yams.Tag.Name.null.rawValue { return .null }
            if tag == Yams.Tag.Name.bool.rawValue { return .bool(["true", "True", "TRUE", "yes", "Yes", "on"].contains(sc.string)) }
            if tag == Yams.Tag.Name.int.rawValue || tag == Yams.Tag.Name.float.rawValue { return .number(sc.string) }
            if let d = Day(iso: sc.string), sc.style == .plain { return .date(d) }
            return .text(sc.string)
        case .alias:
            return .null
        }
    }

    /// The YAML to write for a section: a top-level list or mapping in block style (a mapping's mappings too),
    /// everything deeper in flow style; nulls left out.
    public func yaml(depth: Int = 0) -> YAMLValue {
        switch self {
        case .map(let pairs):
            let kept = pairs.filter { if case .null = $0.1 { return false } else { return true } }.map { ($0.0, $0.1.yaml(depth: depth + 1)) }
            return depth <= 1 ? .blockMap(kept) : .flowMap(kept)
        case .list(let items):
            let values = items.map { $0.yaml(depth: depth + 2) }
            return depth == 0 ? .blockList(values) : .flowList(values)
        case .text(let s): return .text(s)
        case .number(let n): return .decimal(n)
        case .bool(let b): return .bool(b)
        case .date(let d): return .date(d)
        case .null: return .text("")
        }
    }
}

/// Where in a case file a line and column fall, as a field path (`findings[1].status`).
public enum CasePaths {
    /// The path of the deepest value at or before (`line`, `column`) (1-based); "" at the top level.
    public static func path(atLine line: Int, column: Int, in text: String) -> String {
        guard let node = try? Yams.compose(yaml: text) else { return "" }
        var path = ""
        var current = node
        let at = (line, column)
        func start(_ n: Yams.Node) -> (Int, Int) { (n.mark?.line ?? 0, n.mark?.column ?? 0) }
        while true {
            switch current {
            case .mapping(let m):
                guard let pair = Array(m).last(where: { start($0.key) <= at }) else { return path }
                let key = pair.key.scalar?.string ?? ""
                path += path.isEmpty ? key : ".\(key)"
                current = pair.value
            case .sequence(let s):
                guard let i = s.lastIndex(where: { start($0) <= at }) else { return path }
                path += "[\(i)]"
                current = s[i]
            default:
                return path
            }
        }
    }
}
