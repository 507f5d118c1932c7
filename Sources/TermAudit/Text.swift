/// A user-facing text in Simplified Chinese with an English translation.
public struct Label: Hashable, Sendable, Codable {
    public var zh: String
    public var en: String

    public init(zh: String, en: String) {
        self.zh = zh
        self.en = en
    }

    /// The text in a language.
    public func text(_ lang: Language) -> String { lang == .zh ? zh : en }
}

/// A coded value with a label for people. Case files accept the Chinese label wherever the code is accepted
/// (`status: 未发现问题` as `status: clear`), and refusals list both.
public protocol Labelled {
    var label: Label { get }
}

extension Labelled where Self: RawRepresentable & CaseIterable, RawValue == String {
    /// The value written by its code or its Chinese label.
    public init?(codeOrLabel text: String) {
        guard let v = Self(rawValue: text) ?? Self.allCases.first(where: { $0.label.zh == text }) else { return nil }
        self = v
    }

    /// Every value as `code (标签)`, for refusals: `term_end (任期届满), transfer (调整岗位), …`.
    public static var allowedList: String {
        allCases.map { "\($0.rawValue) (\($0.label.zh))" }.joined(separator: ", ")
    }
}

/// The language of user-facing output.
public enum Language: String, Sendable, CaseIterable, Codable {
    case zh, en
}

/// Where a rule or a list entry comes from.
public struct Citation: Hashable, Sendable, Codable {
    /// How well the rule is grounded.
    public enum Source: String, Sendable, Codable, CaseIterable {
        /// The source document says so.
        case seed
        /// A national regulation says so (checked).
        case nat
        /// Widely reported as national, not checked against the full text.
        case natUnchecked = "nat?"
        /// One locality's practice or a local choice.
        case local
    }

    public var source: Source
    public var ref: String

    public init(source: Source, ref: String) {
        self.source = source
        self.ref = ref
    }

    /// `[seed] ref`.
    public var short: String { "[\(source.rawValue)] \(ref)" }
}
