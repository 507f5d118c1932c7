import Foundation
import TermAudit
import TermAuditLoader
import TermAuditStore

/// Writing one top-level section of a case: the same checks as `validate`, each error at its field path; a revision
/// when everything is right; a write based on an older revision merged field by field by the store, or refused
/// naming who changed what.
extension Desk {
    /// The sections the application edits (`id` never changes; `signoffs` are written by signing only).
    public static let editableSections = ["official", "post", "trigger", "team", "indicators", "handover", "findings", "audit", "assessment"]

    public enum SectionWrite: Sendable {
        /// Written as this revision (or nothing changed: the current revision).
        case written(revision: Int)
        /// The new text has errors; nothing was written.
        case invalid([FieldError])
        /// Someone changed the same fields since the revision this write is based on; nothing was written. `theirs`:
        /// each conflicting field's path (as the forms name their inputs) and the value it has now.
        case conflict([String], theirs: [String: String])
        /// The case is signed: writing would make its signatures stale; nothing was written.
        case signed([String])
        /// No such revision of this case.
        case unknownRevision
    }

    /// A section's value at the current revision (nil value: the case has no such section); nil for no such case.
    public func section(_ caseID: String, _ name: String) throws -> (value: CaseTree?, revision: Int)? {
        guard let body = try store.caseBodies([caseID])[caseID] else { return nil }
        return (CaseTree.section(name, of: body.body), body.revision)
    }

    /// A section's value at a revision of the case (nil: no such revision; `.some(nil)`: no such section then).
    public func section(_ caseID: String, _ name: String, at revision: Int) throws -> CaseTree?? {
        guard let r = try store.revisions(of: caseID).first(where: { $0.revision == revision }), let body = r.body else { return nil }
        return .some(CaseTree.section(name, of: body))
    }

    /// Replaces `name` of `caseID` with `value`, based on revision `base`. Blocks.
    public func writeSection(caseID: String, name: String, value: CaseTree, base: Int, author: String,
                             voidSignatures: Bool = false) throws -> SectionWrite {
        try writeSections(caseID: caseID, [(name, value)], base: base, author: author, voidSignatures: voidSignatures)
    }

    /// Replaces several top-level sections of `caseID` at once (one revision), based on revision `base`. Blocks.
    public func writeSections(caseID: String, _ sections: [(name: String, value: CaseTree)], base: Int, author: String,
                              voidSignatures: Bool = false) throws -> SectionWrite {
        let revisions = try store.revisions(of: caseID)
        guard let based = revisions.first(where: { $0.revision == base }), let basedText = based.body else {
            return .unknownRevision
        }
        guard let head = revisions.last, let headText = head.body else { return .conflict(["the case was withdrawn"], theirs: [:]) }
        // Written since: merged with the current revision field by field (the section's values, not its lines).
        var sections = sections
        if head.revision != base {
            var lines: [String] = [], theirs: [String: String] = [:]
            for (i, (name, value)) in sections.enumerated() {
                let (merged, conflicts) = SectionMerge.merge(base: CaseTree.section(name, of: basedText), mine: value,
                                                             theirs: CaseTree.section(name, of: headText), path: name)
                for c in conflicts { theirs[c.path] = SectionMerge.show(c.theirs) }
                lines += conflicts.map { c in
                    "conflict 冲突 \(c.path): this write 本次「\(SectionMerge.show(c.mine))」, since 此前已被改为「\(SectionMerge.show(c.theirs))」"
                }
                sections[i].value = merged ?? .list([])
            }
            if !lines.isEmpty {
                lines += (try? workspace.changes(of: caseID, sinceText: based.bodySHA256)) ?? []
                return .conflict(lines, theirs: theirs)
            }
        }
        let old = head, oldText = headText
        // The same values: nothing to write (the text is not rewritten to the editor's layout either).
        if sections.allSatisfy({ CaseTree.section($0.name, of: oldText) == $0.value }) {
            return .written(revision: head.revision)
        }
        let editor = try CaseFileEditor(text: oldText, file: old.path)
        for (name, value) in sections { try editor.setSection(name, to: value) }
        let newText = try editor.result()
        let (c, diagnostics) = parse(caseID: caseID, path: old.path, text: newText, revision: head.revision)
        let errors = diagnostics.filter { $0.severity == .error }
        if !errors.isEmpty || c == nil {
            return .invalid(errors.map { d in
                FieldError(path: CasePaths.path(atLine: d.location.line, column: d.location.column, in: newText),
                           message: d.hint.isEmpty ? d.message : "\(d.message) → \(d.hint)", line: d.location.line, column: d.location.column)
            })
        }
        if let was = parse(caseID: caseID, path: old.path, text: oldText, revision: head.revision).0, !was.signoffs.isEmpty, !voidSignatures, oldText != newText {
            return .signed(was.signoffs.map { "\($0.role) \($0.name) \($0.time)" })
        }
        let name = sections.map(\.name).joined(separator: ", ")
        let edit = CaseTextEdit(caseID: caseID, origin: .record(id: caseID, revision: head.revision), display: old.path, old: oldText, new: newText)
        do {
            _ = try workspace.writer(author: author, today: asOf).replace([edit], note: "网页编辑 \(name)")
            return .written(revision: try store.caseBodies([caseID])[caseID]?.revision ?? base)
        } catch let e as CaseTextChanged {
            return .conflict(e.since, theirs: [:])
        } catch let e as StoreError where e.code == "invalid" {
            return .conflict([e.message], theirs: [:])
        }
    }
}
