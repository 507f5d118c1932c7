import Crypto
import Foundation
import TermAudit
import TermAuditLoader

/// An Ed25519 key pair read from a private key file (`termaudit keygen`).
///
/// The file is a small YAML document:
///
/// ```
/// # termaudit Ed25519 private key (签字私钥) — keep it secret
/// format: termaudit-ed25519-private-v1
/// name: "许文涛"
/// private_key: "<base64 of the 32-byte Ed25519 seed (RFC 8032 private key)>"
/// public_key: "<base64 of the 32-byte Ed25519 public key>"
/// ```
///
/// and `FILE.pub` the same without `private_key`, with `format: termaudit-ed25519-public-v1`.
public struct SigningKey: Sendable {
    public static let privateFormat = "termaudit-ed25519-private-v1"
    public static let publicFormat = "termaudit-ed25519-public-v1"

    public let name: String
    /// The 32-byte private key (kept as bytes: the Crypto key type is not Sendable).
    let seed: Data

    public init(name: String, privateKey: Curve25519.Signing.PrivateKey) {
        self.name = name
        self.seed = privateKey.rawRepresentation
    }

    /// The private key.
    public var privateKey: Curve25519.Signing.PrivateKey {
        // The seed came from a valid key, so this cannot fail.
        try! Curve25519.Signing.PrivateKey(rawRepresentation: seed)
    }

    /// The public key as base64 of its 32 raw bytes (the form used in signers.yaml and in records).
    public var publicKeyBase64: String { privateKey.publicKey.rawRepresentation.base64EncodedString() }

    /// Makes a new key pair.
    public static func generate(name: String) -> SigningKey {
        SigningKey(name: name, privateKey: Curve25519.Signing.PrivateKey())
    }

    /// The text of the private key file.
    public var privateFileText: String {
        """
        # termaudit Ed25519 private key (签字私钥). Keep it secret: whoever has this file can sign as \(name).
        # 私钥文件：请妥善保管，持有此文件者即可以 \(name) 的名义签字。See docs/signoff.md.
        format: \(Self.privateFormat)
        name: \(CanonicalJSON.quoted(name))
        private_key: "\(privateKey.rawRepresentation.base64EncodedString())"
        public_key: "\(publicKeyBase64)"

        """
    }

    /// The text of the public key file.
    public var publicFileText: String {
        """
        # termaudit Ed25519 public key (签字公钥) of \(name). Register it in signers.yaml.
        format: \(Self.publicFormat)
        name: \(CanonicalJSON.quoted(name))
        public_key: "\(publicKeyBase64)"

        """
    }

    /// Reads a private key file; throws `SignoffError.badKeyFile` with the reason.
    public static func read(_ url: URL) throws -> SigningKey {
        let path = url.relativePath
        guard let data = FileManager.default.contents(atPath: path) else {
            throw SignoffError.badKeyFile(path, Label(zh: "无法读取该文件", en: "cannot read the file"))
        }
        guard data.count < 64 << 10, let text = String(data: data, encoding: .utf8) else {
            throw SignoffError.badKeyFile(path, Label(zh: "不是 termaudit 私钥文件（应为 UTF-8 文本）", en: "not a termaudit private key file (UTF-8 text expected)"))
        }
        let fields: [String: String]
        do { fields = try flatMapping(text, file: path) } catch {
            throw SignoffError.badKeyFile(path, Label(zh: "无法读取：\(error)", en: "cannot read it: \(error)"))
        }
        if fields["format"] == publicFormat {
            throw SignoffError.badKeyFile(path, Label(zh: "这是公钥文件（.pub），签字需要私钥文件", en: "this is a public key file (.pub); signing needs the private key file"))
        }
        guard fields["format"] == privateFormat else {
            throw SignoffError.badKeyFile(path, Label(zh: "缺少 format: \(privateFormat)", en: "no `format: \(privateFormat)`"))
        }
        guard let name = fields["name"], !name.isEmpty else {
            throw SignoffError.badKeyFile(path, Label(zh: "缺少 name", en: "no `name`"))
        }
        guard let b64 = fields["private_key"], let raw = Data(base64Encoded: b64), raw.count == 32,
              let key = try? Curve25519.Signing.PrivateKey(rawRepresentation: raw) else {
            throw SignoffError.badKeyFile(path, Label(zh: "private_key 应为 32 字节 Ed25519 私钥的 base64", en: "private_key should be base64 of a 32-byte Ed25519 private key"))
        }
        let k = SigningKey(name: name, privateKey: key)
        if let pub = fields["public_key"], PublicKey.decode(pub) != PublicKey.decode(k.publicKeyBase64) {
            throw SignoffError.badKeyFile(path, Label(zh: "public_key 与 private_key 不对应", en: "public_key does not belong to private_key"))
        }
        return k
    }

    /// Writes a new key pair to `url` (mode 0600) and `url.pub` (mode 0644); never overwrites either file.
    public static func write(_ key: SigningKey, to url: URL) throws {
        let pubURL = URL(fileURLWithPath: url.relativePath + ".pub", relativeTo: url.baseURL)
        for u in [url, pubURL] where FileManager.default.fileExists(atPath: u.path) || (try? FileManager.default.destinationOfSymbolicLink(atPath: u.path)) != nil {
            throw SignoffError.keyFileExists(u.relativePath)
        }
        try createExclusive(url, contents: Data(key.privateFileText.utf8), mode: 0o600)
        do {
            try createExclusive(pubURL, contents: Data(key.publicFileText.utf8), mode: 0o644)
        } catch {
            unlink(url.path)
            throw error
        }
    }

    /// Creates a file that must not exist yet (O_CREAT | O_EXCL, no symlink followed) with a mode.
    static func createExclusive(_ url: URL, contents: Data, mode: mode_t) throws {
        let fd = open(url.path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode)
        if fd < 0 {
            if errno == EEXIST { throw SignoffError.keyFileExists(url.relativePath) }
            throw SignoffError.io(url.path, String(cString: strerror(errno)))
        }
        defer { close(fd) }
        guard fchmod(fd, mode) == 0 else { throw SignoffError.io(url.path, String(cString: strerror(errno))) }
        try writeAll(fd, contents, path: url.path)
        guard fsync(fd) == 0 else { throw SignoffError.io(url.path, String(cString: strerror(errno))) }
    }

    static func writeAll(_ fd: Int32, _ data: Data, path: String) throws {
        try data.withUnsafeBytes { (buf: UnsafeRawBufferPointer) in
            var off = 0
            while off < buf.count {
                let n = Foundation.write(fd, buf.baseAddress! + off, buf.count - off)
                if n < 0 {
                    if errno == EINTR { continue }
                    throw SignoffError.io(path, String(cString: strerror(errno)))
                }
                off += n
            }
        }
    }

    /// Reads a key file: a mapping of text values, read by the case loader's reader.
    static func flatMapping(_ text: String, file: String) throws -> [String: String] {
        let (record, diagnostics) = YAMLRecords.mapping(data: Data(text.utf8), file: file, of: "the key file",
                                                        keys: ["format", "name", "private_key", "public_key"], required: [])
        if let e = diagnostics.first(where: { $0.severity == .error }) {
            throw SignoffError.message(Label(zh: "\(e)", en: "\(e)"))
        }
        return (record?.values ?? [:]).mapValues(\.text)
    }
}

/// Ed25519 public keys as they appear in signers.yaml and records: base64 of the 32 raw bytes.
public enum PublicKey {
    /// The raw 32 bytes, or nil when the text is not base64 of 32 bytes.
    public static func decode(_ text: String) -> Data? {
        guard let d = Data(base64Encoded: text.trimmingCharacters(in: .whitespaces)), d.count == 32 else { return nil }
        return d
    }

    /// The DER prefix of an Ed25519 SubjectPublicKeyInfo (RFC 8410); the 32 raw bytes follow it.
    public static let derPrefix: [UInt8] = [0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00]

    /// The key as a PEM `PUBLIC KEY` (for openssl).
    public static func pem(_ raw: Data) -> String {
        let der = Data(derPrefix) + raw
        return "-----BEGIN PUBLIC KEY-----\n\(der.base64EncodedString())\n-----END PUBLIC KEY-----\n"
    }

    /// Whether `signature` (base64) is a valid Ed25519 signature by `publicKey` (raw) over `message`.
    public static func verify(signature: String, publicKey: Data, message: String) -> Bool {
        guard let sig = Data(base64Encoded: signature), sig.count == 64,
              let key = try? Curve25519.Signing.PublicKey(rawRepresentation: publicKey) else { return false }
        return key.isValidSignature(sig, for: Data(message.utf8))
    }
}
