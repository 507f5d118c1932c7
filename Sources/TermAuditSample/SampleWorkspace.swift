import Foundation
import TermAudit

/// The state a synthetic case is designed to reach under the workspace's policy (never `signed_off`: that
/// needs real signatures).
public enum SampleState: String, CaseIterable, Sendable {
    case onHold = "on_hold"
    case preparing
    case auditing
    case readyForSignoff = "ready_for_signoff"
}

/// Why a sample workspace cannot be made.
public enum SampleError: Error, CustomStringConvertible, Equatable {
    /// The output folder exists and is not empty (or is not a folder).
    case notEmpty(String)
    /// The checklists lack something the generator needs (a policy, a handover template, an audit program …).
    case library(String)
    /// A file or folder could not be written.
    case write(String, String)

    public var description: String {
        switch self {
        case .notEmpty(let p): "\(p) exists and is not an empty folder; give a new folder"
        case .library(let what): "the checklists have no \(what)"
        case .write(let p, let why): "cannot write \(p): \(why)"
        }
    }
}

/// One generated case file.
public struct SampleCase: Sendable {
    /// The case id, e.g. `2024-000042`.
    public var id: String
    /// The path below the workspace folder, e.g. `cases/000/2024-000042.yaml`.
    public var path: String
    /// The state the case is designed to reach.
    public var state: SampleState
    /// The file's text (YAML, UTF-8).
    public var text: String
}

/// A deterministic synthetic workspace: N realistic, fictional cases made from a seed. The same number of cases,
/// seed and checklists always give byte-identical files; every case loads without diagnostics.
///
/// Item ids, departments, goal areas, finding categories and audit programs come from the checklists, so the
/// cases stay valid when the checklists change; names, units and texts come from `SampleTables`.
public struct SampleWorkspace: Sendable {
    public let cases: Int
    public let seed: UInt64

    /// Files per folder under `cases/`.
    public static let filesPerFolder = 1_000
    /// The reference date written to `termaudit.yaml` (all dates in the cases are before it).
    public static let asOf = "2024-12-31"

    let policyID: String
    let templateID: String
    let handoverItems: [String]
    let defaultProgram: String
    /// Audit program per post system.
    let programs: [String: (id: String, items: [(id: String, department: String)])]
    let requiredDepartments: [String]
    let extraDepartments: [String]
    let responsibilities: [String]
    let indicatorTemplates: [SampleTables.IndicatorTemplate]
    let findingTemplates: [(category: String, title: String)]
    let city: String
    let counties: [String]
    let idWidth: Int
    let folderWidth: Int

    /// Prepares a workspace of `cases` cases from `seed`, with ids taken from `library`.
    public init(cases: Int, seed: UInt64, library: Library) throws {
        precondition(cases >= 0)
        self.cases = cases
        self.seed = seed
        func prefer(_ id: String, in keys: some Collection<String>, _ what: String) throws -> String {
            if keys.contains(id) { return id }
            guard let first = keys.sorted().first else { throw SampleError.library(what) }
            return first
        }
        policyID = try prefer("seed-city", in: library.policies.keys, "policy")
        templateID = try prefer("handover-standard", in: library.handoverTemplates.keys, "handover template")
        handoverItems = library.handoverTemplates[templateID]!.allItems.map(\.item.id)
        let fallback = try prefer("department-heads", in: library.auditPrograms.keys, "audit program")
        defaultProgram = fallback
        func program(_ id: String) -> (id: String, items: [(id: String, department: String)]) {
            let pid = library.auditPrograms[id] != nil ? id : fallback
            return (pid, library.auditPrograms[pid]!.items.map { ($0.id, $0.department) })
        }
        programs = ["乡镇": program("local-leaders"), "国有企业": program("soe-heads"), "": program(fallback)]
        let departments = library.departments.map(\.id)
        guard !departments.isEmpty else { throw SampleError.library("departments") }
        let required = library.policies[policyID]!.team.requiredDepartments
        let requiredIDs = required.isEmpty ? [departments[0]] : required
        requiredDepartments = requiredIDs
        extraDepartments = departments.filter { !requiredIDs.contains($0) }

        let categoryIDs = library.findingCategories.map(\.id)
        guard !categoryIDs.isEmpty else { throw SampleError.library("finding categories") }
        responsibilities = library.responsibilities.map(\.id)
        // Indicators of areas the checklists do not define go to the areas they do define, in order.
        let areas = library.goalAreas.map(\.id)
        guard !areas.isEmpty else { throw SampleError.library("goal areas") }
        indicatorTemplates = SampleTables.indicators.enumerated().map { i, t in
            var t = t
            if !areas.contains(t.area) { t.area = areas[i % areas.count] }
            return t
        }
        let cats = Set(categoryIDs)
        findingTemplates = SampleTables.findings.map { cats.contains($0.category) ? $0 : (categoryIDs[0], $0.title) }

        var r = SampleRandom(seed: seed, stream: .max)
        func place() -> String { r.pick(SampleTables.placeFirst) + r.pick(SampleTables.placeSecond) }
        city = place() + "市"
        var names: [String] = []
        while names.count < 12 {
            let c = place() + "县"
            if !names.contains(c) && c != city { names.append(c) }
        }
        counties = names
        idWidth = max(6, String(cases).count)
        folderWidth = max(3, String(max(cases - 1, 0) / Self.filesPerFolder).count)
    }

    // MARK: - Files

    /// The text of `termaudit.yaml`; `libraryPath` is written as `library:` (use an absolute path).
    public func settings(libraryPath: String) -> String {
        """
        # 模拟工作区：termaudit sample --cases \(cases) --seed \(seed)
        # Synthetic workspace: every person, unit and figure is fictional (identity numbers use area code 9901xx).
        jurisdiction: \(city)
        policy: \(policyID)
        handover_checklists: [\(templateID)]
        period: "2024年度"
        as_of: \(Self.asOf)
        library: \(Self.quoted(libraryPath))
        audit_program: \(defaultProgram)

        """
    }

    /// The id of case `index` (0-based).
    public func caseID(_ index: Int) -> String { "2024-" + Self.padded(index + 1, idWidth) }

    /// The path of case `index` below the workspace folder.
    public func path(_ index: Int) -> String {
        "cases/\(Self.padded(index / Self.filesPerFolder, folderWidth))/\(caseID(index)).yaml"
    }

    /// Writes `termaudit.yaml` and every case file into `folder`, which must not exist or be empty.
    /// Returns how many cases were designed for each state.
    @discardableResult
    public func write(to folder: URL, libraryPath: String) throws -> [SampleState: Int] {
        let fm = FileManager.default
        var isDir: ObjCBool = false
        if fm.fileExists(atPath: folder.path, isDirectory: &isDir) {
            guard isDir.boolValue, (try? fm.contentsOfDirectory(atPath: folder.path))?.isEmpty == true else {
                throw SampleError.notEmpty(folder.path)
            }
        }
        do {
            try fm.createDirectory(at: folder.appendingPathComponent("cases"), withIntermediateDirectories: true)
        } catch {
            throw SampleError.write(folder.path, "\(error.localizedDescription)")
        }
        try Self.writeFile(folder.appendingPathComponent("termaudit.yaml").path, settings(libraryPath: libraryPath))

        let folders = (cases + Self.filesPerFolder - 1) / Self.filesPerFolder
        let results = ResultSlots(count: folders)
        let root = folder.path
        DispatchQueue.concurrentPerform(iterations: folders) { f in
            var counts = [SampleState: Int]()
            do {
                let dir = root + "/cases/" + Self.padded(f, folderWidth)
                if mkdir(dir, 0o755) != 0 && errno != EEXIST { throw SampleError.write(dir, String(cString: strerror(errno))) }
                for i in (f * Self.filesPerFolder)..<min(cases, (f + 1) * Self.filesPerFolder) {
                    let c = caseFile(i)
                    try Self.writeFile(root + "/" + c.path, c.text)
                    counts[c.state, default: 0] += 1
                }
                results.set(f, .success(counts))
            } catch {
                results.set(f, .failure(error))
            }
        }
        var total = [SampleState: Int]()
        for r in results.all() {
            switch r {
            case .success(let counts): for (k, v) in counts { total[k, default: 0] += v }
            case .failure(let e): throw e
            case nil: break
            }
        }
        return total
    }

    static func writeFile(_ path: String, _ text: String) throws {
        var text = text
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard fd >= 0 else { throw SampleError.write(path, String(cString: strerror(errno))) }
        defer { close(fd) }
        try text.withUTF8 { buf in
            var offset = 0
            while offset < buf.count {
                let n = Foundation.write(fd, buf.baseAddress! + offset, buf.count - offset)
                if n < 0 {
                    if errno == EINTR { continue }
                    throw SampleError.write(path, String(cString: strerror(errno)))
                }
                offset += n
            }
        }
    }

    static func padded(_ n: Int, _ width: Int) -> String {
        let s = String(n)
        return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
    }

    /// A YAML double-quoted scalar.
    static func quoted(_ s: String) -> String {
        var out = "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            default: out.unicodeScalars.append(u)
            }
        }
        return out + "\""
    }

    // MARK: - One case

    /// The planned state of case `index`: the first four cases take each state once, then a fixed mix
    /// (on hold 10 %, preparing 15 %, auditing 40 %, ready for sign-off 35 %).
    static func plannedState(_ index: Int, _ r: inout SampleRandom) -> SampleState {
        if index < SampleState.allCases.count { return SampleState.allCases[index] }
        let x = r.int(0...99)
        return x < 10 ? .onHold : x < 25 ? .preparing : x < 65 ? .auditing : .readyForSignoff
    }

    /// Generates case `index` (0-based).
    public func caseFile(_ index: Int) -> SampleCase {
        var gen = CaseGenerator(workspace: self, index: index)
        return gen.make()
    }
}

/// Per-folder results of the parallel writer.
private final class ResultSlots: @unchecked Sendable {
    private var slots: [Result<[SampleState: Int], Error>?]
    private let lock = NSLock()

    init(count: Int) { slots = Array(repeating: nil, count: count) }

    func set(_ i: Int, _ r: Result<[SampleState: Int], Error>) {
        lock.lock()
        slots[i] = r
        lock.unlock()
    }

    func all() -> [Result<[SampleState: Int], Error>?] {
        lock.lock()
        defer { lock.unlock() }
        return slots
    }
}
