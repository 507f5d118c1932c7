import TermAudit

/// One indicator's result.
public struct IndicatorResult: Sendable, Hashable {
    public var indicator: Indicator
    /// Completion (1.0 = 100%); nil when not reported.
    public var completion: Double?
    /// Whether the indicator is met; nil when not reported.
    public var met: Bool?
}

/// Completion of a goal area or of all indicators.
public struct AreaCompletion: Sendable, Hashable {
    public var area: String
    public var total: Int
    public var met: Int
    public var reported: Int
    /// Weighted completion of reported indicators; nil when none is reported.
    public var completion: Double?
}

/// The indicators of a case.
public struct IndicatorSummary: Sendable, Hashable {
    public var results: [IndicatorResult]
    public var areas: [AreaCompletion]
    public var total: Int
    public var met: [String]
    public var unmet: [String]
    public var notReported: [String]
    /// Weighted completion over every reported indicator.
    public var completion: Double?
    public var reasons: [Reason]
}

/// Indicator rules (任期目标完成情况).
public enum IndicatorRules {
    /// Completion of one indicator.
    ///
    /// Higher is better: actual ÷ target. Lower is better, the mirror: target ÷ actual. Zero targets:
    /// higher-is-better with target 0 is complete (1.0) for any actual ≥ 0; lower-is-better with target 0 is
    /// complete when actual is 0 and 0 otherwise; lower-is-better with actual 0 and a positive target is
    /// credited at the policy's completion cap (or 1.0 without one). A missing actual is not reported, never 0.
    public static func completion(of measure: Indicator.Measure, policy: IndicatorPolicy) -> Double? {
        switch measure {
        case let .quantitative(target, actual, better):
            guard let actual else { return nil }
            switch better {
            case .higher:
                if target == 0 { return actual >= 0 ? 1 : 0 }
                return actual / target
            case .lower:
                if target == 0 { return actual <= 0 ? 1 : 0 }
                if actual <= 0 { return policy.completionCap ?? 1 }
                return target / actual
            }
        case let .qualitative(_, rating):
            guard let rating else { return nil }
            return policy.ratingCredit[rating] ?? 0
        }
    }

    /// Results, per-area and overall weighted completion (each completion capped at the policy's cap).
    public static func summarize(_ indicators: [Indicator], policy: Policy, library: Library) -> IndicatorSummary {
        let p = policy.indicators
        var results: [IndicatorResult] = []
        var met: [String] = [], unmet: [String] = [], notReported: [String] = []
        for ind in indicators {
            let c = completion(of: ind.measure, policy: p)
            var isMet: Bool?
            if let c {
                if case .qualitative(_, let rating) = ind.measure { isMet = rating == .achieved } else { isMet = c >= p.metAt - 1e-12 }
            }
            results.append(IndicatorResult(indicator: ind, completion: c, met: isMet))
            switch isMet {
            case .some(true): met.append(ind.id)
            case .some(false): unmet.append(ind.id)
            case .none: notReported.append(ind.id)
            }
        }
        func weighted(_ rs: [IndicatorResult]) -> Double? {
            var w = 0.0, s = 0.0
            for r in rs {
                guard let c = r.completion else { continue }
                let capped = p.completionCap.map { min(c, $0) } ?? c
                w += r.indicator.weight
                s += r.indicator.weight * capped
            }
            return w > 0 ? s / w : nil
        }
        var areaOrder = library.goalAreas.map(\.id)
        for r in results where !areaOrder.contains(r.indicator.area) { areaOrder.append(r.indicator.area) }
        var areas: [AreaCompletion] = []
        for a in areaOrder {
            let rs = results.filter { $0.indicator.area == a }
            if rs.isEmpty { continue }
            areas.append(AreaCompletion(area: a, total: rs.count, met: rs.filter { $0.met == true }.count,
                                        reported: rs.filter { $0.completion != nil }.count, completion: weighted(rs)))
        }
        var reasons: [Reason] = []
        if !notReported.isEmpty {
            let names = results.filter { $0.completion == nil }.map(\.indicator.name)
            reasons.append(Reason(rule: "indicators.not-reported",
                                  message: Label(zh: "\(notReported.count) 项指标未报完成值：\(names.joined(separator: "、"))",
                                                 en: "\(notReported.count) indicator(s) not reported: \(notReported.joined(separator: ", "))"),
                                  citation: p.citation))
        }
        for r in results where r.met == false {
            let pct = r.completion.map(Fmt.percent) ?? "-"
            reasons.append(Reason(rule: "indicators.unmet",
                                  message: Label(zh: "指标未完成：\(r.indicator.name)（完成率 \(pct)）",
                                                 en: "Indicator not met: \(r.indicator.id) (completion \(pct))"),
                                  citation: p.citation))
        }
        return IndicatorSummary(results: results, areas: areas, total: indicators.count, met: met, unmet: unmet,
                                notReported: notReported, completion: weighted(results), reasons: reasons)
    }
}
