internal import CYaml

/// A YAML value as the loader reads it, composed straight from libyaml's events.
///
/// The loader used to compose Yams' `Node` tree and re-tag it; profiles showed three quarters of the time to read a
/// case file spent in allocating, copying and releasing that tree (a `Tag` object per node, weak references, an
/// enum with large payloads, the duplicate-key check hashing every key). This tree holds only what the readers
/// use — value, final tag, style, position — and is built in one pass over libyaml's events, without recursion.
///
/// Tags are decided as Yams decided them for the loader (default rules for plain scalars without a tag, `str` for
/// quoted and block scalars, the explicit tag otherwise; `!` means `str`, `map` or `seq`), and the same errors are
/// reported at the same positions: libyaml's scanner and parser errors, duplicate keys (compared by text and explicit
/// tag, as Yams' basic resolver compared them), a second document.
enum Node {
    case scalar(Scalar)
    case mapping(Mapping)
    case sequence(Sequence)

    /// A position: line and column from 1, columns counted in Unicode scalars (as libyaml counts them).
    struct Mark: Equatable, CustomStringConvertible {
        var line: Int
        var column: Int
        var description: String { "\(line):\(column)" }
    }

    struct Scalar {
        enum Style: Equatable { case any, plain, singleQuoted, doubleQuoted, literal, folded }
        var string: String
        var tag: Tag
        var style: Style
        var mark: Mark?
        /// Whether the tag was written (`!!int 5`) rather than decided by the rules.
        var explicitTag = false
    }

    struct Mapping: Swift.Sequence {
        struct Pair { var key: Node; var value: Node }
        var pairs: [Pair]
        var tag: Tag
        var mark: Mark?
        struct Iterator: IteratorProtocol {
            var base: IndexingIterator<[Pair]>
            mutating func next() -> (key: Node, value: Node)? { base.next().map { ($0.key, $0.value) } }
        }
        func makeIterator() -> Iterator { Iterator(base: pairs.makeIterator()) }
        var count: Int { pairs.count }
        var first: (key: Node, value: Node)? { pairs.first.map { ($0.key, $0.value) } }
        /// The value of the first key with this text.
        subscript(key: String) -> Node? {
            for p in pairs { if case .scalar(let s) = p.key, s.string == key { return p.value } }
            return nil
        }
    }

    struct Sequence: Swift.Sequence {
        var nodes: [Node]
        var tag: Tag
        var mark: Mark?
        func makeIterator() -> IndexingIterator<[Node]> { nodes.makeIterator() }
        var count: Int { nodes.count }
    }

    var tag: Tag {
        switch self {
        case .scalar(let s): return s.tag
        case .mapping(let m): return m.tag
        case .sequence(let q): return q.tag
        }
    }

    var mark: Mark? {
        switch self {
        case .scalar(let s): return s.mark
        case .mapping(let m): return m.mark
        case .sequence(let q): return q.mark
        }
    }

    var scalar: Scalar? { if case .scalar(let s) = self { return s } else { return nil } }
    var string: String? { scalar?.string }
}

/// A YAML tag. The standard ones have a kind, so the readers compare them without comparing text.
struct Tag: Equatable, CustomStringConvertible {
    enum Kind: UInt8 { case str, null, bool, int, float, timestamp, merge, value, map, seq, other }
    let kind: Kind
    /// The text of a tag of kind `other` (e.g. `!custom`); empty otherwise.
    private let text: String

    init(_ kind: Kind) { self.kind = kind; text = "" }

    /// A tag as libyaml spells it (shorthands expanded): `tag:yaml.org,2002:int`, `!custom` …
    init(rawValue: String) {
        if rawValue.hasPrefix(Self.prefix), let k = Self.kinds[String(rawValue.dropFirst(Self.prefix.count))] {
            kind = k; text = ""
        } else {
            kind = .other; text = rawValue
        }
    }

    var rawValue: String { kind == .other ? text : Self.raws[Int(kind.rawValue)] }
    var description: String { rawValue }

    private static let prefix = "tag:yaml.org,2002:"
    private static let names = ["str", "null", "bool", "int", "float", "timestamp", "merge", "value", "map", "seq"]
    private static let raws = names.map { prefix + $0 }
    private static let kinds = Dictionary(uniqueKeysWithValues: names.enumerated().map { ($1, Kind(rawValue: UInt8($0))!) })
}

/// A syntax error from composing a document.
enum YAMLError: Error, CustomStringConvertible {
    struct Context { var text: String; var mark: Node.Mark }
    /// libyaml could not read the text (a control character, bad UTF-8): the byte offset of the problem.
    case reader(problem: String, byteOffset: Int)
    case scanner(context: Context?, problem: String, Node.Mark)
    case parser(context: Context?, problem: String, Node.Mark)
    case composer(context: Context?, problem: String, Node.Mark)
    /// Keys written twice in one mapping (sorted), at the first occurrence of the first of them.
    case duplicateKeys([String], Node.Mark)
    /// Out of memory, or more nodes or deeper nesting than the limits allow.
    case limit(code: String, message: String, Node.Mark)

    var description: String {
        switch self {
        case let .reader(problem, offset): return "\(problem) at byte \(offset)"
        case let .scanner(c, p, m), let .parser(c, p, m), let .composer(c, p, m):
            return "\(m): \(c.map { "\($0.text) at \($0.mark), " } ?? "")\(p)"
        case let .duplicateKeys(keys, m): return "\(m): duplicate keys \(keys)"
        case let .limit(_, message, m): return "\(m): \(message)"
        }
    }
}

/// Composes the single document of a YAML text into `Node`s.
enum YAMLComposer {
    /// The document's root; nil for an empty stream. Throws `YAMLError`.
    ///
    /// Aliases are refused (an alias is an error here; the loader refuses anchors and aliases before composing).
    /// At most `maxNodes` values and `maxDepth` levels of nesting are composed.
    static func compose(_ text: String, maxNodes: Int = LoaderLimits.maxNodes, maxDepth: Int = LoaderLimits.maxDepth) throws -> Node? {
        var text = text
        return try text.withUTF8 { bytes in
            try compose(bytes: bytes, maxNodes: maxNodes, maxDepth: maxDepth)
        }
    }

    private struct Frame {
        var isMapping: Bool
        var tag: Tag
        var mark: Node.Mark
        var nodes: [Node] = []               // a sequence's elements
        var pairs: [Node.Mapping.Pair] = []  // a mapping's pairs
        var pendingKey: Node?
    }

    static func compose(bytes: UnsafeBufferPointer<UInt8>, maxNodes: Int, maxDepth: Int) throws -> Node? {
        var parser = yaml_parser_t()
        guard yaml_parser_initialize(&parser) == 1 else { throw YAMLError.limit(code: "out-of-memory", message: "out of memory", Node.Mark(line: 1, column: 1)) }
        defer { yaml_parser_delete(&parser) }
        yaml_parser_set_encoding(&parser, YAML_UTF8_ENCODING)
        // libyaml wants a pointer even for empty input.
        var empty: UInt8 = 0
        if let base = bytes.baseAddress {
            yaml_parser_set_input_string(&parser, base, bytes.count)
        } else {
            yaml_parser_set_input_string(&parser, &empty, 0)
        }
        var event = yaml_event_t()

        func next() throws {
            guard yaml_parser_parse(&parser, &event) == 1 else { throw error(parser) }
        }
        func mark(_ m: yaml_mark_t) -> Node.Mark { Node.Mark(line: Int(m.line) + 1, column: Int(m.column) + 1) }

        try next()   // STREAM-START
        yaml_event_delete(&event)
        try next()
        if event.type == YAML_STREAM_END_EVENT { yaml_event_delete(&event); return nil }
        // DOCUMENT-START
        yaml_event_delete(&event)

        var stack: [Frame] = []
        var root: Node?
        var count = 0
        while root == nil {
            try next()
            defer { yaml_event_delete(&event) }
            let start = mark(event.start_mark)
            var done: Node?
            switch event.type {
            case YAML_SCALAR_EVENT:
                let s = event.data.scalar
                let value = String(decoding: UnsafeBufferPointer(start: s.value, count: s.length), as: UTF8.self)
                let style: Node.Scalar.Style
                switch s.style {
                case YAML_PLAIN_SCALAR_STYLE: style = .plain
                case YAML_SINGLE_QUOTED_SCALAR_STYLE: style = .singleQuoted
                case YAML_DOUBLE_QUOTED_SCALAR_STYLE: style = .doubleQuoted
                case YAML_LITERAL_SCALAR_STYLE: style = .literal
                case YAML_FOLDED_SCALAR_STYLE: style = .folded
                default: style = .any
                }
                let tag: Tag
                var explicit = false
                if s.quoted_implicit == 1 {
                    tag = Tag(.str)
                } else if let t = s.tag {
                    let name = String(cString: t)
                    tag = name == "!" ? Tag(.str) : Tag(rawValue: name)
                    explicit = true
                } else {
                    tag = Tag(ImplicitTags.resolve(bytes: UnsafeBufferPointer(start: s.value, count: s.length)))
                }
                count += 1
                if count > maxNodes { throw tooMany(maxNodes, start) }
                done = .scalar(Node.Scalar(string: value, tag: tag, style: style, mark: start, explicitTag: explicit))
            case YAML_SEQUENCE_START_EVENT, YAML_MAPPING_START_EVENT:
                let isMapping = event.type == YAML_MAPPING_START_EVENT
                let t = isMapping ? event.data.mapping_start.tag : event.data.sequence_start.tag
                let implicit = isMapping ? event.data.mapping_start.implicit : event.data.sequence_start.implicit
                var tag = Tag(isMapping ? .map : .seq)
                if implicit == 0, let t {
                    let name = String(cString: t)
                    if name != "!" { tag = Tag(rawValue: name) }
                }
                if stack.count >= maxDepth {
                    throw YAMLError.limit(code: "too-deep", message: "the document nests deeper than \(maxDepth) levels", start)
                }
                count += 1   // every value is counted where it starts
                if count > maxNodes { throw tooMany(maxNodes, start) }
                stack.append(Frame(isMapping: isMapping, tag: tag, mark: start))
                continue
            case YAML_SEQUENCE_END_EVENT:
                let f = stack.removeLast()
                done = .sequence(Node.Sequence(nodes: f.nodes, tag: f.tag, mark: f.mark))
            case YAML_MAPPING_END_EVENT:
                let f = stack.removeLast()
                try checkDuplicates(f.pairs)
                done = .mapping(Node.Mapping(pairs: f.pairs, tag: f.tag, mark: f.mark))
            case YAML_ALIAS_EVENT:
                throw YAMLError.composer(context: nil, problem: "found undefined alias", start)
            default:
                continue
            }
            guard let node = done else { continue }
            if stack.isEmpty {
                root = node
            } else if stack[stack.count - 1].isMapping {
                if let key = stack[stack.count - 1].pendingKey {
                    stack[stack.count - 1].pairs.append(Node.Mapping.Pair(key: key, value: node))
                    stack[stack.count - 1].pendingKey = nil
                } else {
                    stack[stack.count - 1].pendingKey = node
                }
            } else {
                stack[stack.count - 1].nodes.append(node)
            }
        }
        try next()   // DOCUMENT-END
        yaml_event_delete(&event)
        try next()
        defer { yaml_event_delete(&event) }
        if event.type != YAML_STREAM_END_EVENT {
            throw YAMLError.composer(context: YAMLError.Context(text: "expected a single document in the stream", mark: Node.Mark(line: 1, column: 1)),
                                     problem: "but found another document", mark(event.start_mark))
        }
        return root
    }

    private static func tooMany(_ limit: Int, _ at: Node.Mark) -> YAMLError {
        .limit(code: "too-many-nodes", message: "the document has more than \(limit) values", at)
    }

    /// Keys are duplicates when they have the same text and the same explicit tag (`5` and `"5"` are the same key).
    private static func checkDuplicates(_ pairs: [Node.Mapping.Pair]) throws {
        guard pairs.count > 1 else { return }
        func identity(_ s: Node.Scalar) -> String {
            // Scalars without a written tag count as text, as Yams' basic resolver saw them.
            !s.explicitTag || s.tag.kind == .str ? s.string : s.tag.rawValue + "\u{0}" + s.string
        }
        // Most mappings are small and have no duplicate: compare keys pairwise, hash only large mappings.
        if pairs.count <= 16 {
            var found = false
            search: for i in 1..<pairs.count {
                guard case .scalar(let a) = pairs[i].key else { continue }
                for j in 0..<i {
                    if case .scalar(let b) = pairs[j].key, a.string == b.string, identity(a) == identity(b) { found = true; break search }
                }
            }
            if !found { return }
        }
        var seen: Set<String> = []
        var dups: Set<String> = []
        var firstMark: [String: Node.Mark] = [:]
        for p in pairs {
            guard case .scalar(let s) = p.key else { continue }
            let id = identity(s)
            if !seen.insert(id).inserted {
                dups.insert(id)
            } else if let m = s.mark {
                firstMark[id] = m
            }
        }
        guard !dups.isEmpty else { return }
        // As Yams reported them: sorted by text, at the first occurrence of the first.
        var keys: [(text: String, id: String)] = []
        for p in pairs {
            if case .scalar(let s) = p.key, dups.contains(identity(s)), !keys.contains(where: { $0.id == identity(s) }) {
                keys.append((s.string, identity(s)))
            }
        }
        keys.sort { $0.text < $1.text }
        throw YAMLError.duplicateKeys(keys.map(\.text), firstMark[keys[0].id] ?? Node.Mark(line: 1, column: 1))
    }

    private static func error(_ p: yaml_parser_t) -> YAMLError {
        let problem = p.problem.map { String(cString: $0) } ?? "unknown problem"
        let mark = Node.Mark(line: Int(p.problem_mark.line) + 1, column: Int(p.problem_mark.column) + 1)
        let context = p.context.map {
            YAMLError.Context(text: String(cString: $0),
                              mark: Node.Mark(line: Int(p.context_mark.line) + 1, column: Int(p.context_mark.column) + 1))
        }
        switch p.error {
        case YAML_READER_ERROR: return .reader(problem: problem, byteOffset: Int(p.problem_offset))
        case YAML_SCANNER_ERROR: return .scanner(context: context, problem: problem, mark)
        case YAML_PARSER_ERROR: return .parser(context: context, problem: problem, mark)
        case YAML_COMPOSER_ERROR: return .composer(context: context, problem: problem, mark)
        default: return .limit(code: "out-of-memory", message: "out of memory while reading YAML", mark)
        }
    }
}
