import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif

/// What a worksheet handler needs from the rest of the workbook.
struct SheetEnvironment {
    let sharedStrings: [String]
    /// For each cellXfs index, whether it is a date format.
    let dateStyles: [Bool]
    let date1904: Bool
    /// Cells that may still be read, over all sheets.
    let cellBudget: Int
}

/// Streams `<sheetData>` of a worksheet into a flat, sorted array of cells.
final class SheetHandler: PartHandler {
    private let env: SheetEnvironment
    private let sheetName: String
    private(set) var cells: [Cell] = []
    private var sorted = true

    private var inSheetData = false
    private var rowNumber = 0
    private var lastCol = 0

    // The current cell.
    private var inCell = false
    private var cellRow = 0
    private var cellCol = 0
    private var cellType: String?
    private var cellStyle = 0
    private var value = ""
    private var hasValue = false
    private var inValue = false
    private var formula: String?
    private var inFormula = false
    private var sharedIndex: String?
    private var formulaIsSharedMaster = false
    private var inInline = false
    private var sawInline = false
    private var inline = RichTextCollector()
    /// Shared formulas by `si`, as written at their first cell.
    private var sharedFormulas: [String: String] = [:]

    init(context: PartContext, sheetName: String, environment: SheetEnvironment) {
        self.env = environment
        self.sheetName = sheetName
        super.init(context: context)
    }

    private var currentRef: String { CellRef.a1(row: cellRow, col: cellCol) }

    override func start(_ name: Substring, _ attributes: [String: String]) {
        if inCell {
            switch name {
            case "v":
                inValue = true
                hasValue = true
                value = ""
            case "f":
                inFormula = true
                formula = ""
                sharedIndex = nil
                formulaIsSharedMaster = false
                if attributes["t"] == "shared", let si = attributes["si"] {
                    sharedIndex = si
                    formulaIsSharedMaster = attributes["ref"] != nil
                }
            case "is":
                inInline = true
                sawInline = true
                inline.reset()
            default:
                if inInline { inline.start(name) }
            }
            return
        }
        switch name {
        case "sheetData":
            inSheetData = true
        case "row" where inSheetData:
            if let r = attributes["r"] {
                guard let number = Int(r), number >= 1 else {
                    return fail(.invalidCellReference(part: context.part, sheet: sheetName, reference: "row \(r)"))
                }
                guard number <= CellRef.maxRow else {
                    return fail(.cellOutOfGrid(part: context.part, sheet: sheetName, reference: "row \(r)"))
                }
                rowNumber = number
            } else {
                rowNumber += 1
                guard rowNumber <= CellRef.maxRow else {
                    return fail(.cellOutOfGrid(part: context.part, sheet: sheetName, reference: "row \(rowNumber)"))
                }
            }
            lastCol = 0
        case "c" where inSheetData:
            startCell(attributes)
        default:
            break
        }
    }

    private func startCell(_ attributes: [String: String]) {
        if let ref = attributes["r"] {
            switch CellRef.parse(ref) {
            case .cell(let row, let col):
                cellRow = row
                cellCol = col
            case .outOfGrid:
                return fail(.cellOutOfGrid(part: context.part, sheet: sheetName, reference: ref))
            case .invalid:
                return fail(.invalidCellReference(part: context.part, sheet: sheetName, reference: ref))
            }
        } else {
            cellRow = max(rowNumber, 1)
            cellCol = lastCol + 1
            guard cellCol <= CellRef.maxCol else {
                return fail(.cellOutOfGrid(part: context.part, sheet: sheetName,
                                           reference: "\(CellRef.column(min(cellCol, 99_999)))\(cellRow)"))
            }
        }
        lastCol = cellCol
        if rowNumber == 0 { rowNumber = cellRow }
        inCell = true
        cellType = attributes["t"]
        cellStyle = attributes["s"].flatMap { Int($0) } ?? 0
        hasValue = false
        value = ""
        formula = nil
        sharedIndex = nil
        inInline = false
        sawInline = false
    }

    override func end(_ name: Substring) {
        if inCell {
            switch name {
            case "v": inValue = false
            case "f":
                inFormula = false
                if let si = sharedIndex {
                    if let text = formula, !text.isEmpty {
                        if formulaIsSharedMaster || sharedFormulas[si] == nil { sharedFormulas[si] = text }
                    } else {
                        formula = sharedFormulas[si] ?? ""
                    }
                }
            case "is": inInline = false
            case "c": endCell()
            default:
                if inInline { inline.end(name) }
            }
            return
        }
        if name == "sheetData" { inSheetData = false }
    }

    override func text(_ string: String) {
        guard inCell else { return }
        if inValue {
            value += string
        } else if inFormula {
            formula? += string
        } else if inInline {
            inline.characters(string)
        }
    }

    private func invalid(_ type: String) {
        fail(.invalidCellValue(part: context.part, sheet: sheetName, cell: currentRef, type: type, value: String(value.prefix(200))))
    }

    private func endCell() {
        inCell = false
        let cellValue: CellValue
        switch cellType {
        case "s":
            guard hasValue, !value.isEmpty else { cellValue = .empty; break }
            guard let index = Int(value.trimmingCharacters(in: .whitespaces)) else { return invalid("s") }
            guard index >= 0, index < env.sharedStrings.count else {
                return fail(.sharedStringOutOfRange(part: context.part, sheet: sheetName, cell: currentRef, index: index,
                                                    count: env.sharedStrings.count))
            }
            cellValue = .text(env.sharedStrings[index])
        case "inlineStr":
            if sawInline {
                cellValue = .text(decodeXString(inline.text))
            } else {
                cellValue = hasValue ? .text(decodeXString(value)) : .empty
            }
        case "str":
            cellValue = hasValue ? .text(decodeXString(value)) : .empty
        case "b":
            guard hasValue, !value.isEmpty else { cellValue = .empty; break }
            switch value.trimmingCharacters(in: .whitespaces) {
            case "1", "true": cellValue = .bool(true)
            case "0", "false": cellValue = .bool(false)
            default: return invalid("b")
            }
        case "e":
            cellValue = hasValue ? .error(value) : .empty
        case "d":
            guard hasValue, !value.isEmpty else { cellValue = .empty; break }
            guard let serial = Self.isoSerial(value) else { return invalid("d") }
            cellValue = .date(serial: serial)
        case nil, "n":
            guard hasValue, !value.isEmpty else { cellValue = .empty; break }
            guard let number = Self.number(value) else { return invalid("n") }
            if cellStyle >= 0, cellStyle < env.dateStyles.count, env.dateStyles[cellStyle] {
                cellValue = .date(serial: env.date1904 ? number + 1462 : number)
            } else {
                cellValue = .number(number)
            }
        case let other?:
            return fail(.invalidCellValue(part: context.part, sheet: sheetName, cell: currentRef, type: String(other.prefix(20)),
                                          value: String(value.prefix(200))))
        }
        if case .empty = cellValue, formula == nil { return }
        guard cells.count < env.cellBudget else {
            return fail(.tooManyCells(part: context.part, sheet: sheetName, limit: env.cellBudget))
        }
        let cell = Cell(row: cellRow, col: cellCol, value: cellValue, formula: formula)
        if sorted, let last = cells.last, (last.row, last.col) >= (cellRow, cellCol) { sorted = false }
        cells.append(cell)
    }

    /// Sorts out-of-order cells (Excel writes them in order; other writers may not) and refuses duplicates.
    func finish() throws(XlsxReaderError) -> [Cell] {
        if !sorted {
            cells.sort { ($0.row, $0.col) < ($1.row, $1.col) }
            for i in cells.indices.dropFirst() where cells[i].row == cells[i - 1].row && cells[i].col == cells[i - 1].col {
                throw .duplicateCell(part: context.part, sheet: sheetName, cell: cells[i].ref)
            }
        }
        return cells
    }

    /// A number as Excel stores it: optional sign, digits, point, exponent; nothing else (no "nan",
    /// "inf" or hex, which Swift's Double parser would take).
    static func number(_ raw: String) -> Double? {
        var text = raw
        if text.utf8.first == UInt8(ascii: " ") || text.utf8.last == UInt8(ascii: " ") {
            text = text.trimmingCharacters(in: .whitespaces)
        }
        var sawDigit = false
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): sawDigit = true
            case UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "e"), UInt8(ascii: "E"): break
            default: return nil
            }
        }
        guard sawDigit, let value = Double(text), value.isFinite else { return nil }
        return value
    }

    /// An ISO 8601 date or date-time of a `t="d"` cell as a 1900-system serial.
    static func isoSerial(_ text: String) -> Double? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let datePart = trimmed.prefix(10)
        let parts = datePart.split(separator: "-")
        guard datePart.count == 10, parts.count == 3, let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2]),
              let date = XlsxDate(year: y, month: m, day: d), let serial = date.serial else { return nil }
        var rest = trimmed.dropFirst(10)
        guard !rest.isEmpty else { return serial }
        guard rest.first == "T" else { return nil }
        rest = rest.dropFirst()
        if rest.hasSuffix("Z") { rest = rest.dropLast() }
        let hms = rest.split(separator: ":")
        guard hms.count >= 2, hms.count <= 3, let h = Int(hms[0]), let mi = Int(hms[1]),
              (0..<24).contains(h), (0..<60).contains(mi) else { return nil }
        let s = hms.count == 3 ? Double(hms[2]) ?? -1 : 0
        guard s >= 0, s < 61 else { return nil }
        return serial + (Double(h) * 3600 + Double(mi) * 60 + s) / 86_400
    }
}
