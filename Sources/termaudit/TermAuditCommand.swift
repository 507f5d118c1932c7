import ArgumentParser
import TermAudit
import CXlsxWriter

/// The `termaudit` command line.
@main
struct TermAuditCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "termaudit",
        abstract: "经济责任审计与离任交接工具箱 — term-end economic-responsibility audit and handover.",
        discussion: """
        A workspace is a folder with termaudit.yaml and cases/**/*.yaml (one file per audited official).
        PATH defaults to the current folder; a single case file works too.
        """,
        version: "termaudit \(TermAuditVersion.string) (libxlsxwriter \(String(cString: lxw_version())))",
        subcommands: [Validate.self, Status.self, TermCommand.self, RankCommand.self, Export.self, Import.self, Keygen.self, Sign.self, Verify.self, New.self, Sample.self, Db.self, Serve.self, User.self]
    )
}

/// Options shared by commands that read a workspace.
struct WorkspaceOptions: ParsableArguments {
    @Argument(help: "A workspace folder, a folder inside one, or a case file.")
    var path: String = "."

    @Option(help: "Use another policy than the workspace's (e.g. national).")
    var policy: String?

    @Option(help: "A store instead of a folder: sqlite:PATH (or PATH.db) or postgres://USER:PASSWORD@HOST:PORT/DB.")
    var database: String?

    func validate() throws {
        if database != nil && path != "." {
            throw ValidationError("give either a workspace folder or --database, not both")
        }
    }
}

/// Output formats.
enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    case text, json
}
