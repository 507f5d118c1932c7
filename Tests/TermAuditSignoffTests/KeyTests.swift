import Foundation
import Testing
import TermAudit
import TermAuditLoader
import TermAuditSignoff

@Suite("Keys and signers.yaml")
struct KeyTests {
    func tempDir() throws -> URL {
        let d = FileManager.default.temporaryDirectory.appendingPathComponent("termaudit-keys-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: d, withIntermediateDirectories: true)
        return d
    }

    func mode(_ url: URL) -> mode_t {
        var st = stat()
        stat(url.path, &st)
        return st.st_mode & 0o777
    }

    @Test("keygen creates the private key with mode 0600 and FILE.pub, and reads back the same key")
    func create() throws {
        let dir = try tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let url = dir.appendingPathComponent("xu.key")
        let key = SigningKey.generate(name: "许文涛")
        try SigningKey.write(key, to: url)
        #expect(mode(url) == 0o600)
        #expect(mode(dir.appendingPathComponent("xu.key.pub")) == 0o644)
        let back = try SigningKey.read(url)
        #expect(back.name == "许文涛")
        #expect(back.publicKeyBase64 == key.publicKeyBase64)
        let pub = try String(contentsOf: dir.appendingPathComponent("xu.key.pub"), encoding: .utf8)
        #expect(pub.contains("public_key: \"\(key.publicKeyBase64)\""))
        #expect(!pub.contains("private_key"))
        // The public file is not a private key.
        #expect(refusal { _ = try SigningKey.read(dir.appendingPathComponent("xu.key.pub")) }?.code == "bad-key-file")
    }

    @Test("keygen refuses an existing file (or FILE.pub, or a symlink) and leaves it unchanged")
    func refuseExisting() throws {
        let dir = try tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let url = dir.appendingPathComponent("a.key")
        try SigningKey.write(.generate(name: "甲"), to: url)
        let before = try Data(contentsOf: url)
        #expect(refusal { try SigningKey.write(.generate(name: "乙"), to: url) } == .keyFileExists(url.path))
        #expect(try Data(contentsOf: url) == before)
        // Only FILE.pub exists: refused, and no private key is left behind.
        let b = dir.appendingPathComponent("b.key")
        try "keep".write(to: URL(fileURLWithPath: b.path + ".pub"), atomically: true, encoding: .utf8)
        #expect(refusal { try SigningKey.write(.generate(name: "乙"), to: b) }?.code == "file-exists")
        #expect(!FileManager.default.fileExists(atPath: b.path))
        #expect(try String(contentsOf: URL(fileURLWithPath: b.path + ".pub"), encoding: .utf8) == "keep")
        // A dangling symlink is not followed.
        let c = dir.appendingPathComponent("c.key")
        try FileManager.default.createSymbolicLink(atPath: c.path, withDestinationPath: dir.appendingPathComponent("target").path)
        #expect(refusal { try SigningKey.write(.generate(name: "丙"), to: c) }?.code == "file-exists")
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("target").path))
    }

    @Test("a damaged key file is refused with the reason")
    func damaged() throws {
        let dir = try tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let url = dir.appendingPathComponent("k.key")
        let key = SigningKey.generate(name: "甲")
        try key.privateFileText.replacingOccurrences(of: "private_key: \"", with: "private_key: \"AAAA").write(to: url, atomically: true, encoding: .utf8)
        #expect(refusal { _ = try SigningKey.read(url) }?.code == "bad-key-file")
        let other = SigningKey.generate(name: "甲")
        try key.privateFileText.replacingOccurrences(of: key.publicKeyBase64, with: other.publicKeyBase64).write(to: url, atomically: true, encoding: .utf8)
        #expect(refusal { _ = try SigningKey.read(url) }?.label.en.contains("does not belong") == true)
    }

    static let policy: Policy = {
        let (lib, _) = LibraryLoader.load(directory: Repo.checklists)
        return lib.policies["seed-city"]!
    }()

    func load(_ text: String) -> (SignerRegistry, [Diagnostic]) {
        SignerRegistry.parse(data: Data(text.utf8), file: "signers.yaml", policy: Self.policy)
    }

    @Test("signers.yaml loads strictly with located errors")
    func signers() {
        let k1 = SigningKey.generate(name: "甲").publicKeyBase64, k2 = SigningKey.generate(name: "乙").publicKeyBase64
        let (ok, none) = load("""
        # 签字人名册
        - {name: 甲, post: 县审计局科长, role: team_leader, public_key: "\(k1)"}
        - name: 甲
          post: 县委组织部
          role: supervisor          # one person, two roles
          public_key: \(k1)
        - {name: 乙, post: 局长, role: outgoing, public_key: "\(k2)"}
        """)
        #expect(none.isEmpty)
        #expect(ok.entries.map(\.role) == ["team_leader", "supervisor", "outgoing"])
        #expect(ok.roles(of: PublicKey.decode(k1)!) == ["team_leader", "supervisor"])

        let (_, errs) = load("""
        - {name: 甲, post: 科长, role: team_leadr, public_key: "\(k1)"}
        - {name: 乙, post: 局长, role: outgoing, public_key: "not a key"}
        - {name: 丙, post: 局长, role: incoming, public_key: "\(k2)", email: x@y}
        - {name: 丁, role: incoming, public_key: "\(k1)"}
        - {name: 戊, post: 局长, role: incoming, public_key: "\(k2)"}
        - {name: 丙, post: 局长, role: incoming, public_key: "\(k2)"}
        """)
        let byCode = Dictionary(grouping: errs, by: \.code)
        let role = byCode["unknown-role"]?.first
        #expect(role?.location == TermAudit.SourceLocation(file: "signers.yaml", line: 1, column: 29))
        #expect(role?.hint.contains("did you mean 'team_leader'?") == true)
        #expect(byCode["bad-key"]?.first?.location.line == 2)
        #expect(byCode["unknown-key"]?.first?.message.contains("email") == true)
        #expect(byCode["missing-key"]?.first?.message.contains("post") == true)
        #expect(byCode["shared-key"]?.first?.location.line == 5)
        #expect(byCode["duplicate-signer"]?.first?.location.line == 6)
        #expect(errs.allSatisfy { $0.description.hasPrefix("signers.yaml:") })

        #expect(load("signers: []").1.first?.code == "wrong-type")
        #expect(load("- [").1.first?.code == "yaml-syntax")
    }
}
