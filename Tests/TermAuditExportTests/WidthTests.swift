import Foundation
import Testing
import TermAudit
@testable import TermAuditExport

/// Column widths take shortcuts (UTF-8 decoding in place, skipping cells that cannot widen a column, counting
/// `%.2f` without printing); they must give exactly the widths of the plain computation.
@Suite("Column widths")
struct WidthTests {
    /// The plain computation, as it was before the shortcuts.
    struct Reference {
        var widths: [Double]
        let columns: [ColumnSpec]

        init(columns: [ColumnSpec]) {
            self.columns = columns
            widths = columns.map { max($0.minWidth, Double(DisplayWidth.of($0.header)) + 2) }
        }

        mutating func see(_ cells: [ExportCell]) {
            for (i, c) in cells.enumerated() where i < widths.count {
                let w: Double
                switch c.value {
                case .text(let s): w = Double(Self.longestLine(s)) + 2
                case .number(let v): w = Double(String(format: "%.2f", v).count) + 2
                case .date: w = 12
                case .blank: continue
                }
                widths[i] = min(columns[i].maxWidth, max(widths[i], w))
            }
        }

        static func longestLine(_ s: String) -> Int {
            var longest = 0, w = 0
            for u in s.unicodeScalars {
                let v = u.value
                switch v {
                case 10: longest = max(longest, w); w = 0
                case 0x20..<0x7F: w += 1
                case 0..<0x20, 0x7F..<0xA0: break
                case 0x4E00...0x9FFF, 0xFF01...0xFF60: w += 2
                default: w += DisplayWidth.width(u)
                }
            }
            return max(longest, w)
        }
    }

    static let pieces = ["a", "Z", " ", "\n", "\r\n", "\t", "\u{1}", "\u{7F}", "\u{85}", "\u{A0}", "é", "\u{301}", "ß",
                         "中", "审计", "，", "Ａ", "ｶ", "\u{3000}", "\u{200B}", "😀", "𠀀", "\u{1F1E8}\u{1F1F3}", "한", "\u{FFFD}"]

    static func randomText(_ g: inout some RandomNumberGenerator, maxLength: Int = 40) -> String {
        let n = Int.random(in: 0...maxLength, using: &g)
        return (0..<n).map { _ in pieces.randomElement(using: &g)! }.joined()
    }

    @Test("the longest line is measured the same from UTF-8 as from scalars")
    func longestLine() {
        var g = SystemRandomNumberGenerator()
        for _ in 0..<20_000 {
            let s = Self.randomText(&g)
            #expect(WidthTracker.longestLine(s) == Reference.longestLine(s), "\(s.debugDescription)")
            #expect(WidthTracker.longestLine(s) <= s.utf8.count)
        }
        // Bridged (non-contiguous) strings take the scalar path.
        let bridged = NSString(string: "审计 audit\n中文") as String
        #expect(WidthTracker.longestLine(bridged) == Reference.longestLine(bridged))
    }

    @Test("%.2f lengths are counted without printing, including near powers of ten and -0")
    func fixedTwo() {
        var values: [Double] = [0, -0.0, 0.001, -0.001, -0.004, -0.005, -0.006, 0.005, 0.995, 9.994, 9.995, 9.996, 9.999,
                                -9.995, -9.996, 99.995, 99.9951, 999.99499, 1e14, 1e15 - 0.125, 1e15, 1e16, 123456789012345.67,
                                -1e300, 1e-300, 5e-324, .greatestFiniteMagnitude, .nan, .infinity, -.infinity]
        for p in 0...15 {
            let power = pow(10.0, Double(p))
            for d in [-0.02, -0.01, -0.006, -0.005, -0.0049, -0.004, -0.001, 0, 0.001] { values += [power + d, -(power + d)] }
        }
        var g = SystemRandomNumberGenerator()
        for _ in 0..<20_000 {
            let magnitude = pow(10.0, Double.random(in: -4...16, using: &g))
            values.append(Double.random(in: -magnitude...magnitude, using: &g))
            values.append((Double(Int.random(in: -100_000...100_000, using: &g)) / 100).nextUp)
        }
        for v in values {
            #expect(WidthTracker.fixedTwoLength(v) == String(format: "%.2f", v).count, "\(v)")
        }
    }

    @Test("skipping cells that cannot widen a column gives the same widths")
    func skipping() {
        var g = SystemRandomNumberGenerator()
        for _ in 0..<300 {
            let columns = (0..<Int.random(in: 1...8, using: &g)).map { _ in
                ColumnSpec(Self.randomText(&g, maxLength: 12), min: Double(Int.random(in: 0...20, using: &g)),
                           max: Double(Int.random(in: 4...40, using: &g)))
            }
            var fast = WidthTracker(columns: columns)
            var reference = Reference(columns: columns)
            #expect(fast.widths == reference.widths)
            for _ in 0..<Int.random(in: 0...40, using: &g) {
                let cells: [ExportCell] = (0..<Int.random(in: 0...10, using: &g)).map { _ in
                    switch Int.random(in: 0..<10, using: &g) {
                    case 0: ExportCell(.blank)
                    case 1: ExportCell(.date(Day(year: 2024, month: 1, day: 1)!))
                    case 2, 3: ExportCell(.number(Double.random(in: -1e6...1e6, using: &g)))
                    default: ExportCell(.text(Self.randomText(&g, maxLength: 30)))
                    }
                }
                fast.see(cells)
                reference.see(cells)
                #expect(fast.widths == reference.widths)
            }
        }
    }
}

@Suite("Printing on paper")
struct PrintLayoutTests {
    @Test("a sheet that fits prints at 100 %, a little wider is fitted to the width, a wide one at 75 % across pages with its key columns")
    func layout() {
        #expect(PrintLayout.choose(visibleWidth: 90, landscape: true, keyColumns: 3) == PrintLayout(fitWidth: false, scale: 100, repeatColumns: 0))
        #expect(PrintLayout.choose(visibleWidth: 130, landscape: true, keyColumns: 3) == PrintLayout(fitWidth: true, scale: 100, repeatColumns: 0))
        #expect(PrintLayout.choose(visibleWidth: 134, landscape: true, keyColumns: 3) == PrintLayout(fitWidth: false, scale: 75, repeatColumns: 3))
        #expect(PrintLayout.choose(visibleWidth: 80, landscape: false, keyColumns: 2) == PrintLayout(fitWidth: true, scale: 100, repeatColumns: 0))
        #expect(PrintLayout.choose(visibleWidth: 400, landscape: false, keyColumns: 2).repeatColumns == 2)
    }

    @Test("a wrapped text's printed lines at its column's width")
    func lines() {
        #expect(PagedSink.lineCount("短文本", width: 10) == 1)
        #expect(PagedSink.lineCount(String(repeating: "审", count: 40), width: 30) == 4)     // 80 units in 24.2 per line (28.5 less 15 %)
        #expect(PagedSink.lineCount("第一行\n第二行\n", width: 30) == 3)
        #expect(PagedSink.lineCount(String(repeating: "a", count: 48), width: 30) == 2)
        #expect(PagedSink.lineCount(String(repeating: "a", count: 57), width: 30) == 3)
    }

    @Test("page marks: Excel's codes, ampersands doubled, the scope of each edition")
    func marks() {
        #expect(PageMarks.header(jurisdiction: "A&B县", edition: .public, lang: .zh) == "&LA&&B县&C领导干部经济责任审计结果 · 公开版&R&A")
        #expect(PageMarks.footer(asOf: Day(iso: "2024-12-31")!, edition: .public, lang: .zh) == "&L数据截至 2024-12-31&C第 &P 页 共 &N 页&R在适当范围公开")
        #expect(PageMarks.footer(asOf: Day(iso: "2024-12-31")!, edition: nil, lang: .en) == "&LData as of 2024-12-31&CPage &P of &N&Raudit team's fill-in: internal")
    }
}
