import Crypto
import Foundation
import TermAudit

/// The canonical form of a case's content and its digests (see docs/signoff.md).
///
/// The content is everything of the case but its `signoffs`, taken from the parsed model (never the file's
/// bytes): reformatting, reordering keys, comments, quoting, or flow versus block style do not change it.
/// Each top-level section has a canonical JSON text and a SHA-256 digest; the case digest is the SHA-256 of
/// the canonical root document `{"case":ID,"format":"termaudit-case-v1","sections":{NAME:DIGEST,…}}`,
/// which binds the case id and every section.
public struct CaseDigest: Sendable, Hashable {
    /// The version tag in the root document.
    public static let format = "termaudit-case-v1"

    /// The top-level sections, in file order.
    public static let sectionNames = ["official", "post", "trigger", "team", "indicators", "handover", "findings", "assessment", "audit"]

    /// Chinese and English names of the sections, for messages.
    public static let sectionLabels: [String: Label] = [
        "official": Label(zh: "被审计领导干部", en: "official"),
        "post": Label(zh: "职务", en: "post"),
        "trigger": Label(zh: "审计事由", en: "trigger"),
        "team": Label(zh: "审计组", en: "audit team"),
        "indicators": Label(zh: "任期目标指标", en: "indicators"),
        "handover": Label(zh: "工作交接", en: "handover"),
        "findings": Label(zh: "审计发现问题", en: "findings"),
        "assessment": Label(zh: "年度考核", en: "assessment"),
        "audit": Label(zh: "审计事项与部门结论", en: "audit work"),
    ]

    public let caseID: String
    /// The canonical JSON of each section.
    public let sections: [String: CanonicalJSON]
    /// SHA-256 (lowercase hex) of each section's canonical text.
    public let sectionDigests: [String: String]
    /// SHA-256 (lowercase hex) of the canonical root document.
    public let digest: String

    public init(_ c: AuditCase) {
        caseID = c.id
        sections = Self.canonicalSections(c)
        var d: [String: String] = [:]
        d.reserveCapacity(sections.count)
        for (k, v) in sections { d[k] = Self.sha256Hex(v.utf8) }
        sectionDigests = d
        digest = Self.rootDigest(caseID: c.id, sectionDigests: d)
    }

    /// The canonical root document for a case id and section digests.
    public static func root(caseID: String, sectionDigests: [String: String]) -> CanonicalJSON {
        .object(["case": .string(caseID), "format": .string(format),
                 "sections": .object(sectionDigests.mapValues { .string($0) })])
    }

    /// The case digest for a case id and section digests.
    public static func rootDigest(caseID: String, sectionDigests: [String: String]) -> String {
        sha256Hex(root(caseID: caseID, sectionDigests: sectionDigests).utf8)
    }

    /// The canonical root document of this case.
    public var rootDocument: CanonicalJSON { Self.root(caseID: caseID, sectionDigests: sectionDigests) }

    /// Sections whose digest differs from `recorded` (missing ones count as changed), in file order.
    public func changedSections(since recorded: [String: String]) -> [String] {
        Self.sectionNames.filter { recorded[$0] != sectionDigests[$0] }
    }

    /// SHA-256 as 64 lowercase hexadecimal digits.
    public static func sha256Hex(_ data: Data) -> String {
        CanonicalJSON.hex(SHA256.hash(data: data))
    }

    /// SHA-256 of bytes as 64 lowercase hexadecimal digits.
    public static func sha256Hex(_ bytes: [UInt8]) -> String {
        CanonicalJSON.hex(SHA256.hash(data: bytes))
    }

    // MARK: The model as canonical JSON

    static func canonicalSections(_ c: AuditCase) -> [String: CanonicalJSON] {
        [
            "official": official(c.official),
            "post": post(c.post),
            "trigger": .string(c.trigger.rawValue),
            "team": .array(c.team.map(member)),
            "indicators": .array(c.indicators.map(indicator)),
            "handover": c.handover.map(handover) ?? .null,
            "findings": .array(c.findings.map(finding)),
            "assessment": .array(c.assessment.map(year)),
            "audit": c.audit.map(audit) ?? .null,
        ]
    }

    /// An object without the absent (nil) members.
    static func object(_ members: [(String, CanonicalJSON?)]) -> CanonicalJSON {
        var o: [String: CanonicalJSON] = [:]
        for (k, v) in members { if let v { o[k] = v } }
        return .object(o)
    }

    static func str(_ s: String?) -> CanonicalJSON? { s.map { .string($0) } }
    static func num(_ d: Double?) -> CanonicalJSON? { d.map { .number($0) } }
    static func int(_ i: Int?) -> CanonicalJSON? { i.map { .number(Double($0)) } }
    static func day(_ d: Day?) -> CanonicalJSON? { d.map { .string($0.description) } }

    static func official(_ o: Official) -> CanonicalJSON {
        object([("name", .string(o.name)), ("staff_id", str(o.staffID)), ("national_id", str(o.nationalID)),
                ("service_start", day(o.serviceStart)), ("born", day(o.born)), ("sex", str(o.sex?.rawValue)),
                // Present only when there are sanctions, so that the digests of cases without them are as before.
                ("sanctions", o.sanctions.isEmpty ? nil : .array(o.sanctions.map(sanction)))])
    }

    static func sanction(_ s: Sanction) -> CanonicalJSON {
        object([("kind", .string(s.kind.rawValue)), ("date", day(s.date)), ("until", day(s.until)), ("note", str(s.note))])
    }

    static func post(_ p: Post) -> CanonicalJSON {
        object([("unit", .string(p.unit)), ("title", .string(p.title)), ("rank", .string(p.rank.rawValue)),
                ("level", .string(p.level)), ("system", .string(p.system)), ("basis", .string(p.basis.rawValue)),
                ("decided", day(p.decided)), ("inherits", str(p.inherits?.description)),
                ("terms_before", int(p.termsBefore)), ("years_at_level", int(p.yearsAtLevel))])
    }

    static func member(_ m: TeamMember) -> CanonicalJSON {
        object([("name", .string(m.name)), ("department", .string(m.department)), ("unit", .string(m.unit)),
                ("leader", .bool(m.leader))])
    }

    static func indicator(_ i: Indicator) -> CanonicalJSON {
        var members: [(String, CanonicalJSON?)] = [("id", .string(i.id)), ("area", .string(i.area)), ("name", .string(i.name)),
                                                   ("unit", str(i.unit)), ("weight", num(i.weight)), ("note", str(i.note))]
        switch i.measure {
        case let .quantitative(target, actual, better):
            members += [("target", .number(target)), ("actual", num(actual)), ("better", .string(better.rawValue))]
        case let .qualitative(target, rating):
            members += [("target", .string(target)), ("rating", str(rating?.rawValue))]
        }
        return object(members)
    }

    static func handover(_ h: Handover) -> CanonicalJSON {
        object([("checklist", .string(h.checklist)),
                ("items", .object(h.items.mapValues(item))),
                ("parties", .object(h.parties.mapValues { .string($0) })),
                ("notified", day(h.notified)), ("due", day(h.due))])
    }

    static func item(_ s: ItemState) -> CanonicalJSON {
        object([("status", .string(s.status.rawValue)), ("note", str(s.note)), ("reason", str(s.reason)),
                ("finding", str(s.finding))])
    }

    static func finding(_ f: Finding) -> CanonicalJSON {
        object([("id", .string(f.id)), ("title", .string(f.title)), ("category", .string(f.category)),
                ("responsibility", str(f.responsibility)), ("status", .string(f.status.rawValue)),
                ("amount", num(f.amount)), ("note", str(f.note)), ("due", day(f.due)), ("department", str(f.department))])
    }

    static func audit(_ a: AuditWork) -> CanonicalJSON {
        object([("program", .string(a.program)),
                ("items", .object(a.items.mapValues(auditItem))),
                ("conclusions", .object(a.conclusions.mapValues(conclusion)))])
    }

    static func auditItem(_ s: AuditItemState) -> CanonicalJSON {
        object([("status", .string(s.status.rawValue)), ("findings", .array(s.findings.map { .string($0) })),
                ("examiner", str(s.examiner)), ("reason", str(s.reason)), ("note", str(s.note))])
    }

    static func conclusion(_ c: Conclusion) -> CanonicalJSON {
        object([("result", .string(c.result.rawValue)), ("findings", .array(c.findings.map { .string($0) })),
                ("by", .string(c.by)), ("date", day(c.date))])
    }

    static func year(_ y: AssessmentYear) -> CanonicalJSON {
        object([("year", int(y.year)), ("performance", num(y.performance)), ("opinion", num(y.opinion)),
                ("grade", str(y.grade?.rawValue)), ("team_class", int(y.teamClass)), ("team_score", num(y.teamScore))])
    }
}

/// The message an Ed25519 signature is made over (UTF-8, LF line ends, a final LF).
///
/// ```
/// termaudit-signoff-v1
/// case:<case id>
/// role:<role id>
/// name:<signer name>
/// post:<signer post>
/// time:<YYYY-MM-DDTHH:MM:SSZ>
/// digest:<case digest, lowercase hex>
/// ```
public enum SignedMessage {
    public static let version = "termaudit-signoff-v1"

    public static func text(caseID: String, role: String, name: String, post: String, time: String, digest: String) -> String {
        "\(version)\ncase:\(caseID)\nrole:\(role)\nname:\(name)\npost:\(post)\ntime:\(time)\ndigest:\(digest)\n"
    }

    /// The message of a record, as if made for `caseID`.
    public static func text(_ r: Signoff, caseID: String) -> String {
        text(caseID: caseID, role: r.role, name: r.name, post: r.post, time: r.time, digest: r.digest)
    }

    /// Whether a field can go into the message: no line breaks or other control characters.
    public static func isClean(_ s: String) -> Bool {
        !s.unicodeScalars.contains { $0.properties.generalCategory == .control || $0 == "\u{2028}" || $0 == "\u{2029}" }
    }
}

/// Sign-off times: ISO 8601 in UTC to the second, `2024-12-20T08:30:00Z`.
public enum SignoffTime {
    public static func now() -> String { string(Date()) }

    public static func string(_ date: Date) -> String {
        let f = ISO8601DateFormatter()
        f.timeZone = TimeZone(identifier: "UTC")
        f.formatOptions = [.withInternetDateTime]
        return f.string(from: date)
    }

    /// Whether `s` is exactly `YYYY-MM-DDTHH:MM:SSZ` with a real date and time.
    public static func isValid(_ s: String) -> Bool {
        let u = Array(s.utf8)
        guard u.count == 20, u[10] == UInt8(ascii: "T"), u[19] == UInt8(ascii: "Z"), u[13] == UInt8(ascii: ":"),
              u[16] == UInt8(ascii: ":"), Day(iso: String(s.prefix(10))) != nil else { return false }
        func num(_ a: Int) -> Int? {
            guard (48...57).contains(u[a]), (48...57).contains(u[a + 1]) else { return nil }
            return Int(u[a] - 48) * 10 + Int(u[a + 1] - 48)
        }
        guard let h = num(11), let m = num(14), let sec = num(17) else { return false }
        return h < 24 && m < 60 && sec < 60
    }
}
