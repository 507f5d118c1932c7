import Crypto
import Foundation
import TermAudit
import TermAuditLoader
import TermAuditRules

/// A workspace opened for signing and verifying: its cases, policy, evaluator and signers.yaml.
public struct SignoffWorkspace: Sendable {
    public let root: URL
    public let workspace: Workspace
    public let policy: Policy
    public let evaluator: CaseEvaluator
    /// Whether signers.yaml exists.
    public let hasSigners: Bool
    public let signers: SignerRegistry
    /// Errors in signers.yaml.
    public let signerDiagnostics: [Diagnostic]
    /// Where signed cases are written back: the folder's files, or a store (a new revision).
    public var texts: any CaseTextStore = FolderCaseTexts()
    /// Every case id of the workspace (a signature copied from another case is `wrong-case`), when `workspace` holds
    /// only some of its cases (the server opens one case at a time).
    let caseIDs: [String]?

    /// Opens from an already loaded workspace (the command line's session, or the server's one case with every id).
    public init(root: URL, workspace: Workspace, policy: Policy, evaluator: CaseEvaluator, caseIDs: [String]? = nil) {
        self.root = root
        self.caseIDs = caseIDs
        self.workspace = workspace
        self.policy = policy
        self.evaluator = evaluator
        let url = root.appendingPathComponent(SignerRegistry.fileName)
        if FileManager.default.fileExists(atPath: url.path) {
            hasSigners = true
            (signers, signerDiagnostics) = SignerRegistry.load(url, display: Self.display(url), policy: policy)
        } else {
            hasSigners = false
            signers = SignerRegistry()
            signerDiagnostics = []
        }
    }

    /// Loads the workspace at `path`; throws `SignoffError.diagnostics` when a file has errors.
    /// `validCasesOnly`: errors in other case files leave those cases out (errors in the settings still throw).
    public static func open(path: String, policyOverride: String? = nil, asOf: Day? = nil, validCasesOnly: Bool = false) throws -> SignoffWorkspace {
        var result = WorkspaceLoader.load(path: path, policyOverride: policyOverride)
        if validCasesOnly {
            let parts = result.partitioned()
            if parts.settings.isEmpty { result = parts.valid }
        }
        let errors = result.diagnostics.filter { $0.severity == .error }
        guard errors.isEmpty, let ws = result.workspace, let policy = ws.policy, let root = result.root else {
            throw SignoffError.diagnostics(errors)
        }
        let day = asOf ?? ws.config.asOf ?? Day(ordinal: Int(Date().timeIntervalSince1970 / 86400))
        let ev = CaseEvaluator(workspace: ws, policy: policy, asOf: day)
        return SignoffWorkspace(root: root, workspace: ws, policy: policy, evaluator: ev)
    }

    /// A path relative to the current folder when below it.
    public static func display(_ url: URL) -> String { DisplayPath.of(url) }

    public var signersPath: String { Self.display(root.appendingPathComponent(SignerRegistry.fileName)) }

    /// The verifier for this workspace (an empty registry when signers.yaml is missing or has errors).
    public var verifier: SignoffVerifier {
        SignoffVerifier(signers: signerDiagnostics.isEmpty ? signers : SignerRegistry(), policy: policy, caseIDs: caseIDs ?? workspace.cases.map(\.id),
                        units: workspace.units)
    }

    public func auditCase(_ id: String) throws -> AuditCase {
        guard let c = workspace.cases.first(where: { $0.id == id }) else { throw SignoffError.unknownCase(id) }
        return c
    }

    /// signers.yaml, required for signing.
    func requireSigners() throws -> SignerRegistry {
        guard hasSigners else { throw SignoffError.noSigners(path: signersPath) }
        guard signerDiagnostics.isEmpty else { throw SignoffError.diagnostics(signerDiagnostics) }
        return signers
    }

    /// The result of signing.
    public struct Signed: Sendable {
        /// Where the record was written, for people (the case file, or the store's new revision).
        public var written: String
        public var record: Signoff
        /// The message signed.
        public var message: String
    }

    /// A record checked and ready to be signed: the message is what the signer's key signs (UTF-8 bytes).
    public struct Prepared: Sendable {
        public var auditCase: AuditCase
        /// The record, with an empty `signature`.
        public var record: Signoff
        public var message: String
        public var messageBytes: Data { Data(message.utf8) }
    }

    /// Checks that `key` may sign `caseID` as `role` now, and makes the record (nothing is written).
    public func prepare(caseID: String, role: String, key: SigningKey, time: String) throws -> (AuditCase, Signoff, String) {
        var p = try prepare(caseID: caseID, role: role, publicKey: key.privateKey.publicKey.rawRepresentation, time: time)
        p.record.signature = try key.privateKey.signature(for: p.messageBytes).base64EncodedString()
        return (p.auditCase, p.record, p.message)
    }

    /// Checks that the holder of `publicKey` (32 raw bytes) may sign `caseID` as `role` now, and makes the record
    /// and the message to sign (nothing is written): every refusal `sign` makes, without the private key — the
    /// server prepares, the signer's browser signs, `sign(…signature:)` checks the signature and writes. With
    /// `holder`, the key must be registered to that person (the signed-in account's; `notYourKey` otherwise).
    public func prepare(caseID: String, role: String, publicKey keyBytes: Data, time: String, holder: String? = nil) throws -> Prepared {
        let keyBase64 = keyBytes.base64EncodedString()
        let c = try auditCase(caseID)
        let signers = try requireSigners()
        let roles = policy.signoff.roles
        guard let roleIndex = roles.firstIndex(where: { $0.id == role }) else {
            throw SignoffError.unknownRole(role, known: roles.map(\.id))
        }
        guard SignoffTime.isValid(time) else {
            throw SignoffError.message(Label(zh: "签字时间 '\(time)' 应为 UTC 时间 YYYY-MM-DDTHH:MM:SSZ",
                                             en: "the time '\(time)' should be UTC YYYY-MM-DDTHH:MM:SSZ"))
        }
        if let asOf = workspace.config.asOf, let day = Day(iso: String(time.prefix(10))), day > asOf {
            throw SignoffError.afterAsOf(time: time, asOf: asOf)
        }
        let checks = verifier.check(c)
        let verdicts = SignoffVerifier.verdicts(checks)
        let state = evaluator.evaluate(c, signatures: verdicts).state
        switch state {
        case .onHold: throw SignoffError.onHold(caseID: c.id)
        case .preparing, .auditing: throw SignoffError.notReady(caseID: c.id, state: state)
        case .readyForSignoff, .signedOff: break
        }
        if verdicts[role] == .valid {
            let by = checks.last { $0.record.role == role && $0.result == .valid }?.record.name ?? "?"
            throw SignoffError.alreadySigned(caseID: c.id, role: RoleName(role, in: policy), by: by)
        }
        guard state == .readyForSignoff else { throw SignoffError.notReady(caseID: c.id, state: state) }
        guard let entry = signers.entry(role: role, key: keyBytes) else {
            let registered = signers.roles(of: keyBytes)
            if registered.isEmpty { throw SignoffError.unregisteredKey(role: RoleName(role, in: policy), publicKey: keyBase64) }
            throw SignoffError.keyNotForRole(role: RoleName(role, in: policy), registeredFor: registered.map { RoleName($0, in: policy) })
        }
        if let holder, entry.name != holder { throw SignoffError.notYourKey(registeredTo: entry.name) }
        let missing = roles[..<roleIndex].filter { $0.required && verdicts[$0.id] != .valid }.map(\.id)
        guard missing.isEmpty else { throw SignoffError.outOfOrder(role: RoleName(role, in: policy), missing: missing.map { RoleName($0, in: policy) }) }
        // Who may sign: the person the case names for the role, one role each (SignoffRules.refusal, as `verify`).
        let roleLabel = RoleName(role, in: policy)
        let signer = SignerRegistry.person(entry)
        let signedBy: [(role: String, person: PersonIdentity)] = checks.compactMap { k in
            guard k.result == .valid else { return nil }
            if k.record.publicKey == keyBase64 { return (k.record.role, signer) }   // this very key: this person
            guard let other = signers.entries.first(where: { $0.keyBytes == PublicKey.decode(k.record.publicKey) }) else { return nil }
            return (k.record.role, SignerRegistry.person(other))
        }
        let refusal = SignoffRules.refusal(role: role, signer: signer, case: c, signedBy: signedBy, policy: policy, units: workspace.units)
        switch refusal {
        case .nobodyNamed?: throw SignoffError.notReady(caseID: c.id, state: .auditing)
        case .notNamed(let named)?: throw SignoffError.notNamedInCase(role: roleLabel, signer: signer.description, named: named.description)
        default: break
        }
        // Several roster entries could be the named person: refused rather than guessed.
        if let named = SignoffRules.expectedSigners(c, policy: policy).first(where: { $0.role.id == role })?.person {
            let candidates = signers.candidates(role: role, for: named, units: workspace.units)
            if candidates.count > 1 {
                throw SignoffError.ambiguousSigner(role: roleLabel, named: named.description,
                                                   candidates: candidates.map { "\(SignerRegistry.person($0).description)，第 \($0.location.line) 行" })
            }
        }
        if case .alreadySignedAs(let other)? = refusal {
            throw SignoffError.samePersonTwice(role: roleLabel, signer: signer.name, otherRole: RoleName(other, in: policy))
        }
        let digest = CaseDigest(c)
        let message = SignedMessage.text(caseID: c.id, role: role, name: entry.name, post: entry.post, time: time, digest: digest.digest)
        let record = Signoff(role: role, name: entry.name, post: entry.post, time: time, digest: digest.digest,
                             signature: "", publicKey: keyBase64, sections: digest.sectionDigests)
        return Prepared(auditCase: c, record: record, message: message)
    }

    /// Signs `caseID` as `role` with `key` and appends the record to the case file (atomically; nothing else in
    /// the file changes). The edited text is parsed again and must load with the same digest before it is written.
    @discardableResult
    public func sign(caseID: String, role: String, key: SigningKey, time: String = SignoffTime.now()) throws -> Signed {
        let (c, record, message) = try prepare(caseID: caseID, role: role, key: key, time: time)
        return try write(c, record, message)
    }

    /// Signs with a signature made elsewhere (the signer's browser) over the message `prepare` gave: the checks are
    /// made again now, the signature must verify over exactly that message with the key, then the record is
    /// appended as `sign` appends it.
    @discardableResult
    public func sign(caseID: String, role: String, publicKey: Data, time: String, signature: Data, holder: String? = nil) throws -> Signed {
        var p = try prepare(caseID: caseID, role: role, publicKey: publicKey, time: time, holder: holder)
        guard let key = try? Curve25519.Signing.PublicKey(rawRepresentation: publicKey),
              key.isValidSignature(signature, for: p.messageBytes) else {
            throw SignoffError.badSignature(caseID: caseID, role: RoleName(role, in: policy))
        }
        p.record.signature = signature.base64EncodedString()
        return try write(p.auditCase, p.record, p.message)
    }

    private func write(_ c: AuditCase, _ record: Signoff, _ message: String) throws -> Signed {
        // Written back to where the case was read from (its origin), never to the display path of a message.
        let file = c.location.file
        let text: String
        do { text = try texts.text(of: c) } catch { throw SignoffError.io(file, "cannot read the case: \(error)") }
        let library = workspace.library
        // The case must still hold what was checked.
        let (now, _) = WorkspaceLoader.parseCase(text: text, file: file, library: library, policy: policy)
        guard let now, now.id == c.id, CaseDigest(now).digest == record.digest,
              now.signoffs.map(Self.fields) == c.signoffs.map(Self.fields) else {
            throw SignoffError.fileChanged(file)
        }
        let edited = try SignoffEditor.append(record, to: text, file: file)
        let (after, diags) = WorkspaceLoader.parseCase(text: edited, file: file, library: library, policy: policy, context: CaseContext(workspace))
        let errors = diags.filter { $0.severity == .error }
        guard errors.isEmpty, let after else {
            throw SignoffError.cannotEdit(file: file, Label(zh: "修改后的文件无法读取：\(errors.map(\.description).joined(separator: "; "))",
                                                          en: "the edited file does not load: \(errors.map(\.description).joined(separator: "; "))"))
        }
        guard CaseDigest(after).digest == record.digest,
              after.signoffs.map(Self.fields) == c.signoffs.map(Self.fields) + [Self.fields(record)] else {
            throw SignoffError.cannotEdit(file: file, Label(zh: "修改后的文件内容与签字内容不一致，未写入",
                                                          en: "the edited file does not read back as signed; nothing written"))
        }
        let written: [String]
        do {
            written = try texts.replace([CaseTextEdit(caseID: c.id, origin: c.origin, display: file, old: text, new: edited)],
                                        note: "sign \(record.role) \(record.name)")
        } catch is CaseTextChanged {
            throw SignoffError.fileChanged(file)
        } catch let e as SignoffError {
            throw e
        } catch {
            throw SignoffError.io(file, "\(error)")
        }
        return Signed(written: written.first ?? file, record: record, message: message)
    }

    /// A record without its location.
    static func fields(_ s: Signoff) -> [String] {
        [s.role, s.name, s.post, s.time, s.digest, s.signature, s.publicKey] + s.sections.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
    }

    /// The checks of every record of the cases (all cases when `ids` is empty).
    public func verify(_ ids: [String] = []) throws -> [(AuditCase, [RecordCheck])] {
        let cases = ids.isEmpty ? workspace.cases : try ids.map(auditCase)
        let v = verifier
        return cases.map { ($0, v.check($0)) }
    }
}
