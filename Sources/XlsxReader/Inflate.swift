import CSystemZlib
import Foundation

/// Inflates a zip entry's raw deflate stream (RFC 1951) with the system zlib, within an output budget.
///
/// The whole compressed entry is given at once, so a stream that wants bytes past the entry (a truncated or
/// crafted endless stream) ends with `truncated` instead of waiting for more; every call of `inflate` either
/// consumes input, produces output (counted against the budget) or fails, so the loop always ends. Output past
/// `keep` bytes is counted but not stored: a lying declared size is measured without holding a zip bomb in memory.
enum Inflate {
    enum Failure: Error, Equatable {
        /// The stream needs bytes past the entry's compressed data.
        case truncated
        /// The stream is not valid deflate data (zlib's message).
        case invalid(String)
        /// The output would pass the budget.
        case overBudget
    }

    /// The expanded bytes (at most `keep` of them) and the full expanded size.
    static func raw(_ input: UnsafeRawBufferPointer, keep: Int, budget: UInt64) throws(Failure) -> (data: Data, size: UInt64) {
        guard input.count <= Int(UInt32.max) else { throw .invalid("entry too large for one inflate call") }
        var stream = z_stream()
        // Negative window bits: a raw deflate stream, as zip stores it (no zlib header or trailer).
        guard inflateInit2_(&stream, -MAX_WBITS, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw .invalid("zlib cannot start inflating")
        }
        defer { inflateEnd(&stream) }
        stream.next_in = UnsafeMutablePointer(mutating: input.baseAddress?.assumingMemoryBound(to: Bytef.self))
        stream.avail_in = uInt(input.count)
        var out = Data(capacity: keep)
        var produced: UInt64 = 0
        let chunkSize = 64 * 1024
        let chunk = UnsafeMutablePointer<Bytef>.allocate(capacity: chunkSize)
        defer { chunk.deallocate() }
        while true {
            stream.next_out = chunk
            stream.avail_out = uInt(chunkSize)
            let status = inflate(&stream, Z_NO_FLUSH)
            let n = chunkSize - Int(stream.avail_out)
            produced += UInt64(n)
            if produced > budget { throw .overBudget }
            if out.count < keep { out.append(chunk, count: min(n, keep - out.count)) }
            switch status {
            case Z_STREAM_END:
                return (out, produced)
            case Z_OK:
                continue
            case Z_BUF_ERROR:
                // No progress was possible: with room for output, that means the input ran out.
                throw .truncated
            case Z_NEED_DICT:
                throw .invalid("the stream asks for a preset dictionary")
            default:
                let message = stream.msg.map { String(cString: $0) } ?? "zlib error \(status)"
                throw .invalid(message)
            }
        }
    }

    /// The CRC-32 of bytes, as zip records it.
    static func crc32(_ bytes: UnsafeRawBufferPointer) -> UInt32 {
        var crc: uLong = CSystemZlib.crc32(0, nil, 0)
        var p = bytes.baseAddress?.assumingMemoryBound(to: Bytef.self)
        var left = bytes.count
        while left > 0, let base = p {
            let n = min(left, Int(UInt32.max))
            crc = CSystemZlib.crc32(crc, base, uInt(n))
            p = base + n
            left -= n
        }
        return UInt32(truncatingIfNeeded: crc)
    }
}
