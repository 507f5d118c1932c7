/// Why a workbook could not be read. Each case names the part (zip entry) and, where known, the sheet
/// and cell; `description` is a message for people, in Chinese then English.
public enum XlsxReaderError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The file could not be opened or read (missing, a folder, no permission).
    case unreadableFile(path: String, reason: String)
    /// The file is not a zip archive (e.g. a text or CSV file renamed .xlsx), or is empty.
    case notAnXlsx(reason: String)
    /// The file is an OLE2 compound document (starts D0 CF 11 E0): a password-protected workbook
    /// (Excel encrypts into OLE2) or an old binary .xls.
    case encryptedOrLegacyFormat
    /// The zip itself is damaged: truncated, a bad central directory, an entry whose data runs past
    /// its bounds, a checksum mismatch, or corrupt compressed data. `part` is nil for the whole zip.
    case damagedZip(part: String?, reason: String)
    /// An entry is encrypted with a zip password.
    case encryptedEntry(part: String)
    /// An entry uses a compression method other than stored or deflate.
    case unsupportedCompression(part: String, method: Int)
    /// The file is larger than `XlsxLimits.maxFileBytes`.
    case fileTooLarge(size: UInt64, limit: UInt64)
    /// The zip has more entries than `XlsxLimits.maxEntries`.
    case tooManyEntries(count: Int, limit: Int)
    /// An entry expands (declared or actually) to more than `XlsxLimits.maxEntryUncompressedBytes`.
    case entryTooLarge(part: String, limit: UInt64)
    /// All entries together expand (declared or actually) to more than `XlsxLimits.maxTotalUncompressedBytes`.
    case workbookTooLarge(limit: UInt64)
    /// An entry expands more than `XlsxLimits.maxCompressionRatio` times (zip bomb).
    case compressionRatioTooHigh(part: String, limit: Double)
    /// An entry's data does not expand to the size its headers declare.
    case entrySizeMismatch(part: String, declared: UInt64, actual: UInt64)
    /// Two zip entries have the same name (ignoring case, as Office does).
    case duplicateEntry(part: String)
    /// The zip holds no workbook part (xl/workbook.xml): another kind of zip (e.g. a .docx) renamed.
    case missingWorkbook
    /// A part the workbook refers to is not in the zip (e.g. a sheet's worksheet part).
    case missingPart(part: String, sheet: String?)
    /// Two sheets point at the same worksheet part.
    case duplicateSheetPart(part: String, sheets: [String])
    /// Two sheets have the same name (ignoring case, as Excel does).
    case duplicateSheetName(part: String, sheet: String)
    /// The workbook part is inconsistent (a sheet without a relationship id, an unknown id, ...).
    case invalidWorkbook(part: String, reason: String)
    /// A part is not well-formed XML (or not UTF-8); line and column as the XML parser reports them.
    case malformedXML(part: String, sheet: String?, line: Int, column: Int, reason: String)
    /// A part has a DOCTYPE (or another markup declaration): refused, as it can declare entities
    /// (billion laughs) or reach outside the file.
    case doctypeRefused(part: String, sheet: String?, line: Int, column: Int)
    /// A cell or row reference lies outside Excel's grid (1,048,576 rows × 16,384 columns, XFD).
    case cellOutOfGrid(part: String, sheet: String, reference: String)
    /// A cell reference is not an A1 reference.
    case invalidCellReference(part: String, sheet: String, reference: String)
    /// Two cells of a sheet have the same reference.
    case duplicateCell(part: String, sheet: String, cell: String)
    /// A shared-string cell points past the end of the shared-string table.
    case sharedStringOutOfRange(part: String, sheet: String, cell: String, index: Int, count: Int)
    /// A cell's stored value does not fit its type (e.g. `t="n"` with "abc", `t="b"` with "2").
    case invalidCellValue(part: String, sheet: String, cell: String, type: String, value: String)
    /// The sheets hold more cells than `XlsxLimits.maxCells`.
    case tooManyCells(part: String, sheet: String, limit: Int)

    /// The zip entry concerned, when there is one.
    public var part: String? {
        switch self {
        case .unreadableFile, .notAnXlsx, .encryptedOrLegacyFormat, .fileTooLarge, .tooManyEntries,
             .workbookTooLarge, .missingWorkbook:
            return nil
        case .damagedZip(let part, _): return part
        case .encryptedEntry(let part), .unsupportedCompression(let part, _), .entryTooLarge(let part, _),
             .compressionRatioTooHigh(let part, _), .entrySizeMismatch(let part, _, _), .duplicateEntry(let part),
             .missingPart(let part, _), .duplicateSheetPart(let part, _), .duplicateSheetName(let part, _),
             .invalidWorkbook(let part, _), .malformedXML(let part, _, _, _, _), .doctypeRefused(let part, _, _, _),
             .cellOutOfGrid(let part, _, _), .invalidCellReference(let part, _, _), .duplicateCell(let part, _, _),
             .sharedStringOutOfRange(let part, _, _, _, _), .invalidCellValue(let part, _, _, _, _),
             .tooManyCells(let part, _, _):
            return part
        }
    }

    /// The sheet concerned, when known.
    public var sheet: String? {
        switch self {
        case .missingPart(_, let sheet), .malformedXML(_, let sheet, _, _, _), .doctypeRefused(_, let sheet, _, _):
            return sheet
        case .duplicateSheetName(_, let sheet), .cellOutOfGrid(_, let sheet, _), .invalidCellReference(_, let sheet, _),
             .duplicateCell(_, let sheet, _), .sharedStringOutOfRange(_, let sheet, _, _, _),
             .invalidCellValue(_, let sheet, _, _, _), .tooManyCells(_, let sheet, _):
            return sheet
        default:
            return nil
        }
    }

    /// The cell concerned, when known.
    public var cell: String? {
        switch self {
        case .cellOutOfGrid(_, _, let ref), .invalidCellReference(_, _, let ref): return ref
        case .duplicateCell(_, _, let cell), .sharedStringOutOfRange(_, _, let cell, _, _),
             .invalidCellValue(_, _, let cell, _, _):
            return cell
        default: return nil
        }
    }

    public var description: String {
        let (zh, en) = messages
        var zhWhere: [String] = []
        var enWhere: [String] = []
        if let part {
            zhWhere.append("部件 \(part)")
            enWhere.append("part \(part)")
        }
        if let sheet {
            zhWhere.append("工作表“\(sheet)”")
            enWhere.append("sheet '\(sheet)'")
        }
        if let cell {
            zhWhere.append("单元格 \(cell)")
            enWhere.append("cell \(cell)")
        }
        switch self {
        case .malformedXML(_, _, let line, let column, _), .doctypeRefused(_, _, let line, let column):
            zhWhere.append("第 \(line) 行第 \(column) 列")
            enWhere.append("line \(line), column \(column)")
        default:
            break
        }
        let zhText = zhWhere.isEmpty ? zh : "\(zh)（\(zhWhere.joined(separator: "，"))）"
        let enText = enWhere.isEmpty ? en : "\(en) (\(enWhere.joined(separator: ", ")))"
        return "\(zhText) / \(enText)"
    }

    private var messages: (String, String) {
        switch self {
        case .unreadableFile(let path, let reason):
            return ("无法读取文件 \(path)：\(reason)", "cannot read the file \(path): \(reason)")
        case .notAnXlsx(let reason):
            return ("不是 xlsx 工作簿：\(reason)", "not an xlsx workbook: \(reason)")
        case .encryptedOrLegacyFormat:
            return ("文件受密码保护，或是旧版 .xls 格式 —— 请另存为不带密码的 .xlsx",
                    "password-protected or old .xls — save as .xlsx without a password")
        case .damagedZip(_, let reason):
            return ("工作簿文件已损坏（zip 结构错误）：\(reason)", "the workbook file is damaged (bad zip): \(reason)")
        case .encryptedEntry:
            return ("zip 条目被加密 —— 请另存为不带密码的 .xlsx", "a zip entry is encrypted — save as .xlsx without a password")
        case .unsupportedCompression(_, let method):
            return ("不支持的压缩方式 \(method)", "unsupported compression method \(method)")
        case .fileTooLarge(let size, let limit):
            return ("文件大小 \(bytes(size)) 超过 \(bytes(limit)) 上限", "the file is \(bytes(size)), more than the \(bytes(limit)) limit")
        case .tooManyEntries(let count, let limit):
            return ("zip 中有 \(count) 个条目，超过 \(limit) 个的上限", "the zip has \(count) entries, more than the limit of \(limit)")
        case .entryTooLarge(_, let limit):
            return ("单个条目解压后超过 \(bytes(limit)) 上限", "an entry expands to more than \(bytes(limit))")
        case .workbookTooLarge(let limit):
            return ("解压后超过 \(bytes(limit)) 上限", "the workbook expands to more than \(bytes(limit))")
        case .compressionRatioTooHigh(_, let limit):
            return ("压缩比超过 \(ratio(limit)):1，疑似 zip 炸弹", "an entry expands more than \(ratio(limit)) times (zip bomb)")
        case .entrySizeMismatch(_, let declared, let actual):
            return ("条目声明大小为 \(declared) 字节，实际解压出 \(actual) 字节",
                    "an entry declares \(declared) bytes but expands to \(actual)")
        case .duplicateEntry:
            return ("zip 中有重名条目", "the zip has two entries with the same name")
        case .missingWorkbook:
            return ("不是 xlsx 工作簿：缺少 xl/workbook.xml", "not an xlsx workbook: there is no xl/workbook.xml")
        case .missingPart:
            return ("工作簿引用的部件不存在", "a part the workbook refers to is missing")
        case .duplicateSheetPart(_, let sheets):
            return ("多个工作表（\(sheets.joined(separator: "、"))）指向同一部件",
                    "several sheets (\(sheets.joined(separator: ", "))) point at the same part")
        case .duplicateSheetName:
            return ("工作表重名", "two sheets have the same name")
        case .invalidWorkbook(_, let reason):
            return ("工作簿结构无效：\(reason)", "the workbook is inconsistent: \(reason)")
        case .malformedXML(_, _, _, _, let reason):
            return ("XML 格式错误：\(reason)", "malformed XML: \(reason)")
        case .doctypeRefused:
            return ("拒绝含 DOCTYPE 的 XML（可能是实体扩展攻击）", "XML with a DOCTYPE is refused (possible entity expansion)")
        case .cellOutOfGrid:
            return ("单元格超出 Excel 表格范围（1048576 行 × 16384 列）",
                    "a cell lies outside Excel's grid (1,048,576 rows × 16,384 columns)")
        case .invalidCellReference:
            return ("单元格引用无效", "invalid cell reference")
        case .duplicateCell:
            return ("同一单元格出现两次", "the same cell appears twice")
        case .sharedStringOutOfRange(_, _, _, let index, let count):
            return ("共享字符串索引 \(index) 超出范围（共 \(count) 个）",
                    "shared-string index \(index) is out of range (there are \(count))")
        case .invalidCellValue(_, _, _, let type, let value):
            return ("单元格值“\(value.prefix(40))”与类型 \(type) 不符",
                    "the cell value '\(value.prefix(40))' does not fit its type \(type)")
        case .tooManyCells(_, _, let limit):
            return ("单元格数超过 \(limit) 个的上限", "more than \(limit) cells")
        }
    }
}

/// "512 MiB", "3 KiB" or "1000 bytes".
private func bytes(_ n: UInt64) -> String {
    if n >= 1 << 20, n % (1 << 20) == 0 { return "\(n >> 20) MiB" }
    if n >= 1 << 10, n % (1 << 10) == 0 { return "\(n >> 10) KiB" }
    return "\(n) bytes"
}

private func ratio(_ r: Double) -> String {
    r == r.rounded() && abs(r) < 1e15 ? String(Int(r)) : String(r)
}
