import Foundation
import Testing
import Yams
import TermAudit
@testable import TermAuditLoader

@Suite("Editing the sample case files")
struct EditorSampleTests {
    @Test("values after CJK text in flow mappings are found in the samples")
    func sample007() throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("samples/cases/2024-007.yaml")
        let text = try String(contentsOf: url, encoding: .utf8)
        let e = try CaseFileEditor(text: text, file: "x")
        try e.set([.key("indicators"), .element(field: "id", value: "fiscal-revenue"), .key("actual")], to: .number(5.5))
        let out = try e.result()
        #expect(out == text.replacingOccurrences(of: "actual: 5.2", with: "actual: 5.5"))
    }
}
