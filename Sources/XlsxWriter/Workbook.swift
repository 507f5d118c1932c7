import CXlsxWriter
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An Excel workbook being written; the one owner of the C `lxw_workbook`.
///
/// Not thread-safe: use a workbook and its sheets and formats from one task at a time (the type is
/// deliberately not `Sendable`). libxlsxwriter creates the output file only in `close()`; a
/// workbook that is never closed is freed in `deinit` with `lxw_workbook_free`, which writes nothing.
public final class Workbook {
    /// How a workbook is written, and its document properties.
    public struct Options: Sendable {
        /// The document's creation time. Set it from the data, never from the clock: with the same
        /// `created` and the same content, the output is byte-identical. Must be after 1970-01-01T00:00:00Z
        /// (libxlsxwriter treats 0 as "now").
        public var created: Date
        /// Constant-memory mode: each row is flushed to a temporary file when a later row is started,
        /// so rows must be written in order (a write to an earlier row throws `.rowAlreadyWritten`).
        public var constantMemory: Bool
        /// The folder for libxlsxwriter's temporary files; nil uses the system's.
        public var tmpdir: String?
        /// Document title.
        public var title: String?
        /// Document subject.
        public var subject: String?
        /// Document author (also written as "last modified by").
        public var author: String?
        /// Document company.
        public var company: String?
        /// Document comments.
        public var comments: String?

        /// Creates options; only `created` is required, so that output never depends on the clock.
        public init(created: Date, constantMemory: Bool = true, tmpdir: String? = nil, title: String? = nil,
                    subject: String? = nil, author: String? = nil, company: String? = nil, comments: String? = nil) {
            self.created = created
            self.constantMemory = constantMemory
            self.tmpdir = tmpdir
            self.title = title
            self.subject = subject
            self.author = author
            self.company = company
            self.comments = comments
        }
    }

    /// Per-sheet state kept by the workbook (the sheets themselves point back at the workbook).
    struct SheetState {
        var name: String
        let pointer: UnsafeMutablePointer<lxw_worksheet>
        var hidden = false
        var lastRow = -1
    }

    private var pointer: UnsafeMutablePointer<lxw_workbook>?
    /// The path of the finished file.
    public let path: String
    /// Where libxlsxwriter writes: `path`, or a temporary file beside it for atomic output.
    let writePath: String
    private let atomic: Bool
    private var committed = false
    /// The options the workbook was created with.
    public let options: Options
    var sheets: [SheetState] = []
    private var formatCache: [FormatSpec: UnsafeMutablePointer<lxw_format>] = [:]
    var activeSheet = 0
    /// Every replacement of XML-forbidden characters made so far, in order.
    public private(set) var sanitizations: [Sanitization] = []

    /// Removes temporary files a killed run left beside the target (`.STEM.tmp-PID-RANDOM.xlsx` of a process that
    /// no longer exists): a SIGKILL while libxlsxwriter packages the file cannot clean up after itself.
    static func removeLeftovers(folder: String, stem: String) {
        let prefix = ".\(stem).tmp-"
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder) else { return }
        for name in names where name.hasPrefix(prefix) && name.hasSuffix(".xlsx") {
            let rest = name.dropFirst(prefix.count)
            guard let dash = rest.firstIndex(of: "-"), let pid = Int32(rest[..<dash]), pid > 0 else { continue }
            if pid == getpid() { continue }
            if kill(pid, 0) == 0 || errno == EPERM { continue }   // still running (or not ours to judge)
            unlink((folder as NSString).appendingPathComponent(name))
        }
    }

    /// Creates a workbook that libxlsxwriter writes directly to `path` on `close()`.
    ///
    /// Throws when the folder of `path` is missing or not writable, `path` is a directory,
    /// `tmpdir` is not a folder, or `created` is not after 1970-01-01T00:00:00Z.
    public convenience init(path: String, options: Options) throws {
        try self.init(target: path, atomic: false, options: options)
    }

    /// Creates a workbook written to a temporary file beside `atomicOutput` (named
    /// `.NAME.tmp-PID-RANDOM.xlsx`) and moved over it by `close()` after an fsync, so the target is
    /// either the complete new file or untouched; no temporary file is left behind on failure.
    ///
    /// Throws when the target's folder is missing or not writable, the target is a directory,
    /// `tmpdir` is not a folder, or `created` is not after 1970-01-01T00:00:00Z.
    public convenience init(atomicOutput: URL, options: Options) throws {
        try self.init(target: atomicOutput.path, atomic: true, options: options)
    }

    private init(target: String, atomic: Bool, options: Options) throws {
        guard !target.isEmpty else { throw XlsxError.invalidArgument(sheet: nil, what: "output path", reason: "is empty") }
        let folder = try Self.checkOutput(path: target)
        if let tmpdir = options.tmpdir, !Self.isDirectory(tmpdir) {
            throw XlsxError.invalidArgument(sheet: nil, what: "tmpdir", reason: "'\(tmpdir)' is not an existing folder")
        }
        let seconds = options.created.timeIntervalSince1970.rounded(.down)
        guard seconds >= 1, seconds < Double(Int64.max) else {
            throw XlsxError.invalidArgument(sheet: nil, what: "created", reason: "must be after 1970-01-01T00:00:00Z (libxlsxwriter uses the clock for 0)")
        }
        self.path = target
        self.atomic = atomic
        self.options = options
        if atomic {
            let stem = URL(fileURLWithPath: target).deletingPathExtension().lastPathComponent
            Self.removeLeftovers(folder: folder, stem: stem)
            let random = String(UInt64.random(in: 0...UInt64.max), radix: 36)
            self.writePath = (folder as NSString).appendingPathComponent(".\(stem).tmp-\(getpid())-\(random).xlsx")
        } else {
            self.writePath = target
        }

        var cOptions = lxw_workbook_options()
        cOptions.constant_memory = options.constantMemory ? 1 : 0
        cOptions.use_zip64 = 0
        let tmpdirCopy = options.tmpdir.flatMap { strdup($0) }
        defer { free(tmpdirCopy) }  // libxlsxwriter keeps its own copy
        cOptions.tmpdir = tmpdirCopy
        guard let wb = workbook_new_opt(writePath, &cOptions) else {
            throw XlsxError.library(operation: "create workbook '\(target)'", sheet: nil, cell: nil, cause: "workbook_new_opt returned NULL")
        }
        self.pointer = wb
        // From here on deinit frees `wb` if anything below throws.
        try setProperties(wb, seconds: seconds)
    }

    deinit {
        if let wb = pointer {
            // Frees the workbook without writing: libxlsxwriter only creates the file in workbook_close.
            lxw_workbook_free(wb)
        }
        if atomic && !committed { unlink(writePath) }
    }

    private func setProperties(_ wb: UnsafeMutablePointer<lxw_workbook>, seconds: Double) throws {
        var copies: [UnsafeMutablePointer<CChar>?] = []
        defer { copies.forEach { free($0) } }
        func copy(_ field: String, _ value: String?) -> UnsafeMutablePointer<CChar>? {
            guard let value else { return nil }
            let (clean, replaced) = CellText.sanitize(value)
            if !replaced.isEmpty { record(Sanitization(sheet: nil, cell: nil, field: field, replaced: replaced)) }
            let c = strdup(clean)
            copies.append(c)
            return c
        }
        var props = lxw_doc_properties()
        props.title = copy("title", options.title)
        props.subject = copy("subject", options.subject)
        props.author = copy("author", options.author)
        props.company = copy("company", options.company)
        props.comments = copy("comments", options.comments)
        props.created = time_t(seconds)
        let err = workbook_set_properties(wb, &props)
        if err != LXW_NO_ERROR {
            throw XlsxError.library(operation: "set document properties", sheet: nil, cell: nil, cause: libraryMessage(err))
        }
    }

    static func isDirectory(_ path: String) -> Bool {
        var st = stat()
        return stat(path, &st) == 0 && (st.st_mode & S_IFMT) == S_IFDIR
    }

    /// Checks that `path` is not a directory and its folder exists and is writable; returns the folder.
    static func checkOutput(path: String) throws -> String {
        if isDirectory(path) { throw XlsxError.outputIsDirectory(path: path) }
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
        guard isDirectory(folder) else { throw XlsxError.outputFolderMissing(path: folder) }
        guard access(folder, W_OK | X_OK) == 0 else { throw XlsxError.outputFolderNotWritable(path: folder) }
        return folder
    }

    /// Whether `close()` has not been called yet.
    public var isOpen: Bool { pointer != nil }

    /// The names of the sheets, in order.
    public var sheetNames: [String] { sheets.map(\.name) }

    /// The number of distinct C formats created (one per distinct `FormatSpec`).
    public var distinctFormatCount: Int { formatCache.count }

    func requireOpen(_ operation: @autoclosure () -> String) throws -> UnsafeMutablePointer<lxw_workbook> {
        guard let wb = pointer else { throw XlsxError.closed(operation: operation()) }
        return wb
    }

    /// Runs `body` with the calling thread's numeric locale set to "C" once, restoring it afterwards.
    ///
    /// Every call that lets libxlsxwriter print numbers sets that locale itself (for a cell, twice per call),
    /// so this is never needed for correctness; writing a row or a batch of rows inside it saves the switching.
    /// Throws `.localeUnavailable` when the C locale cannot be created, and whatever `body` throws.
    public func withCNumericLocale<T>(_ body: () throws -> T) throws -> T {
        try CNumericLocale.run(cNumericLocale, body)
    }

    /// `CNumericLocale.handle`, kept here so that a write does not go through `swift_once` for it.
    private let cNumericLocale = CNumericLocale.handle

    func record(_ s: Sanitization) { sanitizations.append(s) }

    /// Adds a worksheet named exactly `name`.
    ///
    /// Throws the specific sheet-name error when `name` is empty, longer than 31 characters, contains
    /// `[ ] : * ? / \` or a control character, starts or ends with `'`, is "History", or is already
    /// used (ignoring case); throws `.closed` after `close()`.
    public func addWorksheet(name: String) throws -> Worksheet {
        let wb = try requireOpen("add worksheet '\(name)'")
        try SheetName.validate(name, taken: sheetNames)
        guard let ws = workbook_add_worksheet(wb, name) else {
            let err = workbook_validate_sheet_name(wb, name)
            let cause = err == LXW_NO_ERROR ? "workbook_add_worksheet returned NULL (out of memory or temporary file failed)" : libraryMessage(err)
            throw XlsxError.library(operation: "add worksheet", sheet: name, cell: nil, cause: cause)
        }
        sheets.append(SheetState(name: name, pointer: ws))
        return Worksheet(workbook: self, index: sheets.count - 1, name: name)
    }

    /// Adds a worksheet whose name is made from arbitrary text with `SheetName.make`, so it never
    /// fails on the name; throws `.closed` after `close()`.
    public func addWorksheet(makingNameFrom text: String) throws -> Worksheet {
        try addWorksheet(name: SheetName.make(from: text, taken: Set(sheetNames)))
    }

    /// The sheet called `name` (ignoring case), or nil.
    public func worksheet(named name: String) -> Worksheet? {
        guard let i = sheets.firstIndex(where: { SheetName.key($0.name) == SheetName.key(name) }) else { return nil }
        return Worksheet(workbook: self, index: i, name: sheets[i].name)
    }

    /// Returns the format for `spec`, creating one C format per distinct spec.
    ///
    /// Throws `.invalidArgument` when the spec breaks a limit (font size 1…409, colors ≤ 0xFFFFFF,
    /// font name ≤ 31 characters, number format ≤ 127 UTF-8 bytes), and `.closed` after `close()`.
    public func format(_ spec: FormatSpec) throws -> Format {
        let wb = try requireOpen("create format")
        if let cached = formatCache[spec] { return Format(workbook: self, pointer: cached, spec: spec) }
        try spec.validate()
        guard let f = workbook_add_format(wb) else {
            throw XlsxError.library(operation: "create format", sheet: nil, cell: nil, cause: "workbook_add_format returned NULL")
        }
        spec.apply(to: f)
        formatCache[spec] = f
        return Format(workbook: self, pointer: f, spec: spec)
    }

    /// Writes the file and frees the C workbook; it can run only once.
    ///
    /// Throws `.closed` on a second call, `.library` when libxlsxwriter fails to write the package
    /// (the C workbook is freed anyway and cannot be retried), and for atomic output `.io` or
    /// `.outputIsDirectory` when the fsync or rename fails — in every failure case the temporary
    /// file is removed and an existing target is left untouched.
    public func close() throws {
        guard let wb = pointer else { throw XlsxError.closed(operation: "close") }
        pointer = nil  // workbook_close frees the workbook even when it fails: never touch it again.
        let err: lxw_error
        do {
            err = try CNumericLocale.run { workbook_close(wb) }
        } catch {
            lxw_workbook_free(wb)
            discardTemporary()
            throw error
        }
        guard err == LXW_NO_ERROR else {
            discardTemporary()
            throw XlsxError.library(operation: "close (writing '\(writePath)')", sheet: nil, cell: nil, cause: libraryMessage(err))
        }
        if atomic { try commit() }
    }

    private func discardTemporary() {
        if atomic { unlink(writePath) }
    }

    private func ioError(_ operation: String, _ path: String) -> XlsxError {
        let code = errno
        return .io(path: path, operation: operation, errno: code, message: String(cString: strerror(code)))
    }

    /// fsyncs the temporary file, renames it over the target and fsyncs the folder.
    private func commit() throws {
        let fd = open(writePath, O_RDONLY)
        guard fd >= 0 else {
            let e = ioError("open", writePath)
            discardTemporary()
            throw e
        }
        if fsync(fd) != 0 {
            let e = ioError("fsync", writePath)
            closeDescriptor(fd)
            discardTemporary()
            throw e
        }
        closeDescriptor(fd)
        if Self.isDirectory(path) {
            discardTemporary()
            throw XlsxError.outputIsDirectory(path: path)
        }
        if rename(writePath, path) != 0 {
            let e = ioError("rename to", path)
            discardTemporary()
            throw e
        }
        committed = true
        // Make the rename durable; the file is already complete, so a failure here is not reported.
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
        let dfd = open(folder, O_RDONLY | O_DIRECTORY)
        if dfd >= 0 {
            _ = fsync(dfd)
            closeDescriptor(dfd)
        }
    }
}

/// Closes a file descriptor (a free function, because `Workbook.close()` shadows `close(_:)`).
private func closeDescriptor(_ fd: Int32) {
    _ = close(fd)
}
