import TermAudit

/// Which workbook is made.
public enum Edition: String, Sendable, CaseIterable {
    /// Everything, for the record.
    case `internal`
    /// Only what may be published within the appropriate scope.
    case `public`

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
             .departmentConclusions, .assessment, .consequences, .teamMemberNames:
            return [.internal, .public]
        case .staffID, .nationalID, .serviceStart, .born, .indicatorNote, .checklistNote, .handoverParties,
             .findingUnsettled, .findingNote, .holdIDs, .overdue, .auditItems, .placement, .signatures:
            return [.internal]
        }
    }
}

extension Edition {
    /// Whether a field goes into this edition (`teamNamesAllowed` is the policy's consent for member names).
    public func includes(_ field: Field, teamNamesAllowed: Bool = false) -> Bool {
        if field == .teamMemberNames && self == .public && !teamNamesAllowed { return false }
        return field.editions.contains(self)
    }
}
