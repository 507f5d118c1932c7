import ArgumentParser
import Foundation
import TermAudit
import TermAuditReport
import TermAuditRules
import TermAuditSignoff

/// `termaudit verify`: checks every sign-off record of every case.
struct Verify: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "验证签字 — check every signature: valid, stale, bad-signature, unknown-key or wrong-case.",
        discussion: "stale names the sections changed since signing. Exit status 0 when every signature is valid (or superseded by a later valid one of the same role), 1 otherwise. --explain shows the signed message, the digests and the public key in PEM, to check a signature by hand with openssl (docs/signoff.md)."
    )

    @OptionGroup var workspace: WorkspaceOptions

    @Option(name: .customLong("case"), help: "Only this case (repeatable).")
    var caseIDs: [String] = []

    @Option(help: "Output format: text or json.")
    var format: OutputFormat = .text

    @Flag(help: "Show, for each signature, the signed message, digests and public key (to check by hand).")
    var explain = false

    func run() throws {
        let session = try Session.open(workspace, validCasesOnly: true)
        defer { session.finishWithInvalid() }
        let ws = SignoffCLI.workspace(session)
        if !ws.signerDiagnostics.isEmpty {
            SignoffCLI.refuse(.diagnostics(ws.signerDiagnostics), what: Label(zh: "signers.yaml 有错误", en: "signers.yaml has errors"))
        }
        let results: [(AuditCase, [RecordCheck])]
        do { results = try ws.verify(caseIDs) } catch let e as SignoffError { SignoffCLI.refuse(e, what: Label(zh: "错误", en: "error")) }
        let signed = results.filter { !$0.1.isEmpty }
        let all = signed.flatMap(\.1)
        let problems = all.filter(\.result.isProblem).count
        switch format {
        case .json:
            let report = VerifyJSON(ok: problems == 0, signatures: all.count, problems: problems, signersFile: ws.hasSigners,
                                    cases: signed.map { c, checks in
                                        VerifyJSON.Case(id: c.id, file: c.location.file, digest: CaseDigest(c).digest,
                                                        signatures: checks.map { SignatureCheckJSON($0, caseID: c.id, explain: explain) })
                                    })
            print(try JSONOutput.string(report))
        case .text:
            if !ws.hasSigners {
                print("⚠ 没有 \(ws.signersPath)：所有签字均视为密钥未登记 / no \(ws.signersPath): every key is unknown")
            }
            printText(signed, session: session)
            var counts: [SignatureResult: Int] = [:]
            for k in all { counts[k.result, default: 0] += 1 }
            let summary = SignatureResult.allCases.compactMap { r in counts[r].map { "\(r.label.zh) \(r.rawValue) \($0)" } }.joined(separator: "，")
            print("")
            if all.isEmpty {
                print("没有签字记录 / no signatures to check")
            } else if problems == 0 {
                print("✓ 共 \(all.count) 个签字，全部有效 / \(all.count) signatures, all valid（\(summary)）")
            } else {
                print("✗ 共 \(all.count) 个签字，\(problems) 个有问题 / \(all.count) signatures, \(problems) with problems（\(summary)）")
            }
        }
        if problems > 0 { throw ExitCode(1) }
    }

    func printText(_ results: [(AuditCase, [RecordCheck])], session: Session) {
        let roles = session.policy.signoff.roles
        for (c, checks) in results {
            let digest = CaseDigest(c)
            print("\(c.id)  \(c.official.name)  \(c.location.file)")
            for k in checks {
                let r = k.record
                let label = roles.first { $0.id == r.role }?.label.zh ?? "?"
                let mark = k.result == .valid ? "✓" : (k.result.isProblem ? "✗" : "·")
                print("  \(mark) \(label) \(r.role)  \(r.name)  \(r.time)  \(k.result.rawValue) \(k.result.label.zh)")
                if k.result != .valid {
                    print("      \(k.detail.zh)")
                    print("      \(k.detail.en)")
                }
                if explain { printExplain(k, caseID: c.id, current: digest) }
            }
        }
    }

    func printExplain(_ k: RecordCheck, caseID: String, current: CaseDigest) {
        let r = k.record
        let message = SignedMessage.text(r, caseID: k.signedCase ?? caseID)
        print("      签名原文 signed message (UTF-8, LF line ends, final LF):")
        for line in message.split(separator: "\n", omittingEmptySubsequences: false).dropLast() { print("        │\(line)") }
        print("      signature:  \(r.signature)")
        print("      public_key: \(r.public_key)")
        if let raw = PublicKey.decode(r.publicKey) {
            print("      public key PEM:")
            for line in PublicKey.pem(raw).split(separator: "\n") { print("        \(line)") }
        }
        print("      digest recorded: \(r.digest)")
        print("      digest now:      \(current.digest)")
        print("      sections (now / recorded):")
        for s in CaseDigest.sectionNames {
            let now = current.sectionDigests[s] ?? "—", rec = r.sections[s] ?? "—"
            print("        \(s.padding(toLength: 10, withPad: " ", startingAt: 0)) \(now) \(now == rec ? "=" : "≠ \(rec)")")
        }
    }
}

extension Signoff {
    fileprivate var public_key: String { publicKey }
}

/// The JSON form of `verify`.
struct VerifyJSON: Encodable {
    struct Case: Encodable {
        var id: String
        var file: String
        var digest: String
        var signatures: [SignatureCheckJSON]
    }
    var ok: Bool
    var signatures: Int
    var problems: Int
    var signersFile: Bool
    var cases: [Case]

    enum CodingKeys: String, CodingKey { case ok, signatures, problems, signersFile = "signers_file", cases }
}

/// Sign-off verdicts for `export`: one verifier per workspace, built once.
enum SignoffStatus {
    /// A verifier for a workspace root, or nil when it has no signers.yaml. signers.yaml's errors are errors: the
    /// command stops with them (exit 1) before it writes anything.
    static func verifier(root: URL, policy: Policy, caseIDs: [String], units: UnitRegistry? = nil) -> SignoffVerifier? {
        guard FileManager.default.fileExists(atPath: root.appendingPathComponent(SignerRegistry.fileName).path) else { return nil }
        let signoffs = StatusSignoffs(root: root, policy: policy, caseIDs: caseIDs, units: units)
        if signoffs.diagnostics.contains(where: { $0.severity == .error }) { Session.fail(signoffs.diagnostics) }
        return signoffs.verifier
    }
}
