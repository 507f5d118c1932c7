import Foundation
import TermAudit

/// One case's text to replace: what was read (`old`) and what to write (`new`).
public struct CaseTextEdit: Sendable {
    public var caseID: String
    public var origin: CaseOrigin
    /// The case's name in messages (its display path).
    public var display: String
    public var old: String
    public var new: String

    public init(caseID: String, origin: CaseOrigin, display: String, old: String, new: String) {
        self.caseID = caseID
        self.origin = origin
        self.display = display
        self.old = old
        self.new = new
    }
}

/// A case changed between reading and writing: nothing was written.
public struct CaseTextChanged: Error, Sendable, CustomStringConvertible {
    public var display: String
    /// Who changed what since, one line each (a store knows: its revisions since the one read).
    public var since: [String]

    public var description: String {
        "\(display) changed since it was read; nothing was written (run the command again)"
            + since.map { "\n    \($0)" }.joined()
    }

    public init(display: String, since: [String] = []) {
        self.display = display
        self.since = since
    }
}

/// Where case texts are read from and written back to: a folder's files, or a store's records (each write a new
/// revision). Commands that change cases (import, sign) plan against the text read and write through this, so they
/// work the same on a folder and on a store, and never overwrite a change made in between.
public protocol CaseTextStore: Sendable {
    /// The case's current text, from its origin.
    func text(of c: AuditCase) throws -> String
    /// Replaces the texts, all or none: each case must still hold `old`, else `CaseTextChanged` is thrown and nothing
    /// is written. `note` says why (recorded by a store). Returns, for each edit, where it was written (for people).
    func replace(_ edits: [CaseTextEdit], note: String) throws -> [String]
}

/// Case files in a folder: read from their paths; replaced all or none (each new text is written and synced to a
/// temporary file beside the original, then, once every one is written and every original still holds the text read,
/// renamed over the originals; a failure part-way puts back the ones already renamed).
public struct FolderCaseTexts: CaseTextStore {
    public init() {}

    public func text(of c: AuditCase) throws -> String {
        guard let path = c.origin.filePath else { throw CaseFileEditError(file: c.location.file, message: "the case was not read from a file") }
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
            throw CaseFileEditError(file: c.location.file, message: "cannot read the file")
        }
        return text
    }

    public func replace(_ edits: [CaseTextEdit], note: String) throws -> [String] {
        var temps: [(CaseTextEdit, URL, URL)] = []
        defer { for (_, _, t) in temps { unlink(t.path) } }
        for e in edits {
            guard let path = e.origin.filePath else { throw CaseFileEditError(file: e.display, message: "the case was not read from a file") }
            let target = URL(fileURLWithPath: path).resolvingSymlinksInPath()
            var st = stat()
            guard stat(target.path, &st) == 0 else { throw CaseFileEditError(file: e.display, message: String(cString: strerror(errno))) }
            let tmp = target.deletingLastPathComponent()
                .appendingPathComponent(".\(target.lastPathComponent).termaudit-\(getpid())-\(UInt32.random(in: 0...UInt32.max)).tmp")
            try Self.writeSynced(Data(e.new.utf8), to: tmp, mode: st.st_mode & 0o7777, display: e.display)
            temps.append((e, target, tmp))
        }
        for (e, target, _) in temps where FileManager.default.contents(atPath: target.path) != Data(e.old.utf8) {
            throw CaseTextChanged(display: e.display)
        }
        var done: [(CaseTextEdit, URL)] = []
        do {
            for (e, target, tmp) in temps {
                guard rename(tmp.path, target.path) == 0 else {
                    throw CaseFileEditError(file: e.display, message: "cannot replace the file: \(String(cString: strerror(errno)))")
                }
                done.append((e, target))
            }
        } catch {
            for (e, target) in done { try? Data(e.old.utf8).write(to: target) }
            throw error
        }
        temps.removeAll()
        for dir in Set(done.map { $0.1.deletingLastPathComponent().path }) {
            let fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
            if fd >= 0 { _ = fsync(fd); close(fd) }
        }
        return done.map { DisplayPath.of($0.1) }
    }

    /// Writes `data` to a new file (never an existing one, never through a link) and syncs it.
    static func writeSynced(_ data: Data, to url: URL, mode: mode_t, display: String) throws {
        let fd = open(url.path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode)
        guard fd >= 0 else { throw CaseFileEditError(file: display, message: "cannot write \(url.path): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        _ = fchmod(fd, mode)
        try data.withUnsafeBytes { raw in
            var off = 0
            while off < raw.count {
                let n = write(fd, raw.baseAddress! + off, raw.count - off)
                guard n > 0 else { throw CaseFileEditError(file: display, message: "cannot write: \(String(cString: strerror(errno)))") }
                off += n
            }
        }
        guard fsync(fd) == 0 else { throw CaseFileEditError(file: display, message: "cannot write: \(String(cString: strerror(errno)))") }
    }
}
