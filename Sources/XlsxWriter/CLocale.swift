#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Runs libxlsxwriter calls under a thread-local C numeric locale, because it prints doubles
/// with `%.16G` (and widths, margins, font sizes with `%g`), which follow `LC_NUMERIC`.
enum CNumericLocale {
    /// Created once; never freed (it lives as long as the process).
    nonisolated(unsafe) private static let handle: locale_t? = newlocale(LC_NUMERIC_MASK, "C", nil)

    /// Calls `body` with the calling thread's numeric locale set to "C", restoring the previous one afterwards.
    static func run<T>(_ body: () throws -> T) throws -> T {
        guard let c = handle else { throw XlsxError.localeUnavailable }
        let previous = uselocale(c)
        defer { uselocale(previous) }
        return try body()
    }
}
