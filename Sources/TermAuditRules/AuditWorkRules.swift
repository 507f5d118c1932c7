import TermAudit

/// One department's part of the audit.
public struct DepartmentProgress: Sendable, Hashable {
    public var department: String
    /// Items examined (validly) so far.
    public var done: Int
    public var total: Int
    /// Whether the department's conclusion stands (given, all items examined, consistent).
    public var concluded: Bool
    public var conclusion: Conclusion?
}

/// One audit content item with the department that answers for it and its state.
public struct AuditItemRow: Sendable, Hashable {
    public var item: AuditProgram.Item
    /// The effective department (after the workspace's reassignments).
    public var department: String
    public var state: AuditItemState
    /// Whether the item counts as examined.
    public var done: Bool
}

/// The audit work of a case, per department.
public struct AuditWorkSummary: Sendable, Hashable {
    public var program: AuditProgram?
    public var items: [AuditItemRow]
    public var departments: [DepartmentProgress]
    /// Whether every department with items has a standing conclusion.
    public var complete: Bool
    public var reasons: [Reason]
}

/// Rules for each department's part of the audit (审计事项与部门结论).
public enum AuditWorkRules {
    public static let citation = Citation(source: .local, ref: "each department answers for its items of the audit program (经济责任审计规定 2019 第十七至十九条 content; assignment to departments is local practice)")

    /// Summarizes the audit work of a case; `defaultProgram` applies when the case names none.
    public static func summarize(_ c: AuditCase, library: Library, defaultProgram: String?,
                                 reassign: [String: [String: String]], requiredOrder: [String],
                                 conflicted: Set<String> = []) -> AuditWorkSummary {
        guard let pid = c.audit?.program ?? defaultProgram, let program = library.auditPrograms[pid] else {
            return AuditWorkSummary(program: nil, items: [], departments: [], complete: true, reasons: [])
        }
        let work = c.audit ?? AuditWork(program: pid)
        var reasons: [Reason] = []
        let teamDept = Dictionary(c.team.map { ($0.name, $0.department) }, uniquingKeysWith: { a, _ in a })
        var rows: [AuditItemRow] = []
        for item in program.items {
            let dept = reassign[pid]?[item.id] ?? item.department
            let state = work.items[item.id] ?? AuditItemState(status: .pending)
            var done = state.status != .pending
            if done {
                if let ex = state.examiner {
                    if conflicted.contains(ex) {
                        done = false
                        reasons.append(Reason(rule: "audit.examiner-conflict",
                                              message: Label(zh: "审计事项「\(item.label.zh)」的审核人\(ex)应当回避，该事项不计为已审",
                                                             en: "Item \(item.id) was examined by \(ex), who must stand aside: it does not count as examined"),
                                              citation: citation))
                    } else if teamDept[ex] != dept {
                        done = false
                        reasons.append(Reason(rule: "audit.examiner-department",
                                              message: Label(zh: "审计事项「\(item.label.zh)」由\(library.department(dept).zh)负责，但审核人\(ex)不是该部门成员",
                                                             en: "Item \(item.id) belongs to \(dept), but examiner \(ex) is not a member from it"),
                                              citation: citation))
                    }
                } else {
                    done = false
                    reasons.append(Reason(rule: "audit.examiner-missing",
                                          message: Label(zh: "审计事项「\(item.label.zh)」未注明审核人", en: "Item \(item.id) names no examiner"),
                                          citation: citation))
                }
                if state.status == .problem && state.findings.isEmpty {
                    done = false
                    reasons.append(Reason(rule: "audit.problem-findings",
                                          message: Label(zh: "审计事项「\(item.label.zh)」发现问题但未关联审计发现", en: "Item \(item.id) has a problem but names no finding"),
                                          citation: citation))
                }
                if state.status == .notApplicable && (state.reason ?? "").isEmpty {
                    done = false
                    reasons.append(Reason(rule: "audit.not-applicable-reason",
                                          message: Label(zh: "审计事项「\(item.label.zh)」标为不适用但未说明理由", en: "Item \(item.id) is not applicable but gives no reason"),
                                          citation: citation))
                }
            }
            rows.append(AuditItemRow(item: item, department: dept, state: state, done: done))
        }
        var order = requiredOrder.filter { d in rows.contains { $0.department == d } }
        for r in rows where !order.contains(r.department) { order.append(r.department) }
        var departments: [DepartmentProgress] = []
        for d in order {
            let mine = rows.filter { $0.department == d }
            let done = mine.filter(\.done).count
            let conclusion = work.conclusions[d]
            var concluded = false
            let name = library.department(d)
            if let conclusion {
                concluded = true
                if done < mine.count {
                    concluded = false
                    reasons.append(Reason(rule: "audit.conclusion-early",
                                          message: Label(zh: "\(name.zh)已作结论，但其审计事项尚未全部审核（\(done)/\(mine.count)），结论暂不成立",
                                                         en: "\(name.en) concluded with \(mine.count - done) of its items not examined: the conclusion does not stand yet"),
                                          citation: citation))
                }
                if conflicted.contains(conclusion.by) {
                    concluded = false
                    reasons.append(Reason(rule: "audit.conclusion-conflict",
                                          message: Label(zh: "\(name.zh)的结论由应当回避的\(conclusion.by)作出，结论不成立",
                                                         en: "\(name.en)'s conclusion is given by \(conclusion.by), who must stand aside: it does not stand"),
                                          citation: citation))
                } else if teamDept[conclusion.by] != d {
                    concluded = false
                    reasons.append(Reason(rule: "audit.conclusion-by",
                                          message: Label(zh: "\(name.zh)的结论由\(conclusion.by)作出，但其不是该部门成员",
                                                         en: "\(name.en)'s conclusion is given by \(conclusion.by), who is not a member from it"),
                                          citation: citation))
                }
                let problems = mine.filter { $0.state.status == .problem }
                if conclusion.result == .noProblem && !problems.isEmpty {
                    concluded = false
                    reasons.append(Reason(rule: "audit.conclusion-consistent",
                                          message: Label(zh: "\(name.zh)结论为未发现问题，但事项\(problems.map(\.item.id).joined(separator: "、"))发现问题",
                                                         en: "\(name.en) concludes no problem, but items \(problems.map(\.item.id).joined(separator: ", ")) found problems"),
                                          citation: citation))
                }
                // Findings the department found directly (a finding's own `department`).
                let owned = c.findings.filter { $0.department == d }.map(\.id)
                if conclusion.result == .noProblem && !owned.isEmpty {
                    concluded = false
                    reasons.append(Reason(rule: "audit.conclusion-consistent",
                                          message: Label(zh: "\(name.zh)结论为未发现问题，但问题\(owned.joined(separator: "、"))由该部门发现",
                                                         en: "\(name.en) concludes no problem, but it found \(owned.joined(separator: ", "))"),
                                          citation: citation))
                }
                if conclusion.result == .problemsFound && conclusion.findings.isEmpty && problems.isEmpty {
                    concluded = false
                    reasons.append(Reason(rule: "audit.conclusion-findings",
                                          message: Label(zh: "\(name.zh)结论为发现问题，但未列出问题", en: "\(name.en) concludes problems found but names none"),
                                          citation: citation))
                }
            } else {
                reasons.append(Reason(rule: "audit.conclusion-missing",
                                      message: Label(zh: "\(name.zh)尚未作出结论（已审 \(done)/\(mine.count)）", en: "\(name.en) has not concluded (\(done)/\(mine.count) examined)"),
                                      citation: citation))
            }
            departments.append(DepartmentProgress(department: d, done: done, total: mine.count, concluded: concluded, conclusion: conclusion))
        }
        return AuditWorkSummary(program: program, items: rows, departments: departments,
                                complete: departments.allSatisfy(\.concluded), reasons: reasons)
    }
}
