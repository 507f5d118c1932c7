import CXlsxWriter

/// The version of the libxlsxwriter C library in use (from `lxw_version()`), e.g. "1.1.4".
public var libraryVersion: String {
    guard let text = lxw_version() else { return "unknown" }
    return String(cString: text)
}
