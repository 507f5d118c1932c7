import TermAudit

/// The audit team's validity.
public struct TeamCheck: Sendable, Hashable {
    public var valid: Bool
    /// Required departments with no member.
    public var missing: [String]
    /// Members who may not audit this case (from the audited unit, or the official).
    public var conflicts: [String]
    public var reasons: [Reason]
}

/// Audit team rules (审计组): required departments, one leader, nobody twice, independence.
public enum TeamRules {
    /// `units`: with a registry, a member's unit and the audited unit are compared by identity (name or alias).
    public static func check(_ c: AuditCase, policy: Policy, library: Library, units: UnitRegistry? = nil) -> TeamCheck {
        let p = policy.team
        var reasons: [Reason] = []
        let present = Set(c.team.map(\.department))
        let missing = p.requiredDepartments.filter { !present.contains($0) }
        if !missing.isEmpty {
            let zh = missing.map { library.department($0).zh }.joined(separator: "、")
            let en = missing.map { library.department($0).en }.joined(separator: ", ")
            reasons.append(Reason(rule: "team.required-departments",
                                  message: Label(zh: "审计组缺少\(zh)部门成员", en: "The audit team has no member from: \(en)"),
                                  citation: p.citation))
        }
        let leaders = c.team.filter(\.leader)
        if leaders.count != 1 {
            let zh = leaders.isEmpty ? "审计组未指定组长" : "审计组有 \(leaders.count) 名组长（\(leaders.map(\.name).joined(separator: "、"))），只能有一名"
            let en = leaders.isEmpty ? "The audit team has no leader" : "The audit team has \(leaders.count) leaders; exactly one is allowed"
            reasons.append(Reason(rule: "team.one-leader", message: Label(zh: zh, en: en), citation: p.citation))
        }
        var seen = Set<String>()
        var twice: [String] = []
        for m in c.team where !seen.insert(m.name).inserted { twice.append(m.name) }
        if !twice.isEmpty {
            reasons.append(Reason(rule: "team.no-duplicates",
                                  message: Label(zh: "成员重复列出：\(twice.joined(separator: "、"))", en: "Listed twice: \(twice.joined(separator: ", "))"),
                                  citation: p.citation))
        }
        var conflicts: [String] = []
        for m in c.team {
            if m.name == c.official.name {
                conflicts.append(m.name)
                reasons.append(Reason(rule: "team.independence",
                                      message: Label(zh: "被审计人\(m.name)本人不得为审计组成员", en: "The audited official \(m.name) cannot be on the team"),
                                      citation: p.independenceCitation))
            } else if let role = ["incoming", "outgoing"].first(where: { c.handover?.parties[$0] == m.name }) {
                conflicts.append(m.name)
                let zh = role == "incoming" ? "接交人" : "移交人", en = role == "incoming" ? "incoming" : "outgoing"
                reasons.append(Reason(rule: "team.independence",
                                      message: Label(zh: "\(zh)\(m.name)是交接一方，不得为审计组成员",
                                                     en: "\(m.name) is the \(en) party of the handover and cannot be on the team"),
                                      citation: p.independenceCitation))
            } else if units?.same(m.unit, c.post.unit) ?? (m.unit == c.post.unit) {
                conflicts.append(m.name)
                reasons.append(Reason(rule: "team.independence",
                                      message: Label(zh: "成员\(m.name)来自被审计单位（\(m.unit)\(m.unit == c.post.unit ? "" : "，即\(c.post.unit)")），应当回避",
                                                     en: "Member \(m.name) is from the audited unit (\(m.unit)\(m.unit == c.post.unit ? "" : ", that is \(c.post.unit)")) and must stand aside"),
                                      citation: p.independenceCitation))
            }
        }
        let valid = missing.isEmpty && leaders.count == 1 && twice.isEmpty && conflicts.isEmpty
        return TeamCheck(valid: valid, missing: missing, conflicts: conflicts, reasons: reasons)
    }
}
