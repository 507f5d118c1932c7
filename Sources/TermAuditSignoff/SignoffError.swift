import Foundation
import TermAudit
import TermAuditRules

/// A sign-off role in a message: its id for English and tools, its label for Chinese (审计组长, not team_leader).
/// Two names are equal when their ids are (a string literal makes one whose label is the id).
public struct RoleName: Sendable, Hashable, ExpressibleByStringLiteral, CustomStringConvertible {
    public var id: String
    public var label: Label

    public init(id: String, label: Label) {
        self.id = id
        self.label = label
    }

    public init(stringLiteral id: String) { self.init(id: id, label: Label(zh: id, en: id)) }

    /// The role of a policy by id (its label from the policy; the id itself when unknown).
    public init(_ id: String, in policy: Policy) {
        self.init(id: id, label: policy.signoff.roles.first { $0.id == id }?.label ?? Label(zh: id, en: id))
    }

    public static func == (a: RoleName, b: RoleName) -> Bool { a.id == b.id }
    public func hash(into h: inout Hasher) { h.combine(id) }
    public var description: String { id }
}

/// Why signing (or reading keys and signers) was refused; every message in Chinese and English.
public enum SignoffError: Error, Sendable, CustomStringConvertible, Equatable {
    /// The case is on hold (待岗): it can never be signed while on hold.
    case onHold(caseID: String)
    /// The case is not ready for sign-off (its state is given).
    case notReady(caseID: String, state: CaseState)
    /// The role is not a sign-off role of the policy.
    case unknownRole(String, known: [String])
    /// The role already has a valid signature.
    case alreadySigned(caseID: String, role: RoleName, by: String)
    /// The key is not registered in signers.yaml at all.
    case unregisteredKey(role: RoleName, publicKey: String)
    /// The key is registered, but for other roles only.
    case keyNotForRole(role: RoleName, registeredFor: [RoleName])
    /// Earlier required roles have not validly signed yet.
    case outOfOrder(role: RoleName, missing: [RoleName])
    /// The signer is not the person the case names for that role.
    case notNamedInCase(role: RoleName, signer: String, named: String)
    /// No signers.yaml in the workspace.
    case noSigners(path: String)
    /// signers.yaml (or a case) has errors.
    case diagnostics([Diagnostic])
    /// No such case.
    case unknownCase(String)
    /// The key file cannot be used.
    case badKeyFile(String, Label)
    /// keygen would overwrite a file.
    case keyFileExists(String)
    /// The case file cannot be edited safely.
    case cannotEdit(file: String, Label)
    /// The file changed while signing.
    case fileChanged(String)
    /// The roster has more than one person who could be the case's named signer.
    case ambiguousSigner(role: RoleName, named: String, candidates: [String])
    /// The signer has already signed another role of this case, and the policy does not allow it.
    case samePersonTwice(role: RoleName, signer: String, otherRole: RoleName)
    /// The signing time is after the workspace's reference date (as_of).
    case afterAsOf(time: String, asOf: Day)
    /// A signature made elsewhere does not verify over the prepared message with the key.
    case badSignature(caseID: String, role: RoleName)
    /// The key is registered to another person than the one signing (the web account's bound person).
    case notYourKey(registeredTo: String)
    case io(String, String)
    case message(Label)

    /// A stable code for tests and tooling.
    public var code: String {
        switch self {
        case .onHold: "on-hold"
        case .notReady: "not-ready"
        case .unknownRole: "unknown-role"
        case .alreadySigned: "already-signed"
        case .unregisteredKey: "unregistered-key"
        case .keyNotForRole: "wrong-role"
        case .outOfOrder: "out-of-order"
        case .notNamedInCase: "not-named-in-case"
        case .noSigners: "no-signers"
        case .diagnostics: "invalid-input"
        case .unknownCase: "unknown-case"
        case .badKeyFile: "bad-key-file"
        case .keyFileExists: "file-exists"
        case .cannotEdit: "cannot-edit"
        case .fileChanged: "file-changed"
        case .afterAsOf: "after-as-of"
        case .badSignature: "bad-signature"
        case .notYourKey: "not-your-key"
        case .ambiguousSigner: "ambiguous-signer"
        case .samePersonTwice: "same-person-twice"
        case .io: "io"
        case .message: "error"
        }
    }

    public var label: Label {
        switch self {
        case .onHold(let id):
            return Label(zh: "案卷 \(id) 处于待岗状态（存在一时难以查清或已移送的问题），待岗案卷不能签字",
                         en: "case \(id) is on hold (a matter cannot be cleared for now or was transferred); a case on hold can never be signed")
        case let .notReady(id, state):
            return Label(zh: "案卷 \(id) 的状态是「\(state.label.zh)」，只有「待签字」的案卷才能签字；请先运行 termaudit status 查看原因",
                         en: "case \(id) is \(state.rawValue), not ready_for_signoff; run `termaudit status` for the reasons")
        case let .unknownRole(role, known):
            return Label(zh: "签字角色 '\(role)' 不在政策规定的角色中（\(known.joined(separator: "、"))）",
                         en: "'\(role)' is not a sign-off role of the policy (\(known.joined(separator: ", ")))")
        case let .alreadySigned(id, role, by):
            return Label(zh: "案卷 \(id) 的\(role.label.zh)已由 \(by) 有效签字，不能重复签字",
                         en: "case \(id) already has a valid \(role.id) signature (by \(by))")
        case let .unregisteredKey(role, key):
            return Label(zh: "该密钥（公钥 \(key)）未在 signers.yaml 中登记，不能以\(role.label.zh)身份签字",
                         en: "the key (public key \(key)) is not registered in signers.yaml; it cannot sign as \(role.id)")
        case let .keyNotForRole(role, roles):
            return Label(zh: "该密钥在 signers.yaml 中只登记为\(roles.map(\.label.zh).joined(separator: "、"))，不能以\(role.label.zh)身份签字",
                         en: "the key is registered in signers.yaml for \(roles.map(\.id).joined(separator: ", ")) only, not for \(role.id)")
        case let .outOfOrder(role, missing):
            return Label(zh: "须按顺序签字：\(missing.map(\.label.zh).joined(separator: "、"))尚未有效签字，\(role.label.zh)暂不能签字",
                         en: "signatures go in order: \(missing.map(\.id).joined(separator: ", ")) must sign validly before \(role.id)")
        case let .notNamedInCase(role, signer, named):
            return Label(zh: "案卷写明的\(role.label.zh)为 \(named)，签字人 \(signer) 不是此人",
                         en: "the case names \(named) as \(role.id); \(signer) is not this case's \(role.id)")
        case .noSigners(let path):
            return Label(zh: "工作区没有签字人名册 \(path)（列出谁可以以何种角色签字，见 docs/signoff.md）",
                         en: "the workspace has no \(path) (who may sign in which role; see docs/signoff.md)")
        case .diagnostics(let ds):
            return Label(zh: ds.map(\.description).joined(separator: "\n"), en: ds.map(\.description).joined(separator: "\n"))
        case .unknownCase(let id):
            return Label(zh: "没有案卷 '\(id)'", en: "no case with id '\(id)'")
        case let .badKeyFile(path, why):
            return Label(zh: "密钥文件 \(path)：\(why.zh)", en: "key file \(path): \(why.en)")
        case .keyFileExists(let path):
            return Label(zh: "\(path) 已存在，不会覆盖（请另选文件名，或先删除旧文件）",
                         en: "\(path) already exists and will not be overwritten (choose another name or remove it first)")
        case let .cannotEdit(file, why):
            return Label(zh: "无法在 \(file) 中写入签字记录：\(why.zh)", en: "cannot add the sign-off record to \(file): \(why.en)")
        case .fileChanged(let file):
            return Label(zh: "\(file) 在签字过程中被修改，未写入；请重试", en: "\(file) changed while signing; nothing written, try again")
        case let .ambiguousSigner(role, named, candidates):
            return Label(zh: "案卷写明的\(role.label.zh)为 \(named)，签字人名册中有 \(candidates.count) 人可能是此人（\(candidates.joined(separator: "；"))），无法确定身份；请在名册中写明工号或单位以区分",
                         en: "the case names \(named) as \(role.id), and signers.yaml has \(candidates.count) people who could be them (\(candidates.joined(separator: "; "))); give staff_id or unit in signers.yaml to tell them apart")
        case let .samePersonTwice(role, signer, other):
            return Label(zh: "\(signer) 已在本案卷以\(other.label.zh)身份签字，同一人不能再以\(role.label.zh)身份签字",
                         en: "\(signer) has already signed this case as \(other.id) and may not also sign as \(role.id)")
        case let .afterAsOf(time, asOf):
            return Label(zh: "签字时间 \(time) 晚于工作区基准日 as_of \(asOf)，签字不能晚于基准日；请在 termaudit.yaml 中把 as_of 改为今天（或删去 as_of）后再签字",
                         en: "the signing time \(time) is after the workspace's as_of \(asOf); a signature cannot postdate the reference date: set as_of in termaudit.yaml to today (or remove it), then sign")
        case let .badSignature(id, role):
            return Label(zh: "案卷 \(id) 的\(role.label.zh)签名与签名原文或公钥不符，未写入；请用与登记公钥配对的私钥重新签字",
                         en: "the \(role.id) signature of case \(id) does not verify over the message with the key; nothing written: sign again with the private key of the registered public key")
        case let .notYourKey(name):
            return Label(zh: "这把密钥登记在「\(name)」名下，不是您的账号所绑定的人", en: "the key is registered to \(name), not to your account's person")
        case let .io(path, why):
            return Label(zh: "\(path)：\(why)", en: "\(path): \(why)")
        case .message(let l):
            return l
        }
    }

    /// Both languages, Chinese first.
    public var description: String {
        let l = label
        return l.zh == l.en ? l.zh : "\(l.zh)\n  \(l.en)"
    }
}
