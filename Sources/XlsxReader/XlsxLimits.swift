/// Limits that keep a hostile workbook (zip bomb, huge sheet) from exhausting memory or time.
/// Every size is checked twice: against the sizes the zip declares, before anything is extracted, and
/// against the bytes actually produced while extracting (declared sizes can lie).
public struct XlsxLimits: Hashable, Sendable {
    /// Largest .xlsx file read, in bytes (default 512 MiB).
    public var maxFileBytes: UInt64
    /// Largest total of all entries' uncompressed sizes (default 512 MiB).
    public var maxTotalUncompressedBytes: UInt64
    /// Largest uncompressed size of one entry (default 256 MiB).
    public var maxEntryUncompressedBytes: UInt64
    /// Most entries in the zip (default 10,000).
    public var maxEntries: Int
    /// Highest uncompressed:compressed ratio of one entry (default 200) ...
    public var maxCompressionRatio: Double
    /// ... checked for entries larger than this many uncompressed bytes (default 1 MiB).
    public var compressionRatioThresholdBytes: UInt64
    /// Most cells with a value or formula, over all sheets (default 16,000,000).
    public var maxCells: Int

    /// The defaults described on each property.
    public static let `default` = XlsxLimits()

    /// Creates limits; every parameter defaults to the value described on its property.
    public init(maxFileBytes: UInt64 = 512 << 20,
                maxTotalUncompressedBytes: UInt64 = 512 << 20,
                maxEntryUncompressedBytes: UInt64 = 256 << 20,
                maxEntries: Int = 10_000,
                maxCompressionRatio: Double = 200,
                compressionRatioThresholdBytes: UInt64 = 1 << 20,
                maxCells: Int = 16_000_000) {
        self.maxFileBytes = maxFileBytes
        self.maxTotalUncompressedBytes = maxTotalUncompressedBytes
        self.maxEntryUncompressedBytes = maxEntryUncompressedBytes
        self.maxEntries = maxEntries
        self.maxCompressionRatio = maxCompressionRatio
        self.compressionRatioThresholdBytes = compressionRatioThresholdBytes
        self.maxCells = maxCells
    }
}
