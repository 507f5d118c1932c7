import Foundation
import Testing
import TermAudit
import TermAuditRules
import TermAuditSignoff

@Suite("The signed samples")
struct SamplesSignoffTests {
    @Test("2024-001 is signed off by four valid signatures; 2024-010 is stale in its indicators; nothing else is signed")
    func samples() throws {
        let ws = try SignoffWorkspace.open(path: Repo.samples.path)
        #expect(ws.hasSigners)
        #expect(ws.signerDiagnostics.isEmpty)
        let results = try ws.verify()
        for (c, checks) in results {
            switch c.id {
            case "2024-001":
                #expect(checks.map(\.result) == [.valid, .valid, .valid, .valid])
                #expect(checks.map(\.record.role) == ["team_leader", "outgoing", "incoming", "supervisor"])
                #expect(ws.evaluator.evaluate(c, signatures: SignoffVerifier.verdicts(checks)).state == .signedOff)
            case "2024-010":
                #expect(checks.map(\.result) == [.stale, .stale, .stale, .stale])
                #expect(checks.allSatisfy { $0.changedSections == ["indicators"] })
                #expect(ws.evaluator.evaluate(c, signatures: SignoffVerifier.verdicts(checks)).state == .readyForSignoff)
            default:
                #expect(checks.isEmpty, "\(c.id)")
            }
        }
    }

    @Test("every sample key file reads, and its public key is registered for its person in signers.yaml")
    func keys() throws {
        let ws = try SignoffWorkspace.open(path: Repo.samples.path)
        let dir = Repo.samples.appendingPathComponent("keys")
        let files = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasSuffix(".key") }
        #expect(files.count == ws.signers.entries.count)
        for f in files {
            let key = try SigningKey.read(dir.appendingPathComponent(f))
            let raw = try #require(PublicKey.decode(key.publicKeyBase64))
            #expect(ws.signers.entries.contains { $0.keyBytes == raw && $0.name == key.name }, "\(f)")
            let pub = try String(contentsOf: dir.appendingPathComponent(f + ".pub"), encoding: .utf8)
            #expect(pub.contains(key.publicKeyBase64))
        }
    }
}
