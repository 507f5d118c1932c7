import ArgumentParser
import Foundation
import TermAudit
import TermAuditLoader

/// `termaudit new`: a new case file or workspace, so that nobody writes one from the docs.
struct New: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "新建 — write a new case file or workspace skeleton.",
        subcommands: [NewCase.self, NewWorkspace.self]
    )
}

/// A coded value given on the command line by its code or its Chinese label.
func coded<T: RawRepresentable & CaseIterable & Labelled>(_ text: String, _ option: String, _ type: T.Type) throws -> T where T.RawValue == String {
    if let v = T(codeOrLabel: text) { return v }
    throw ValidationError("\(option) '\(text)' is not allowed; one of: \(T.allowedList)")
}

struct NewCase: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "case",
        abstract: "新建案卷 — write cases/[FOLDER/]ID.yaml with every section in place.",
        discussion: """
        The new file is valid as written: the official, the post and the trigger come from the options (codes or
        Chinese labels: --rank 正职, --trigger 调整岗位); the handover checklist and the audit program's items are listed
        as pending with their labels as comments; team, indicators, findings and assessment are empty lists with
        examples in comments. Nothing is written when the id is taken or the file would not validate.
        Example: termaudit new case 2025-001 --official 张三 --unit 县财政局 --title 局长 --rank 正职 --level 科级 \\
                   --decided 2021-03-01 --trigger 任期届满
        """
    )

    @Argument(help: "The case id (e.g. 2025-001).")
    var id: String

    @Argument(help: "The workspace (default: the current folder).")
    var path: String = "."

    @Option(help: "The audited official's name.") var official: String
    @Option(help: "The unit (as in units.yaml when the workspace has one).") var unit: String
    @Option(help: "The post's title (e.g. 局长).") var title: String
    @Option(help: "principal (正职) or deputy (副职).") var rank: String
    @Option(help: "The level (e.g. 科级).") var level: String
    @Option(help: "The date of the appointment decision, YYYY-MM-DD.") var decided: String
    @Option(help: "term_end (任期届满), transfer (调整岗位) or promotion (提拔重用).") var trigger: String
    @Option(help: "elected (选任), appointed (委任, default) or contract (聘任).") var basis: String = "appointed"
    @Option(help: "The ranking group (同层级、同系统); default: the unit's kind from units.yaml.") var system: String?
    @Option(help: "A subfolder of cases/ (e.g. 乡镇).") var folder: String?

    func run() throws {
        let result = WorkspaceLoader.load(path: path)
        let parts = result.partitioned()
        if !parts.settings.isEmpty { Session.fail(parts.settings) }
        guard let ws = parts.valid.workspace, let root = result.root, let policy = ws.policy else { throw ExitCode(1) }
        guard let decidedDay = Day(iso: decided) else { throw ValidationError("--decided '\(decided)' is not a date YYYY-MM-DD") }
        let registered = ws.units?.unit(named: unit)
        guard let group = system ?? registered?.kind.label.zh else {
            throw ValidationError("give --system (the ranking group, e.g. 政府工作部门): the unit '\(unit)' is not in units.yaml to take it from")
        }
        if let folder, folder.contains("..") || folder.hasPrefix("/") {
            throw ValidationError("--folder '\(folder)' must be a subfolder of cases/")
        }
        // The id must be new: among the valid cases and among the files (a broken file may hold it).
        if ws.cases.contains(where: { $0.id == id }) { throw ValidationError("case '\(id)' exists already") }
        let cases = root.appendingPathComponent("cases")
        let dir = folder.map { cases.appendingPathComponent($0) } ?? cases
        let file = dir.appendingPathComponent("\(id).yaml")
        if let e = FileManager.default.enumerator(atPath: cases.path) {
            for case let p as String in e where (p as NSString).lastPathComponent == "\(id).yaml" {
                throw ValidationError("a file \(id).yaml exists already: \(DisplayPath.of(cases.appendingPathComponent(p)))")
            }
        }
        let facts = Skeleton.CaseFacts(id: id, official: official, unit: unit, title: title, rank: try coded(rank, "--rank", Rank.self),
                                       level: level, system: group, basis: try coded(basis, "--basis", Basis.self), decided: decidedDay,
                                       trigger: try coded(trigger, "--trigger", Trigger.self))
        let template = ws.config.handoverChecklists.first.flatMap { ws.library.handoverTemplates[$0] }
        let program = ws.config.auditProgram.flatMap { ws.library.auditPrograms[$0] }
        let text = Skeleton.caseText(facts, template: template, program: program, library: ws.library)
        let display = DisplayPath.of(file)
        let (parsed, diagnostics) = WorkspaceLoader.parseCase(text: text, file: display, library: ws.library, policy: policy, context: CaseContext(ws))
        let errors = diagnostics.filter { $0.severity == .error }
        guard parsed != nil, errors.isEmpty else {
            for d in errors { Terminal.eprint(d.description) }
            Terminal.eprint("✗ 新案卷不能通过校验，未写入 (the new case would not validate; nothing was written)")
            throw ExitCode(1)
        }
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        try writeNew(text, to: file)
        print("✓ 已新建案卷 \(id) → \(display)")
        print("  下一步：补全审计组 team、任期目标 indicators，然后 `termaudit status \(DisplayPath.of(root)) --case \(id)`")
        print("  next: fill in team and indicators, then `termaudit status --case \(id)`")
    }
}

struct NewWorkspace: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "workspace",
        abstract: "新建工作区 — write FOLDER/termaudit.yaml and FOLDER/cases/.",
        discussion: """
        The folder must not exist or be empty. The settings name the jurisdiction, the policy, the handover checklist
        and the audit program; the checklists are found as for every command (a `checklists/` folder above, the one
        installed with termaudit, or --library, which is written into the settings).
        Example: termaudit new workspace 青山县2025 --jurisdiction 青山县 --period 2025年度
        """
    )

    @Argument(help: "The folder to create.")
    var folder: String

    @Option(help: "The jurisdiction (e.g. 青山县).") var jurisdiction: String
    @Option(help: "The policy id (default: seed-city).") var policy: String = "seed-city"
    @Option(help: "The handover checklist (default: handover-standard).") var handover: String = "handover-standard"
    @Option(help: "The audit program for cases that name none (default: department-heads).") var program: String = "department-heads"
    @Option(help: "The audit period, shown on workbooks (e.g. 2025年度).") var period: String?
    @Option(help: "The reference date (审计基准日), YYYY-MM-DD.") var asOf: String?
    @Option(help: "The checklists folder, written into the settings as an absolute path (default: found when needed).") var library: String?

    func run() throws {
        let url = URL(fileURLWithPath: folder).standardizedFileURL
        var isDir: ObjCBool = false
        if FileManager.default.fileExists(atPath: url.path, isDirectory: &isDir) {
            guard isDir.boolValue, (try FileManager.default.contentsOfDirectory(atPath: url.path)).isEmpty else {
                throw ValidationError("\(folder) exists and is not an empty folder")
            }
        }
        var day: Day?
        if let asOf {
            guard let d = Day(iso: asOf) else { throw ValidationError("--as-of '\(asOf)' is not a date YYYY-MM-DD") }
            day = d
        }
        // A library path is written absolute: relative paths in the settings are read from the workspace folder.
        let text = Skeleton.workspaceConfig(jurisdiction: jurisdiction, policy: policy, handover: handover, period: period, asOf: day,
                                            library: library.map { URL(fileURLWithPath: $0).standardizedFileURL.path }, program: program)
        // Check the settings against the checklists before anything is written: a temporary folder beside it.
        let parent = url.deletingLastPathComponent()
        let probe = parent.appendingPathComponent(".\(url.lastPathComponent).new-\(getpid())")
        try FileManager.default.createDirectory(at: probe.appendingPathComponent("cases"), withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: probe) }
        try text.write(to: probe.appendingPathComponent("termaudit.yaml"), atomically: true, encoding: .utf8)
        let result = WorkspaceLoader.load(path: probe.path)
        if result.hasErrors {
            for d in result.diagnostics where d.severity == .error { Terminal.eprint(d.description.replacingOccurrences(of: probe.path, with: folder)) }
            Terminal.eprint("✗ 设置有误，未新建工作区 (the settings have errors; nothing was written)")
            throw ExitCode(1)
        }
        try FileManager.default.createDirectory(at: url.appendingPathComponent("cases"), withIntermediateDirectories: true)
        try writeNew(text, to: url.appendingPathComponent("termaudit.yaml"))
        print("✓ 已新建工作区 → \(folder)（\(jurisdiction)，政策 \(policy)）")
        print("  下一步 next: termaudit new case 2025-001 \(folder) --official 姓名 --unit 单位 --title 职务 --rank 正职 --level 科级 --decided YYYY-MM-DD --trigger 任期届满 --system 政府工作部门")
    }
}

/// Writes a new file, refusing to replace one (O_EXCL), fully or not at all.
func writeNew(_ text: String, to url: URL) throws {
    let tmp = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).new-\(getpid())")
    try Data(text.utf8).write(to: tmp)
    defer { try? FileManager.default.removeItem(at: tmp) }
    guard link(tmp.path, url.path) == 0 else {
        throw ValidationError("cannot write \(DisplayPath.of(url)): \(String(cString: strerror(errno)))")
    }
}
