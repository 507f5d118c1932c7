import Foundation
import TermAudit

/// A text value read from a YAML file, with where it is.
public struct YAMLText: Sendable, Equatable {
    public var text: String
    public var location: SourceLocation
}

/// One mapping of text values (an entry of signers.yaml, a key file), with where it starts.
public struct YAMLRecord: Sendable {
    /// Its position in the list (0 for a single mapping).
    public var index: Int
    public var location: SourceLocation
    public var values: [String: YAMLText]

    public subscript(key: String) -> YAMLText? { values[key] }
}

/// Files other than case files — the signer roster, key files — read by the case loader's own reader: the same
/// limits (size, depth, node count), the same refusals (not UTF-8, NUL, tabs, anchors and aliases, duplicate keys),
/// the same located messages and "did you mean" hints. What the values mean is checked by their owners.
public enum YAMLRecords {
    /// A list of mappings whose values are text: keys outside `keys` and missing `required` keys are errors (a record
    /// comes back with the values that could be read).
    /// An empty file or an empty list is an empty list.
    public static func list(data: Data, file: String, of what: String, keys: [String], required: [String]) -> ([YAMLRecord], [Diagnostic]) {
        let reader = YAMLReader(file: file)
        guard let root = reader.parse(data: data) else { return ([], reader.diagnostics) }
        var out: [YAMLRecord] = []
        reader.sequence(root, of: what) { node, i in
            if let r = record(node, index: i, of: "\(what)[\(i)]", keys: keys, required: required, reader: reader) { out.append(r) }
        }
        return (out, reader.diagnostics)
    }

    /// One mapping whose values are text.
    public static func mapping(data: Data, file: String, of what: String, keys: [String], required: [String]) -> (YAMLRecord?, [Diagnostic]) {
        let reader = YAMLReader(file: file)
        guard let root = reader.parse(data: data) else { return (nil, reader.diagnostics) }
        let r = record(root, index: 0, of: what, keys: keys, required: required, reader: reader)
        return (r, reader.diagnostics)
    }

    static func record(_ node: Node, index: Int, of what: String, keys: [String], required: [String], reader: YAMLReader) -> YAMLRecord? {
        guard let fields = reader.mapping(node, of: what, keys: keys) else { return nil }
        var values: [String: YAMLText] = [:]
        for key in keys {
            let read = { (n: Node) -> YAMLText? in reader.text(n, key).map { YAMLText(text: $0, location: reader.location(n)) } }
            if let v = required.contains(key) ? fields.required(key, read) : fields.optional(key, read) { values[key] = v }
        }
        // Returned with the values that could be read (missing and wrong ones are reported): the owner's checks of
        // the others still run.
        return YAMLRecord(index: index, location: reader.location(node), values: values)
    }
}
