import ArgumentParser
import Foundation
import TermAudit
import TermAuditSignoff

/// `termaudit keygen`: a new Ed25519 key pair for a signer.
struct Keygen: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "生成签字密钥 — make an Ed25519 key pair for a signer (FILE, mode 0600, and FILE.pub).",
        discussion: "Never overwrites: refused when FILE or FILE.pub exists. Prints the entry to add to the workspace's signers.yaml. The file formats are described in docs/signoff.md."
    )

    @Option(help: "The signer's name (签字人姓名).")
    var name: String

    @Option(help: "The private key file to create; the public key goes to FILE.pub.")
    var out: String

    @Option(help: "The signer's post, to fill in the signers.yaml entry.")
    var post: String?

    @Option(help: "The role, to fill in the signers.yaml entry (e.g. team_leader).")
    var role: String?

    func run() throws {
        guard !name.trimmingCharacters(in: .whitespaces).isEmpty, SignedMessage.isClean(name) else {
            throw ValidationError("--name must be a non-empty name on one line")
        }
        let key = SigningKey.generate(name: name)
        do {
            try SigningKey.write(key, to: URL(fileURLWithPath: out))
        } catch let e as SignoffError {
            SignoffCLI.refuse(e, what: Label(zh: "未生成密钥", en: "no key written"))
        }
        print("✓ 已生成密钥 / key pair written")
        print("  私钥 private key: \(out)  (mode 0600 — 请妥善保管 / keep it secret)")
        print("  公钥 public key:  \(out).pub")
        print("public_key: \(key.publicKeyBase64)")
        print("")
        print("加入 signers.yaml / add to signers.yaml:")
        let q = CanonicalJSON.quoted
        print("- {name: \(q(name)), post: \(q(post ?? "职务 post")), role: \(role ?? "ROLE"), public_key: \"\(key.publicKeyBase64)\"}")
    }
}

/// Shared output of the sign-off commands.
enum SignoffCLI {
    /// Prints a refusal (Chinese and English) to stderr and exits with status 1.
    static func refuse(_ e: SignoffError, what: Label) -> Never {
        if case .diagnostics(let ds) = e {
            for d in ds { Terminal.eprint(d.description) }
            Terminal.eprint("✗ \(what.zh)：\(ds.count) 个错误 / \(what.en): \(ds.count) errors")
        } else {
            Terminal.eprint("✗ \(what.zh)：\(e.label.zh)")
            Terminal.eprint("  \(what.en): \(e.label.en)")
        }
        Foundation.exit(1)
    }

    /// The sign-off view of a session.
    static func workspace(_ session: Session) -> SignoffWorkspace {
        SignoffWorkspace(root: session.load.root ?? URL(fileURLWithPath: session.workspace.config.library ?? "."),
                         workspace: session.workspace, policy: session.policy, evaluator: session.evaluator)
    }
}
