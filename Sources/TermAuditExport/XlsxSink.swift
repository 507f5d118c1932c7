import Foundation
import TermAudit
import XlsxWriter

/// Writes the exporter's sheets to an .xlsx file through libxlsxwriter, atomically and in constant memory.
public final class XlsxSink: WorkbookSink {
    private let workbook: Workbook
    private var sheets: [(spec: SheetSpec, series: SheetSeries?, sheet: Worksheet?, row: Int, widths: WidthTracker)] = []
    private var formats: [ExportStyle: Format] = [:]
    private let footer: String
    private let rowLimit: Int

    /// Opens the output; nothing appears at `url` until `close()` succeeds.
    public init(url: URL, info: DocumentInfo, footer: String, rowLimit: Int = CellReference.maxRows) throws {
        var comps = DateComponents()
        comps.year = info.created.year
        comps.month = info.created.month
        comps.day = info.created.day
        comps.hour = 12
        var cal = Calendar(identifier: .gregorian)
        cal.timeZone = TimeZone(identifier: "UTC")!
        let created = cal.date(from: comps) ?? Date(timeIntervalSince1970: 86_400)
        workbook = try Workbook(atomicOutput: url, options: Workbook.Options(
            created: created, constantMemory: true, title: info.title, subject: info.subject,
            author: "termaudit", company: info.company, comments: info.comments))
        self.footer = footer
        self.rowLimit = rowLimit
        for style in ExportStyle.allCases { formats[style] = try workbook.format(Self.spec(style)) }
    }

    /// Replacements of XML-forbidden characters made while writing.
    public var sanitizations: [Sanitization] { workbook.sanitizations }

    static func spec(_ style: ExportStyle) -> FormatSpec {
        let font = "等线"
        switch style {
        case .title: return FormatSpec(bold: true, fontName: font, fontSize: 16)
        case .header: return FormatSpec(bold: true, fontName: font, backgroundColor: 0xDDEBF7, border: .thin,
                                        horizontalAlignment: .center, verticalAlignment: .center, wrap: true)
        case .label: return FormatSpec(bold: true, fontName: font, backgroundColor: 0xF2F2F2, border: .thin, verticalAlignment: .top)
        case .text: return FormatSpec(fontName: font, border: .thin, verticalAlignment: .top)
        case .wrap: return FormatSpec(fontName: font, border: .thin, verticalAlignment: .top, wrap: true)
        case .note: return FormatSpec(italic: true, fontName: font, fontColor: 0x595959, verticalAlignment: .top, wrap: true)
        case .integer: return FormatSpec(fontName: font, border: .thin, verticalAlignment: .top, numberFormat: "0")
        case .number: return FormatSpec(fontName: font, border: .thin, verticalAlignment: .top, numberFormat: "General")
        case .percent: return FormatSpec(fontName: font, border: .thin, verticalAlignment: .top, numberFormat: "0.0%")
        case .amount: return FormatSpec(fontName: font, border: .thin, verticalAlignment: .top, numberFormat: "#,##0.00")
        case .date: return FormatSpec(fontName: font, border: .thin, horizontalAlignment: .center, verticalAlignment: .top, numberFormat: "yyyy-mm-dd")
        case .unlocked: return FormatSpec(fontName: font, backgroundColor: 0xFFF2CC, border: .thin, verticalAlignment: .top, wrap: true, locked: false)
        case .unlockedNumber: return FormatSpec(fontName: font, backgroundColor: 0xFFF2CC, border: .thin, verticalAlignment: .top, numberFormat: "General", locked: false)
        case .bad: return FormatSpec(fontColor: 0x9C0006, backgroundColor: 0xFFC7CE)
        case .warn: return FormatSpec(fontColor: 0x9C5700, backgroundColor: 0xFFEB9C)
        }
    }

    public func addSheet(_ spec: SheetSpec) throws -> Int {
        let footer = self.footer
        let configure: (Worksheet) throws -> Void = { ws in
            try ws.setPaper(.a4)
            if spec.landscape { try ws.setLandscape() }
            try ws.fitToPages(width: 1, height: 0)
            try ws.setFooter(footer)
            if spec.protect { try ws.protect() }
        }
        if spec.table {
            let columns = spec.columns.map { SheetSeries.Column(width: nil, format: nil, hidden: $0.hidden) }
            let series = try SheetSeries(workbook: workbook, name: spec.name, header: spec.columns.map(\.header),
                                         headerFormat: formats[.header], columns: columns, freezeHeader: true,
                                         autofilter: true, rowLimit: rowLimit, configure: configure)
            sheets.append((spec, series, nil, 1, WidthTracker(columns: spec.columns)))
        } else {
            let ws = try workbook.addWorksheet(name: spec.name)
            try configure(ws)
            sheets.append((spec, nil, ws, 0, WidthTracker(columns: spec.columns)))
        }
        return sheets.count - 1
    }

    public func append(_ sheet: Int, _ cells: [ExportCell]) throws {
        let values: [CellValue] = cells.map { c in
            switch c.value {
            case .text(let s): return .text(s)
            case .number(let v): return .number(v)
            case .date(let d): return .dateTime(ExcelDateTime(year: d.year, month: d.month, day: d.day))
            case .blank: return .blank
            }
        }
        let fmts = cells.map { formats[$0.style] }
        sheets[sheet].widths.see(cells, columns: sheets[sheet].spec.columns)
        if let series = sheets[sheet].series {
            try series.append(values, formats: fmts)
        } else if let ws = sheets[sheet].sheet {
            let row = sheets[sheet].row
            for (col, v) in values.enumerated() {
                switch v {
                case .text(let s): try ws.write(s, row: row, col: col, format: fmts[col])
                case .number(let n): try ws.write(n, row: row, col: col, format: fmts[col])
                case .dateTime(let d): try ws.write(d, row: row, col: col, format: fmts[col])
                case .blank: if fmts[col] != nil { try ws.writeBlank(row: row, col: col, format: fmts[col]) }
                case .formula: break
                }
            }
            sheets[sheet].row += 1
        }
    }

    public func close() throws {
        for entry in sheets {
            let worksheets = entry.series?.sheets ?? entry.sheet.map { [$0] } ?? []
            try entry.series?.finish()
            for (i, w) in entry.widths.widths.enumerated() {
                let hidden = entry.spec.columns[i].hidden
                for ws in worksheets { try ws.setColumn(first: i, last: i, width: w, hidden: hidden) }
            }
            for ws in worksheets where entry.spec.table {
                let last = max(ws.rowCount - 1, 1)
                let lastCol = max(entry.spec.columns.count - 1, 0)
                for h in entry.spec.highlights {
                    let col = CellReference.column(h.column)
                    let escaped = h.equals.replacingOccurrences(of: "\"", with: "\"\"")
                    try ws.addConditionalFormat(range: CellRange(firstRow: 1, firstCol: 0, lastRow: last, lastCol: lastCol),
                                                formula: "=$\(col)2=\"\(escaped)\"", format: formats[h.style]!)
                }
                for v in entry.spec.validations {
                    try ws.addListValidation(range: CellRange(firstRow: 1, firstCol: v.column, lastRow: max(last, 1), lastCol: v.column),
                                             sourceSheet: v.listSheet,
                                             source: CellRange(firstRow: 0, firstCol: v.listColumn, lastRow: max(v.count - 1, 0), lastCol: v.listColumn))
                }
            }
            if entry.spec.hidden { for ws in worksheets { try ws.hide() } }
        }
        try workbook.close()
    }
}
