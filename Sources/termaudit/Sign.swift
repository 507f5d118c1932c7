import ArgumentParser
import Foundation
import TermAudit
import TermAuditSignoff

/// `termaudit sign`: signs a case in a role and appends the record to the case file.
struct Sign: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "签字 — sign a case ready for sign-off, in a role, with a key registered in signers.yaml.",
        discussion: "Refused (exit status 1, reason in Chinese and English) when the case is not ready_for_signoff, when the key is not registered for the role in signers.yaml, when an earlier role has not validly signed, or when the role is already validly signed. Only the case file's `signoffs` changes. See docs/signoff.md."
    )

    @Argument(help: "The case id (e.g. 2024-001).")
    var caseID: String

    @OptionGroup var workspace: WorkspaceOptions

    @Option(help: "The sign-off role (e.g. team_leader, outgoing, incoming, supervisor).")
    var role: String?

    @Option(help: "The private key file made by `termaudit keygen`.")
    var key: String?

    @Option(help: "The signing time, UTC YYYY-MM-DDTHH:MM:SSZ (default: now; for tests and reproducible demos).")
    var time: String?

    @Flag(help: .hidden)
    var printCanonical = false

    @Option(help: .hidden)
    var section: String?

    func run() throws {
        // Another case file being broken does not stop signing this one; this one must be valid.
        let session = try Session.open(workspace, validCasesOnly: true)
        if !session.workspace.cases.contains(where: { $0.id == caseID }) && !session.invalid.isEmpty {
            Session.fail(session.invalid)
        }
        var ws = SignoffCLI.workspace(session)
        ws.texts = try Workspaces.texts(database: workspace.database)
        if printCanonical { return try printCanonicalForm(ws) }
        guard let role else { throw ValidationError("--role is required (one of \(session.policy.signoff.roles.map(\.id).joined(separator: ", ")))") }
        guard let key else { throw ValidationError("--key is required (a private key file made by `termaudit keygen`)") }
        let keyURL = URL(fileURLWithPath: key)
        let what = Label(zh: "拒绝签字", en: "refused")
        do {
            let signing = try SigningKey.read(keyURL)
            var st = stat()
            if stat(keyURL.path, &st) == 0, st.st_mode & 0o077 != 0 {
                Terminal.eprint("⚠ 私钥文件 \(key) 可被他人读取，建议 chmod 600 / the private key file \(key) is readable by others; chmod 600 it")
            }
            let signed = try ws.sign(caseID: caseID, role: role, key: signing, time: time ?? SignoffTime.now())
            let r = signed.record
            let label = session.policy.signoff.roles.first { $0.id == role }?.label ?? Label(zh: role, en: role)
            if signing.name != r.name {
                Terminal.eprint("⚠ 密钥文件中的姓名为 \(signing.name)，按 signers.yaml 以 \(r.name) 签字 / the key file says \(signing.name); signed as \(r.name) per signers.yaml")
            }
            print("✓ 已签字：案卷 \(caseID)，\(label.zh)，\(r.name)（\(r.post)），\(r.time)")
            print("  signed: case \(caseID) as \(role) (\(label.en)) by \(r.name), \(r.time)")
            print("  digest: \(r.digest)")
            print("  file:   \(signed.written)")
            // The state after signing.
            let after = workspace.database == nil
                ? try SignoffWorkspace.open(path: workspace.path, policyOverride: workspace.policy, asOf: session.evaluator.asOf, validCasesOnly: true)
                : SignoffCLI.workspace(try Session.open(workspace, asOf: session.evaluator.asOf.description, validCasesOnly: true))
            if let c = try? after.auditCase(caseID) {
                let st = after.evaluator.evaluate(c, signatures: after.verifier.verdicts(c))
                print("  状态 state: \(st.state.label.zh) \(st.state.rawValue)")
            }
        } catch let e as SignoffError {
            SignoffCLI.refuse(e, what: what)
        }
    }

    /// Prints the canonical bytes (no final line end): the root document, or one section's JSON.
    func printCanonicalForm(_ ws: SignoffWorkspace) throws {
        let c: AuditCase
        do { c = try ws.auditCase(caseID) } catch let e as SignoffError { SignoffCLI.refuse(e, what: Label(zh: "错误", en: "error")) }
        let d = CaseDigest(c)
        let out: CanonicalJSON
        if let section {
            guard let s = d.sections[section] else {
                throw ValidationError("--section must be one of \(CaseDigest.sectionNames.joined(separator: ", "))")
            }
            out = s
        } else {
            out = d.rootDocument
        }
        FileHandle.standardOutput.write(out.bytes)
    }
}
