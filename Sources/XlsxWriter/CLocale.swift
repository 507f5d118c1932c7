#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Runs libxlsxwriter calls under a thread-local C numeric locale, because it prints doubles
/// with `%.16G` (and widths, margins, font sizes with `%g`), which follow `LC_NUMERIC`.
enum CNumericLocale {
    /// Created once; never freed (it lives as long as the process).
    nonisolated(unsafe) static let handle: locale_t? = newlocale(LC_NUMERIC_MASK, "C", nil)

    /// Calls `body` with the calling thread's numeric locale set to "C", restoring the previous one afterwards.
    ///
    /// When the thread is already in that locale (an enclosing `run`, e.g. `Workbook.withCNumericLocale`),
    /// `body` is called directly: asking for the current locale is a thread-local read, switching is two calls.
    /// `handle` is `CNumericLocale.handle`, which a caller may keep (reading a static goes through `swift_once`).
    @inline(__always)
    static func run<T>(_ handle: locale_t? = handle, _ body: () throws -> T) throws -> T {
        guard let c = handle else { throw XlsxError.localeUnavailable }
        // uselocale(nil) only reports the thread's locale.
        let previous = uselocale(nil)
        if previous == c { return try body() }
        uselocale(c)
        defer { uselocale(previous) }
        return try body()
    }
}
