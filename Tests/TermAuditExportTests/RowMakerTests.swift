import Foundation
import Testing
import TermAudit
import TermAuditExport
import TermAuditRules
import TermAuditSignoff

@Suite("Rows made off the writing thread")
struct RowMakerTests {
    /// Rows made concurrently on other threads, in any order, and added in case order give the very same file as
    /// `add(_:digest:)`; the summary is the same too.
    @Test("rows made concurrently and added in order give a byte-identical workbook", arguments: [Edition.internal, .public])
    func concurrentRows(edition: Edition) throws {
        let ws = try X.loadSamples()
        let policy = ws.policy!
        let ev = CaseEvaluator(workspace: ws, policy: policy, asOf: ws.config.asOf!)
        let ctx = ExportContext(jurisdiction: ws.config.jurisdiction, period: ws.config.period, policy: policy, library: ws.library,
                                asOf: ev.asOf, edition: edition, lang: .zh, generator: "termaudit test")
        let info = DocumentInfo(title: "t", subject: "s", company: ws.config.jurisdiction, comments: "c", created: ev.asOf)
        let folder = try X.tempDir()
        defer { try? FileManager.default.removeItem(at: folder) }
        let statuses = ws.cases.map { (ev.evaluate($0), CaseDigest($0).digest) }

        let plainURL = folder.appendingPathComponent("plain.xlsx")
        let (plainSink, _) = try XlsxSink.make(url: plainURL, info: info, footer: "f")
        let plain = try WorkbookExporter(sink: plainSink, context: ctx)
        for (s, d) in statuses { try plain.add(s, digest: d) }
        let plainSummary = try plain.finish()

        let madeURL = folder.appendingPathComponent("made.xlsx")
        let (madeSink, _) = try XlsxSink.make(url: madeURL, info: info, footer: "f")
        let made = try WorkbookExporter(sink: madeSink, context: ctx)
        let maker = made.rowMaker
        let results = Results(count: statuses.count)
        DispatchQueue.concurrentPerform(iterations: statuses.count) { i in
            let (s, d) = statuses[statuses.count - 1 - i]
            results.set(statuses.count - 1 - i, maker.rows(for: s, digest: d))
        }
        for rows in results.all() { try made.add(rows) }
        let madeSummary = try made.finish()

        #expect(try Data(contentsOf: plainURL) == Data(contentsOf: madeURL))
        #expect(plainSummary.digest == madeSummary.digest)
        #expect(plainSummary.rows == madeSummary.rows)
        #expect(plainSummary.cases == madeSummary.cases)
    }

    final class Results: @unchecked Sendable {
        private let lock = NSLock()
        private var items: [CaseRows?]
        init(count: Int) { items = Array(repeating: nil, count: count) }
        func set(_ i: Int, _ rows: CaseRows) { lock.lock(); items[i] = rows; lock.unlock() }
        func all() -> [CaseRows] { items.map { $0! } }
    }
}
