import Foundation
import TermAudit
import TermAuditLoader
import TermAuditRules

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

/// The strict reader of signers.yaml: read by the case loader's reader (`YAMLRecords`: the same limits, refusals and
/// located messages as case files); the roles, keys and people are checked here.
final class SignersReader {
    let file: String
    let policy: Policy
    var diagnostics: [Diagnostic] = []

    init(file: String, policy: Policy) {
        self.file = file
        self.policy = policy
    }

    func report(_ at: SourceLocation, _ code: String, _ message: String, hint: String = "") {
        if diagnostics.count < 200 { diagnostics.append(Diagnostic(at: at, code: code, message: message, hint: hint)) }
    }

    func read(_ data: Data) -> [SignerEntry] {
        guard data.count <= 1 << 20 else {
            report(SourceLocation(file: file, line: 1, column: 1), "file-too-large", "the file is \(data.count) bytes, more than the 1 MiB signers.yaml may have")
            return []
        }
        let (records, found) = YAMLRecords.list(data: data, file: file, of: "signers", keys: ["name", "post", "role", "public_key", "staff_id", "unit"],
                                                required: ["name", "post", "role", "public_key"])
        diagnostics += found
        let roles = policy.signoff.roles.map(\.id)
        var out: [SignerEntry] = []
        var seen: [String: SourceLocation] = [:]      // role + key
        var owner: [Data: (String, SourceLocation)] = [:]   // key → name
        var people: [String: [(PersonIdentity, Data, SourceLocation)]] = [:]   // name → the people of that name
        for record in records {
            func text(_ key: String) -> String? {
                guard let v = record[key] else { return nil }
                if !SignedMessage.isClean(v.text) {
                    report(v.location, "bad-value", "\(key) contains a line break or another control character", hint: "write it on one line")
                    return nil
                }
                return v.text
            }
            let name = text("name"), post = text("post"), role = text("role"), key = text("public_key")
            let staffID = text("staff_id"), unit = text("unit")
            if let role, !roles.contains(role), let v = record["role"] {
                report(v.location, "unknown-role", "role '\(role)' is not a sign-off role of policy \(policy.id)",
                       hint: "\(Suggest.hint(for: role, in: roles)); the roles are \(roles.joined(separator: ", "))")
            }
            var raw: Data? = nil
            if let key, let v = record["public_key"] {
                raw = PublicKey.decode(key)
                if raw == nil {
                    report(v.location, "bad-key", "public_key is not base64 of a 32-byte Ed25519 public key",
                           hint: "paste the public_key line printed by `termaudit keygen` (44 characters ending in '=')")
                }
            }
            guard let name, let post, let role, roles.contains(role), let raw, let v = record["public_key"] else { continue }
            let here = record.location
            if let (other, at) = owner[raw], other != name {
                report(v.location, "shared-key", "this key is already registered to \(other) (line \(at.line)); a key belongs to one person",
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
}
