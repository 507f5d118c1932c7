import CXlsxWriter

/// An error thrown by the XlsxWriter wrapper: a broken Excel limit, a refused argument, an I/O failure or a libxlsxwriter error code.
public enum XlsxError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The workbook was already closed (or its close failed), so the operation cannot run.
    case closed(operation: String)

    /// A sheet name was empty.
    case sheetNameEmpty
    /// A sheet name is longer than Excel's 31 characters (counted in UTF-16 code units).
    case sheetNameTooLong(name: String, length: Int)
    /// A sheet name contains one of `[ ] : * ? / \` or a control character.
    case sheetNameForbiddenCharacter(name: String, character: String)
    /// A sheet name starts or ends with an apostrophe.
    case sheetNameApostrophe(name: String)
    /// A sheet name is reserved by Excel ("History").
    case sheetNameReserved(name: String)
    /// A sheet name is already used in this workbook, ignoring case.
    case sheetNameTaken(name: String, existing: String)

    /// A cell's text is longer than Excel's 32,767 characters (counted in UTF-16 code units).
    case textTooLong(sheet: String, cell: String, length: Int)
    /// A number was NaN or infinite, which Excel cannot store.
    case notFinite(sheet: String, cell: String, value: String)
    /// A row or column is outside Excel's grid (1,048,576 rows × 16,384 columns).
    case cellOutOfRange(sheet: String, row: Int, col: Int)
    /// In constant-memory mode a write went to a row that was already flushed to disk.
    case rowAlreadyWritten(sheet: String, cell: String)
    /// A sheet-protection password is longer than 24 characters (libxlsxwriter 1.1.4 hashes those wrongly).
    case passwordTooLong(sheet: String, length: Int)
    /// A sheet-protection password contains non-ASCII characters (the legacy hash differs from Excel's).
    case passwordNotASCII(sheet: String)
    /// A header or footer is longer than Excel's 255 characters.
    case headerFooterTooLong(sheet: String, length: Int)
    /// The active sheet cannot be hidden: activate another sheet first.
    case cannotHideActiveSheet(sheet: String)
    /// A format or sheet from another workbook was passed in.
    case foreignObject(what: String)
    /// An argument breaks an Excel or library limit; `what` names it and `reason` says why.
    case invalidArgument(sheet: String?, what: String, reason: String)

    /// The folder that should hold the output file does not exist.
    case outputFolderMissing(path: String)
    /// The folder that should hold the output file cannot be written.
    case outputFolderNotWritable(path: String)
    /// The output path names an existing directory.
    case outputIsDirectory(path: String)
    /// A file-system call failed; `operation` names it and `message` is the system's text for `errno`.
    case io(path: String, operation: String, errno: Int32, message: String)

    /// libxlsxwriter returned an error code; `cause` is its `lxw_strerror` text.
    case library(operation: String, sheet: String?, cell: String?, cause: String)
    /// The C numeric locale could not be created, so numbers could not be written locale-independently.
    case localeUnavailable

    /// A one-line English explanation naming the sheet, cell and cause where they are known.
    public var description: String {
        switch self {
        case .closed(let operation):
            return "\(operation): the workbook is already closed"
        case .sheetNameEmpty:
            return "sheet name is empty"
        case .sheetNameTooLong(let name, let length):
            return "sheet name '\(name)' is \(length) characters long; Excel allows at most 31"
        case .sheetNameForbiddenCharacter(let name, let character):
            return "sheet name '\(name)' contains the forbidden character \(character); Excel forbids [ ] : * ? / \\ and control characters"
        case .sheetNameApostrophe(let name):
            return "sheet name '\(name)' starts or ends with an apostrophe, which Excel forbids"
        case .sheetNameReserved(let name):
            return "sheet name '\(name)' is reserved by Excel"
        case .sheetNameTaken(let name, let existing):
            return "sheet name '\(name)' is already used by sheet '\(existing)' (names are compared ignoring case)"
        case .textTooLong(let sheet, let cell, let length):
            return "sheet '\(sheet)' cell \(cell): text is \(length) UTF-16 code units long; Excel allows at most 32,767"
        case .notFinite(let sheet, let cell, let value):
            return "sheet '\(sheet)' cell \(cell): \(value) is not a finite number; Excel cannot store NaN or infinity"
        case .cellOutOfRange(let sheet, let row, let col):
            return "sheet '\(sheet)': row \(row), column \(col) is outside Excel's grid (rows 0…1048575, columns 0…16383)"
        case .rowAlreadyWritten(let sheet, let cell):
            return "sheet '\(sheet)' cell \(cell): constant-memory mode already wrote this row to disk; write rows in order"
        case .passwordTooLong(let sheet, let length):
            return "sheet '\(sheet)': protection password is \(length) characters long; at most 24 are supported (libxlsxwriter 1.1.4 hashes longer ones wrongly)"
        case .passwordNotASCII(let sheet):
            return "sheet '\(sheet)': protection password must be ASCII; Excel's legacy password hash does not match libxlsxwriter's for other characters"
        case .headerFooterTooLong(let sheet, let length):
            return "sheet '\(sheet)': header/footer is \(length) characters long; Excel and libxlsxwriter allow at most 255"
        case .cannotHideActiveSheet(let sheet):
            return "sheet '\(sheet)' is the active sheet and cannot be hidden; activate another sheet first"
        case .foreignObject(let what):
            return "\(what) belongs to another workbook"
        case .invalidArgument(let sheet, let what, let reason):
            if let sheet { return "sheet '\(sheet)': \(what): \(reason)" }
            return "\(what): \(reason)"
        case .outputFolderMissing(let path):
            return "output folder '\(path)' does not exist"
        case .outputFolderNotWritable(let path):
            return "output folder '\(path)' is not writable"
        case .outputIsDirectory(let path):
            return "output path '\(path)' is a directory"
        case .io(let path, let operation, let errno, let message):
            return "\(operation) '\(path)' failed: \(message) (errno \(errno))"
        case .library(let operation, let sheet, let cell, let cause):
            var place = ""
            if let sheet { place += "sheet '\(sheet)'" }
            if let cell { place += (place.isEmpty ? "" : " ") + "cell \(cell)" }
            return (place.isEmpty ? "" : place + ": ") + "\(operation) failed: \(cause)"
        case .localeUnavailable:
            return "could not create the C numeric locale needed to write numbers independently of the process locale"
        }
    }
}

/// A record of characters that XML 1.0 forbids being replaced by U+FFFD while writing text.
public struct Sanitization: Equatable, Sendable, CustomStringConvertible {
    /// The sheet the text went to, or nil for a document property.
    public let sheet: String?
    /// The cell in A1 notation, or nil when the text was not a cell (header, footer, property).
    public let cell: String?
    /// What the text was used for: "cell", "header", "footer" or a document property name.
    public let field: String
    /// The Unicode scalar values that were replaced, in order of appearance.
    public let replaced: [UInt32]

    /// Creates a record; used by the wrapper whenever it replaces characters.
    public init(sheet: String?, cell: String?, field: String, replaced: [UInt32]) {
        self.sheet = sheet
        self.cell = cell
        self.field = field
        self.replaced = replaced
    }

    /// A one-line explanation such as `sheet 'A' cell B2: replaced U+0001, U+FFFE with U+FFFD`.
    public var description: String {
        var place = ""
        if let sheet { place += "sheet '\(sheet)' " }
        if let cell { place += "cell \(cell) " } else { place += "\(field) " }
        let codes = replaced.map { "U+" + String($0, radix: 16, uppercase: true).leftPadded(to: 4) }
        return place + "replaced " + codes.joined(separator: ", ") + " with U+FFFD"
    }
}

extension String {
    func leftPadded(to width: Int, with pad: Character = "0") -> String {
        count >= width ? self : String(repeating: pad, count: width - count) + self
    }
}

/// Converts a libxlsxwriter error code to its text (from `lxw_strerror`).
func libraryMessage(_ code: lxw_error) -> String {
    guard let text = lxw_strerror(code) else { return "unknown libxlsxwriter error" }
    return String(cString: text)
}
