import Foundation
import TermAudit
import TermAuditLoader
import TermAuditSignoff
import Yams

/// Paths of the repository.
enum Repo {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let checklists = root.appendingPathComponent("checklists")
    static let samples = root.appendingPathComponent("samples")
}

/// A temporary workspace made of copies of sample case files, with its own keys and signers.yaml.
final class TempWorkspace {
    let root: URL
    /// Case id → file in the temporary workspace.
    private(set) var files: [String: URL] = [:]
    private(set) var keys: [String: SigningKey] = [:]

    /// The sample cases the tests use (none of them is signed in the samples).
    static let sampleFiles = [
        "2024-002": "乡镇/2024-002.yaml",      // ready_for_signoff
        "2024-004": "县直部门/2024-004.yaml",  // ready_for_signoff
        "2024-005": "县直部门/2024-005.yaml",  // ready_for_signoff
        "2024-003": "县直部门/2024-003.yaml",  // auditing
        "2024-007": "2024-007.yaml",           // on_hold
    ]

    /// The people of 2024-002 (team leader and handover parties) by role.
    static let people002 = ["team_leader": "陆佳", "outgoing": "刘晓燕", "incoming": "潘建", "supervisor": "沈涛"]
    static let people004 = ["team_leader": "许文涛", "outgoing": "周文斌", "incoming": "任海波", "supervisor": "钟玲"]
    static let roles = ["team_leader", "outgoing", "incoming", "supervisor"]

    init(cases: [String] = Array(sampleFiles.keys)) throws {
        let fm = FileManager.default
        root = fm.temporaryDirectory.appendingPathComponent("termaudit-signoff-\(UUID().uuidString)")
        try fm.createDirectory(at: root.appendingPathComponent("cases"), withIntermediateDirectories: true)
        var config = try String(contentsOf: Repo.samples.appendingPathComponent("termaudit.yaml"), encoding: .utf8)
        config = config.replacingOccurrences(of: "library: ../checklists", with: "library: \"\(Repo.checklists.path)\"")
        try config.write(to: root.appendingPathComponent("termaudit.yaml"), atomically: true, encoding: .utf8)
        for id in cases {
            let src = Repo.samples.appendingPathComponent("cases").appendingPathComponent(Self.sampleFiles[id]!)
            let dst = root.appendingPathComponent("cases/\(id).yaml")
            try fm.copyItem(at: src, to: dst)
            files[id] = dst
        }
    }

    deinit { try? FileManager.default.removeItem(at: root) }

    private var entries: [String] = []

    /// Makes a key for each person (role → name) and registers them in signers.yaml (added to earlier entries).
    func register(_ people: [String: String], staffIDs: [String: String] = [:]) throws {
        for (role, name) in people.sorted(by: { $0.key < $1.key }) {
            if keys[name] == nil { keys[name] = SigningKey.generate(name: name) }
            let staff = staffIDs[name].map { ", staff_id: \($0)" } ?? ""
            entries.append("- {name: \(name), post: \(name)的职务, role: \(role)\(staff), public_key: \"\(keys[name]!.publicKeyBase64)\"}")
        }
        try writeSigners()
    }

    /// Registers a given key.
    func register(name: String, role: String, key: SigningKey, staffID: String? = nil) throws {
        keys[name] = key
        let staff = staffID.map { ", staff_id: \($0)" } ?? ""
        entries.append("- {name: \(name), post: 职务, role: \(role)\(staff), public_key: \"\(key.publicKeyBase64)\"}")
        try writeSigners()
    }

    /// Removes the entries of a person from signers.yaml.
    func unregister(_ name: String) throws {
        entries.removeAll { $0.hasPrefix("- {name: \(name),") }
        try writeSigners()
    }

    func writeSigners() throws {
        let text = "# signers of the test workspace\n" + entries.map { $0 + "\n" }.joined()
        try text.write(to: root.appendingPathComponent("signers.yaml"), atomically: true, encoding: .utf8)
    }

    func open() throws -> SignoffWorkspace { try SignoffWorkspace.open(path: root.path) }

    func text(_ id: String) throws -> String { try String(contentsOf: files[id]!, encoding: .utf8) }
    func bytes(_ id: String) throws -> Data { try Data(contentsOf: files[id]!) }

    func write(_ id: String, _ text: String) throws {
        try text.write(to: files[id]!, atomically: true, encoding: .utf8)
    }

    /// Replaces exactly one occurrence of `old` in a case file.
    func edit(_ id: String, _ old: String, _ new: String) throws {
        let t = try text(id)
        let parts = t.components(separatedBy: old)
        guard parts.count == 2 else { throw TestError("'\(old)' occurs \(parts.count - 1) times in \(id)") }
        try write(id, parts.joined(separator: new))
    }

    @discardableResult
    func sign(_ id: String, _ role: String, as name: String, time: String = "2024-12-20T02:00:00Z") throws -> SignoffWorkspace.Signed {
        try open().sign(caseID: id, role: role, key: keys[name]!, time: time)
    }

    /// Signs every role in order with the people given.
    func signAll(_ id: String, _ people: [String: String]) throws {
        for (i, role) in Self.roles.enumerated() {
            try sign(id, role, as: people[role]!, time: "2024-12-2\(i)T0\(i):00:00Z")
        }
    }

    /// The checks of a case's records after reloading.
    func checks(_ id: String) throws -> [RecordCheck] {
        let ws = try open()
        return ws.verifier.check(try ws.auditCase(id))
    }
}

struct TestError: Error, CustomStringConvertible {
    var description: String
    init(_ d: String) { description = d }
}

/// Writes a composed YAML document in another style, with the same content: to test that reformatting does not
/// change the canonical form.
struct Restyler {
    enum Style { case block, flow }
    var style: Style
    /// Reverse the order of keys in every mapping.
    var reverseKeys = true
    /// Quote text scalars (double quotes when true, single quotes when false).
    var doubleQuote = true
    /// Add comments.
    var comments = true

    func render(_ node: Node) -> String {
        switch style {
        case .flow: return (comments ? "# flow style, keys reversed\n" : "") + flow(node) + "\n"
        case .block: return block(node, indent: 0).joined(separator: "\n") + "\n"
        }
    }

    func pairs(_ m: Node.Mapping) -> [(Node, Node)] {
        let p = Array(m)
        return reverseKeys ? p.reversed() : p
    }

    func scalar(_ n: Node) -> String {
        guard case .scalar(let s) = n else { return "" }
        let tag = n.tag.rawValue
        if tag == Tag.Name.null.rawValue { return "null" }
        if tag == Tag.Name.str.rawValue {
            if doubleQuote { return CanonicalJSON.quoted(s.string) }
            return "'" + s.string.replacingOccurrences(of: "'", with: "''") + "'"
        }
        return s.string
    }

    func flow(_ n: Node) -> String {
        switch n {
        case .scalar: return scalar(n)
        case .mapping(let m): return "{" + pairs(m).map { scalar($0.0) + ": " + flow($0.1) }.joined(separator: ", ") + "}"
        case .sequence(let s): return "[" + s.map(flow).joined(separator: ", ") + "]"
        case .alias: return ""
        }
    }

    func isEmptyCollection(_ n: Node) -> Bool {
        switch n {
        case .mapping(let m): return m.count == 0
        case .sequence(let s): return s.count == 0
        default: return false
        }
    }

    /// Block style lines at `indent`.
    func block(_ n: Node, indent: Int) -> [String] {
        let pad = String(repeating: " ", count: indent)
        switch n {
        case .mapping(let m):
            var out: [String] = []
            for (k, v) in pairs(m) {
                if indent == 0 && comments { out.append("# \(scalar(k)) section") }
                if case .scalar = v {
                    out.append(pad + scalar(k) + ": " + scalar(v) + (comments ? "   # value" : ""))
                } else if isEmptyCollection(v) {
                    out.append(pad + scalar(k) + ": " + flow(v))
                } else {
                    out.append(pad + scalar(k) + ":")
                    out += block(v, indent: indent + 2)
                }
            }
            return out
        case .sequence(let s):
            var out: [String] = []
            for item in s {
                if case .scalar = item { out.append(pad + "- " + scalar(item)); continue }
                if isEmptyCollection(item) { out.append(pad + "- " + flow(item)); continue }
                let lines = block(item, indent: indent + 2)
                out.append(pad + "- " + lines[0].dropFirst(indent + 2))
                out += lines.dropFirst()
            }
            return out
        default:
            return [pad + scalar(n)]
        }
    }
}
