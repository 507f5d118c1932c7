import Foundation
import TermAudit
import TermAuditReport

/// 工作簿: downloading the internal, public or fill-in edition (one case, a selection, all; per department for
/// fill-in), with the export's progress shown while it runs.
extension Pages {
    static func workbooks(lang: Language, user: SignedIn, library: Library, jobs: [ExportJobs.Job], caseIDs: String, error: String? = nil) -> String {
        var page = Layout(title: L("工作簿", "Workbooks"), lang: lang, user: user, path: "/workbooks")
        let t = page.t
        let kinds: [WorkbookKind] = user.exportsInternal ? [.internal, .public, .fillIn] : [.public]
        page.main { h in
            h.el("h1", text: t("工作簿", "Workbooks"))
            if let error { h.el("p", ["class": "error", "role": "alert"], text: error) }
            h.el("section", ["class": "card"]) { h in
                h.el("h2", text: t("导出", "Export"))
                h.el("form", ["method": "post", "action": "/workbooks/export", "class": "stack"]) { h in
                    h.void("input", ["type": "hidden", "name": "_csrf", "value": user.csrfToken])
                    h.el("fieldset") { h in
                        h.el("legend", text: t("版本", "Edition"))
                        for (i, k) in kinds.enumerated() {
                            h.el("label", ["class": "choice"]) { h in
                                h.void("input", ["type": "radio", "name": "edition", "value": k.rawValue, "checked": i == 0 ? "" : nil])
                                h.text(" " + k.label.text(lang) + " — " + describe(k, lang))
                            }
                        }
                    }
                    h.el("label", ["for": "department"], text: t("部门（填报版按部门分发；内部版、公开版可只含一个部门的事项）", "Department (fill-in: one department's workbook)"))
                    h.el("select", ["id": "department", "name": "department"]) { h in
                        h.el("option", ["value": ""], text: t("全部部门", "all departments"))
                        for d in library.departments { h.el("option", ["value": d.id], text: d.label.text(lang)) }
                    }
                    h.el("label", ["for": "state"], text: t("状态（内部版、公开版）", "State (internal and public)"))
                    h.el("select", ["id": "state", "name": "state"]) { h in
                        h.el("option", ["value": ""], text: t("全部", "all"))
                        for s in CaseState.allCases { h.el("option", ["value": s.rawValue], text: s.label.text(lang)) }
                    }
                    h.el("label", ["for": "cases"], text: t("案卷编号（可选，逗号分隔；不填为全部可见案卷）", "Case ids (optional, comma-separated; empty for every case you can see)"))
                    h.void("input", ["id": "cases", "name": "cases", "value": caseIDs, "placeholder": "2024-001, 2024-007"])
                    h.el("button", ["type": "submit", "class": "primary"], text: t("导出", "Export"))
                }
            }
            if user.exportsInternal {
                h.el("section", ["class": "card"]) { h in
                    h.el("h2", text: t("上传填报工作簿", "Upload a filled workbook"))
                    h.el("p", ["class": "muted"], text: t("上传审计组填好的填报版：先预览每一处改动（逐格三方合并，与命令行 import 相同），确认后再应用，每个案卷的改动记为您名下的一个新版本。",
                                                          "Upload a filled fill-in workbook: preview every change (the command line's cell-by-cell merge) before applying it; each case's changes become a revision under your name."))
                    h.el("form", ["method": "post", "action": "/workbooks/import", "enctype": "multipart/form-data", "class": "stack"]) { h in
                        h.void("input", ["type": "hidden", "name": "_csrf", "value": user.csrfToken])
                        h.el("label", ["for": "workbook"], text: t("工作簿（.xlsx）", "Workbook (.xlsx)"))
                        h.void("input", ["id": "workbook", "name": "workbook", "type": "file", "required": "",
                                         "accept": ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"])
                        h.el("label", ["class": "choice"]) { h in
                            h.void("input", ["type": "checkbox", "name": "void_signatures", "value": "true"])
                            h.text(t(" 允许修改已签字案卷（签字将失效，须重新签字）", " allow changes to signed cases (their signatures become stale)"))
                        }
                        h.el("button", ["type": "submit", "class": "primary"], text: t("预览改动", "Preview the changes"))
                    }
                }
            }
            if !jobs.isEmpty {
                h.el("section", ["class": "card"]) { h in
                    h.el("h2", text: t("我的导出（保留一小时）", "My exports (kept for an hour)"))
                    h.el("table") { h in
                        thead(&h, [t("版本", "Edition"), t("部门", "Department"), t("案卷", "Cases"), t("状态", "State"), ""])
                        h.el("tbody") { h in
                            for j in jobs {
                                h.el("tr") { h in
                                    h.el("td", text: j.kind.label.text(lang))
                                    h.el("td", text: j.department.map { library.department($0).text(lang) } ?? t("全部", "all"))
                                    h.el("td", ["class": "num"], text: String(j.total))
                                    h.el("td", text: jobState(j, lang))
                                    h.el("td") { h in
                                        if j.state == .done {
                                            h.el("a", ["href": "/workbooks/jobs/\(j.id)/file"], text: t("下载", "Download"))
                                        } else {
                                            h.el("a", ["href": "/workbooks/jobs/\(j.id)"], text: t("查看", "Open"))
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        return page.render()
    }

    static func describe(_ k: WorkbookKind, _ lang: Language) -> String {
        switch k {
        case .internal: lang == .zh ? "全部内容，存档备查" : "everything, for the record"
        case .public: lang == .zh ? "仅可公开的内容，工作表保护" : "only what may be published, sheets protected"
        case .fillIn: lang == .zh ? "审计组在 Excel / WPS 中填写后上传" : "for the audit team to fill in and upload"
        }
    }

    static func jobState(_ j: ExportJobs.Job, _ lang: Language) -> String {
        switch j.state {
        case .running: lang == .zh ? "导出中 \(j.done)/\(j.total)" : "exporting \(j.done)/\(j.total)"
        case .done: lang == .zh ? "完成，\(j.cases) 个案卷" : "done, \(j.cases) cases"
        case .failed(let m): m
        }
    }

    /// A running export's page reloads itself every second (no script); a finished one offers the file.
    static func job(lang: Language, user: SignedIn, job j: ExportJobs.Job) -> String {
        var page = Layout(title: L("导出", "Export"), lang: lang, user: user, path: "/workbooks/jobs/\(j.id)")
        page.refresh = j.state == .running ? 1 : nil
        let t = page.t
        page.main { h in
            h.el("p", ["class": "crumbs"]) { h in h.el("a", ["href": "/workbooks"], text: t("← 工作簿", "← Workbooks")) }
            h.el("h1", text: t("导出", "Export ") + j.kind.label.text(lang))
            h.el("section", ["class": "card"]) { h in
                h.el("label", ["for": "progress"], text: jobState(j, lang))
                h.el("progress", ["id": "progress", "max": String(max(j.total, 1)), "value": String(j.state == .done ? max(j.total, 1) : j.done)],
                     text: "\(j.done)/\(j.total)")
                if j.state == .done {
                    h.el("p", ["class": "muted"], text: t("数据摘要 (SHA-256) ", "Data digest (SHA-256) ") + j.digest)
                    h.el("p") { h in
                        h.el("a", ["class": "button primary", "href": "/workbooks/jobs/\(j.id)/file"], text: t("下载 ", "Download ") + j.fileName)
                    }
                }
            }
        }
        return page.render()
    }
}
