import Foundation
import TermAudit
import TermAuditRules
import Yams

/// One entry of signers.yaml: a person who may sign in a role, with their public key.
public struct SignerEntry: Sendable, Hashable {
    public var name: String
    public var post: String
    public var role: String
    /// Base64 of the 32 raw bytes, as written.
    public var publicKey: String
    /// The raw key.
    public var keyBytes: Data
    /// Told apart from others of the same name by a staff id and/or a unit (docs/signoff.md §2).
    public var staffID: String?
    public var unit: String?
    public var location: SourceLocation

    public init(name: String, post: String, role: String, publicKey: String, keyBytes: Data, staffID: String? = nil, unit: String? = nil,
                location: SourceLocation) {
        self.staffID = staffID
        self.unit = unit
        self.name = name
        self.post = post
        self.role = role
        self.publicKey = publicKey
        self.keyBytes = keyBytes
        self.location = location
    }
}

/// The signers of a workspace (`signers.yaml`, beside `termaudit.yaml`).
///
/// ```
/// - name: 许文涛
///   post: 青山县审计局经济责任审计科科长
///   role: team_leader
///   public_key: "base64 of the 32-byte Ed25519 public key"
/// ```
///
/// A person may appear once per role. Role ids must be roles of the policy.
public struct SignerRegistry: Sendable {
    public static let fileName = "signers.yaml"

    public var entries: [SignerEntry]

    public init(entries: [SignerEntry] = []) { self.entries = entries }

    /// The entry for a role and a public key (raw bytes), if registered.
    public func entry(role: String, key: Data) -> SignerEntry? {
        entries.first { $0.role == role && $0.keyBytes == key }
    }

    /// The person an entry names.
    public static func person(_ e: SignerEntry) -> PersonIdentity { PersonIdentity(name: e.name, staffID: e.staffID, unit: e.unit) }

    /// The distinct people registered for a role who could be `person` (more than one: the case does not tell them apart).
    public func candidates(role: String, for person: PersonIdentity, units: UnitRegistry?) -> [SignerEntry] {
        var out: [SignerEntry] = []
        for e in entries where e.role == role && person.admits(Self.person(e), units: units) {
            if !out.contains(where: { Self.person($0) == Self.person(e) }) { out.append(e) }
        }
        return out
    }

    /// The roles a key is registered for.
    public func roles(of key: Data) -> [String] {
        entries.filter { $0.keyBytes == key }.map(\.role)
    }

    /// Loads signers.yaml strictly, collecting every error with its location.
    public static func load(_ url: URL, display: String? = nil, policy: Policy) -> (SignerRegistry, [Diagnostic]) {
        let file = display ?? url.path
        guard let data = FileManager.default.contents(atPath: url.path) else {
            return (SignerRegistry(), [Diagnostic(at: SourceLocation(file: file, line: 1, column: 1), code: "unreadable",
                                                  message: "cannot read the file")])
        }
        return parse(data: data, file: file, policy: policy)
    }

    /// Parses the text of signers.yaml.
    public static func parse(data: Data, file: String, policy: Policy) -> (SignerRegistry, [Diagnostic]) {
        let r = SignersReader(file: file, policy: policy)
        let entries = r.read(data)
        return (SignerRegistry(entries: entries), r.diagnostics)
    }
}

/// The strict reader of signers.yaml (same diagnostics style as the case loader).
final class SignersReader {
    let file: String
    let policy: Policy
    var diagnostics: [Diagnostic] = []
    var budget = 100_000

    init(file: String, policy: Policy) {
        self.file = file
        self.policy = policy
    }

    func loc(_ n: Node) -> SourceLocation {
        SourceLocation(file: file, line: n.mark?.line ?? 1, column: n.mark?.column ?? 1)
    }

    func report(_ at: SourceLocation, _ code: String, _ message: String, hint: String = "") {
        if diagnostics.count < 200 { diagnostics.append(Diagnostic(at: at, code: code, message: message, hint: hint)) }
    }

    static func describe(_ node: Node) -> String {
        switch node {
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        case .alias: return "an alias"
        case .scalar(let s):
            if node.tag.rawValue == Tag.Name.null.rawValue { return "nothing (null)" }
            if node.tag.rawValue == Tag.Name.bool.rawValue { return "the boolean \(s.string)" }
            if [Tag.Name.int.rawValue, Tag.Name.float.rawValue].contains(node.tag.rawValue) { return "the number \(s.string)" }
            return "the text \"\(s.string.count > 40 ? String(s.string.prefix(40)) + "…" : s.string)\""
        }
    }

    /// Anchors and aliases are refused (as in case files); the node count is bounded.
    func checkShape(_ n: Node) -> Bool {
        budget -= 1
        if budget < 0 { return false }
        switch n {
        case .alias:
            report(loc(n), "alias-not-allowed", "an alias (*name) is not allowed in signers.yaml", hint: "write the value out")
            return false
        case .scalar(let s):
            if s.anchor != nil { report(loc(n), "alias-not-allowed", "an anchor (&name) is not allowed in signers.yaml", hint: "write the value out"); return false }
        case .mapping(let m):
            if m.anchor != nil { report(loc(n), "alias-not-allowed", "an anchor (&name) is not allowed in signers.yaml", hint: "write the value out"); return false }
            for (k, v) in m { if !checkShape(k) || !checkShape(v) { return false } }
        case .sequence(let s):
            if s.anchor != nil { report(loc(n), "alias-not-allowed", "an anchor (&name) is not allowed in signers.yaml", hint: "write the value out"); return false }
            for x in s { if !checkShape(x) { return false } }
        }
        return true
    }

    func read(_ data: Data) -> [SignerEntry] {
        let top = SourceLocation(file: file, line: 1, column: 1)
        guard data.count <= 1 << 20 else {
            report(top, "file-too-large", "the file is \(data.count) bytes, more than the 1 MiB signers.yaml may have")
            return []
        }
        var bytes = data
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes = bytes.dropFirst(3) }
        guard let text = String(data: bytes, encoding: .utf8) else {
            report(top, "not-utf8", "the file is not valid UTF-8 text", hint: "save the file as UTF-8")
            return []
        }
        let root: Node
        do {
            guard let n = try Yams.compose(yaml: text) else {
                report(top, "empty", "the file is empty", hint: "list the signers: - {name: …, post: …, role: …, public_key: …}")
                return []
            }
            root = n
        } catch let e as YamlError {
            switch e {
            case let .scanner(_, problem, mark, _), let .parser(_, problem, mark, _), let .composer(_, problem, mark, _):
                report(SourceLocation(file: file, line: mark.line, column: mark.column), "yaml-syntax", "YAML syntax: \(problem)",
                       hint: "check the indentation and quoting here")
            case let .duplicatedKeysInMapping(dups, ctx):
                report(SourceLocation(file: file, line: ctx.mark.line, column: ctx.mark.column), "duplicate-key",
                       "duplicate key \(dups.map { "'\($0)'" }.joined(separator: ", ")) in this mapping", hint: "each key may appear once")
            default:
                report(top, "yaml-syntax", "cannot read YAML: \(e)")
            }
            return []
        } catch {
            report(top, "yaml-syntax", "cannot read YAML: \(error)")
            return []
        }
        guard checkShape(root) else {
            if budget < 0 { report(top, "too-many-nodes", "the file has too many values") }
            return []
        }
        guard case .sequence(let list) = root else {
            report(loc(root), "wrong-type", "signers.yaml should be a list of signers, found \(Self.describe(root))",
                   hint: "- {name: 张三, post: 县审计局科长, role: team_leader, public_key: \"…\"}")
            return []
        }
        let roles = policy.signoff.roles.map(\.id)
        let allowed = ["name", "post", "role", "public_key", "staff_id", "unit"]
        var out: [SignerEntry] = []
        var seen: [String: SourceLocation] = [:]      // role + key
        var owner: [Data: (String, SourceLocation)] = [:]   // key → name
        var people: [String: [(PersonIdentity, Data, SourceLocation)]] = [:]   // name → the people of that name
        for (i, n) in list.enumerated() {
            guard case .mapping(let m) = n else {
                report(loc(n), "wrong-type", "signers[\(i)] should be a mapping (name, post, role, public_key), found \(Self.describe(n))")
                continue
            }
            var values: [String: Node] = [:]
            for (k, v) in m {
                guard case .scalar(let ks) = k else {
                    report(loc(k), "wrong-type", "a key in signers[\(i)] should be text, found \(Self.describe(k))")
                    continue
                }
                guard allowed.contains(ks.string) else {
                    report(loc(k), "unknown-key", "unknown key '\(ks.string)' in signers[\(i)]",
                           hint: Self.suggest(ks.string, allowed) ?? "the keys are name, post, role, public_key")
                    continue
                }
                values[ks.string] = v
            }
            func text(_ key: String) -> String? {
                guard let v = values[key] else {
                    report(loc(n), "missing-key", "signers[\(i)] has no '\(key)'", hint: "add `\(key):`")
                    return nil
                }
                guard case .scalar(let s) = v, v.tag.rawValue != Tag.Name.null.rawValue,
                      v.tag.rawValue != Tag.Name.bool.rawValue else {
                    report(loc(v), "wrong-type", "\(key) should be text, found \(Self.describe(v))",
                           hint: v.tag.rawValue == Tag.Name.bool.rawValue ? "put it in quotes" : "write a value")
                    return nil
                }
                let t = s.string
                if t.trimmingCharacters(in: .whitespaces).isEmpty {
                    report(loc(v), "empty-value", "\(key) is empty", hint: "write a value")
                    return nil
                }
                if !SignedMessage.isClean(t) {
                    report(loc(v), "bad-value", "\(key) contains a line break or another control character",
                           hint: "write it on one line")
                    return nil
                }
                return t
            }
            let name = text("name"), post = text("post"), role = text("role"), key = text("public_key")
            let staffID = values["staff_id"] == nil ? nil : text("staff_id")
            let unit = values["unit"] == nil ? nil : text("unit")
            if let role, !roles.contains(role), let v = values["role"] {
                report(loc(v), "unknown-role", "role '\(role)' is not a sign-off role of policy \(policy.id)",
                       hint: Self.suggest(role, roles).map { "\($0); the roles are \(roles.joined(separator: ", "))" }
                           ?? "one of \(roles.joined(separator: ", "))")
            }
            var raw: Data? = nil
            if let key, let v = values["public_key"] {
                raw = PublicKey.decode(key)
                if raw == nil {
                    report(loc(v), "bad-key", "public_key is not base64 of a 32-byte Ed25519 public key",
                           hint: "paste the public_key line printed by `termaudit keygen` (44 characters ending in '=')")
                }
            }
            guard let name, let post, let role, roles.contains(role), let raw, let v = values["public_key"] else { continue }
            let here = loc(n)
            if let (other, at) = owner[raw], other != name {
                report(loc(v), "shared-key", "this key is already registered to \(other) (line \(at.line)); a key belongs to one person",
                       hint: "make a key for \(name) with `termaudit keygen`")
                continue
            }
            let dupKey = role + "\u{0}" + raw.base64EncodedString()
            if let first = seen[dupKey] {
                report(here, "duplicate-signer", "this key is registered twice for role \(role)",
                       hint: "the first entry is at line \(first.line); list each key once per role")
                continue
            }
            // Two people of one name (different keys) must be told apart by a staff id or a unit.
            let person = PersonIdentity(name: name, staffID: staffID, unit: unit)
            // A name alone is ambiguous. Keys of one name are one person only when both entries carry the same staff id
            // and unit (at least one of them); they are two people when a staff id or unit both give differs.
            // Anything else — e.g. two keys of 李明 with no staff id or unit — is refused.
            func distinct(_ a: PersonIdentity, _ b: PersonIdentity) -> Bool {
                (a.staffID != nil && b.staffID != nil && a.staffID != b.staffID) || (a.unit != nil && b.unit != nil && a.unit != b.unit)
            }
            let identified = staffID != nil || unit != nil
            if let other = people[name]?.first(where: { $0.1 != raw && !distinct($0.0, person) && !($0.0 == person && identified) }) {
                report(here, "ambiguous-signer",
                       "\(name) here and \(name) on line \(other.2.line) have different keys and are not told apart (\(other.0.description) / \(person.description))",
                       hint: "one person with two keys: give both entries the same staff_id; two people: give each their own staff_id or unit (docs/signoff.md §2)")
                continue
            }
            seen[dupKey] = here
            owner[raw] = (name, here)
            people[name, default: []].append((person, raw, here))
            out.append(SignerEntry(name: name, post: post, role: role, publicKey: key ?? "", keyBytes: raw, staffID: staffID, unit: unit,
                                   location: here))
        }
        return out
    }

    /// "did you mean 'x'?" for a close option.
    static func suggest(_ s: String, _ options: [String]) -> String? {
        func distance(_ a: [Character], _ b: [Character]) -> Int {
            var prev = Array(0...b.count)
            for (i, ca) in a.enumerated() {
                var cur = [i + 1]
                for (j, cb) in b.enumerated() {
                    cur.append(min(prev[j + 1] + 1, cur[j] + 1, prev[j] + (ca == cb ? 0 : 1)))
                }
                prev = cur
            }
            return prev[b.count]
        }
        let a = Array(s.lowercased())
        guard let best = options.min(by: { distance(a, Array($0)) < distance(a, Array($1)) }) else { return nil }
        return distance(a, Array(best)) <= max(2, best.count / 3) ? "did you mean '\(best)'?" : nil
    }
}
