/// HTML written so that nothing from a case, an account or a request can become markup: every text and every
/// attribute value goes through `escape`; tag and attribute names are `StaticString`s written in this module.
public struct HTML: Sendable {
    public private(set) var string = ""

    public init() {}

    /// `&`, `<`, `>`, `"` and `'` as character references: safe in text and in quoted attribute values.
    public static func escape(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.utf8.count)
        for ch in s.unicodeScalars {
            switch ch {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.unicodeScalars.append(ch)
            }
        }
        return out
    }

    /// Text, escaped.
    public mutating func text(_ s: String) { string += Self.escape(s) }

    /// An element with attributes (values escaped; a nil value leaves the attribute out, an empty one writes it bare)
    /// and content.
    public mutating func el(_ tag: StaticString, _ attributes: KeyValuePairs<StaticString, String?> = [:], _ content: (inout HTML) -> Void) {
        open(tag, attributes)
        content(&self)
        string += "</\(tag)>"
    }

    /// An element holding only text.
    public mutating func el(_ tag: StaticString, _ attributes: KeyValuePairs<StaticString, String?> = [:], text: String) {
        open(tag, attributes)
        self.text(text)
        string += "</\(tag)>"
    }

    /// A void element (`input`, `meta`, `link`, `br`).
    public mutating func void(_ tag: StaticString, _ attributes: KeyValuePairs<StaticString, String?> = [:]) {
        open(tag, attributes)
    }

    /// Appends markup built by another `HTML` (escaped as it was built).
    public mutating func append(_ other: HTML) { string += other.string }

    /// Markup written by this module (a constant), never text from outside.
    mutating func trusted(_ s: StaticString) { string += "\(s)" }

    private mutating func open(_ tag: StaticString, _ attributes: KeyValuePairs<StaticString, String?>) {
        string += "<\(tag)"
        for (name, value) in attributes {
            guard let value else { continue }
            string += value.isEmpty ? " \(name)" : " \(name)=\"\(Self.escape(value))\""
        }
        string += ">"
    }
}
