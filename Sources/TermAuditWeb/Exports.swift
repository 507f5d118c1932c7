import Foundation
import TermAudit
import TermAuditExport
import TermAuditLoader
import TermAuditReport
import TermAuditSignoff
import TermAuditStore
import XlsxWriter

/// Workbook exports run as jobs: each on a thread of its own, its progress counted case by case, its file kept in
/// a private folder until it is downloaded or an hour has passed. Only the account that asked sees a job.
///
/// `@unchecked Sendable`: `jobs` is read and written only with `lock` held.
public final class ExportJobs: @unchecked Sendable {
    public struct Job: Sendable {
        public enum State: Sendable, Equatable { case running, done, failed(String) }
        public var id: String
        public var owner: String
        public var kind: WorkbookKind
        public var department: String?
        public var total: Int
        public var done = 0
        public var state: State = .running
        public var cases = 0
        public var digest = ""
        var file: URL
        var created = Date()

        public var fileName: String {
            let edition = kind == .fillIn ? "填报版" : kind.edition.name.zh
            return "经济责任审计-\(edition)\(department.map { "-\($0)" } ?? "")-\(id.prefix(6)).xlsx"
        }
    }

    private let lock = NSLock()
    private var jobs: [String: Job] = [:]
    let folder: URL
    /// At most this many exports run at once (each holds a thread and its workbook's temporary file).
    static let running = 4

    public init() {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("termaudit-exports-\(UUID().uuidString.lowercased())")
        try? FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
    }

    deinit { try? FileManager.default.removeItem(at: folder) }

    public struct Busy: Error {}

    /// Starts an export of `caseIDs` (all current cases when nil) for `owner`.
    func start(desk: Desk, owner: String, request: ExportRequest, caseIDs: [String]?) throws -> Job {
        sweep()
        var stream = try desk.workspace.stream()!
        if let caseIDs { _ = stream.select(caseIDs) }
        let id = Tokens.random().prefix(22).lowercased().replacingOccurrences(of: "-", with: "x").replacingOccurrences(of: "_", with: "y")
        let job = Job(id: String(id), owner: owner, kind: request.kind, department: request.department, total: stream.entries.count,
                      file: folder.appendingPathComponent("\(id).xlsx"))
        lock.lock()
        guard jobs.values.filter({ $0.state == .running }).count < Self.running else {
            lock.unlock()
            throw Busy()
        }
        jobs[job.id] = job
        lock.unlock()
        let verifier = FileManager.default.fileExists(atPath: stream.root.appendingPathComponent(SignerRegistry.fileName).path) ? desk.signoffs.verifier : nil
        let frozen = stream
        Thread.detachNewThread { [self] in
            do {
                let outcome = try WorkbookJob.run(frozen, request: request, verifier: verifier, to: .xlsx(job.file)) { n in
                    self.update(job.id) { $0.done = n }
                }
                self.update(job.id) { j in
                    if let s = outcome.summary {
                        j.state = .done
                        j.cases = s.cases
                        j.digest = s.digest
                    } else {
                        j.state = .failed("\(outcome.errors.count) 个案卷有错误，未导出 (cases with errors; nothing exported)")
                    }
                }
            } catch {
                self.update(job.id) { $0.state = .failed("导出失败，未写入文件 (the export failed; nothing written)") }
            }
        }
        return job
    }

    private func update(_ id: String, _ change: (inout Job) -> Void) {
        lock.lock()
        defer { lock.unlock() }
        if var j = jobs[id] {
            change(&j)
            jobs[id] = j
        }
    }

    /// The job, when `owner` started it.
    func job(_ id: String, owner: String) -> Job? {
        lock.lock()
        defer { lock.unlock() }
        return jobs[id].flatMap { $0.owner == owner ? $0 : nil }
    }

    /// `owner`'s jobs, newest first.
    func jobs(of owner: String) -> [Job] {
        lock.lock()
        defer { lock.unlock() }
        return jobs.values.filter { $0.owner == owner }.sorted { $0.created > $1.created }
    }

    /// Forgets jobs (and their files) older than an hour.
    private func sweep() {
        lock.lock()
        let old = jobs.values.filter { Date().timeIntervalSince($0.created) > 3600 && $0.state != .running }
        for j in old { jobs[j.id] = nil }
        lock.unlock()
        for j in old { try? FileManager.default.removeItem(at: j.file) }
    }
}
