import Foundation
import TermAudit
import TermAuditImport
import TermAuditLoader
import TermAuditSignoff
import TermAuditStore

/// Uploading a filled fill-in workbook: the change preview (the command line's merge, cell by cell), then, when
/// the person applies it, each changed case a revision under their name. Previews are kept for an hour, for their
/// uploader only.
///
/// `@unchecked Sendable`: `plans` is read and written only with `lock` held.
public final class ImportPlans: @unchecked Sendable {
    public struct Preview: Sendable {
        public var id: String
        public var owner: String
        public var fileName: String
        public var plan: ImportPlan
        var created = Date()
    }

    private let lock = NSLock()
    private var plans: [String: Preview] = [:]

    public init() {}

    func add(_ p: Preview) {
        lock.lock()
        defer { lock.unlock() }
        plans = plans.filter { Date().timeIntervalSince($0.value.created) < 3600 }
        plans[p.id] = p
    }

    func preview(_ id: String, owner: String) -> Preview? {
        lock.lock()
        defer { lock.unlock() }
        return plans[id].flatMap { $0.owner == owner ? $0 : nil }
    }

    /// Takes the preview out (it is applied once).
    func take(_ id: String, owner: String) -> Preview? {
        lock.lock()
        defer { lock.unlock() }
        guard let p = plans[id], p.owner == owner else { return nil }
        plans[id] = nil
        return p
    }
}

/// Workbook uploads are limited to 32 MiB (the reader then applies its own limits to what the zip holds).
let maxWorkbookUpload = 32 << 20

extension Desk {
    /// Plans importing `data` (an .xlsx) as `author` would: every problem of the workbook, or the changes. Blocks.
    func planImport(_ data: [UInt8], voidSignatures: Bool, author: String) throws -> ImportResult<ImportPlan> {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("termaudit-upload-\(UUID().uuidString).xlsx")
        try Data(data).write(to: file, options: [.atomic])
        defer { try? FileManager.default.removeItem(at: file) }
        guard let ws = try workspace.load().workspace else { throw Unservable(diagnostics: workspace.settings.diagnostics) }
        let hasSigners = FileManager.default.fileExists(atPath: workspace.root.appendingPathComponent(SignerRegistry.fileName).path)
        let options = ImportOptions(voidSignatures: voidSignatures, verifier: hasSigners ? signoffs.verifier : nil)
        return Importer.plan(workbook: file, workspace: ws, texts: workspace.writer(author: author, today: asOf), options: options)
    }

    /// Applies a planned import: each changed case a revision by `author`. Blocks.
    func applyImport(_ plan: ImportPlan, author: String, fileName: String) throws -> [String] {
        try Importer.apply(plan, texts: workspace.writer(author: author, today: asOf), note: "网页导入 \(fileName)")
    }
}

extension Pages {
    static func importPreview(lang: Language, user: SignedIn, preview p: ImportPlans.Preview) -> String {
        var page = Layout(title: L("导入预览", "Import preview"), lang: lang, user: user, path: "/workbooks/imports/\(p.id)")
        let t = page.t
        page.main { h in
            h.el("p", ["class": "crumbs"]) { h in h.el("a", ["href": "/workbooks"], text: t("← 工作簿", "← Workbooks")) }
            h.el("h1", text: t("导入预览", "Import preview"))
            h.el("p", ["class": "muted"], text: p.fileName + t(" · 读取 \(p.plan.rowsRead) 行", " · \(p.plan.rowsRead) rows read"))
            if !p.plan.changedSince.isEmpty {
                h.el("p", ["class": "warn"], text: t("以下案卷在工作簿生成后已改动，已逐格合并：", "Changed since the workbook was made, merged cell by cell: ")
                     + p.plan.changedSince.joined(separator: t("、", ", ")))
            }
            if p.plan.changes.isEmpty {
                h.el("p", ["class": "ok"], text: t("工作簿与案卷一致，无需改动。", "The workbook holds no changes."))
                return
            }
            h.el("section", ["class": "card"]) { h in
                h.el("h2", text: t("\(p.plan.changes.count) 处改动，涉及 \(p.plan.files.count) 个案卷", "\(p.plan.changes.count) changes in \(p.plan.files.count) cases"))
                h.el("table") { h in
                    thead(&h, [t("案卷", "Case"), t("字段", "Field"), t("原值", "Was"), t("新值", "Now")])
                    h.el("tbody") { h in
                        for c in p.plan.changes {
                            h.el("tr") { h in
                                h.el("td", text: c.caseID)
                                h.el("td") { h in h.el("code", text: c.field) }
                                h.el("td", ["class": "old"], text: c.old.isEmpty ? "—" : c.old)
                                h.el("td", ["class": "new"], text: c.new.isEmpty ? "—" : c.new)
                            }
                        }
                    }
                }
                if !p.plan.voided.isEmpty {
                    h.el("p", ["class": "warn"], text: t("以下签字将失效：", "These signatures become stale: ") + p.plan.voided.map(\.description).joined(separator: t("；", "; ")))
                }
                h.el("form", ["method": "post", "action": "/workbooks/imports/\(p.id)/apply"]) { h in
                    h.void("input", ["type": "hidden", "name": "_csrf", "value": user.csrfToken])
                    h.el("p", ["class": "actions"]) { h in
                        h.el("button", ["type": "submit", "class": "primary"], text: t("应用这些改动", "Apply these changes"))
                        h.el("a", ["href": "/workbooks"], text: t("放弃", "Discard"))
                    }
                }
            }
        }
        return page.render()
    }

    static func importProblems(lang: Language, user: SignedIn, fileName: String, problems: [ImportProblem]) -> String {
        var page = Layout(title: L("导入", "Import"), lang: lang, user: user, path: "/workbooks")
        let t = page.t
        page.main { h in
            h.el("p", ["class": "crumbs"]) { h in h.el("a", ["href": "/workbooks"], text: t("← 工作簿", "← Workbooks")) }
            h.el("h1", text: t("导入", "Import"))
            h.el("section", ["class": "card errors", "role": "alert"]) { h in
                h.el("h2", text: t("\(problems.count) 个问题，未导入任何内容", "\(problems.count) problems; nothing was imported"))
                h.el("p", ["class": "muted"], text: fileName)
                h.el("ul") { h in for p in problems { h.el("li", text: p.description) } }
            }
        }
        return page.render()
    }
}
