/// A decode-only pass over a raw deflate stream (RFC 1951): it follows the block structure and the
/// Huffman codes without producing output, and tells how many bytes the stream would expand to.
///
/// Why: ZIPFoundation 0.9.20's Linux inflate loop (`Data.decode`) keeps asking for input until it sees
/// the end of the stream; at the end of the file it gets empty chunks and spins forever, so a crafted
/// entry whose stream never ends hangs the reader. Scanning first proves that the stream ends within
/// the entry's compressed bytes (so zlib, which reads the same bits, ends there too) and gives the real
/// expanded size before anything is inflated. Scanning stops as soon as the output passes `budget`.
struct DeflateScan {
    enum Failure: Error, Equatable {
        /// The stream needs bytes past the entry's compressed data.
        case truncated
        /// The stream is not valid deflate data.
        case invalid(String)
        /// The output would pass the budget.
        case overBudget
    }

    private let bytes: UnsafeRawBufferPointer
    private var pos = 0
    private var bitBuffer: UInt64 = 0
    private var bitCount = 0
    private(set) var produced: UInt64 = 0
    private let budget: UInt64

    /// Scans `bytes` (exactly the entry's compressed data); returns the expanded size.
    static func expandedSize(of bytes: UnsafeRawBufferPointer, budget: UInt64) throws(Failure) -> UInt64 {
        var scan = DeflateScan(bytes: bytes, budget: budget)
        try scan.run()
        return scan.produced
    }

    private init(bytes: UnsafeRawBufferPointer, budget: UInt64) {
        self.bytes = bytes
        self.budget = budget
    }

    // MARK: Bits

    @inline(__always)
    private mutating func refill() {
        while bitCount <= 56 && pos < bytes.count {
            bitBuffer |= UInt64(bytes[pos]) << UInt64(bitCount)
            pos += 1
            bitCount += 8
        }
    }

    @inline(__always)
    private mutating func bits(_ n: Int) throws(Failure) -> Int {
        if n == 0 { return 0 }
        if bitCount < n {
            refill()
            if bitCount < n { throw .truncated }
        }
        let value = Int(bitBuffer & ((1 << UInt64(n)) - 1))
        bitBuffer >>= UInt64(n)
        bitCount -= n
        return value
    }

    @inline(__always)
    private mutating func produce(_ n: Int) throws(Failure) {
        produced += UInt64(n)
        if produced > budget { throw .overBudget }
    }

    // MARK: Blocks

    private mutating func run() throws(Failure) {
        var last = 0
        repeat {
            last = try bits(1)
            switch try bits(2) {
            case 0: try stored()
            case 1: try codes(lit: Self.fixedLit, dist: Self.fixedDist)
            case 2:
                let (lit, dist) = try dynamicTables()
                try codes(lit: lit, dist: dist)
            default: throw .invalid("invalid block type")
            }
        } while last == 0
    }

    private mutating func stored() throws(Failure) {
        // Drop the bits up to the byte boundary.
        let drop = bitCount % 8
        bitBuffer >>= UInt64(drop)
        bitCount -= drop
        let len = try bits(16)
        let nlen = try bits(16)
        guard len == (~nlen & 0xFFFF) else { throw .invalid("invalid stored block lengths") }
        // Skip `len` bytes: first those already in the bit buffer, then from the input.
        var remaining = len
        while remaining > 0 && bitCount >= 8 {
            bitBuffer >>= 8
            bitCount -= 8
            remaining -= 1
        }
        guard remaining <= bytes.count - pos else { throw .truncated }
        pos += remaining
        try produce(len)
    }

    private static let lengthBase: [Int] = [3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59,
                                            67, 83, 99, 115, 131, 163, 195, 227, 258]
    private static let lengthExtra: [Int] = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3,
                                             4, 4, 4, 4, 5, 5, 5, 5, 0]
    private static let distBase: [Int] = [1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769,
                                          1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577]
    private static let distExtra: [Int] = [0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8,
                                           9, 9, 10, 10, 11, 11, 12, 12, 13, 13]

    private mutating func codes(lit: Huffman, dist: Huffman) throws(Failure) {
        while true {
            let symbol = try decode(lit)
            if symbol < 256 {
                try produce(1)
            } else if symbol == 256 {
                return
            } else {
                let index = symbol - 257
                guard index < 29 else { throw .invalid("invalid length code") }
                let length = Self.lengthBase[index] + (try bits(Self.lengthExtra[index]))
                let dsym = try decode(dist)
                guard dsym < 30 else { throw .invalid("invalid distance code") }
                let distance = Self.distBase[dsym] + (try bits(Self.distExtra[dsym]))
                guard UInt64(distance) <= produced else { throw .invalid("distance too far back") }
                try produce(length)
            }
        }
    }

    private static let order: [Int] = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15]

    private mutating func dynamicTables() throws(Failure) -> (Huffman, Huffman) {
        let nlen = try bits(5) + 257
        let ndist = try bits(5) + 1
        let ncode = try bits(4) + 4
        guard nlen <= 286, ndist <= 30 else { throw .invalid("too many length or distance codes") }
        var lengths = [UInt8](repeating: 0, count: 19)
        for i in 0..<ncode { lengths[Self.order[i]] = UInt8(try bits(3)) }
        let lencode = try Huffman(lengths: lengths[...])
        var all = [UInt8](repeating: 0, count: nlen + ndist)
        var index = 0
        while index < nlen + ndist {
            var symbol = try decode(lencode)
            if symbol < 16 {
                all[index] = UInt8(symbol)
                index += 1
                continue
            }
            var value: UInt8 = 0
            switch symbol {
            case 16:
                guard index > 0 else { throw .invalid("repeat with no first length") }
                value = all[index - 1]
                symbol = 3 + (try bits(2))
            case 17:
                symbol = 3 + (try bits(3))
            default:
                symbol = 11 + (try bits(7))
            }
            guard index + symbol <= nlen + ndist else { throw .invalid("too many lengths") }
            for _ in 0..<symbol {
                all[index] = value
                index += 1
            }
        }
        guard all[256] != 0 else { throw .invalid("no end-of-block code") }
        return (try Huffman(lengths: all[0..<nlen]), try Huffman(lengths: all[nlen...]))
    }

    // MARK: Huffman codes

    /// A canonical Huffman code with a 9-bit lookup table for short codes (puff's counting decode for
    /// longer ones). Incomplete codes are accepted (a stream that uses a missing code fails when it does).
    struct Huffman {
        static let fastBits = 9
        var counts = [Int](repeating: 0, count: 16)
        var symbols: [Int]
        /// For each 9-bit (LSB-first) prefix: symbol << 4 | length, or 0 when the code is longer.
        var table = [UInt16](repeating: 0, count: 1 << fastBits)

        init(lengths: ArraySlice<UInt8>) throws(Failure) {
            for len in lengths { counts[Int(len)] += 1 }
            var left = 1
            for len in 1...15 {
                left <<= 1
                left -= counts[len]
                if left < 0 { throw .invalid("over-subscribed code") }
            }
            var offsets = [Int](repeating: 0, count: 16)
            for len in 1..<15 { offsets[len + 1] = offsets[len] + counts[len] }
            symbols = [Int](repeating: 0, count: lengths.count)
            for (symbol, len) in lengths.enumerated() where len != 0 {
                symbols[offsets[Int(len)]] = symbol
                offsets[Int(len)] += 1
            }
            // Canonical codes, MSB-first, then reversed into the LSB-first lookup table.
            var code = 0
            var index = 0
            for len in 1...15 {
                for _ in 0..<counts[len] {
                    if len <= Self.fastBits {
                        var reversed = 0
                        for bit in 0..<len where code & (1 << bit) != 0 { reversed |= 1 << (len - 1 - bit) }
                        let entry = UInt16(symbols[index] << 4 | len)
                        var fill = reversed
                        while fill < (1 << Self.fastBits) {
                            table[fill] = entry
                            fill += 1 << len
                        }
                    }
                    code += 1
                    index += 1
                }
                code <<= 1
            }
        }
    }

    @inline(__always)
    private mutating func decode(_ h: Huffman) throws(Failure) -> Int {
        if bitCount < Huffman.fastBits { refill() }
        let entry = h.table[Int(bitBuffer & UInt64((1 << Huffman.fastBits) - 1))]
        let len = Int(entry & 0xF)
        if len != 0 && len <= bitCount {
            bitBuffer >>= UInt64(len)
            bitCount -= len
            return Int(entry >> 4)
        }
        return try slowDecode(h)
    }

    /// puff's decode: one bit at a time, codes up to 15 bits.
    private mutating func slowDecode(_ h: Huffman) throws(Failure) -> Int {
        var code = 0
        var first = 0
        var index = 0
        for len in 1...15 {
            code |= try bits(1)
            let count = h.counts[len]
            if code - count < first { return h.symbols[index + (code - first)] }
            index += count
            first += count
            first <<= 1
            code <<= 1
        }
        throw .invalid("invalid Huffman code")
    }

    private static let fixedLit: Huffman = {
        var lengths = [UInt8](repeating: 8, count: 288)
        for i in 144..<256 { lengths[i] = 9 }
        for i in 256..<280 { lengths[i] = 7 }
        return try! Huffman(lengths: lengths[...])
    }()

    private static let fixedDist: Huffman = {
        try! Huffman(lengths: [UInt8](repeating: 5, count: 30)[...])
    }()
}
