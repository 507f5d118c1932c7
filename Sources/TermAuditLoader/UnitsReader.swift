import Foundation
import TermAudit

/// Reads the workspace's unit registry, `units.yaml`: `units:` a list of `{id, name, aliases?, kind}`.
///
/// Ids are unique; a name or alias names one unit only (a second use is a located error naming the first).
enum UnitsReader {
    static let fileName = "units.yaml"

    static func read(_ url: URL, _ r: YAMLReader) -> UnitRegistry? {
        guard let data = try? Data(contentsOf: url) else {
            r.report(line: 1, column: 1, code: "unreadable", "cannot read the file")
            return nil
        }
        guard let root = r.parse(data: data), let f = r.mapping(root, of: "the unit registry", keys: ["units"]) else { return nil }
        var units: [RegisteredUnit] = []
        var ids: [String: Int] = [:]          // id → line
        var names: [String: String] = [:]     // name or alias → unit id
        _ = f.required("units") { n -> Bool? in
            r.sequence(n, of: "units") { x, i in
                guard let m = r.mapping(x, of: "units[\(i)]", keys: ["id", "name", "aliases", "kind"]) else { return }
                let id = m.required("id") { r.identifier($0, "unit id") }
                let name = m.required("name") { r.text($0, "unit name") }
                var aliases: [(String, Node)] = []
                _ = m.optional("aliases") { a -> Bool? in
                    r.sequence(a, of: "units[\(i)].aliases") { y, _ in if let t = r.text(y, "alias") { aliases.append((t, y)) } }
                    return true
                }
                let kind = m.required("kind") { r.choice($0, "unit kind", UnitKind.self) }
                guard let id, let name, let kind else { return }
                if let line = ids[id], let at = m.node("id") {
                    r.report(at, code: "duplicate-id", "unit id '\(id)' is also used on line \(line)", hint: "give each unit its own id")
                } else {
                    ids[id] = r.location(x).line
                }
                var mine: [String] = []
                for (text, node) in [(name, m.node("name"))] + aliases.map({ ($0.0, Optional($0.1)) }) {
                    if let other = names[text] {
                        if let node {
                            r.report(node, code: "duplicate-name",
                                     "'\(text)' already names unit \(other)\(other == id ? "" : "; a name or alias may name one unit only")",
                                     hint: other == id ? "remove the repeated alias" : "remove it from one of the two units")
                        }
                        continue
                    }
                    names[text] = id
                    mine.append(text)
                }
                units.append(RegisteredUnit(id: id, name: name, aliases: Array(mine.dropFirst(mine.first == name ? 1 : 0)),
                                            kind: kind, location: r.location(x)))
            }
            return true
        }
        return UnitRegistry(units: units)
    }
}
