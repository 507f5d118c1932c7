/// Where a case comes from: a file of a folder workspace (its absolute path), or a record of a store (its id and
/// revision). Commands that change a case write back to its origin — never to a path taken from a message (the
/// display path in `location` is for people).
public enum CaseOrigin: Sendable, Hashable {
    case file(path: String, line: Int, column: Int)
    case record(id: String, revision: Int)
    /// Parsed from text (tests, tools): nowhere to write back to.
    case memory

    /// The absolute path of the case file, for a case read from a folder.
    public var filePath: String? {
        if case .file(let path, _, _) = self { return path }
        return nil
    }
}

/// One audited official's case: the contents of one case file (`cases/**/*.yaml`).
public struct AuditCase: Sendable, Hashable {
    public var id: String
    public var official: Official
    public var post: Post
    public var trigger: Trigger
    public var team: [TeamMember]
    public var indicators: [Indicator]
    public var handover: Handover?
    public var findings: [Finding]
    public var assessment: [AssessmentYear]
    public var signoffs: [Signoff]
    /// Each department's part of the audit (审计事项与结论), if recorded.
    public var audit: AuditWork?
    /// Where the case was read from (the `id` key).
    public var location: SourceLocation
    /// Where the case was read from (not part of its content: the digest does not cover it).
    public var origin: CaseOrigin = .memory

    public init(id: String, official: Official, post: Post, trigger: Trigger, team: [TeamMember] = [],
                indicators: [Indicator] = [], handover: Handover? = nil, findings: [Finding] = [],
                assessment: [AssessmentYear] = [], signoffs: [Signoff] = [], audit: AuditWork? = nil,
                location: SourceLocation = SourceLocation(file: "<memory>", line: 1, column: 1)) {
        self.id = id
        self.official = official
        self.post = post
        self.trigger = trigger
        self.team = team
        self.indicators = indicators
        self.handover = handover
        self.findings = findings
        self.assessment = assessment
        self.signoffs = signoffs
        self.audit = audit
        self.location = location
    }

    /// The finding with an id, if any.
    public func finding(_ id: String) -> Finding? { findings.first { $0.id == id } }
}

/// The audited official (被审计领导干部).
public struct Official: Sendable, Hashable {
    public var name: String
    /// Internal staff number; never published.
    public var staffID: String?
    /// National identity number; internal only, never published.
    public var nationalID: String?
    /// 参加工作时间.
    public var serviceStart: Day?
    /// 出生日期 (optional; used for the retirement-age check).
    public var born: Day?
    /// 性别 (optional; retirement ages may differ by sex).
    public var sex: Sex?
    /// 诫勉、组织处理、处分 on record (选拔任用条例 Art. 24: no promotion while one is in force).
    public var sanctions: [Sanction]

    public init(name: String, staffID: String? = nil, nationalID: String? = nil, serviceStart: Day? = nil, born: Day? = nil,
                sex: Sex? = nil, sanctions: [Sanction] = []) {
        self.name = name
        self.staffID = staffID
        self.nationalID = nationalID
        self.serviceStart = serviceStart
        self.born = born
        self.sex = sex
        self.sanctions = sanctions
    }
}

/// What is wrong with an inherited window (`post.inherits`, the predecessor's counted term) for a decision date:
/// each problem with what would be right. One check for the loader and `termaudit term`.
public enum InheritedTermCheck {
    public struct Problem: Sendable, Hashable {
        public var message: String
        public var hint: String
    }

    public static func problems(inherits: DayRange, decided: Day, termYears: Int?) -> [Problem] {
        var out: [Problem] = []
        if inherits.start > decided {
            out.append(Problem(message: "post.inherits starts \(inherits.start), after the decision \(decided)",
                               hint: "a mid-term replacement takes over a term already under way: the predecessor's term starts before the decision"))
        }
        if decided > inherits.end {
            out.append(Problem(message: "post.inherits ends \(inherits.end), before the decision \(decided)",
                               hint: "a mid-term replacement is decided inside the predecessor's term"))
        }
        if let years = termYears, inherits.end > inherits.start.termEnd(years: years) {
            out.append(Problem(message: "post.inherits \(inherits) is longer than one term of \(years) years (a term from \(inherits.start) ends \(inherits.start.termEnd(years: years)))",
                               hint: "give the predecessor's counted term, at most \(years) years"))
        }
        return out
    }
}

/// 性别.
public enum Sex: String, Sendable, Hashable, CaseIterable {
    case male, female

    public var label: Label {
        switch self {
        case .male: Label(zh: "男", en: "male")
        case .female: Label(zh: "女", en: "female")
        }
    }
}

/// The kind of a sanction on record.
public enum SanctionKind: String, Sendable, Hashable, CaseIterable {
    /// 诫勉.
    case admonishment
    /// 组织处理 (调离岗位、引咎辞职、责令辞职、免职、降职).
    case organizational
    /// 党纪政务处分.
    case disciplinary

    public var label: Label {
        switch self {
        case .admonishment: Label(zh: "诫勉", en: "admonishment")
        case .organizational: Label(zh: "组织处理", en: "organizational measure")
        case .disciplinary: Label(zh: "处分", en: "disciplinary sanction")
        }
    }
}

/// A sanction on record: decided on `date`, in force until `until` (or the policy's default period).
public struct Sanction: Sendable, Hashable {
    public var kind: SanctionKind
    public var date: Day
    public var until: Day?
    public var note: String?
    public var location: SourceLocation

    public init(kind: SanctionKind, date: Day, until: Day? = nil, note: String? = nil,
                location: SourceLocation = SourceLocation(file: "<memory>", line: 1, column: 1)) {
        self.kind = kind
        self.date = date
        self.until = until
        self.note = note
        self.location = location
    }
}

/// 正职 (term system) or 副职 (appointment system).
public enum Rank: String, Sendable, Hashable, CaseIterable {
    case principal, deputy

    public var label: Label {
        switch self {
        case .principal: Label(zh: "正职", en: "principal")
        case .deputy: Label(zh: "副职", en: "deputy")
        }
    }
}

/// How the official came into the post.
public enum Basis: String, Sendable, Hashable, CaseIterable {
    /// 选任
    case elected
    /// 委任
    case appointed
    /// 聘任
    case contract

    public var label: Label {
        switch self {
        case .elected: Label(zh: "选任", en: "elected")
        case .appointed: Label(zh: "委任", en: "appointed")
        case .contract: Label(zh: "聘任", en: "contract")
        }
    }
}

/// The post the official leaves or holds.
public struct Post: Sendable, Hashable {
    public var unit: String
    public var title: String
    public var rank: Rank
    public var level: String
    /// The ranking group (同层级、同系统).
    public var system: String
    public var basis: Basis
    /// 任职决定时间.
    public var decided: Day
    /// The predecessor's counted term, for a mid-term replacement (任期内因组织调整到职).
    public var inherits: DayRange?
    /// Completed terms in this same post before the current one.
    public var termsBefore: Int
    /// Cumulative years at this level before this post.
    public var yearsAtLevel: Int?

    public init(unit: String, title: String, rank: Rank, level: String, system: String, basis: Basis,
                decided: Day, inherits: DayRange? = nil, termsBefore: Int = 0, yearsAtLevel: Int? = nil) {
        self.unit = unit
        self.title = title
        self.rank = rank
        self.level = level
        self.system = system
        self.basis = basis
        self.decided = decided
        self.inherits = inherits
        self.termsBefore = termsBefore
        self.yearsAtLevel = yearsAtLevel
    }
}

/// Why the audit happens.
public enum Trigger: String, Sendable, Hashable, CaseIterable {
    /// 任期届满
    case termEnd = "term_end"
    /// 调整岗位
    case transfer
    /// 提拔重用
    case promotion

    public var label: Label {
        switch self {
        case .termEnd: Label(zh: "任期届满", en: "term end")
        case .transfer: Label(zh: "调整岗位", en: "transfer")
        case .promotion: Label(zh: "提拔重用", en: "promotion")
        }
    }
}

/// A member of the audit team (审计组成员).
public struct TeamMember: Sendable, Hashable {
    public var name: String
    /// A department id from the vocabulary (`discipline`, `organization`, `personnel`, `audit`, …).
    public var department: String
    public var unit: String
    public var leader: Bool
    public var location: SourceLocation

    public init(name: String, department: String, unit: String, leader: Bool = false,
                location: SourceLocation = SourceLocation(file: "<memory>", line: 1, column: 1)) {
        self.name = name
        self.department = department
        self.unit = unit
        self.leader = leader
        self.location = location
    }
}

/// Which direction of an indicator is good.
public enum Direction: String, Sendable, Hashable, CaseIterable {
    case higher, lower

    public var label: Label {
        switch self {
        case .higher: Label(zh: "越高越好", en: "higher is better")
        case .lower: Label(zh: "越低越好", en: "lower is better")
        }
    }
}

/// The rating of a qualitative indicator.
public enum Rating: String, Sendable, Hashable, CaseIterable {
    case achieved, partial
    case notAchieved = "not_achieved"

    public var label: Label {
        switch self {
        case .achieved: Label(zh: "达成", en: "achieved")
        case .partial: Label(zh: "部分达成", en: "partial")
        case .notAchieved: Label(zh: "未达成", en: "not achieved")
        }
    }
}

/// A term goal indicator (任期目标指标): quantitative (a number target) or qualitative (a text target and a rating).
public struct Indicator: Sendable, Hashable {
    /// The target and the result.
    public enum Measure: Sendable, Hashable {
        /// A number target; `actual` nil means not reported.
        case quantitative(target: Double, actual: Double?, better: Direction)
        /// A text target; `rating` nil means not reported.
        case qualitative(target: String, rating: Rating?)
    }

    public var id: String
    /// A goal area id (`duties`, `party-organization`, …).
    public var area: String
    public var name: String
    public var unit: String?
    public var measure: Measure
    public var weight: Double
    public var note: String?
    public var location: SourceLocation

    public init(id: String, area: String, name: String, unit: String? = nil, measure: Measure, weight: Double = 1,
                note: String? = nil, location: SourceLocation = SourceLocation(file: "<memory>", line: 1, column: 1)) {
        self.id = id
        self.area = area
        self.name = name
        self.unit = unit
        self.measure = measure
        self.weight = weight
        self.note = note
        self.location = location
    }
}

/// The status of a handover checklist item.
public enum ItemStatus: String, Sendable, Hashable, CaseIterable {
    case pending, done
    case notApplicable = "not_applicable"
    case issue

    public var label: Label {
        switch self {
        case .pending: Label(zh: "待办", en: "pending")
        case .done: Label(zh: "已交接", en: "done")
        case .notApplicable: Label(zh: "不适用", en: "not applicable")
        case .issue: Label(zh: "有问题", en: "issue")
        }
    }
}

/// One handover checklist item's state in a case.
public struct ItemState: Sendable, Hashable {
    public var status: ItemStatus
    public var note: String?
    /// Why the item does not apply (required with `not_applicable`).
    public var reason: String?
    /// The finding an `issue` refers to.
    public var finding: String?
    public var location: SourceLocation

    public init(status: ItemStatus, note: String? = nil, reason: String? = nil, finding: String? = nil,
                location: SourceLocation = SourceLocation(file: "<memory>", line: 1, column: 1)) {
        self.status = status
        self.note = note
        self.reason = reason
        self.finding = finding
        self.location = location
    }
}

/// The handover (工作变动交接) of the case.
public struct Handover: Sendable, Hashable {
    /// A handover template id from `checklists/handover/`.
    public var checklist: String
    /// Item states by item id; items of the template not listed are pending.
    public var items: [String: ItemState]
    /// 移交人, 接交人, 监交人 by role id (`outgoing`, `incoming`, `supervisor`).
    public var parties: [String: String]
    /// The date the handover was notified (通知交接日期), if known.
    public var notified: Day?
    /// The deadline for the handover, if set.
    public var due: Day?

    public init(checklist: String, items: [String: ItemState] = [:], parties: [String: String] = [:],
                notified: Day? = nil, due: Day? = nil) {
        self.checklist = checklist
        self.items = items
        self.parties = parties
        self.notified = notified
        self.due = due
    }
}

/// The status of an audit finding (审计发现问题).
public enum FindingStatus: String, Sendable, Hashable, CaseIterable {
    /// Found, not yet handled.
    case open
    /// 一时难以查清.
    case unverified
    /// 持续整改.
    case rectifying
    /// 已整改.
    case resolved
    /// 移送纪检监察.
    case transferred

    public var label: Label {
        switch self {
        case .open: Label(zh: "未整改", en: "open")
        case .unverified: Label(zh: "一时难以查清", en: "unverified")
        case .rectifying: Label(zh: "持续整改", en: "rectifying")
        case .resolved: Label(zh: "已整改", en: "resolved")
        case .transferred: Label(zh: "移送纪检监察", en: "transferred")
        }
    }
}

/// An audit finding.
public struct Finding: Sendable, Hashable {
    public var id: String
    public var title: String
    /// A finding category id from the vocabulary.
    public var category: String
    /// A responsibility id (`direct`, `leadership`), if determined.
    public var responsibility: String?
    public var status: FindingStatus
    /// Amount involved, in 万元, if any.
    public var amount: Double?
    /// Internal note; never published.
    public var note: String?
    /// Rectification or feedback due date.
    public var due: Day?
    /// The department that found it, when no audit item links it (a department id).
    public var department: String?
    public var location: SourceLocation

    public init(id: String, title: String, category: String, responsibility: String? = nil, status: FindingStatus,
                amount: Double? = nil, note: String? = nil, due: Day? = nil, department: String? = nil,
                location: SourceLocation = SourceLocation(file: "<memory>", line: 1, column: 1)) {
        self.department = department
        self.id = id
        self.title = title
        self.category = category
        self.responsibility = responsibility
        self.status = status
        self.amount = amount
        self.note = note
        self.due = due
        self.location = location
    }
}

/// The yearly assessment grade (年度考核等次).
public enum Grade: String, Sendable, Hashable, CaseIterable, Comparable {
    case excellent = "优秀"
    case competent = "称职"
    case basicallyCompetent = "基本称职"
    case incompetent = "不称职"

    /// Parses the Chinese grade or its English id.
    public init?(text: String) {
        if let g = Grade(rawValue: text) { self = g; return }
        switch text {
        case "excellent": self = .excellent
        case "competent": self = .competent
        case "basically_competent": self = .basicallyCompetent
        case "incompetent": self = .incompetent
        default: return nil
        }
    }

    public var label: Label {
        switch self {
        case .excellent: Label(zh: "优秀", en: "excellent")
        case .competent: Label(zh: "称职", en: "competent")
        case .basicallyCompetent: Label(zh: "基本称职", en: "basically competent")
        case .incompetent: Label(zh: "不称职", en: "incompetent")
        }
    }

    /// Order from best (0) to worst (3).
    public var order: Int { Grade.allCases.firstIndex(of: self)! }

    public static func < (a: Grade, b: Grade) -> Bool { a.order < b.order }
}

/// One year's assessment of the official.
public struct AssessmentYear: Sendable, Hashable {
    public var year: Int
    /// 工作实绩, 0–100.
    public var performance: Double?
    /// 民意测评, 0–100.
    public var opinion: Double?
    /// A grade decided by the committee; it stands as given.
    public var grade: Grade?
    /// The leadership team's class that year (一类 … 四类), when decided.
    public var teamClass: Int?
    /// The leadership team's score that year (0–100), from which a class is derived when none is given.
    public var teamScore: Double?
    public var location: SourceLocation

    public init(year: Int, performance: Double? = nil, opinion: Double? = nil, grade: Grade? = nil,
                teamClass: Int? = nil, teamScore: Double? = nil,
                location: SourceLocation = SourceLocation(file: "<memory>", line: 1, column: 1)) {
        self.year = year
        self.performance = performance
        self.opinion = opinion
        self.grade = grade
        self.teamClass = teamClass
        self.teamScore = teamScore
        self.location = location
    }
}

/// A sign-off record, written by the tool (never by hand).
public struct Signoff: Sendable, Hashable {
    public var role: String
    public var name: String
    public var post: String
    public var time: String
    public var digest: String
    public var signature: String
    public var publicKey: String
    /// Per top-level section digests at signing time.
    public var sections: [String: String]
    public var location: SourceLocation

    public init(role: String, name: String, post: String, time: String, digest: String, signature: String,
                publicKey: String, sections: [String: String] = [:],
                location: SourceLocation = SourceLocation(file: "<memory>", line: 1, column: 1)) {
        self.role = role
        self.name = name
        self.post = post
        self.time = time
        self.digest = digest
        self.signature = signature
        self.publicKey = publicKey
        self.sections = sections
        self.location = location
    }
}

/// The status of one audit content item (审计事项).
public enum AuditItemStatus: String, Sendable, Hashable, CaseIterable {
    case pending
    /// 未发现问题
    case noProblem = "no_problem"
    /// 发现问题 (with finding ids)
    case problem
    /// 不适用 (with a reason)
    case notApplicable = "not_applicable"

    public var label: Label {
        switch self {
        case .pending: Label(zh: "待审", en: "pending")
        case .noProblem: Label(zh: "未发现问题", en: "no problem")
        case .problem: Label(zh: "发现问题", en: "problem")
        case .notApplicable: Label(zh: "不适用", en: "not applicable")
        }
    }
}

/// One audit content item's state in a case.
public struct AuditItemState: Sendable, Hashable {
    public var status: AuditItemStatus
    /// Findings a `problem` item refers to.
    public var findings: [String]
    /// The team member who examined the item.
    public var examiner: String?
    /// Why the item does not apply.
    public var reason: String?
    public var note: String?
    public var location: SourceLocation

    public init(status: AuditItemStatus, findings: [String] = [], examiner: String? = nil, reason: String? = nil,
                note: String? = nil, location: SourceLocation = SourceLocation(file: "<memory>", line: 1, column: 1)) {
        self.status = status
        self.findings = findings
        self.examiner = examiner
        self.reason = reason
        self.note = note
        self.location = location
    }
}

/// A department's conclusion (结论).
public struct Conclusion: Sendable, Hashable {
    /// 未发现问题 or 发现问题.
    public enum Result: String, Sendable, Hashable, CaseIterable {
        case noProblem = "no_problem"
        case problemsFound = "problems_found"

        public var label: Label {
            switch self {
            case .noProblem: Label(zh: "未发现问题", en: "no problem found")
            case .problemsFound: Label(zh: "发现问题", en: "problems found")
            }
        }
    }

    public var result: Result
    public var findings: [String]
    /// The member who gives the conclusion.
    public var by: String
    public var date: Day
    public var location: SourceLocation

    public init(result: Result, findings: [String] = [], by: String, date: Day,
                location: SourceLocation = SourceLocation(file: "<memory>", line: 1, column: 1)) {
        self.result = result
        self.findings = findings
        self.by = by
        self.date = date
        self.location = location
    }
}

/// Each department's part of the audit: the program, item states and conclusions.
public struct AuditWork: Sendable, Hashable {
    /// An audit program id from `checklists/audit-content/`.
    public var program: String
    /// Item states by item id; items of the program not listed are pending.
    public var items: [String: AuditItemState]
    /// Conclusions by department id.
    public var conclusions: [String: Conclusion]

    public init(program: String, items: [String: AuditItemState] = [:], conclusions: [String: Conclusion] = [:]) {
        self.program = program
        self.items = items
        self.conclusions = conclusions
    }
}

/// The derived state of a case, never typed by hand.
public enum CaseState: String, Sendable, Hashable, CaseIterable, Encodable {
    /// 待岗: a finding cannot be cleared for now.
    case onHold = "on_hold"
    /// 组建审计组: the audit team is not valid.
    case preparing
    /// 审计中: something is pending.
    case auditing
    /// 待签字: the audit is clean; required signatures are missing.
    case readyForSignoff = "ready_for_signoff"
    /// 已签字: every required signature is present and valid.
    case signedOff = "signed_off"

    public var label: Label {
        switch self {
        case .onHold: Label(zh: "待岗", en: "on hold")
        case .preparing: Label(zh: "组建审计组", en: "preparing")
        case .auditing: Label(zh: "审计中", en: "auditing")
        case .readyForSignoff: Label(zh: "待签字", en: "ready for sign-off")
        case .signedOff: Label(zh: "已签字", en: "signed off")
        }
    }
}

extension Sex: Labelled {}
extension SanctionKind: Labelled {}
extension Rank: Labelled {}
extension Basis: Labelled {}
extension Trigger: Labelled {}
extension Direction: Labelled {}
extension Rating: Labelled {}
extension ItemStatus: Labelled {}
extension FindingStatus: Labelled {}
extension Grade: Labelled {}
extension AuditItemStatus: Labelled {}
extension Conclusion.Result: Labelled {}
extension CaseState: Labelled {}
