import Foundation

/// What kind of sheet a tab is.
public enum SheetKind: String, Hashable, Sendable {
    /// A grid of cells.
    case worksheet
    /// A chart on its own tab (no cells).
    case chartsheet
    /// An old dialog or macro sheet, or a part of another type (its cells are not read).
    case other
}

/// One sheet of a workbook with its cells, sorted by row then column. Only cells with a value or a
/// formula are kept (cells that are only styled are left out), in one flat array.
public struct XlsxSheet: Hashable, Sendable {
    /// The tab name.
    public let name: String
    /// The position among the workbook's tabs, 0-based.
    public let index: Int
    /// Visible, hidden or very hidden.
    public let state: SheetState
    /// Worksheet, chart sheet or other.
    public let kind: SheetKind
    /// The zip entry of the sheet, e.g. "xl/worksheets/sheet1.xml".
    public let part: String
    /// Every cell with a value or formula, sorted by row then column.
    public let cells: [Cell]
    /// Where each row's cells start in `cells` (one entry per row that has cells, plus the end).
    private let rowStarts: [Int32]

    init(name: String, index: Int, state: SheetState, kind: SheetKind, part: String, cells: [Cell]) {
        self.name = name
        self.index = index
        self.state = state
        self.kind = kind
        self.part = part
        self.cells = cells
        var starts: [Int32] = []
        var previous = 0
        for (i, cell) in cells.enumerated() where cell.row != previous {
            starts.append(Int32(i))
            previous = cell.row
        }
        starts.append(Int32(cells.count))
        self.rowStarts = starts
    }

    /// True when the sheet is visible (not hidden or very hidden).
    public var isVisible: Bool { state == .visible }

    /// The rows that have cells, in order.
    public var rows: XlsxRows { XlsxRows(cells: cells, starts: rowStarts) }

    /// The last row number that has a cell (0 for an empty sheet).
    public var lastRow: Int { cells.last?.row ?? 0 }

    /// The last column number that has a cell (0 for an empty sheet).
    public var lastColumn: Int { cells.map(\.col).max() ?? 0 }

    /// The cell at a 1-based position, if it has a value or formula.
    public func cell(row: Int, col: Int) -> Cell? {
        guard let r = rowIndex(row) else { return nil }
        return rows[r].cell(col: col)
    }

    /// The cell for an A1 reference ("B7"), if it has a value or formula.
    public func cell(_ reference: String) -> Cell? {
        guard case .cell(let row, let col) = CellRef.parse(reference) else { return nil }
        return cell(row: row, col: col)
    }

    /// The value at a 1-based position (`.empty` for a missing cell).
    public func value(row: Int, col: Int) -> CellValue { cell(row: row, col: col)?.value ?? .empty }

    /// The row with this 1-based number, if it has cells.
    public func row(_ number: Int) -> XlsxRow? { rowIndex(number).map { rows[$0] } }

    private func rowIndex(_ number: Int) -> Int? {
        var low = 0
        var high = rowStarts.count - 1  // number of rows
        while low < high {
            let mid = (low + high) / 2
            let r = cells[Int(rowStarts[mid])].row
            if r == number { return mid }
            if r < number { low = mid + 1 } else { high = mid }
        }
        return nil
    }
}

/// The rows of a sheet that have cells: a view over the sheet's cell array, no copies.
public struct XlsxRows: RandomAccessCollection, Sendable {
    let cells: [Cell]
    let starts: [Int32]

    public var startIndex: Int { 0 }
    public var endIndex: Int { starts.count - 1 }

    public subscript(position: Int) -> XlsxRow {
        XlsxRow(cells: cells[Int(starts[position])..<Int(starts[position + 1])])
    }
}

/// One row's cells (only those with a value or formula), in column order.
public struct XlsxRow: Sendable {
    /// The cells, in column order.
    public let cells: ArraySlice<Cell>

    /// The 1-based row number.
    public var number: Int { cells.first?.row ?? 0 }

    /// The cell in a 1-based column, if it has a value or formula.
    public func cell(col: Int) -> Cell? {
        var low = cells.startIndex
        var high = cells.endIndex
        while low < high {
            let mid = (low + high) / 2
            let c = cells[mid].col
            if c == col { return cells[mid] }
            if c < col { low = mid + 1 } else { high = mid }
        }
        return nil
    }

    /// The value in a 1-based column (`.empty` when there is no cell).
    public func value(col: Int) -> CellValue { cell(col: col)?.value ?? .empty }
}

/// An .xlsx workbook read into memory: its sheets in tab order with their cells.
///
/// Reading checks the file before trusting it: the signature (zip, or OLE2 for encrypted/old .xls),
/// the zip structure and every declared size against `XlsxLimits` before extracting, the real size of
/// every extracted part, no DOCTYPE in any XML part, well-formed XML, cell references inside the grid,
/// and shared-string indexes inside the table. The raw XML of a part is dropped as soon as it is parsed.
public struct XlsxWorkbook: Sendable {
    /// The sheets in tab order (hidden ones included; see `XlsxSheet.state`).
    public let sheets: [XlsxSheet]
    /// True when the workbook uses the 1904 date system (serials are converted to the 1900 system).
    public let uses1904DateSystem: Bool
    /// The workbook part, normally "xl/workbook.xml".
    public let workbookPart: String

    /// The sheets that are visible.
    public var visibleSheets: [XlsxSheet] { sheets.filter(\.isVisible) }

    /// The sheet with this name: an exact match, else one that matches ignoring case (as Excel does).
    public func sheet(named name: String) -> XlsxSheet? {
        sheets.first { $0.name == name } ?? sheets.first { $0.name.lowercased() == name.lowercased() }
    }

    /// Reads the workbook at `url`. Throws only `XlsxReaderError`.
    public static func open(url: URL, limits: XlsxLimits = .default) throws(XlsxReaderError) -> XlsxWorkbook {
        let package = try ZipPackage(url: url, limits: limits)
        return try WorkbookReader(package: package).read()
    }
}

/// Reads the parts of a package in order: content types, the workbook and its relationships,
/// shared strings, styles, then each worksheet.
private struct WorkbookReader {
    let package: ZipPackage

    static let officeDocument = "/officeDocument"
    static let workbookContentTypes: Set<String> = [
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
        "application/vnd.ms-excel.sheet.macroEnabled.main+xml",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.template.main+xml",
        "application/vnd.ms-excel.template.macroEnabled.main+xml",
    ]

    func parse<H: PartHandler>(_ part: String, sheet: String? = nil, _ make: (PartContext) -> H) throws(XlsxReaderError) -> H {
        let name = package.storedName(part) ?? part
        let handler = make(PartContext(part: name, sheet: sheet))
        do {
            let data = try package.extract(name)
            try XMLPart.parse(data, handler: handler)
        } catch {
            if case .missingPart(let p, nil) = error, sheet != nil { throw .missingPart(part: p, sheet: sheet) }
            throw error
        }
        return handler
    }

    func read() throws(XlsxReaderError) -> XlsxWorkbook {
        // [Content_Types].xml: which part is the workbook, when the package relationships do not say.
        var overrides: [String: String] = [:]
        if package.contains("[Content_Types].xml") {
            overrides = try parse("[Content_Types].xml") { ContentTypesHandler(context: $0) }.overrides
        }
        var workbookPart: String?
        if package.contains("_rels/.rels") {
            let rels = try parse("_rels/.rels") { RelationshipsHandler(context: $0) }.relationships
            if let rel = rels.first(where: { !$0.external && $0.type.hasSuffix(Self.officeDocument) }),
               let part = resolvePartName(rel.target, from: ""), package.contains(part) {
                workbookPart = part
            }
        }
        if workbookPart == nil {
            workbookPart = overrides.first { Self.workbookContentTypes.contains($0.value) && package.contains($0.key) }?.key
        }
        if workbookPart == nil, package.contains("xl/workbook.xml") { workbookPart = "xl/workbook.xml" }
        guard let found = workbookPart, let workbook = package.storedName(found) else { throw .missingWorkbook }

        let book = try parse(workbook) { WorkbookHandler(context: $0) }
        let relsPart = relationshipsPart(of: workbook)
        var relationships: [Relationship] = []
        if package.contains(relsPart) {
            relationships = try parse(relsPart) { RelationshipsHandler(context: $0) }.relationships
        }
        var byId: [String: Relationship] = [:]
        for rel in relationships where byId[rel.id] == nil { byId[rel.id] = rel }

        func related(_ suffix: String, fallback: String) -> String? {
            if let rel = relationships.first(where: { !$0.external && $0.type.hasSuffix(suffix) }),
               let part = resolvePartName(rel.target, from: workbook), package.contains(part) {
                return part
            }
            return package.contains(fallback) ? fallback : nil
        }
        var sharedStrings: [String] = []
        if let part = related("/sharedStrings", fallback: "xl/sharedStrings.xml") {
            sharedStrings = try parse(part) { SharedStringsHandler(context: $0) }.strings
        }
        var dateStyles: [Bool] = []
        if let part = related("/styles", fallback: "xl/styles.xml") {
            dateStyles = try parse(part) { StylesHandler(context: $0) }.dateStyles()
        }

        // Sheets: names unique, each pointing at its own existing part.
        var plans: [(entry: SheetEntry, part: String, kind: SheetKind)] = []
        var namesSeen: Set<String> = []
        var partOwners: [String: String] = [:]
        for entry in book.sheets {
            guard namesSeen.insert(entry.name.lowercased()).inserted else {
                throw .duplicateSheetName(part: workbook, sheet: entry.name)
            }
            guard let rid = entry.relationshipId else {
                throw .invalidWorkbook(part: workbook, reason: "sheet '\(entry.name)' has no relationship id (r:id)")
            }
            guard let rel = byId[rid], !rel.external else {
                throw .invalidWorkbook(part: workbook,
                                       reason: "sheet '\(entry.name)' refers to relationship \(rid), which \(relsPart) does not define")
            }
            guard let target = resolvePartName(rel.target, from: workbook) else {
                throw .missingPart(part: rel.target, sheet: entry.name)
            }
            guard let part = package.storedName(target) else { throw .missingPart(part: target, sheet: entry.name) }
            if let owner = partOwners[part.lowercased()] {
                throw .duplicateSheetPart(part: part, sheets: [owner, entry.name])
            }
            partOwners[part.lowercased()] = entry.name
            let kind: SheetKind
            if rel.type.hasSuffix("/worksheet") {
                kind = .worksheet
            } else if rel.type.hasSuffix("/chartsheet") {
                kind = .chartsheet
            } else {
                kind = .other
            }
            plans.append((entry, part, kind))
        }

        var sheets: [XlsxSheet] = []
        var cellsLeft = package.limits.maxCells
        for (index, plan) in plans.enumerated() {
            var cells: [Cell] = []
            if plan.kind == .worksheet {
                let env = SheetEnvironment(sharedStrings: sharedStrings, dateStyles: dateStyles, date1904: book.date1904,
                                           cellBudget: cellsLeft)
                let handler = try parse(plan.part, sheet: plan.entry.name) {
                    SheetHandler(context: $0, sheetName: plan.entry.name, environment: env)
                }
                cells = try handler.finish()
                cellsLeft -= cells.count
            }
            sheets.append(XlsxSheet(name: plan.entry.name, index: index, state: plan.entry.state, kind: plan.kind,
                                    part: plan.part, cells: cells))
        }
        return XlsxWorkbook(sheets: sheets, uses1904DateSystem: book.date1904, workbookPart: workbook)
    }
}
