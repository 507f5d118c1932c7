import TermAudit

/// Progress of one checklist area.
public struct AreaProgress: Sendable, Hashable {
    public var area: HandoverTemplate.Area
    public var total: Int
    public var done: Int
}

/// The handover checklist of a case.
public struct ChecklistSummary: Sendable, Hashable {
    /// The template used (nil when none is known).
    public var template: HandoverTemplate?
    /// Every template item with its state (pending when not listed).
    public var items: [(area: HandoverTemplate.Area, item: HandoverTemplate.Item, state: ItemState)]
    public var areas: [AreaProgress]
    public var total: Int
    /// Items no longer pending (done, not applicable, or an issue recorded as a finding).
    public var done: Int
    public var pending: [String]
    /// Items whose status is incomplete (`not_applicable` without reason, `issue` without finding).
    public var incomplete: [String]
    /// Items not done by the handover's `due` date, when it has passed at the reference date (pending, then incomplete).
    public var overdue: [String] = []
    public var reasons: [Reason]

    public static func == (a: ChecklistSummary, b: ChecklistSummary) -> Bool {
        a.template == b.template && a.pending == b.pending && a.done == b.done && a.incomplete == b.incomplete
    }

    public func hash(into h: inout Hasher) { h.combine(template?.id); h.combine(pending); h.combine(done) }
}

/// Handover checklist rules (交接清单).
public enum ChecklistRules {
    public static let citation = Citation(source: .local, ref: "handover checklist practice: every item handed over, not applicable with a reason, or an issue recorded as a finding")

    /// 交接期限: a handover past its `due` date with items not done (local practice: 3 days to 15 working days after notice).
    public static let overdueCitation = Citation(source: .local, ref: "交接期限: the handover's own due date (3 days to 15 working days after notice in local practice); checked at as_of")

    /// `asOf`: the reference date; a handover whose `due` is before it and has items not done is overdue.
    public static func summarize(_ c: AuditCase, defaultTemplate: String?, library: Library, asOf: Day? = nil) -> ChecklistSummary {
        let templateID = c.handover?.checklist ?? defaultTemplate
        guard let id = templateID, let template = library.handoverTemplates[id] else {
            return ChecklistSummary(template: nil, items: [], areas: [], total: 0, done: 0, pending: [], incomplete: [],
                                    reasons: [Reason(rule: "checklist.template",
                                                     message: Label(zh: "未指定交接清单模板", en: "No handover checklist template"),
                                                     citation: citation)])
        }
        var items: [(HandoverTemplate.Area, HandoverTemplate.Item, ItemState)] = []
        var areas: [AreaProgress] = []
        var pending: [String] = [], incomplete: [String] = []
        var reasons: [Reason] = []
        var done = 0
        for area in template.areas {
            var areaDone = 0
            for item in area.items {
                let state = c.handover?.items[item.id] ?? ItemState(status: .pending)
                items.append((area, item, state))
                switch state.status {
                case .pending:
                    pending.append(item.id)
                case .notApplicable where (state.reason ?? "").isEmpty:
                    incomplete.append(item.id)
                    reasons.append(Reason(rule: "checklist.not-applicable-reason",
                                          message: Label(zh: "交接事项「\(item.label.zh)」标为不适用但未说明理由",
                                                         en: "Item \(item.id) is not applicable but gives no reason"),
                                          citation: citation))
                case .issue where state.finding == nil:
                    incomplete.append(item.id)
                    reasons.append(Reason(rule: "checklist.issue-finding",
                                          message: Label(zh: "交接事项「\(item.label.zh)」有问题但未关联审计发现",
                                                         en: "Item \(item.id) has an issue but names no finding"),
                                          citation: citation))
                default:
                    done += 1
                    areaDone += 1
                }
            }
            areas.append(AreaProgress(area: area, total: area.items.count, done: areaDone))
        }
        if !pending.isEmpty {
            reasons.append(Reason(rule: "checklist.pending",
                                  message: Label(zh: "交接清单尚有 \(pending.count) 项待办", en: "\(pending.count) handover item(s) pending"),
                                  citation: citation))
        }
        var overdue: [String] = []
        if let due = c.handover?.due, let asOf, due < asOf, !(pending.isEmpty && incomplete.isEmpty) {
            overdue = pending + incomplete
            let names = items.filter { overdue.contains($0.1.id) }.map(\.1.label.zh)
            let shown = names.prefix(5).joined(separator: "、") + (names.count > 5 ? " 等 \(names.count) 项" : "")
            let shownEn = overdue.prefix(5).joined(separator: ", ") + (overdue.count > 5 ? " and \(overdue.count - 5) more" : "")
            reasons.append(Reason(rule: "handover.overdue",
                                  message: Label(zh: "交接期限 \(due) 已过，尚未完成：\(shown)",
                                                 en: "The handover was due \(due); not done: \(shownEn)"),
                                  citation: overdueCitation))
        }
        let total = items.count
        return ChecklistSummary(template: template, items: items.map { (area: $0.0, item: $0.1, state: $0.2) }, areas: areas,
                                total: total, done: done, pending: pending, incomplete: incomplete, overdue: overdue, reasons: reasons)
    }
}
