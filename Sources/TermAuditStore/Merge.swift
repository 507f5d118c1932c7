import Foundation
import TermAudit
import TermAuditLoader
import TermAuditSignoff

/// A three-way merge of line-based texts (diff3): the changes of both sides since a common base, or nil when both
/// changed the same lines differently.
enum TextMerge {
    static func merge(base: String, mine: String, theirs: String) -> String? {
        if mine == theirs { return mine }
        if mine == base { return theirs }
        if theirs == base { return mine }
        let b = lines(base), m = lines(mine), t = lines(theirs)
        let bm = matches(b, m), bt = matches(b, t)
        var out: [Substring] = []
        var (i, j, k) = (0, 0, 0)   // next unmerged line of base, mine, theirs
        // Anchors: base lines kept by both sides, in order.
        var anchors: [(Int, Int, Int)] = []
        for x in 0..<b.count { if let y = bm[x], let z = bt[x] { anchors.append((x, y, z)) } }
        anchors.append((b.count, m.count, t.count))
        for (x, y, z) in anchors {
            let cb = b[i..<x], cm = m[j..<y], ct = t[k..<z]
            if cm.elementsEqual(cb) { out += ct }
            else if ct.elementsEqual(cb) { out += cm }
            else if cm.elementsEqual(ct) { out += cm }
            else { return nil }
            if x < b.count { out.append(b[x]) }
            (i, j, k) = (x + 1, y + 1, z + 1)
        }
        return out.joined(separator: "\n")
    }

    static func lines(_ s: String) -> [Substring] { s.split(separator: "\n", omittingEmptySubsequences: false) }

    /// For each line of `a`, the line of `b` it is matched to by a longest common subsequence (nil: changed or removed).
    static func matches(_ a: [Substring], _ b: [Substring]) -> [Int?] {
        let n = a.count, m = b.count
        var lcs = [[Int32]](repeating: [Int32](repeating: 0, count: m + 1), count: n + 1)
        for x in stride(from: n - 1, through: 0, by: -1) {
            for y in stride(from: m - 1, through: 0, by: -1) {
                lcs[x][y] = a[x] == b[y] ? lcs[x + 1][y + 1] + 1 : max(lcs[x + 1][y], lcs[x][y + 1])
            }
        }
        var out = [Int?](repeating: nil, count: n)
        var (x, y) = (0, 0)
        while x < n && y < m {
            if a[x] == b[y] { out[x] = y; x += 1; y += 1 } else if lcs[x + 1][y] >= lcs[x][y + 1] { x += 1 } else { y += 1 }
        }
        return out
    }
}

/// Merging a write based on an older revision, field by field, as the fill-in import merges cells: fields changed
/// only by this write apply, fields changed only since apply too, a field changed on both sides to different values
/// is a conflict that names who changed it since — and then nothing is written.
struct CaseMerge {
    let workspace: StoreWorkspace

    /// The case document (canonical sections and sign-offs) of a text; nil when it does not read as a case.
    func document(_ text: String, _ file: String) -> CanonicalJSON? {
        guard let ws = workspace.settings.workspace else { return nil }
        let (c, d) = WorkspaceLoader.parseCase(data: Data(text.utf8), file: file, library: ws.library, policy: ws.policy, context: CaseContext(ws))
        guard let c, !d.contains(where: { $0.severity == .error }) else { return nil }
        return StoreHistory.document(c)
    }

    /// Whether two field paths touch the same value (one is the other, or inside it).
    static func overlap(_ a: String, _ b: String) -> Bool {
        a == b || a.hasPrefix(b + ".") || a.hasPrefix(b + "[") || b.hasPrefix(a + ".") || b.hasPrefix(a + "[")
    }

    /// The merged text of `edit` (based on `edit.old`) and the case's current text `theirs`.
    func merge(_ edit: CaseTextEdit, theirs: String) throws -> String {
        func refuse(_ lines: [String]) -> CaseTextChanged { CaseTextChanged(display: edit.display, since: lines) }
        guard let base = document(edit.old, edit.display), let mine = document(edit.new, edit.display),
              let current = document(theirs, edit.display) else {
            throw refuse((try? workspace.changes(of: edit.caseID, sinceText: CaseDigest.sha256Hex(Data(edit.old.utf8)))) ?? [])
        }
        let ours = StoreHistory.diff(base, mine), since = StoreHistory.diff(base, current)
        var conflicts: [(FieldChange, FieldChange)] = []
        for o in ours {
            for s in since where Self.overlap(o.path, s.path) && !(o.path == s.path && o.new == s.new) { conflicts.append((o, s)) }
        }
        if !conflicts.isEmpty { throw refuse(try describe(conflicts, edit: edit)) }
        // The merged text must hold exactly both sides' changes, field by field.
        func changes(_ list: [FieldChange]) -> Set<String> { Set(list.map { "\($0.path)=\($0.new ?? "∅")" }) }
        guard let merged = TextMerge.merge(base: edit.old, mine: edit.new, theirs: theirs), let result = document(merged, edit.display),
              changes(StoreHistory.diff(base, result)) == changes(ours).union(changes(since)) else {
            var lines = ["the changes since and this write's are on the same lines of the case file and cannot be merged by field"]
            lines += (try? workspace.changes(of: edit.caseID, sinceText: CaseDigest.sha256Hex(Data(edit.old.utf8)))) ?? []
            throw refuse(lines)
        }
        return merged
    }

    /// Each conflicting field: this write's value, and who changed it to what since.
    func describe(_ conflicts: [(FieldChange, FieldChange)], edit: CaseTextEdit) throws -> [String] {
        let history = try StoreHistory.history(workspace, caseID: edit.caseID)
        let sha = CaseDigest.sha256Hex(Data(edit.old.utf8))
        let later = history[((history.lastIndex { $0.revision.bodySHA256 == sha }).map { $0 + 1 } ?? 0)...]
        var out: [String] = []
        for (o, s) in conflicts {
            let who = later.filter { $0.changes.contains { Self.overlap($0.path, s.path) } }.map {
                "r\($0.revision.revision) \(StoreHistory.beijing($0.revision.at)) 北京时间 \($0.revision.author)"
            }
            out.append("conflict 冲突 \(o.path): this write 本次「\(o.new ?? "—")」, since 此前已被改为「\(s.new ?? "—")」 by \(who.joined(separator: ", "))")
        }
        return out
    }
}
