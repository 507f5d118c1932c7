import Crypto
import Foundation
import Testing
import TermAudit
@testable import TermAuditSignoff

/// The byte writer of the canonical form against the straightforward text writer it replaced (kept here as the
/// reference): the same text for every value, so every digest stays the same.
@Suite("Canonical form: bytes as before")
struct CanonicalBytesTests {
    /// The serializer as it was: a `String`, scalars escaped one by one, keys sorted as `Array(utf16)`.
    static func reference(_ j: CanonicalJSON) -> String {
        switch j {
        case .null: return "null"
        case .bool(let b): return b ? "true" : "false"
        case .number(let d): return CanonicalJSON.number(d)
        case .string(let s): return referenceString(s)
        case .array(let a): return "[" + a.map(reference).joined(separator: ",") + "]"
        case .object(let o):
            let keys = o.keys.sorted { Array($0.utf16).lexicographicallyPrecedes(Array($1.utf16)) }
            return "{" + keys.map { referenceString($0) + ":" + reference(o[$0]!) }.joined(separator: ",") + "}"
        }
    }

    static func referenceString(_ s: String) -> String {
        var out = "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\u{08}": out += "\\b"
            case "\u{0C}": out += "\\f"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if u.value < 0x20 {
                    let hex = String(u.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(u)
                }
            }
        }
        return out + "\""
    }

    /// Scalars chosen where the orders and escapes differ: ASCII, controls, quotes, Latin, CJK, the private-use
    /// and half-width range above the surrogates (U+E000…U+FFFF), and astral scalars (surrogate pairs in UTF-16).
    static let alphabet: [Unicode.Scalar] = ["a", "b", "B", "0", "-", "_", ".", " ", "\"", "\\", "/", "\n", "\t", "\r", "\u{08}",
                                             "\u{0C}", "\u{01}", "\u{1F}", "\u{7F}", "é", "Ω", "中", "审", "\u{E000}", "\u{FF61}",
                                             "\u{FFFD}", "😀", "\u{10000}", "\u{1F600}", "\u{2028}"]

    struct Rng: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    static func randomString(_ r: inout Rng) -> String {
        var s = String.UnicodeScalarView()
        for _ in 0..<Int.random(in: 0...6, using: &r) { s.append(alphabet.randomElement(using: &r)!) }
        return String(s)
    }

    static func randomValue(_ r: inout Rng, depth: Int) -> CanonicalJSON {
        switch Int.random(in: 0...(depth > 2 ? 3 : 5), using: &r) {
        case 0: return .null
        case 1: return .bool(Bool.random(using: &r))
        case 2:
            let choices: [Double] = [0, -0.0, 1, -1, 3410, 2.5, -7.25, 0.1 + 0.2, 1e15, 1e21, 9_007_199_254_740_991, 9_007_199_254_740_992,
                                     -9_007_199_254_740_993, 123456789.125, 1e-7, 5e-324, Double(Int.random(in: -100_000...100_000, using: &r))]
            return .number(choices.randomElement(using: &r)!)
        case 3: return .string(randomString(&r))
        case 4: return .array((0..<Int.random(in: 0...4, using: &r)).map { _ in randomValue(&r, depth: depth + 1) })
        default:
            var o: [String: CanonicalJSON] = [:]
            for _ in 0..<Int.random(in: 0...6, using: &r) { o[randomString(&r)] = randomValue(&r, depth: depth + 1) }
            return .object(o)
        }
    }

    @Test("random values: the same text as the reference serializer")
    func randomValues() {
        var r = Rng(state: 2024)
        for _ in 0..<3000 {
            let v = Self.randomValue(&r, depth: 0)
            #expect(v.text == Self.reference(v))
            #expect(v.bytes == Data(Self.reference(v).utf8))
        }
    }

    @Test("keys sort by UTF-16 code units, not by scalars: U+1F600 (D83D DE00) before U+FF61")
    func utf16Order() {
        let o = CanonicalJSON.object(["\u{FF61}": .number(1), "😀": .number(2), "a": .number(3), "ab": .number(4), "": .number(5)])
        #expect(o.text == "{\"\":5,\"a\":3,\"ab\":4,\"😀\":2,\"｡\":1}")
        #expect(CanonicalJSON.precedesInUTF16("😀", "\u{FF61}"))
        #expect(!CanonicalJSON.precedesInUTF16("\u{FF61}", "😀"))
        #expect(CanonicalJSON.precedesInUTF16("a", "a\u{FF61}"))
        #expect(!CanonicalJSON.precedesInUTF16("a", "a"))
    }

    @Test("whole numbers take the integer path with the same text", arguments: [0.0, -0.0, 1, -1, 42, 3410, 1e15, -1e15,
                                                                                 9_007_199_254_740_991, -9_007_199_254_740_991])
    func wholeNumbers(_ d: Double) {
        var out: [UInt8] = []
        CanonicalJSON.number(d, into: &out)
        #expect(String(decoding: out, as: UTF8.self) == CanonicalJSON.number(d))
    }

    @Test("SHA-256 hex: 64 lowercase digits, as String(format: \"%02x\") gave them")
    func hex() {
        for text in ["", "abc", "审计", String(repeating: "x", count: 1000)] {
            let d = CaseDigest.sha256Hex(Data(text.utf8))
            let old = SHA256Reference.hex(Data(text.utf8))
            #expect(d == old)
            #expect(CaseDigest.sha256Hex(Array(text.utf8)) == old)
        }
        #expect(CaseDigest.sha256Hex(Data("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(CanonicalJSON.hex([0x00, 0x0f, 0xa0, 0xff]) == "000fa0ff")
    }
}

enum SHA256Reference {
    static func hex(_ data: Data) -> String { SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined() }
}
