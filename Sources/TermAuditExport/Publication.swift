import TermAudit

/// Which workbook is made.
public enum Edition: String, Sendable, CaseIterable {
    /// Everything, for the record.
    case `internal`
    /// Only what may be published within the appropriate scope.
    case `public`

    /// The edition's name alone, for titles (no brackets inside brackets).
    public var name: Label {
        switch self {
        case .internal: Label(zh: "内部版", en: "internal edition")
        case .public: Label(zh: "公开版", en: "public edition")
        }
    }

    public var label: Label {
        switch self {
        case .internal: Label(zh: "内部版（完整，存档）", en: "internal (complete, for the record)")
        case .public: Label(zh: "公开版（可公开部分）", en: "public (what may be published)")
        }
    }
}

/// Every field that could go into a workbook, and the editions it may appear in.
///
/// This is the one table that decides publication (see docs/publication.md). Matters still under
/// investigation or handling (open, unverified and transferred findings) are never published beyond a count.
public enum Field: String, Sendable, CaseIterable {
    case officialName, unit, postTitle, rank, trigger, term, state, completion
    case staffID, nationalID, serviceStart, born
    case indicators, indicatorNote
    case checklistStatus, checklistReason, checklistNote, handoverParties
    case findingSettled          // rectifying and resolved findings: title, category, responsibility, status, amount, due
    case findingUnsettled        // open, unverified, transferred findings: anything beyond a count
    case findingNote
    case holdIDs
    case codes                   // ids of indicators and handover items (fiscal-revenue, seals): on paper, labels only
    case overdue                 // findings past their due date and handover items past the handover's due date
    case teamDepartments, teamMemberNames
    case auditItems              // every audit item, examiner and status
    case departmentConclusions   // per-department conclusions of concluded cases
    case assessment, consequences, placement
    case signatures

    /// The editions a field appears in. `teamMemberNames` in the public edition also needs the policy's consent.
    public var editions: Set<Edition> {
        switch self {
        case .officialName, .unit, .postTitle, .rank, .trigger, .term, .state, .completion,
             .indicators, .checklistStatus, .checklistReason, .findingSettled, .teamDepartments,
             .departmentConclusions, .assessment, .teamMemberNames:
            return [.internal, .public]
        case .staffID, .nationalID, .serviceStart, .born, .indicatorNote, .checklistNote, .handoverParties,
             .findingUnsettled, .findingNote, .holdIDs, .codes, .overdue, .auditItems, .placement, .signatures, .consequences:
            return [.internal]
        }
    }
}

extension Edition {
    /// Whether a field goes into this edition under a policy: the table, the policy's consent for member names, and
    /// the internal fields the policy also publishes (`publication.also_public`: consequences, placement).
    public func includes(_ field: Field, policy: Policy) -> Bool {
        if self == .public, policy.publication.alsoPublic.contains(field.rawValue), PublicationPolicy.publishable.contains(field.rawValue) {
            return true
        }
        return includes(field, teamNamesAllowed: policy.publication.teamNames)
    }

    /// Whether a field goes into this edition (`teamNamesAllowed` is the policy's consent for member names).
    public func includes(_ field: Field, teamNamesAllowed: Bool = false) -> Bool {
        if field == .teamMemberNames && self == .public && !teamNamesAllowed { return false }
        return field.editions.contains(self)
    }
}

/// The publication decisions beyond the field table — which cases appear, which findings are withheld. Renderers
/// (the workbook today, public pages later) ask here; none decides for itself.
public enum Publication {
    /// Whether a case appears in an edition at all: the public edition carries only the cases in the policy's
    /// published states (default: the audit has concluded — ready for sign-off, signed off); cases being prepared,
    /// audited or on hold do not appear.
    public static func publishes(_ state: CaseState, in edition: Edition, policy: Policy) -> Bool {
        edition != .public || policy.publication.states.contains(state)
    }

    /// Whether a finding is a matter still under investigation or handling — open, unverified, transferred, or any
    /// status the policy holds the case for — and so never published, nor anything that points at it.
    public static func underInvestigation(_ status: FindingStatus, policy: Policy) -> Bool {
        status == .open || status == .unverified || status == .transferred || policy.findings.holding.contains(status)
    }

    /// Whether an edition withholds a finding (and every row that points at it).
    public static func withholds(_ status: FindingStatus, in edition: Edition, policy: Policy) -> Bool {
        !edition.includes(.findingUnsettled, policy: policy) && underInvestigation(status, policy: policy)
    }
}

/// The printed header and footer of every sheet (Excel's codes: `&L &C &R` sections, `&A` the sheet, `&P` the page,
/// `&N` the pages): the jurisdiction, the workbook's title and edition, the sheet; the date of the data, the page of
/// the total, and the scope mark.
public enum PageMarks {
    /// The scope mark of an edition.
    public static func scope(_ edition: Edition?) -> Label {
        switch edition {
        case .public?: Label(zh: "在适当范围公开", en: "published within the appropriate scope")
        case .internal?: Label(zh: "内部资料 注意保管", en: "internal: keep safe")
        case nil: Label(zh: "审计组填报 内部资料", en: "audit team's fill-in: internal")
        }
    }

    /// `edition` nil: the fill-in workbook.
    public static func header(jurisdiction: String, edition: Edition?, lang: Language) -> String {
        let name = edition.map { $0.name.text(lang) } ?? (lang == .zh ? "填报版" : "fill-in edition")
        let title = lang == .zh ? "领导干部经济责任审计结果 · \(name)" : "Economic-responsibility audit results · \(name)"
        return "&L\(escape(jurisdiction))&C\(escape(title))&R&A"
    }

    public static func footer(asOf: Day, edition: Edition?, lang: Language) -> String {
        let data = lang == .zh ? "数据截至 \(asOf)" : "Data as of \(asOf)"
        let page = lang == .zh ? "第 &P 页 共 &N 页" : "Page &P of &N"
        return "&L\(escape(data))&C\(page)&R\(escape(scope(edition).text(lang)))"
    }

    /// Text as Excel's header codes show it literally (`&` doubled), cut so that the whole stays within 255.
    static func escape(_ s: String) -> String {
        String(s.prefix(60)).replacingOccurrences(of: "&", with: "&&")
    }
}
