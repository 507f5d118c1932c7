import Foundation
import TermAudit
import TermAuditLoader
import TermAuditSignoff

/// One field that differs between two revisions of a case: its path in the case file (`findings[F-02].status`),
/// and the values before and after (nil: absent).
public struct FieldChange: Sendable, Equatable, CustomStringConvertible {
    public var path: String
    public var old: String?
    public var new: String?

    public var description: String {
        switch (old, new) {
        case (nil, let n?): return "+ \(path): \(n)"
        case (let o?, nil): return "- \(path): \(o)"
        default: return "~ \(path): \(old ?? "") → \(new ?? "")"
        }
    }
}

/// A case's revisions for people: who, when, what changed, field by field.
public enum StoreHistory {
    public struct Entry: Sendable {
        public var revision: CaseRevision
        public var changes: [FieldChange]
    }

    public static func history(_ workspace: StoreWorkspace, caseID: String) throws -> [Entry] {
        let revisions = try workspace.store.revisions(of: caseID)
        guard !revisions.isEmpty else {
            throw StoreError("unknown-case", "the store has no case '\(caseID)'", hint: "`termaudit status --database URL` lists the cases")
        }
        let ws = workspace.settings.workspace
        func fields(_ r: CaseRevision) -> CanonicalJSON? {
            guard let body = r.body, let ws else { return nil }
            let (c, _) = WorkspaceLoader.parseCase(data: Data(body.utf8), file: r.path, library: ws.library, policy: ws.policy, context: CaseContext(ws))
            return c.map(document)
        }
        var out: [Entry] = []
        var before: CanonicalJSON? = nil
        for r in revisions {
            let after = fields(r)
            out.append(Entry(revision: r, changes: diff(before ?? .object([:]), after ?? .object([:]))))
            before = after
        }
        return out
    }

    /// The case as one document: its canonical sections and its sign-off records.
    static func document(_ c: AuditCase) -> CanonicalJSON {
        var sections = CaseDigest(c).sections
        if !c.signoffs.isEmpty {
            sections["signoffs"] = .array(c.signoffs.map { s in
                .object(["id": .string("\(s.role)@\(s.time)"), "name": .string(s.name), "digest": .string(s.digest)])
            })
        }
        return .object(sections)
    }

    /// The fields that differ between two documents, in the order of the case file's sections.
    public static func diff(_ a: CanonicalJSON, _ b: CanonicalJSON) -> [FieldChange] {
        var out: [FieldChange] = []
        let order = CaseDigest.sectionNames + ["signoffs"]
        guard case .object(let x) = a, case .object(let y) = b else { walk(a, b, "", &out); return out }
        let keys = Set(x.keys).union(y.keys)
        for k in order.filter(keys.contains) + keys.filter({ !order.contains($0) }).sorted() {
            walk(x[k], y[k], k, &out)
        }
        return out
    }

    static func walk(_ a: CanonicalJSON?, _ b: CanonicalJSON?, _ path: String, _ out: inout [FieldChange]) {
        if a == b { return }
        switch (a, b) {
        case (.object(let x)?, .object(let y)?):
            for k in Set(x.keys).union(y.keys).sorted() { walk(x[k], y[k], path.isEmpty ? k : "\(path).\(k)", &out) }
        case (.array(let x)?, .array(let y)?) where keyed(x) && keyed(y):
            let xs = Dictionary(x.map { (id($0)!, $0) }, uniquingKeysWith: { a, _ in a })
            let ys = Dictionary(y.map { (id($0)!, $0) }, uniquingKeysWith: { a, _ in a })
            var seen = Set<String>()
            for e in x + y {
                let k = id(e)!
                guard seen.insert(k).inserted else { continue }
                walk(xs[k], ys[k], "\(path)[\(k)]", &out)
            }
        default:
            let old = a.flatMap(show), new = b.flatMap(show)
            if old != new { out.append(FieldChange(path: path, old: old, new: new)) }
        }
    }

    /// Whether every element is an object with a text `id` (indicators, findings, items): compared by id.
    static func keyed(_ items: [CanonicalJSON]) -> Bool {
        !items.isEmpty && items.allSatisfy { id($0) != nil }
    }

    /// The key of a list element: its `id` (indicators, findings, sign-offs), a team member's `name`, an assessment
    /// row's `year`.
    static func id(_ v: CanonicalJSON) -> String? {
        guard case .object(let o) = v else { return nil }
        for k in ["id", "name"] { if case .string(let s)? = o[k] { return s } }
        if case .number(let n)? = o["year"] { return String(Int(n)) }
        return nil
    }

    /// A value as one line of text (nil for null).
    static func show(_ v: CanonicalJSON) -> String? {
        switch v {
        case .null: return nil
        case .string(let s): return clip(s)
        case .bool(let b): return b ? "true" : "false"
        case .number, .array, .object: return clip(v.text)
        }
    }

    static func clip(_ s: String) -> String {
        let oneLine = s.replacingOccurrences(of: "\n", with: "⏎")
        return oneLine.count > 120 ? String(oneLine.prefix(120)) + "…" : oneLine
    }

    /// A stored UTC time as Beijing time, `2026-12-06 17:50:00`.
    public static func beijing(_ stored: String) -> String {
        let parse = ISO8601DateFormatter()
        parse.formatOptions = [.withInternetDateTime]
        guard let date = parse.date(from: stored) else { return stored }
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: "Asia/Shanghai")
        f.dateFormat = "yyyy-MM-dd HH:mm:ss"
        return f.string(from: date)
    }
}
