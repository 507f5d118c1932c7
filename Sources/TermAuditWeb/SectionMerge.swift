import TermAuditLoader

/// Three-way merge of one section's values, field by field: what only one side changed is taken; what both sides
/// changed to different values is a conflict at its path. Lists merge element by element when neither side added or
/// removed elements; otherwise a list changed on both sides is one conflict.
enum SectionMerge {
    struct Conflict: Sendable, Equatable {
        var path: String
        var mine: CaseTree?
        var theirs: CaseTree?
    }

    static func merge(base: CaseTree?, mine: CaseTree?, theirs: CaseTree?, path: String) -> (CaseTree?, [Conflict]) {
        if mine == base { return (theirs, []) }
        if theirs == base || mine == theirs { return (mine, []) }
        switch (base, mine, theirs) {
        case let (.map(b)?, .map(m)?, .map(t)?):
            var keys: [String] = m.map(\.0)
            for (k, _) in t where !keys.contains(k) && b.contains(where: { $0.0 == k }) == false { keys.append(k) }
            var out: [(String, CaseTree)] = []
            var conflicts: [Conflict] = []
            for k in keys {
                let (v, c) = merge(base: b.first { $0.0 == k }?.1, mine: m.first { $0.0 == k }?.1, theirs: t.first { $0.0 == k }?.1,
                                   path: path.isEmpty ? k : "\(path).\(k)")
                conflicts += c
                if let v { out.append((k, v)) }
            }
            return (.map(out), conflicts)
        case let (.list(b)?, .list(m)?, .list(t)?) where b.count == m.count && m.count == t.count:
            var out: [CaseTree] = []
            var conflicts: [Conflict] = []
            for i in b.indices {
                let (v, c) = merge(base: b[i], mine: m[i], theirs: t[i], path: "\(path)[\(i)]")
                conflicts += c
                out.append(v ?? .null)
            }
            return (.list(out), conflicts)
        default:
            return (mine, [Conflict(path: path, mine: mine, theirs: theirs)])
        }
    }

    /// A value as people read it in a conflict message.
    static func show(_ v: CaseTree?) -> String {
        guard let v else { return "—" }
        switch v {
        case .text(let s), .number(let s): return s
        case .bool(let b): return b ? "true" : "false"
        case .date(let d): return d.description
        case .null: return "—"
        case .map, .list: return v.json().replacingOccurrences(of: "\n", with: " ").replacingOccurrences(of: "  ", with: "")
        }
    }
}
