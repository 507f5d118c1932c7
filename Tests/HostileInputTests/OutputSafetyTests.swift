import Foundation
import Testing

/// A tiny tmpfs for disk-full and read-only tests: only as root, and only where mounting is permitted.
enum Tmpfs {
    static let available: Bool = {
        guard getuid() == 0, let dir = try? H.tempDir("probe") else { return false }
        defer { try? FileManager.default.removeItem(at: dir) }
        guard (try? Proc.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", dir.path], limit: 30).status) == 0 else { return false }
        _ = try? Proc.run(["umount", dir.path], limit: 30)
        return true
    }()

    /// Mounts a tmpfs of 64 KiB (read-only when asked) on a new folder, runs `body`, unmounts.
    static func with(readOnly: Bool = false, prepare: (URL) throws -> Void = { _ in }, _ body: (URL) throws -> Void) throws {
        let dir = try H.tempDir("tmpfs")
        defer { try? FileManager.default.removeItem(at: dir) }
        let m = try Proc.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", dir.path], limit: 30)
        try #require(m.status == 0, "mount: \(m.err)")
        defer { _ = try? Proc.run(["umount", "-l", dir.path], limit: 30) }
        try prepare(dir)
        if readOnly {
            let r = try Proc.run(["mount", "-o", "remount,ro", dir.path], limit: 30)
            try #require(r.status == 0, "remount ro: \(r.err)")
        }
        try body(dir)
    }
}

@Suite("Output safety: a failed or interrupted export leaves no partial file and never damages a workbook", .serialized)
struct OutputSafetyTests {
    static let samples = H.repo.appendingPathComponent("samples")

    /// A small complete workbook (one case), to stand for "the previous workbook".
    static func previousWorkbook(in dir: URL) throws -> Data {
        let url = dir.appendingPathComponent("previous.xlsx")
        let r = try Proc.termaudit(["export", ".", "--case", "2024-007", "-o", url.path, "--quiet"], cwd: samples)
        try #require(r.status == 0, "\(r.err)")
        let data = try Data(contentsOf: url)
        try FileManager.default.removeItem(at: url)
        return data
    }

    @Test("disk full: exit 1, the existing workbook is untouched, no temporary file", .enabled(if: Tmpfs.available, "needs root and permission to mount a tmpfs"))
    func diskFull() throws {
        let scratch = try H.tempDir("prev")
        defer { try? FileManager.default.removeItem(at: scratch) }
        let old = try Self.previousWorkbook(in: scratch)
        #expect(old.count < 40_000, "the previous workbook must leave too little room for the new one")
        try Tmpfs.with(prepare: { dir in try old.write(to: dir.appendingPathComponent("out.xlsx")) }) { dir in
            let target = dir.appendingPathComponent("out.xlsx")
            let r = try Proc.termaudit(["export", ".", "-o", target.path, "--quiet"], cwd: Self.samples)
            #expect(r.status == 1)
            #expect(r.err.contains("No space left on device") || r.err.contains("ENOSPC"), "\(r.err)")
            #expect(r.err.contains("nothing written"), "\(r.err)")
            #expect(try Data(contentsOf: target) == old)
            #expect(H.files(under: dir) == ["out.xlsx"])
        }
        // Without a previous file: nothing at all is left.
        try Tmpfs.with { dir in
            try Data(count: 40_000).write(to: dir.appendingPathComponent("ballast"))
            let r = try Proc.termaudit(["export", ".", "-o", dir.appendingPathComponent("new.xlsx").path, "--quiet"], cwd: Self.samples)
            #expect(r.status == 1)
            #expect(H.files(under: dir) == ["ballast"])
        }
    }

    @Test("a read-only folder: exit 1 with a clear message, nothing created, the existing workbook untouched",
          .enabled(if: Tmpfs.available, "needs root and permission to mount a tmpfs"))
    func readOnlyFolder() throws {
        let scratch = try H.tempDir("prev")
        defer { try? FileManager.default.removeItem(at: scratch) }
        let old = try Self.previousWorkbook(in: scratch)
        try Tmpfs.with(readOnly: true, prepare: { dir in try old.write(to: dir.appendingPathComponent("out.xlsx")) }) { dir in
            let target = dir.appendingPathComponent("out.xlsx")
            let r = try Proc.termaudit(["export", ".", "-o", target.path, "--quiet"], cwd: Self.samples)
            #expect(r.status == 1)
            #expect(r.err.contains("not writable") && r.err.contains("nothing written"), "\(r.err)")
            #expect(try Data(contentsOf: target) == old)
            #expect(H.files(under: dir) == ["out.xlsx"])
        }
    }

    @Test("killed with SIGKILL mid-run (while writing rows, and while packaging): the existing workbook is untouched (or, killed as it exits, wholly the new one)")
    func interrupted() throws {
        let ws = try H.tempDir("big")
        defer { try? FileManager.default.removeItem(at: ws) }
        let made = try Proc.run([H.termaudit, "sample", "--cases", "600", "--out", ws.appendingPathComponent("w").path,
                                 "--library", H.checklists.path], limit: 60)
        try #require(made.status == 0, "\(made.err)")
        let workspace = ws.appendingPathComponent("w")

        // A full run first: how long an export takes here, and that it completes.
        let full = try H.tempDir("full")
        defer { try? FileManager.default.removeItem(at: full) }
        let complete = try Proc.run([H.termaudit, "export", ".", "-o", full.appendingPathComponent("o.xlsx").path, "--quiet"],
                                    cwd: workspace, limit: 120)
        try #require(complete.status == 0, "\(complete.err)")
        #expect(complete.seconds > 0.5, "the workspace is too small to interrupt an export reliably")
        let newWorkbook = try Data(contentsOf: full.appendingPathComponent("o.xlsx"))

        let scratch = try H.tempDir("prev")
        defer { try? FileManager.default.removeItem(at: scratch) }
        let old = try Self.previousWorkbook(in: scratch)

        enum Moment: CustomStringConvertible {
            case after(Double), packaging
            var description: String {
                switch self {
                case .after(let s): return "after \(String(format: "%.2f", s)) s"
                case .packaging: return "while packaging (the temporary file exists)"
                }
            }
        }
        for planned in [Moment.after(0.05), .after(complete.seconds * 0.3), .after(complete.seconds * 0.7), .packaging] {
            // A timed kill can come too late when this run is faster than the measured one (other tests share the
            // CPUs): then it is tried again earlier, up to three times, so that every moment is really mid-run.
            var moment = planned
            for attempt in 1...3 {
                let dir = try H.tempDir("killed")
                defer { try? FileManager.default.removeItem(at: dir) }
                let target = dir.appendingPathComponent("out.xlsx")
                try old.write(to: target)
                let p = Process()
                p.executableURL = URL(fileURLWithPath: H.termaudit)
                p.arguments = ["export", ".", "-o", target.path, "--quiet"]
                p.currentDirectoryURL = workspace
                p.standardOutput = FileHandle.nullDevice
                p.standardError = FileHandle.nullDevice
                let start = Date()
                try p.run()
                var sawTemporary = false
                while p.isRunning {
                    let elapsed = Date().timeIntervalSince(start)
                    if case .after(let s) = moment, elapsed >= s { break }
                    if case .packaging = moment, H.files(under: dir).contains(where: { $0.hasPrefix(".out.tmp-") }) {
                        sawTemporary = true
                        break
                    }
                    if elapsed > 120 { break }
                    usleep(2_000)
                }
                var killed = p.isRunning
                kill(p.processIdentifier, SIGKILL)
                p.waitUntilExit()
                // A process still running may be past its rename, exiting: the target is then the whole new workbook
                // (the new state, which is allowed), and the kill came too late to test anything.
                let after = try Data(contentsOf: target)
                if after == newWorkbook { killed = false }
                if !killed, attempt < 3, case .after(let s) = moment {
                    moment = .after(s / 2)
                    continue
                }
                #expect(after == old || after == newWorkbook, "\(moment): the existing workbook was damaged")
                #expect(killed, "\(moment): the export had already finished; the kill tested nothing")
                guard killed else { break }
                let left = H.files(under: dir).filter { $0 != "out.xlsx" }
                if case .packaging = moment { #expect(sawTemporary, "never saw the temporary file") }
                // libxlsxwriter writes the package to `.out.tmp-PID-RANDOM.xlsx` beside the target and the wrapper
                // renames it on success; a SIGKILL once packaging has begun (at the late timed moments too, on a busy
                // machine) cannot remove it, so nothing else may be left, and the next export to the same target
                // removes it.
                #expect(left.allSatisfy { $0.hasPrefix(".out.tmp-") && $0.hasSuffix(".xlsx") }, "\(moment): left \(left)")
                if !left.isEmpty || sawTemporary {
                    let again = try Proc.run([H.termaudit, "export", ".", "-o", target.path, "--quiet"], cwd: workspace, limit: 120)
                    #expect(again.status == 0, "\(again.err)")
                    #expect(H.files(under: dir).filter { $0 != "out.xlsx" } == [], "\(moment): the next export left \(H.files(under: dir))")
                }
                break
            }
        }
    }
}
