import Foundation

/// One entry as its central-directory record describes it (our own parse, checked against the file).
struct ZipEntryInfo {
    /// The name as stored (after turning `\` into `/` and dropping a leading `/`).
    let name: String
    let method: Int
    let flags: Int
    let crc32: UInt32
    let compressedSize: UInt64
    let uncompressedSize: UInt64
    /// Where the compressed data starts and ends in the file.
    let dataStart: Int
    let dataEnd: Int
    var isDirectory: Bool { name.hasSuffix("/") }
}

/// The zip layer: reads the file once, checks its structure and every declared size against the
/// limits before extracting anything, then inflates entries with the system zlib while counting bytes.
///
/// Not thread-safe; used from one call of `XlsxWorkbook.open`.
final class ZipPackage {
    let limits: XlsxLimits
    private let data: Data
    /// Lower-cased normalized name → entry (directories left out).
    private var entries: [String: ZipEntryInfo] = [:]
    /// Bytes actually produced so far by extraction.
    private var extractedTotal: UInt64 = 0

    init(url: URL, limits: XlsxLimits) throws(XlsxReaderError) {
        self.limits = limits
        let path = url.path
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw .unreadableFile(path: path, reason: "no such file")
        }
        guard !isDirectory.boolValue else { throw .unreadableFile(path: path, reason: "is a folder") }
        let size: UInt64
        do {
            let attributes = try FileManager.default.attributesOfItem(atPath: path)
            if let type = attributes[.type] as? FileAttributeType, type != .typeRegular {
                throw XlsxReaderError.unreadableFile(path: path, reason: "is not a regular file")
            }
            size = (attributes[.size] as? NSNumber)?.uint64Value ?? 0
        } catch let error as XlsxReaderError {
            throw error
        } catch {
            throw .unreadableFile(path: path, reason: error.localizedDescription)
        }
        guard size <= limits.maxFileBytes else { throw .fileTooLarge(size: size, limit: limits.maxFileBytes) }
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw .unreadableFile(path: path, reason: error.localizedDescription)
        }
        guard UInt64(data.count) <= limits.maxFileBytes else {
            throw .fileTooLarge(size: UInt64(data.count), limit: limits.maxFileBytes)
        }
        self.data = data
        try Self.checkSignature(data)
        let infos = try Self.readCentralDirectory(data, limits: limits)
        // Declared sizes, before anything is extracted.
        var total: UInt64 = 0
        for info in infos where !info.isDirectory {
            let key = info.name.lowercased()
            guard entries[key] == nil else { throw .duplicateEntry(part: info.name) }
            entries[key] = info
            try Self.checkDeclared(info, limits: limits)
            total += info.uncompressedSize
            guard total <= limits.maxTotalUncompressedBytes else {
                throw .workbookTooLarge(limit: limits.maxTotalUncompressedBytes)
            }
        }
    }

    /// True when the package has an entry with this part name (case-insensitive).
    func contains(_ part: String) -> Bool { entries[part.lowercased()] != nil }

    /// The stored name of a part (with the zip's own capitalization).
    func storedName(_ part: String) -> String? { entries[part.lowercased()]?.name }

    /// Extracts a part into memory: a stored entry is copied, a deflated one inflated with zlib within the
    /// limits (its output counted, and kept only up to the declared size); then the expanded size is checked
    /// against the limits and the declared size, and the CRC-32 against the recorded one.
    func extract(_ part: String) throws(XlsxReaderError) -> Data {
        let key = part.lowercased()
        guard let info = entries[key] else { throw .missingPart(part: part, sheet: nil) }
        let totalLeft = limits.maxTotalUncompressedBytes - extractedTotal
        let entryBudget = min(limits.maxEntryUncompressedBytes, totalLeft)
        let keep = Int(min(info.uncompressedSize, entryBudget))
        let result: Result<(data: Data, size: UInt64), Inflate.Failure> = data.withUnsafeBytes { raw in
            let slice = UnsafeRawBufferPointer(rebasing: raw[info.dataStart..<info.dataEnd])
            if info.method == 0 { return .success((Data(slice.prefix(keep)), UInt64(slice.count))) }
            do throws(Inflate.Failure) {
                return .success(try Inflate.raw(slice, keep: keep, budget: entryBudget))
            } catch {
                return .failure(error)
            }
        }
        let out: Data
        switch result {
        case .success(let (data, size)):
            try checkActual(info, size: size)
            out = data
        case .failure(.overBudget):
            if entryBudget == limits.maxEntryUncompressedBytes {
                throw .entryTooLarge(part: info.name, limit: limits.maxEntryUncompressedBytes)
            }
            throw .workbookTooLarge(limit: limits.maxTotalUncompressedBytes)
        case .failure(.truncated):
            throw .damagedZip(part: info.name, reason: "the compressed data ends before the stream does")
        case .failure(.invalid(let why)):
            throw .damagedZip(part: info.name, reason: "corrupt compressed data (\(why))")
        }
        guard out.withUnsafeBytes({ Inflate.crc32($0) }) == info.crc32 else {
            throw .damagedZip(part: info.name, reason: "checksum mismatch")
        }
        extractedTotal += UInt64(out.count)
        return out
    }

    /// The limits and the declared size against an actual (or at least this large) expanded size.
    private func checkActual(_ info: ZipEntryInfo, size: UInt64) throws(XlsxReaderError) {
        if size > limits.maxEntryUncompressedBytes {
            throw .entryTooLarge(part: info.name, limit: limits.maxEntryUncompressedBytes)
        }
        if extractedTotal + size > limits.maxTotalUncompressedBytes {
            throw .workbookTooLarge(limit: limits.maxTotalUncompressedBytes)
        }
        if size > limits.compressionRatioThresholdBytes,
           Double(size) > limits.maxCompressionRatio * Double(max(info.compressedSize, 1)) {
            throw .compressionRatioTooHigh(part: info.name, limit: limits.maxCompressionRatio)
        }
        if size != info.uncompressedSize {
            throw .entrySizeMismatch(part: info.name, declared: info.uncompressedSize, actual: size)
        }
    }

    private static func checkDeclared(_ info: ZipEntryInfo, limits: XlsxLimits) throws(XlsxReaderError) {
        guard info.flags & 1 == 0 else { throw .encryptedEntry(part: info.name) }
        guard info.method == 0 || info.method == 8 else {
            throw .unsupportedCompression(part: info.name, method: info.method)
        }
        if info.uncompressedSize > limits.maxEntryUncompressedBytes {
            throw .entryTooLarge(part: info.name, limit: limits.maxEntryUncompressedBytes)
        }
        if info.uncompressedSize > limits.compressionRatioThresholdBytes,
           Double(info.uncompressedSize) > limits.maxCompressionRatio * Double(max(info.compressedSize, 1)) {
            throw .compressionRatioTooHigh(part: info.name, limit: limits.maxCompressionRatio)
        }
        if info.method == 0 && info.compressedSize != info.uncompressedSize {
            throw .damagedZip(part: info.name, reason: "a stored entry's compressed and uncompressed sizes differ")
        }
    }

    // MARK: Structure

    static func normalize(_ name: String) -> String {
        var n = name.replacingOccurrences(of: "\\", with: "/")
        while n.hasPrefix("/") { n.removeFirst() }
        return n
    }

    private static func checkSignature(_ data: Data) throws(XlsxReaderError) {
        guard !data.isEmpty else { throw .notAnXlsx(reason: "the file is empty") }
        let ole2: [UInt8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]
        if data.count >= 8, data.prefix(8).elementsEqual(ole2) { throw .encryptedOrLegacyFormat }
        let head = [UInt8](data.prefix(4))
        let zip = head.count == 4 && head[0] == 0x50 && head[1] == 0x4B
            && ((head[2] == 3 && head[3] == 4) || (head[2] == 5 && head[3] == 6))
        guard zip else { throw .notAnXlsx(reason: "the file is not a zip archive") }
    }

    private static func readCentralDirectory(_ data: Data, limits: XlsxLimits) throws(XlsxReaderError) -> [ZipEntryInfo] {
        let result: Result<[ZipEntryInfo], XlsxReaderError> = data.withUnsafeBytes { raw in
            do throws(XlsxReaderError) {
                return .success(try CentralDirectoryReader(bytes: raw, limits: limits).read())
            } catch {
                return .failure(error)
            }
        }
        return try result.get()
    }
}

/// Reads the end-of-central-directory record (zip64 too) and the central directory, checking that
/// every offset and size stays inside the file.
private struct CentralDirectoryReader {
    let bytes: UnsafeRawBufferPointer
    let limits: XlsxLimits

    func u16(_ at: Int) -> Int { Int(bytes[at]) | Int(bytes[at + 1]) << 8 }
    func u32(_ at: Int) -> UInt64 {
        UInt64(bytes[at]) | UInt64(bytes[at + 1]) << 8 | UInt64(bytes[at + 2]) << 16 | UInt64(bytes[at + 3]) << 24
    }
    func u64(_ at: Int) -> UInt64 { u32(at) | u32(at + 4) << 32 }

    func damaged(_ reason: String, _ part: String? = nil) -> XlsxReaderError { .damagedZip(part: part, reason: reason) }

    func read() throws(XlsxReaderError) -> [ZipEntryInfo] {
        let size = bytes.count
        // The end-of-central-directory record: the last signature within the last 64 KiB + 22 bytes
        // (ZIPFoundation takes the last one too).
        var eocd = -1
        var at = size - 22
        let lowest = max(0, size - 22 - 0xFFFF)
        while at >= lowest {
            if bytes[at] == 0x50 && bytes[at + 1] == 0x4B && bytes[at + 2] == 5 && bytes[at + 3] == 6 { eocd = at; break }
            at -= 1
        }
        guard eocd >= 0 else {
            throw damaged("no end-of-central-directory record (the file is truncated or not a complete zip)")
        }
        guard u16(eocd + 4) == 0, u16(eocd + 6) == 0 else { throw damaged("multi-disk zips are not supported") }
        var count = UInt64(u16(eocd + 10))
        var cdSize = u32(eocd + 12)
        var cdOffset = u32(eocd + 16)
        var cdLimit = eocd
        if count == 0xFFFF || cdSize == 0xFFFF_FFFF || cdOffset == 0xFFFF_FFFF {
            // zip64: the locator sits just before the record.
            let locator = eocd - 20
            if locator >= 0, u32(locator) == 0x0706_4B50 {
                let recordOffset = u64(locator + 8)
                guard locator >= 56, recordOffset <= UInt64(locator - 56) else { throw damaged("bad zip64 locator") }
                let record = Int(recordOffset)
                guard u32(record) == 0x0606_4B50 else { throw damaged("bad zip64 end-of-central-directory record") }
                count = u64(record + 32)
                cdSize = u64(record + 40)
                cdOffset = u64(record + 48)
                cdLimit = record
            }
        }
        guard count <= UInt64(limits.maxEntries) else {
            throw .tooManyEntries(count: count > UInt64(Int.max) ? Int.max : Int(count), limit: limits.maxEntries)
        }
        guard cdOffset <= UInt64(cdLimit), cdSize <= UInt64(cdLimit) - cdOffset else {
            throw damaged("the central directory lies outside the file (truncated?)")
        }
        let cdStart = Int(cdOffset)
        let cdEnd = cdStart + Int(cdSize)
        var infos: [ZipEntryInfo] = []
        infos.reserveCapacity(Int(count))
        var p = cdStart
        for _ in 0..<Int(count) {
            guard p + 46 <= cdEnd, u32(p) == 0x0201_4B50 else { throw damaged("bad central directory record") }
            let flags = u16(p + 8)
            let method = u16(p + 10)
            let crc = UInt32(u32(p + 16))
            var csize = u32(p + 20)
            var usize = u32(p + 24)
            let nameLength = u16(p + 28)
            let extraLength = u16(p + 30)
            let commentLength = u16(p + 32)
            var localOffset = u32(p + 42)
            let next = p + 46 + nameLength + extraLength + commentLength
            guard next <= cdEnd else { throw damaged("bad central directory record") }
            let nameBytes = UnsafeRawBufferPointer(rebasing: bytes[(p + 46)..<(p + 46 + nameLength)])
            let name = ZipPackage.normalize(String(decoding: nameBytes, as: UTF8.self))
            // zip64 extra field: the 0xFFFFFFFF fields, in order.
            if usize == 0xFFFF_FFFF || csize == 0xFFFF_FFFF || localOffset == 0xFFFF_FFFF {
                var e = p + 46 + nameLength
                let extraEnd = e + extraLength
                var found = false
                while e + 4 <= extraEnd {
                    let id = u16(e)
                    let length = u16(e + 2)
                    let body = e + 4
                    guard body + length <= extraEnd else { break }
                    if id == 1 {
                        var f = body
                        func take() throws(XlsxReaderError) -> UInt64 {
                            guard f + 8 <= body + length else { throw damaged("bad zip64 extra field", name) }
                            defer { f += 8 }
                            return u64(f)
                        }
                        if usize == 0xFFFF_FFFF { usize = try take() }
                        if csize == 0xFFFF_FFFF { csize = try take() }
                        if localOffset == 0xFFFF_FFFF { localOffset = try take() }
                        found = true
                        break
                    }
                    e = body + length
                }
                guard found else { throw damaged("missing zip64 extra field", name) }
            }
            guard !name.isEmpty else { throw damaged("an entry has no name") }
            // The local header and the data must lie before the central directory.
            guard localOffset <= UInt64(cdStart), UInt64(cdStart) - localOffset >= 30 else {
                throw damaged("an entry's local header lies outside the file", name)
            }
            let local = Int(localOffset)
            guard u32(local) == 0x0403_4B50 else { throw damaged("bad local header", name) }
            let dataStart = local + 30 + u16(local + 26) + u16(local + 28)
            guard dataStart <= cdStart, csize <= UInt64(cdStart - dataStart) else {
                throw damaged("an entry's data runs past the end of the zip (truncated?)", name)
            }
            infos.append(ZipEntryInfo(name: name, method: method, flags: flags, crc32: crc, compressedSize: csize,
                                      uncompressedSize: usize, dataStart: dataStart, dataEnd: dataStart + Int(csize)))
            p = next
        }
        return infos
    }
}
