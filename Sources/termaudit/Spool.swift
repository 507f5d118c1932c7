import Foundation

/// Output held back until a command knows it succeeded, without holding it all in memory: the first `limit` bytes
/// stay in memory, the rest goes to a temporary file that is unlinked as soon as it is made (nothing is left behind,
/// whatever happens to the process). `status` writes each case here as it is evaluated and copies the whole to
/// standard output only when every case file was read without errors, as it did when it held every case.
final class Spool {
    private var buffer: [UInt8] = []
    private var fd: Int32 = -1
    private let limit: Int

    init(limit: Int = 4 << 20) {
        self.limit = limit
        buffer.reserveCapacity(min(limit, 64 << 10))
    }

    deinit { if fd >= 0 { close(fd) } }

    func append(_ bytes: [UInt8]) {
        buffer += bytes
        if buffer.count >= limit { spill() }
    }

    func append(_ s: String) {
        buffer += s.utf8
        if buffer.count >= limit { spill() }
    }

    /// A length-prefixed string (read back with `Reader.string()`).
    func appendRecord(_ s: String) {
        var n = UInt32(s.utf8.count).littleEndian
        withUnsafeBytes(of: &n) { buffer += $0 }
        append(s)
    }

    /// Moves the buffer to the temporary file (made on first use); when no file can be made, it stays in memory.
    private func spill() {
        if fd < 0 {
            var template = Array((NSTemporaryDirectory() + "/termaudit-spool-XXXXXX").utf8CString)
            fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
            guard fd >= 0 else { return }
            template.withUnsafeBufferPointer { _ = unlink($0.baseAddress!) }
        }
        guard buffer.withUnsafeBytes({ Self.writeAll(fd, $0) }) else {
            Terminal.eprint("✗ 无法写入临时文件 (cannot write a temporary file): \(String(cString: strerror(errno)))")
            Foundation.exit(1)
        }
        buffer.removeAll(keepingCapacity: true)
    }

    /// Writes everything to standard output, after what `print` has written so far.
    func copyToStandardOutput() {
        fflush(nil)
        let reader = Reader(self)
        while let chunk = reader.chunk() {
            guard chunk.withUnsafeBytes({ Self.writeAll(STDOUT_FILENO, $0) }) else {
                Terminal.eprint("✗ 无法写入标准输出 (cannot write to standard output): \(String(cString: strerror(errno)))")
                Foundation.exit(1)
            }
        }
    }

    /// Writes all the bytes; false on an error (see `errno`).
    static func writeAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer) -> Bool {
        var done = 0
        while done < bytes.count {
            let n = write(fd, bytes.baseAddress! + done, bytes.count - done)
            if n < 0 {
                if errno == EINTR { continue }
                return false
            }
            done += n
        }
        return true
    }

    /// Reads a spool back from the start: the file's part, then the part still in memory.
    final class Reader {
        private let spool: Spool
        private var inFile: Bool
        private var pending: [UInt8] = []
        private var offset = 0
        private var memoryDone = false

        init(_ spool: Spool) {
            self.spool = spool
            inFile = spool.fd >= 0
            if inFile { lseek(spool.fd, 0, SEEK_SET) }
        }

        /// The next piece of the content, nil at the end (not to be mixed with `bytes` and `string`).
        func chunk() -> [UInt8]? {
            if inFile {
                var block = [UInt8](repeating: 0, count: 1 << 20)
                while true {
                    let n = block.withUnsafeMutableBytes { read(spool.fd, $0.baseAddress, $0.count) }
                    if n < 0 && errno == EINTR { continue }
                    if n > 0 { return Array(block[0..<n]) }
                    break
                }
                inFile = false
            }
            if !memoryDone {
                memoryDone = true
                if !spool.buffer.isEmpty { return spool.buffer }
            }
            return nil
        }

        /// Exactly `n` bytes (fewer only at the end).
        func bytes(_ n: Int) -> [UInt8] {
            var out: [UInt8] = []
            out.reserveCapacity(n)
            while out.count < n {
                if offset >= pending.count {
                    guard let c = chunk() else { break }
                    pending = c
                    offset = 0
                }
                let take = min(n - out.count, pending.count - offset)
                out += pending[offset..<(offset + take)]
                offset += take
            }
            return out
        }

        /// A string written with `appendRecord`, nil at the end.
        func string() -> String? {
            let head = bytes(4)
            guard head.count == 4 else { return nil }
            let n = Int(UInt32(head[0]) | UInt32(head[1]) << 8 | UInt32(head[2]) << 16 | UInt32(head[3]) << 24)
            return String(decoding: bytes(n), as: UTF8.self)
        }
    }
}
