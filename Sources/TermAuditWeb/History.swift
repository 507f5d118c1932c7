import Foundation
import TermAudit
import TermAuditStore

/// 历史: a case's revisions — who, when, what changed, field by field — and its chain re-verified.
extension Desk {
    public struct HistoryView: Sendable {
        public var entries: [StoreHistory.Entry]
        public var checked: Int
        public var problems: [StoreProblem]
    }

    /// Nil when the case has no revisions. Blocks.
    public func history(_ caseID: String) throws -> HistoryView? {
        let entries: [StoreHistory.Entry]
        do {
            entries = try StoreHistory.history(workspace, caseID: caseID)
        } catch let e as StoreError where e.code == "unknown-case" {
            return nil   // no such case: the caller's 404
        }
        guard !entries.isEmpty else { return nil }
        let check = try StoreCheck.checkCase(workspace, caseID: caseID)
        return HistoryView(entries: entries, checked: check.revisions, problems: check.problems)
    }
}

extension Pages {
    static func history(lang: Language, user: SignedIn, caseID: String, heading: String, view: Desk.HistoryView) -> String {
        var page = Layout(title: L("历史 · \(caseID)", "History · \(caseID)"), lang: lang, user: user, path: "/cases/\(Paths.segment(caseID))/history")
        let t = page.t
        page.main { h in
            h.el("p", ["class": "crumbs"]) { h in h.el("a", ["href": "/cases/\(Paths.segment(caseID))"], text: t("← 返回案卷", "← Back to the case")) }
            h.el("h1", text: t("历史", "History"))
            h.el("p", ["class": "muted"], text: heading)
            if view.problems.isEmpty {
                h.el("p", ["class": "ok", "role": "status"],
                     text: t("哈希链完整：\(view.checked) 个版本逐一核验，均与记录一致。", "The chain holds: \(view.checked) revisions re-verified, each as recorded."))
            } else {
                h.el("section", ["class": "card errors", "role": "alert"]) { h in
                    h.el("h2", text: t("哈希链被破坏", "The chain is broken"))
                    h.el("ul") { h in for p in view.problems { h.el("li", text: p.description) } }
                }
            }
            for e in view.entries.reversed() {
                let r = e.revision
                h.el("section", ["class": "card revision", "id": "r\(r.revision)"]) { h in
                    h.el("h2") { h in
                        h.text(t("第 \(r.revision) 版", "Revision \(r.revision)"))
                        if r.withdrawn { h.el("span", ["class": "badge state-on_hold"], text: t("撤回", "withdrawn")) }
                    }
                    h.el("p", ["class": "muted"], text: "\(StoreHistory.beijing(r.at)) \(t("北京时间", "Beijing time")) · \(r.author)" + (r.note.isEmpty ? "" : " · \(r.note)"))
                    if r.revision == 1 {
                        h.el("p", text: t("建立案卷（第一个版本记录案卷全文）", "The case was created (the first revision holds the whole case)"))
                    } else if e.changes.isEmpty {
                        h.el("p", text: t("无字段改动", "No field changed"))
                    } else {
                        h.el("table") { h in
                            thead(&h, [t("字段", "Field"), t("原值", "Was"), t("新值", "Now")])
                            h.el("tbody") { h in
                                for c in e.changes {
                                    h.el("tr") { h in
                                        h.el("td") { h in h.el("code", text: c.path) }
                                        h.el("td", ["class": "old"], text: c.old ?? "—")
                                        h.el("td", ["class": "new"], text: c.new ?? "—")
                                    }
                                }
                            }
                        }
                    }
                    h.el("p", ["class": "hash"], text: "SHA-256 " + String(r.hash.prefix(16)) + "…")
                }
            }
        }
        return page.render()
    }
}
