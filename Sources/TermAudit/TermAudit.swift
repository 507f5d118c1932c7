/// termaudit's version.
public enum TermAuditVersion {
    /// The version of this build.
    public static let string = "0.1.0"
}
