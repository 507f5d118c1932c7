import Crypto
import Foundation
import Testing
import TermAuditExport

@Suite("Fill-in check codes")
struct FillInCheckTests {
    @Test("the check code is the first 12 hex digits of the row's SHA-256, as String(format:) printed them")
    func checkCode() {
        var g = SystemRandomNumberGenerator()
        var pairs = [("2024-001", "I-01"), ("", ""), ("案卷", "年度"), ("2024-007", "2023")]
        for _ in 0..<2_000 {
            pairs.append((String(UInt64.random(in: 0...UInt64.max, using: &g), radix: 36), "k\(Int.random(in: 0...99_999, using: &g))中"))
        }
        for (id, key) in pairs {
            let digest = SHA256.hash(data: Data("termaudit-row\u{1F}\(id)\u{1F}\(key)".utf8))
            let expected = String(digest.map { String(format: "%02x", $0) }.joined().prefix(12))
            #expect(FillIn.check(caseID: id, key: key) == expected)
        }
    }
}
