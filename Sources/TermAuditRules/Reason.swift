import TermAudit

/// One conclusion of a rule, with the rule's id and citation, so that every status can be explained.
public struct Reason: Sendable, Hashable, Encodable {
    /// A stable rule id, e.g. `term.counted-start`.
    public var rule: String
    /// What the rule concluded, in Chinese and English.
    public var message: Label
    /// Where the rule comes from.
    public var citation: Citation?

    public init(rule: String, message: Label, citation: Citation? = nil) {
        self.rule = rule
        self.message = message
        self.citation = citation
    }

    enum CodingKeys: String, CodingKey { case rule, message, messageEn = "message_en", citation }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(rule, forKey: .rule)
        try c.encode(message.zh, forKey: .message)
        try c.encode(message.en, forKey: .messageEn)
        try c.encodeIfPresent(citation?.short, forKey: .citation)
    }
}

/// Number formatting that never depends on the locale.
enum Fmt {
    /// A percentage with one decimal, e.g. `104.0%`.
    static func percent(_ v: Double) -> String {
        let x = (v * 1000).rounded() / 10
        return "\(trim(x))%"
    }

    /// A number without a trailing `.0`.
    static func number(_ v: Double) -> String { trim(v) }

    static func trim(_ v: Double) -> String {
        if v == v.rounded(), abs(v) < 1e15 { return String(Int(v)) }
        let r = (v * 1000).rounded() / 1000
        return String(r)
    }
}
