import Testing
@testable import TermAuditLoader

/// The composer that builds the loader's YAML tree from libyaml's events (it replaced Yams' `Node` tree for speed):
/// tags, styles, positions and refusals, each checked against what the loader promised before.
@Suite("Composing YAML from libyaml events")
struct YAMLComposerTests {
    func compose(_ text: String) throws -> Node {
        try #require(try YAMLComposer.compose(text))
    }

    func error(_ text: String, maxNodes: Int = 1000, maxDepth: Int = 64) -> YAMLError? {
        do {
            _ = try YAMLComposer.compose(text, maxNodes: maxNodes, maxDepth: maxDepth)
            return nil
        } catch let e as YAMLError {
            return e
        } catch {
            Issue.record("unexpected error \(error)")
            return nil
        }
    }

    @Test("values keep their text, style and position (line and column in characters, from 1)")
    func positions() throws {
        let root = try compose("名称: 收入\nb:\n  - 'x'\n  - \"y\"\n  - |\n    z\n")
        guard case .mapping(let m) = root else { Issue.record("not a mapping"); return }
        #expect(m.count == 2)
        let first = try #require(m.first)
        #expect(first.key.string == "名称")
        #expect(first.value.mark == Node.Mark(line: 1, column: 5))   // columns count characters, not bytes
        guard case .sequence(let q) = try #require(m["b"]) else { Issue.record("b is not a list"); return }
        #expect(q.nodes.map { $0.scalar?.style } == [.singleQuoted, .doubleQuoted, .literal])
        #expect(q.nodes.map(\.string) == ["x", "y", "z\n"])
        #expect(q.nodes.map { $0.mark?.line } == [3, 4, 5])
        #expect(q.mark == Node.Mark(line: 3, column: 3))
    }

    @Test("tags: rules for plain scalars, str for quoted and block scalars, explicit tags as written")
    func tags() throws {
        let root = try compose("a: 5\nb: '5'\nc: !!int '7'\nd: |\n  5\ne: ! 5\nf: ~\ng: 2019-07-15\nh: !custom x\ni: [1.5, no]\n")
        guard case .mapping(let m) = root else { Issue.record("not a mapping"); return }
        let kinds = ["a", "b", "c", "d", "e", "f", "g", "h"].map { m[$0]?.tag.kind }
        #expect(kinds == [.int, .str, .int, .str, .str, .null, .timestamp, .other])
        #expect(m["h"]?.tag.rawValue == "!custom")
        #expect(m["c"]?.tag.rawValue == "tag:yaml.org,2002:int")
        #expect(m["i"]?.tag.kind == .seq)
        #expect(root.tag.kind == .map)
        if case .sequence(let q) = m["i"]! { #expect(q.nodes.map(\.tag.kind) == [.float, .bool]) }
    }

    @Test("duplicate keys: same text, quoted or not, in small and large mappings; reported sorted, at the first")
    func duplicates() {
        guard case let .duplicateKeys(keys, mark)? = error("b: 1\na: 2\n\"b\": 3\n'a': 4\n") else {
            Issue.record("no duplicate reported"); return
        }
        #expect(keys == ["a", "b"])
        #expect(mark == Node.Mark(line: 2, column: 1))
        // A mapping larger than the pairwise check takes the hashed path.
        let big = (0..<40).map { "k\($0): \($0)" }.joined(separator: "\n") + "\nk7: again\n"
        guard case let .duplicateKeys(bigKeys, bigMark)? = error(big) else { Issue.record("no duplicate in a large mapping"); return }
        #expect(bigKeys == ["k7"])
        #expect(bigMark == Node.Mark(line: 8, column: 1))
        // A written tag makes a different key.
        #expect(error("5: a\n!!int 5: b\n") == nil)
        #expect(error("5: a\n!!str 5: b\n") != nil)
    }

    @Test("a second document, an alias, deep nesting and too many values are refused with a position")
    func refusals() {
        guard case let .composer(context, problem, mark)? = error("a: 1\n---\nb: 2\n") else { Issue.record("second document accepted"); return }
        #expect(problem == "but found another document")
        #expect(context?.text == "expected a single document in the stream")
        #expect(mark.line == 2)
        guard case .composer(_, let aliasProblem, _)? = error("a: &x 1\nb: *x\n") else { Issue.record("alias accepted"); return }
        #expect(aliasProblem == "found undefined alias")
        guard case let .limit(code, _, deep)? = error(String(repeating: "[", count: 10) + String(repeating: "]", count: 10), maxDepth: 5) else {
            Issue.record("deep nesting accepted"); return
        }
        #expect(code == "too-deep")
        #expect(deep == Node.Mark(line: 1, column: 6))
        guard case let .limit(manyCode, _, _)? = error("[" + Array(repeating: "1", count: 20).joined(separator: ", ") + "]", maxNodes: 10) else {
            Issue.record("too many values accepted"); return
        }
        #expect(manyCode == "too-many-nodes")
        #expect(error("[" + Array(repeating: "1", count: 9).joined(separator: ", ") + "]", maxNodes: 10) == nil)
    }

    @Test("syntax and reader errors carry libyaml's problem and position; an empty text has no document")
    func syntax() throws {
        guard case let .scanner(_, problem, mark)? = error("a: 'unclosed\n") else { Issue.record("no scanner error"); return }
        #expect(problem.contains("end of stream"))
        #expect(mark.line == 2)
        guard case let .reader(_, offset)? = error("a: b\u{7}c\n") else { Issue.record("no reader error"); return }
        #expect(offset == 4)
        #expect(YAMLReader.lineColumn(ofByteOffset: 4, in: "a: b\u{7}c\n") == (1, 5))
        #expect(YAMLReader.lineColumn(ofByteOffset: 11, in: "名: 一\r\nx\u{7}") == (2, 2))
        #expect(try YAMLComposer.compose("") == nil)
        #expect(try YAMLComposer.compose("# only a comment\n") == nil)
    }
}
