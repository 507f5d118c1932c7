import Foundation
import TermAudit
import TermAuditRules

/// What verification found of one sign-off record.
public enum SignatureResult: String, Sendable, Hashable, Encodable, CaseIterable {
    /// The signature verifies, the key is registered for the role, and the content is unchanged.
    case valid
    /// The content changed since signing (the signature itself is good).
    case stale
    /// The signature does not verify over the recorded message (the record was altered or is malformed).
    case badSignature = "bad-signature"
    /// The signature verifies, but the key is not registered in signers.yaml for that role.
    case unknownKey = "unknown-key"
    /// The signature verifies only as a signature of another case of the workspace (a copied record).
    case wrongCase = "wrong-case"
    /// The signature verifies and the key is registered, but the signer is not the person the case names for the
    /// role, or has already signed another role of the case (where the policy does not allow it).
    case wrongSigner = "wrong-signer"
    /// Stale (or its key is no longer registered), but a later valid signature of the same role replaces it
    /// (after re-signing): not a problem.
    case superseded

    /// Whether the result is a problem (verify exits 1).
    public var isProblem: Bool { self != .valid && self != .superseded }

    /// What the rules receive.
    public var verdict: SignatureVerdict {
        switch self {
        case .valid: .valid
        case .stale: .stale
        case .superseded: .stale
        case .badSignature, .unknownKey, .wrongCase, .wrongSigner: .invalid
        }
    }

    public var label: Label {
        switch self {
        case .valid: Label(zh: "有效", en: "valid")
        case .stale: Label(zh: "失效（签字后内容已变动）", en: "stale (content changed since signing)")
        case .badSignature: Label(zh: "签名无效", en: "bad signature")
        case .unknownKey: Label(zh: "密钥未登记", en: "unknown key")
        case .wrongCase: Label(zh: "签名属于其他案卷", en: "signature of another case")
        case .wrongSigner: Label(zh: "签字人不符", en: "wrong signer")
        case .superseded: Label(zh: "已被重新签字取代", en: "superseded by a later valid signature")
        }
    }
}

/// The check of one record.
public struct RecordCheck: Sendable, Hashable {
    /// Position in the case's `signoffs`.
    public var index: Int
    public var record: Signoff
    public var result: SignatureResult
    /// For `stale`: the sections changed since signing, in file order.
    public var changedSections: [String]
    /// For `wrong-case`: the case the signature was made for.
    public var signedCase: String?
    /// The reason in both languages.
    public var detail: Label
}

/// Verifies the sign-off records of cases against signers.yaml and the cases' current content.
public struct SignoffVerifier: Sendable {
    public var signers: SignerRegistry
    public var policy: Policy
    /// Every case id of the workspace, to recognize a record copied from another case.
    public var caseIDs: [String]
    /// The unit registry, to match a signer's unit by identity.
    public var units: UnitRegistry?

    public init(signers: SignerRegistry, policy: Policy, caseIDs: [String], units: UnitRegistry? = nil) {
        self.units = units
        self.signers = signers
        self.policy = policy
        self.caseIDs = caseIDs
    }

    /// Checks every record of a case, in order.
    public func check(_ c: AuditCase) -> [RecordCheck] {
        let digest = CaseDigest(c)
        var checks = c.signoffs.enumerated().map { check($0.element, index: $0.offset, caseID: c.id, current: digest) }
        // Who may sign (SignoffRules.refusal): a good signature by someone else is not a signature of the case.
        var signedBy: [(role: String, person: PersonIdentity)] = []
        for i in checks.indices where checks[i].result == .valid || checks[i].result == .stale {
            let r = checks[i].record
            guard let key = PublicKey.decode(r.publicKey), let entry = signers.entry(role: r.role, key: key) else { continue }
            let signer = SignerRegistry.person(entry)
            let label = policy.signoff.roles.first { $0.id == r.role }?.label ?? Label(zh: r.role, en: r.role)
            switch SignoffRules.refusal(role: r.role, signer: signer, case: c, signedBy: signedBy, policy: policy, units: units) {
            case .notNamed(let named)?:
                checks[i].result = .wrongSigner
                checks[i].detail = Label(zh: "案卷写明的\(label.zh)为 \(named.description)，签字人 \(signer.description) 不是此人",
                                         en: "the case names \(named.description) as \(r.role); the signer \(signer.description) is someone else")
            case .nobodyNamed?:
                checks[i].result = .wrongSigner
                checks[i].detail = Label(zh: "案卷未写明\(label.zh)，无人可以此身份签字", en: "the case names nobody as \(r.role): nobody may sign it")
            case .alreadySignedAs(let other)?:
                let otherLabel = policy.signoff.roles.first { $0.id == other }?.label ?? Label(zh: other, en: other)
                checks[i].result = .wrongSigner
                checks[i].detail = Label(zh: "\(signer.name) 已以\(otherLabel.zh)身份签字，同一人不能再以\(label.zh)身份签字",
                                         en: "\(signer.name) already signed as \(other) and may not also sign as \(r.role)")
            case nil:
                signedBy.append((r.role, signer))
            }
        }
        // A stale record, or one whose key was retired, followed by a valid one of the same role was re-signed.
        for i in checks.indices where checks[i].result == .stale || checks[i].result == .unknownKey {
            if checks[(i + 1)...].contains(where: { $0.result == .valid && $0.record.role == checks[i].record.role }) {
                checks[i].result = .superseded
                checks[i].detail = Label(zh: "\(checks[i].detail.zh)；其后已重新有效签字", en: "\(checks[i].detail.en); re-signed validly later")
            }
        }
        return checks
    }

    /// The verdict of each signed role for the rules: valid if any record of the role is valid, else stale if
    /// any is stale, else invalid.
    public func verdicts(_ c: AuditCase) -> [String: SignatureVerdict] {
        Self.verdicts(check(c))
    }

    public static func verdicts(_ checks: [RecordCheck]) -> [String: SignatureVerdict] {
        var out: [String: SignatureVerdict] = [:]
        for k in checks {
            let v = k.result.verdict
            switch (out[k.record.role], v) {
            case (nil, _), (.invalid?, _), (.stale?, .valid): out[k.record.role] = v
            default: break
            }
        }
        return out
    }

    func check(_ r: Signoff, index: Int, caseID: String, current: CaseDigest) -> RecordCheck {
        func result(_ res: SignatureResult, _ zh: String, _ en: String, changed: [String] = [], signedCase: String? = nil) -> RecordCheck {
            RecordCheck(index: index, record: r, result: res, changedSections: changed, signedCase: signedCase, detail: Label(zh: zh, en: en))
        }
        // 1. The signature, over the message with this case's id.
        guard let key = PublicKey.decode(r.publicKey) else {
            return result(.badSignature, "public_key 不是 32 字节 Ed25519 公钥的 base64", "public_key is not base64 of a 32-byte Ed25519 public key")
        }
        guard let sig = Data(base64Encoded: r.signature), sig.count == 64 else {
            return result(.badSignature, "signature 不是 64 字节 Ed25519 签名的 base64", "signature is not base64 of a 64-byte Ed25519 signature")
        }
        guard [r.role, r.name, r.post, r.time, r.digest].allSatisfy(SignedMessage.isClean) else {
            return result(.badSignature, "记录中含有换行或控制字符", "the record has a line break or a control character")
        }
        if !PublicKey.verify(signature: r.signature, publicKey: key, message: SignedMessage.text(r, caseID: caseID)) {
            // A record copied from another case verifies with that case's id.
            for other in caseIDs where other != caseID {
                if PublicKey.verify(signature: r.signature, publicKey: key, message: SignedMessage.text(r, caseID: other)) {
                    return result(.wrongCase, "这是案卷 \(other) 的签字，被复制到了本案卷", "this is a signature of case \(other), copied into this case",
                                  signedCase: other)
                }
            }
            return result(.badSignature, "签名与记录内容不符（记录被改动，或不是用该公钥签的）",
                          "the signature does not verify over the recorded fields (the record was altered, or not signed with this key)")
        }
        // 2. The per-section digests must be those the signed digest was made from.
        if CaseDigest.rootDigest(caseID: caseID, sectionDigests: r.sections) != r.digest {
            return result(.badSignature, "记录中的分部摘要（sections）与已签名的摘要不符，记录被改动",
                          "the record's section digests do not match its signed digest: the record was altered")
        }
        // 3. The key must be registered for the role.
        guard policy.signoff.roles.contains(where: { $0.id == r.role }) else {
            return result(.unknownKey, "角色 \(r.role) 不是政策 \(policy.id) 规定的签字角色", "\(r.role) is not a sign-off role of policy \(policy.id)")
        }
        guard let entry = signers.entry(role: r.role, key: key) else {
            let roles = signers.roles(of: key)
            return roles.isEmpty
                ? result(.unknownKey, "该公钥未在 signers.yaml 中登记", "the public key is not registered in signers.yaml")
                : result(.unknownKey, "该公钥在 signers.yaml 中只登记为 \(roles.joined(separator: "、"))，不是 \(r.role)",
                         "the public key is registered for \(roles.joined(separator: ", ")) only, not \(r.role)")
        }
        if entry.name != r.name {
            return result(.unknownKey, "该公钥在 signers.yaml 中登记为 \(entry.name)，记录写的是 \(r.name)",
                          "the public key is registered to \(entry.name), the record says \(r.name)")
        }
        // 4. The content must be what was signed.
        if r.digest != current.digest {
            let changed = current.changedSections(since: r.sections)
            let zh = changed.map { s in CaseDigest.sectionLabels[s].map { "\(s)（\($0.zh)）" } ?? s }.joined(separator: "、")
            return result(.stale, "签字后以下部分已变动：\(zh)", "changed since signing: \(changed.joined(separator: ", "))", changed: changed)
        }
        return result(.valid, "签名有效，内容未变动", "signature valid, content unchanged")
    }
}
