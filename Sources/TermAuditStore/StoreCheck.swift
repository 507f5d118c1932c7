import Foundation
import SQLKit
import TermAudit
import TermAuditLoader
import TermAuditSignoff

/// One thing `db check` found wrong: where (a case and revision, a document, the database) and what.
public struct StoreProblem: Sendable, CustomStringConvertible, Equatable {
    /// `case 2024-007`, `document termaudit.yaml`, `database`.
    public var subject: String
    /// The first broken revision (nil: not about one revision).
    public var revision: Int?
    public var message: String

    public var description: String {
        "\(subject)" + (revision.map { " revision \($0)" } ?? "") + ": \(message)"
    }
}

/// Re-verifies a store: the database file's integrity (SQLite), every document's and every case's hash chain, each
/// revision's text against its recorded SHA-256 and canonical digest, and the case index against the revisions.
/// Names the first broken revision of each chain.
public enum StoreCheck {
    public struct Report: Sendable {
        public var problems: [StoreProblem] = []
        public var cases = 0
        public var revisions = 0
        public var documents = 0
    }

    public static func run(_ workspace: StoreWorkspace) throws -> Report {
        let store = workspace.store
        var report = Report()
        if store.db.engine == .sqlite {
            let rows = try store.db.sql.raw("PRAGMA quick_check").all().wait()
            let results = try rows.map { try $0.decode(column: "quick_check", as: String.self) }
            if results != ["ok"] {
                report.problems.append(StoreProblem(subject: "database", message: "SQLite integrity check: " + results.prefix(5).joined(separator: "; ")))
            }
        }

        // Documents.
        var lastDoc: (path: String, revision: Int, hash: String)?
        for d in try store.documentRevisions() {
            report.documents += lastDoc?.path == d.path ? 0 : 1
            let previous = lastDoc?.path == d.path ? lastDoc : nil
            func broken(_ m: String) { report.problems.append(StoreProblem(subject: "document \(d.path)", revision: d.revision, message: m)) }
            if d.revision != (previous?.revision ?? 0) + 1 {
                broken("revision \((previous?.revision ?? 0) + 1) is missing")
            } else if d.previousHash != (previous?.hash ?? "") {
                broken("does not follow revision \(previous?.revision ?? 0) (previous hash differs)")
            } else if d.body.map({ CaseDigest.sha256Hex(Data($0.utf8)) }) ?? "" != d.bodySHA256 {
                broken("its text is not the text recorded (SHA-256 differs)")
            } else if RevisionHash.document(path: d.path, revision: d.revision, kind: d.kind, bodySHA256: d.bodySHA256, removed: d.body == nil,
                                            author: d.author, at: d.at, note: d.note, previousHash: d.previousHash) != d.hash {
                broken("its hash does not match its facts (changed after it was written)")
            }
            lastDoc = (d.path, d.revision, d.hash)
        }

        report.problems += try store.checkAuditLog()

        // Cases, a page at a time; the first broken revision of each case is named, later ones are not.
        guard let ws = workspace.settings.workspace else {
            report.problems.append(StoreProblem(subject: "document \(WorkspaceLoader.configName)", message: "the stored settings cannot be read"))
            return report
        }
        let context = CaseContext(ws)
        let heads = try store.heads(includeWithdrawn: true)
        var headByID = Dictionary(uniqueKeysWithValues: heads.map { ($0.caseID, $0) })
        var previous: CaseRevision?
        var brokenCase: String?
        var key: (caseID: String, revision: Int)?
        while true {
            let page = try store.revisionPage(after: key, limit: 512)
            if page.isEmpty { break }
            key = (page.last!.caseID, page.last!.revision)
            // Parsing is the costly part: done for the page in parallel.
            let parsed = parseAll(page, library: ws.library, policy: ws.policy, context: context)
            for (r, digests) in zip(page, parsed) {
                let prior = previous?.caseID == r.caseID ? previous : nil
                if prior == nil {
                    report.cases += 1
                    if let last = previous { checkHead(last, headByID.removeValue(forKey: last.caseID), &report) }
                }
                previous = r
                report.revisions += 1
                guard brokenCase != r.caseID else { continue }
                if let message = problem(r, prior: prior, digests: digests) {
                    report.problems.append(StoreProblem(subject: "case \(r.caseID)", revision: r.revision, message: message))
                    brokenCase = r.caseID
                }
            }
        }
        if let last = previous { checkHead(last, headByID.removeValue(forKey: last.caseID), &report) }
        for h in headByID.values.sorted(by: { $0.caseID < $1.caseID }) {
            report.problems.append(StoreProblem(subject: "case \(h.caseID)", message: "the case index names revision \(h.revision), but the case has no revisions"))
        }
        return report
    }

    /// What is wrong with revision `r` of a case, following `prior` (nil: nothing). `digests`: those of its text
    /// parsed (nil when it does not read as a case).
    static func problem(_ r: CaseRevision, prior: CaseRevision?, digests: (String, [String: String])?) -> String? {
        if r.revision != (prior?.revision ?? 0) + 1 {
            return "revision \((prior?.revision ?? 0) + 1) is missing"
        } else if r.previousHash != (prior?.hash ?? "") || r.previousDigest != (prior?.digest ?? "") {
            return "does not follow revision \(prior?.revision ?? 0) (previous hash or digest differs)"
        } else if (r.body.map { CaseDigest.sha256Hex(Data($0.utf8)) } ?? "") != r.bodySHA256 {
            return "its text is not the text recorded (SHA-256 differs)"
        } else if RevisionHash.case(caseID: r.caseID, revision: r.revision, path: r.path, bodySHA256: r.bodySHA256, digest: r.digest,
                                    previousDigest: r.previousDigest, sections: r.sections, author: r.author, at: r.at, note: r.note,
                                    withdrawn: r.withdrawn, previousHash: r.previousHash) != r.hash {
            return "its hash does not match its facts (changed after it was written)"
        } else if r.body != nil {
            switch digests {
            case .none: return "its text does not read as a valid case with the stored checklists"
            case .some(let (digest, sections)):
                if digest != r.digest { return "its canonical digest is not the one recorded" }
                if sections != r.sectionDigests { return "its section digests are not the ones recorded" }
            }
        }
        return nil
    }

    /// One case's chain, as `run` checks it: every revision re-verified, the first broken one named, and the index.
    public static func checkCase(_ workspace: StoreWorkspace, caseID: String) throws -> (revisions: Int, problems: [StoreProblem]) {
        guard let ws = workspace.settings.workspace else {
            return (0, [StoreProblem(subject: "document \(WorkspaceLoader.configName)", message: "the stored settings cannot be read")])
        }
        let revisions = try workspace.store.revisions(of: caseID)
        let parsed = parseAll(revisions, library: ws.library, policy: ws.policy, context: CaseContext(ws))
        var report = Report()
        var prior: CaseRevision?
        for (r, digests) in zip(revisions, parsed) {
            if let message = problem(r, prior: prior, digests: digests) {
                report.problems.append(StoreProblem(subject: "case \(r.caseID)", revision: r.revision, message: message))
                break
            }
            prior = r
        }
        if let last = revisions.last {
            checkHead(last, try workspace.store.heads(workspace.store.db.sql, ids: [caseID], lock: false)[caseID], &report)
        }
        return (revisions.count, report.problems)
    }

    static func checkHead(_ last: CaseRevision, _ head: CaseHead?, _ report: inout Report) {
        guard let head else {
            report.problems.append(StoreProblem(subject: "case \(last.caseID)", message: "the case is missing from the case index"))
            return
        }
        if head.revision != last.revision || head.hash != last.hash || head.digest != last.digest || head.withdrawn != last.withdrawn {
            report.problems.append(StoreProblem(subject: "case \(last.caseID)",
                                                message: "the case index names revision \(head.revision), not the last revision \(last.revision) as recorded"))
        }
    }

    /// Each revision's canonical digest and section digests, parsed from its text (nil: it does not read as a case).
    static func parseAll(_ page: [CaseRevision], library: Library, policy: Policy?, context: CaseContext) -> [(String, [String: String])?] {
        ParallelMap.map(page) { r -> (String, [String: String])? in
            guard let body = r.body else { return nil }
            let (c, diagnostics) = WorkspaceLoader.parseCase(data: Data(body.utf8), file: r.path, library: library, policy: policy, context: context)
            guard let c, !diagnostics.contains(where: { $0.severity == .error }) else { return nil }
            let digest = CaseDigest(c)
            return (digest.digest, Deriver.sectionDigests(c, digest))
        }
    }
}
