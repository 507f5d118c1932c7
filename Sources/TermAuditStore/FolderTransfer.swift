import Foundation
import SQLKit
import TermAudit
import TermAuditLoader
import TermAuditSignoff

/// What `db import` did.
public struct FolderImportSummary: Sendable {
    /// Cases new to the store, and cases given a new revision.
    public var added: [String] = []
    public var changed: [String] = []
    public var unchanged = 0
    /// Documents given a new revision (new, changed or removed).
    public var documents: [String] = []
    /// Cases in the store that the folder does not have (kept: withdrawing a case is a deliberate revision).
    public var notInFolder: [String] = []
}

/// A located problem that stopped an import: nothing was written.
public struct FolderImportRefused: Error, Sendable {
    public var diagnostics: [Diagnostic]
}

/// Folder ⇄ store: a folder workspace imported into a store (each changed case a new revision) and a store exported
/// to a folder that validates, with every case's text — and so its canonical digest — as recorded.
public enum FolderTransfer {
    /// Imports the workspace folder at `path`. Every case must be valid (errors refuse the import, located, and nothing
    /// is written); the whole import is one transaction. Cases and documents whose text is unchanged get no revision.
    public static func importFolder(_ path: String, into store: Store, author: String, note: String, today: Day) throws -> FolderImportSummary {
        let (opened, problems) = WorkspaceLoader.openStream(path: path)
        guard let stream = opened, !problems.contains(where: { $0.severity == .error }) else { throw FolderImportRefused(diagnostics: problems) }
        let root = stream.root.standardizedFileURL
        guard URL(fileURLWithPath: path).standardizedFileURL.path == root.path else {
            throw StoreError("not-workspace-root", "\(path) is inside the workspace \(DisplayPath.of(root)); import the whole workspace",
                             hint: "termaudit db import \(DisplayPath.of(root)) --database \(store.location)")
        }
        guard let libraryURL = stream.libraryURL else { throw StoreError("no-library", "cannot find the checklists folder of \(path)") }
        let documents = try folderDocuments(root: root, libraryURL: libraryURL)
        let asOf = stream.config.asOf ?? today
        guard let deriver = Deriver(stream: stream, caseIDs: stream.entries.compactMap(\.id), asOf: asOf) else {
            throw StoreError("no-policy", "the workspace's policy is not defined")
        }
        let signerProblems = deriver.signoffs.diagnostics.filter { $0.severity == .error }
        if !signerProblems.isEmpty { throw FolderImportRefused(diagnostics: signerProblems) }

        let at = StoreClock.now()
        var summary = FolderImportSummary()
        let db = store.db
        try db.begin()
        do {
            // PostgreSQL: one import at a time, readers unhindered (SQLite's BEGIN IMMEDIATE does the same).
            if db.engine == .postgres {
                try db.sql.raw("LOCK TABLE cases, case_revisions, document_revisions IN EXCLUSIVE MODE").run().wait()
            }
            // Documents.
            let docHeads = try store.documentHeads(db.sql)
            for (docPath, kind, body) in documents {
                let head = docHeads[docPath]
                if head?.sha == CaseDigest.sha256Hex(Data(body.utf8)) { continue }
                try Store.appendDocument(db.sql, path: docPath, kind: kind, body: body, previous: head.map { ($0.revision, $0.hash) },
                                         author: author, at: at, note: note)
                summary.documents.append(docPath)
            }
            let present = Set(documents.map(\.path))
            for (docPath, head) in docHeads.sorted(by: { $0.key < $1.key }) where head.sha != nil && !present.contains(docPath) {
                try Store.appendDocument(db.sql, path: docPath, kind: "removed", body: nil, previous: (head.revision, head.hash),
                                         author: author, at: at, note: note)
                summary.documents.append(docPath)
            }

            let settingsChanged = !summary.documents.isEmpty
            // Cases, streamed: read, checked, digested and derived in the background; written here in order.
            let known = try store.headSummaries(db.sql)
            var check = CaseCheck(settings: [])
            var pending: [Store.NewCaseRevision] = []
            func flush() throws {
                let batch = pending
                pending.removeAll(keepingCapacity: true)
                let heads = try store.heads(db.sql, ids: batch.map(\.caseID), lock: true)
                // `known` is not updated: each case comes once (ids are unique), and memory stays flat.
                for new in batch { try Store.appendCase(db.sql, new, after: heads[new.caseID], author: author, at: at, note: note) }
            }
            try stream.forEach(callerFirst: false, transform: { c -> Store.NewCaseRevision? in
                guard let file = c.origin.filePath, let data = FileManager.default.contents(atPath: file),
                      let body = String(data: data, encoding: .utf8) else { return nil }
                let digest = CaseDigest(c)
                let relative = String(URL(fileURLWithPath: file).standardizedFileURL.path.dropFirst(root.path.count + 1))
                return Store.NewCaseRevision(caseID: c.id, path: relative, body: body, digest: digest.digest,
                                             sectionDigests: Deriver.sectionDigests(c, digest), derived: deriver.derive(c))
            }) { c, diagnostics, prepared in
                check.add(c, diagnostics)
                guard let new = prepared ?? nil, !check.hasErrors else { return }
                let head = known[new.caseID]
                if let head, !head.withdrawn, head.bodySHA256 == CaseDigest.sha256Hex(Data((new.body ?? "").utf8)), head.path == new.path {
                    summary.unchanged += 1
                    // The settings, units, signers or checklists changed: the derived state is worked out again.
                    if settingsChanged { try Store.rederive(db.sql, caseID: new.caseID, new.derived) }
                    return
                }
                if head == nil { summary.added.append(new.caseID) } else { summary.changed.append(new.caseID) }
                pending.append(new)
                if pending.count >= 64 { try flush() }
            }
            let errors = check.diagnostics().filter { $0.severity == .error }
            if !errors.isEmpty { throw FolderImportRefused(diagnostics: check.diagnostics()) }
            if !pending.isEmpty { try flush() }
            let imported = Set(stream.entries.compactMap(\.id))
            summary.notInFolder = known.filter { !$0.value.withdrawn && !imported.contains($0.key) }.map(\.key).sorted()
            try db.commit()
        } catch {
            try? db.rollback()
            throw error
        }
        return summary
    }

    /// The documents of a folder workspace: settings (with `library:` pointing at the stored checklists), unit
    /// registry, signer roster, and every checklist file under `checklists/`.
    static func folderDocuments(root: URL, libraryURL: URL) throws -> [(path: String, kind: String, body: String)] {
        var out: [(path: String, kind: String, body: String)] = []
        func text(_ url: URL) throws -> String {
            guard let data = FileManager.default.contents(atPath: url.path), let s = String(data: data, encoding: .utf8) else {
                throw StoreError("unreadable", "cannot read \(DisplayPath.of(url)) as UTF-8 text")
            }
            return s
        }
        let settingsURL = root.appendingPathComponent(WorkspaceLoader.configName)
        out.append((WorkspaceLoader.configName, "settings", try StoreSettings.withLibrary(try text(settingsURL), file: DisplayPath.of(settingsURL))))
        for (name, kind) in [("units.yaml", "units"), ("signers.yaml", "signers")] {
            let url = root.appendingPathComponent(name)
            if FileManager.default.fileExists(atPath: url.path) { out.append((name, kind, try text(url))) }
        }
        let base = libraryURL.standardizedFileURL.path
        guard let e = FileManager.default.enumerator(atPath: base) else { throw StoreError("no-library", "cannot list \(base)") }
        var files: [String] = []
        for case let rel as String in e where rel.hasSuffix(".yaml") || rel.hasSuffix(".yml") {
            if rel.split(separator: "/").contains(where: { $0.hasPrefix(".") }) { continue }
            files.append(rel)
        }
        for rel in files.sorted() {
            out.append(("\(StorePaths.library)/\(rel)", "checklist", try text(URL(fileURLWithPath: base).appendingPathComponent(rel))))
        }
        return out
    }

    /// Writes the store's workspace to a new folder `out`: documents at their paths, each current case at its recorded
    /// path with its recorded text. Written in a sibling folder first and renamed into place, so `out` either does not
    /// exist or is complete.
    public static func exportFolder(_ store: Store, to out: URL) throws -> (documents: Int, cases: Int) {
        let fm = FileManager.default
        if fm.fileExists(atPath: out.path) {
            let contents = (try? fm.contentsOfDirectory(atPath: out.path)) ?? ["?"]
            guard contents.isEmpty else {
                throw StoreError("exists", "\(DisplayPath.of(out)) already exists and is not empty", hint: "give a new folder; nothing was written")
            }
            try fm.removeItem(at: out)
        }
        let staging = out.deletingLastPathComponent().appendingPathComponent(".\(out.lastPathComponent).partial-\(UUID().uuidString.prefix(8))")
        do {
            try fm.createDirectory(at: staging, withIntermediateDirectories: true)
            let documents = try store.documents()
            for d in documents {
                let url = try StorePaths.resolve(d.path, under: staging)
                try fm.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
                try Data(d.body.utf8).write(to: url)
            }
            let heads = try store.caseList()
            var written = 0
            var start = 0
            while start < heads.count {
                let slice = Array(heads[start..<min(heads.count, start + 256)])
                let bodies = try store.caseBodies(slice.map(\.caseID))
                for h in slice {
                    guard let b = bodies[h.caseID] else { continue }
                    let url = try StorePaths.resolve(b.path, under: staging)
                    try fm.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
                    try Data(b.body.utf8).write(to: url)
                    written += 1
                }
                start += 256
            }
            try fm.moveItem(at: staging, to: out)
            return (documents.count, written)
        } catch {
            try? fm.removeItem(at: staging)
            throw error
        }
    }
}

/// The settings document as the store keeps it: `library:` names the stored checklists (`checklists`), so that the
/// settings read the same from the store and from an exported folder.
enum StoreSettings {
    static func withLibrary(_ text: String, file: String) throws -> String {
        do {
            let editor = try CaseFileEditor(text: text, file: file)
            try editor.set([.key("library")], to: .text(StorePaths.library))
            return try editor.result()
        } catch let e as CaseFileEditError {
            throw StoreError("cannot-edit", "cannot set `library:` in \(file): \(e.message)")
        }
    }
}
