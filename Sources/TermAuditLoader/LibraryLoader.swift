import Foundation
import TermAudit

/// Loads `checklists/`: vocabulary, goal areas, handover templates, audit programs and policies.
public enum LibraryLoader {
    /// Reads every `*.yaml` under `directory` (recursively) by its `kind`, and checks ids across files.
    public static func load(directory: URL) -> (Library, [Diagnostic]) {
        var library = Library()
        var diagnostics: [Diagnostic] = []
        let files = YAMLFiles.list(under: directory)
        if files.isEmpty {
            diagnostics.append(Diagnostic(at: SourceLocation(file: directory.path, line: 1, column: 1), code: "no-library",
                                          message: "no checklist files found in \(directory.path)",
                                          hint: "point `library:` in termaudit.yaml at the checklists/ folder"))
            return (library, diagnostics)
        }
        var seen: [String: SourceLocation] = [:]
        var pendingPolicies: [(Fields, YAMLReader)] = []
        var readers: [YAMLReader] = []
        for file in files {
            let reader = YAMLReader(file: YAMLFiles.display(file))
            readers.append(reader)
            guard let data = try? Data(contentsOf: file) else {
                reader.report(line: 1, column: 1, code: "unreadable", "cannot read the file")
                continue
            }
            guard let root = reader.parse(data: data) else { continue }
            guard case .mapping(let m) = root, let kindNode = m["kind"] else {
                reader.report(root, code: "missing-key", "a checklist file needs `kind:`",
                              hint: "one of: vocabulary, goal-areas, handover-template, audit-program, policy")
                continue
            }
            guard let kind = reader.oneOf(kindNode, "kind", ["vocabulary", "goal-areas", "handover-template", "audit-program", "policy"]) else { continue }
            if let idNode = m["id"], let id = reader.identifier(idNode, "id") {
                let key = "\(kind)/\(id)"
                if let first = seen[key] {
                    reader.report(idNode, code: "duplicate-id", "\(kind) id '\(id)' is defined twice",
                                  hint: "the first is at \(first); ids must be unique")
                } else {
                    seen[key] = reader.location(idNode)
                }
            }
            switch kind {
            case "vocabulary": readVocabulary(root, reader, into: &library)
            case "goal-areas": readGoalAreas(root, reader, into: &library)
            case "handover-template": if let t = readHandover(root, reader) { library.handoverTemplates[t.id] = t }
            case "audit-program": if let p = readProgram(root, reader) { library.auditPrograms[p.id] = p }
            default:
                if let f = reader.mapping(root, of: "the policy", keys: PolicyReader.keys) { pendingPolicies.append((f, reader)) }
            }
        }
        // Policies refer to departments, so they are read after the vocabulary.
        let departments = library.departments.map(\.id)
        for (fields, reader) in pendingPolicies {
            if let p = PolicyReader(reader: reader, departments: departments).read(fields) { library.policies[p.id] = p }
        }
        for r in readers { diagnostics += r.diagnostics }
        // Audit programs name departments.
        for program in library.auditPrograms.values {
            for item in program.items where !departments.contains(item.department) {
                diagnostics.append(Diagnostic(at: SourceLocation(file: "checklists", line: 1, column: 1), code: "unknown-id",
                                              message: "audit program \(program.id) item \(item.id) names unknown department '\(item.department)'",
                                              hint: Suggest.hint(for: item.department, in: departments)))
            }
        }
        return (library, diagnostics)
    }

    static func header(_ f: Fields, _ r: YAMLReader) -> (id: String, version: Int, title: Label)? {
        let id = f.required("id") { r.identifier($0, "id") }
        let version = f.required("version") { r.integer($0, "version", in: 1...100_000) }
        let title = f.required("title") { r.label($0, "title") }
        guard let id, let version, let title else { return nil }
        return (id, version, title)
    }

    static let headerKeys = ["kind", "id", "version", "title"]

    static func entries(_ node: Node, _ r: YAMLReader, _ what: String) -> [VocabularyEntry] {
        var out: [VocabularyEntry] = []
        var ids = Set<String>()
        r.sequence(node, of: what) { n, i in
            guard let f = r.mapping(n, of: "\(what)[\(i)]", keys: ["id", "label", "citation"]) else { return }
            let id = f.required("id") { r.identifier($0, "id") }
            let label = f.required("label") { r.label($0, "label") }
            let citation = f.optional("citation") { r.citation($0, "citation") }
            guard let id, let label else { return }
            if !ids.insert(id).inserted { r.report(n, code: "duplicate-id", "\(what) id '\(id)' appears twice") }
            out.append(VocabularyEntry(id: id, label: label, citation: citation))
        }
        return out
    }

    static func readVocabulary(_ root: Node, _ r: YAMLReader, into lib: inout Library) {
        guard let f = r.mapping(root, of: "the vocabulary", keys: headerKeys + ["departments", "finding_categories", "responsibilities"]),
              header(f, r) != nil else { return }
        lib.departments = f.required("departments") { entries($0, r, "departments") } ?? []
        lib.findingCategories = f.required("finding_categories") { entries($0, r, "finding_categories") } ?? []
        lib.responsibilities = f.required("responsibilities") { entries($0, r, "responsibilities") } ?? []
    }

    static func readGoalAreas(_ root: Node, _ r: YAMLReader, into lib: inout Library) {
        guard let f = r.mapping(root, of: "the goal areas", keys: headerKeys + ["areas"]), header(f, r) != nil else { return }
        lib.goalAreas = f.required("areas") { entries($0, r, "areas") } ?? []
    }

    static func readHandover(_ root: Node, _ r: YAMLReader) -> HandoverTemplate? {
        guard let f = r.mapping(root, of: "the handover template", keys: headerKeys + ["citation", "signing", "deadline", "areas"]),
              let h = header(f, r) else { return nil }
        let citation = f.optional("citation") { r.citation($0, "citation") }
        _ = f.optional("signing") { n -> Bool? in
            guard let s = r.mapping(n, of: "signing", keys: ["parties", "copies", "transfer_only_after_handover", "citation"]) else { return nil }
            _ = s.optional("parties") { entries($0, r, "parties") }
            _ = s.optional("copies") { r.integer($0, "copies", in: 1...10) }
            _ = s.optional("transfer_only_after_handover") { r.bool($0, "transfer_only_after_handover") }
            _ = s.optional("citation") { r.citation($0, "citation") }
            return true
        }
        _ = f.optional("deadline") { n -> Bool? in
            guard let d = r.mapping(n, of: "deadline", keys: ["min_days", "max_working_days", "citation"]) else { return nil }
            _ = d.optional("min_days") { r.integer($0, "min_days", in: 0...365) }
            _ = d.optional("max_working_days") { r.integer($0, "max_working_days", in: 0...365) }
            _ = d.optional("citation") { r.citation($0, "citation") }
            return true
        }
        var areas: [HandoverTemplate.Area] = []
        var itemIDs = Set<String>(), areaIDs = Set<String>()
        _ = f.required("areas") { node -> Bool? in
            r.sequence(node, of: "areas") { n, i in
                guard let a = r.mapping(n, of: "areas[\(i)]", keys: ["id", "label", "citation", "items"]) else { return }
                let id = a.required("id") { r.identifier($0, "area id") }
                let label = a.required("label") { r.label($0, "label") }
                _ = a.optional("citation") { r.citation($0, "citation") }
                var items: [HandoverTemplate.Item] = []
                _ = a.required("items") { itemsNode -> Bool? in
                    r.sequence(itemsNode, of: "items") { itemNode, j in
                        guard let it = r.mapping(itemNode, of: "items[\(j)]", keys: ["id", "label", "hint"]) else { return }
                        let iid = it.required("id") { r.identifier($0, "item id") }
                        let ilabel = it.required("label") { r.label($0, "label") }
                        let hint = it.optional("hint") { r.label($0, "hint") }
                        guard let iid, let ilabel else { return }
                        if !itemIDs.insert(iid).inserted { r.report(itemNode, code: "duplicate-id", "item id '\(iid)' appears twice in the template") }
                        items.append(.init(id: iid, label: ilabel, hint: hint))
                    }
                    return true
                }
                guard let id, let label else { return }
                if !areaIDs.insert(id).inserted { r.report(n, code: "duplicate-id", "area id '\(id)' appears twice") }
                areas.append(.init(id: id, label: label, items: items))
            }
            return true
        }
        return HandoverTemplate(id: h.id, version: h.version, title: h.title, citation: citation, areas: areas)
    }

    static func readProgram(_ root: Node, _ r: YAMLReader) -> AuditProgram? {
        guard let f = r.mapping(root, of: "the audit program", keys: headerKeys + ["applies_to", "citation", "items"]),
              let h = header(f, r) else { return nil }
        let applies = f.optional("applies_to") { r.label($0, "applies_to") }
        let citation = f.optional("citation") { r.citation($0, "citation") }
        var items: [AuditProgram.Item] = []
        var ids = Set<String>()
        _ = f.required("items") { node -> Bool? in
            r.sequence(node, of: "items") { n, i in
                guard let it = r.mapping(n, of: "items[\(i)]", keys: ["id", "label", "department", "citation"]) else { return }
                let id = it.required("id") { r.identifier($0, "item id") }
                let label = it.required("label") { r.label($0, "label") }
                let dept = it.required("department") { r.identifier($0, "department") }
                let c = it.optional("citation") { r.citation($0, "citation") }
                guard let id, let label, let dept else { return }
                if !ids.insert(id).inserted { r.report(n, code: "duplicate-id", "item id '\(id)' appears twice") }
                items.append(.init(id: id, label: label, department: dept, citation: c))
            }
            return true
        }
        return AuditProgram(id: h.id, version: h.version, title: h.title, appliesTo: applies, citation: citation, items: items)
    }
}

/// Finds YAML files and names them for messages.
enum YAMLFiles {
    /// Every `.yaml`/`.yml` file under a folder, sorted by path.
    static func list(under directory: URL) -> [URL] {
        let fm = FileManager.default
        guard let e = fm.enumerator(at: directory, includingPropertiesForKeys: [.isRegularFileKey],
                                    options: [.skipsHiddenFiles]) else { return [] }
        var out: [URL] = []
        for case let url as URL in e where ["yaml", "yml"].contains(url.pathExtension.lowercased()) {
            if (try? url.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true { out.append(url) }
        }
        return out.sorted { $0.path < $1.path }
    }

    /// The paths of the same files as `list(under:)` (regular `.yaml`/`.yml` files, hidden files and folders skipped,
    /// symbolic links not followed), sorted, found with `readdir` and kept as text: a `URL` per file takes about
    /// 450 bytes, which at 100,000 case files was most of the streaming export's memory.
    static let nameOffset = MemoryLayout<dirent>.offset(of: \dirent.d_name)!
    static let typeOffset = MemoryLayout<dirent>.offset(of: \dirent.d_type)!

    static func listPaths(under directory: String) -> [String] {
        var out: [String] = []
        func walk(_ dir: String) {
            guard let d = opendir(dir) else { return }
            defer { closedir(d) }
            while let entry = readdir(d) {
                // A directory record is only as long as its name (d_reclen), not sizeof(dirent): read the name and the
                // type where they are, never a copy of the whole struct (at the end of readdir's buffer that copy
                // reads past it and can fault).
                let record = UnsafeRawPointer(entry)
                let name = String(cString: record.advanced(by: Self.nameOffset).assumingMemoryBound(to: CChar.self))
                if name.hasPrefix(".") { continue }
                let full = dir + "/" + name
                var type = record.load(fromByteOffset: Self.typeOffset, as: UInt8.self)
                if type == UInt8(DT_UNKNOWN) {
                    var st = stat()
                    guard lstat(full, &st) == 0 else { continue }
                    type = (st.st_mode & S_IFMT) == S_IFDIR ? UInt8(DT_DIR) : (st.st_mode & S_IFMT) == S_IFREG ? UInt8(DT_REG) : 0
                }
                if type == UInt8(DT_DIR) {
                    walk(full)
                } else if type == UInt8(DT_REG), let dot = name.lastIndex(of: "."), dot != name.startIndex,
                          ["yaml", "yml"].contains(name[name.index(after: dot)...].lowercased()) {
                    out.append(full)
                }
            }
        }
        walk(directory.hasSuffix("/") && directory.count > 1 ? String(directory.dropLast()) : directory)
        return out.sorted()
    }

    /// A path relative to the current directory when it lies below it.
    static func display(_ url: URL) -> String { DisplayPath.of(url) }
}

/// How every command names a file in its messages: relative to the current directory when the file lies below it
/// (short, and what the user typed), else absolute.
public enum DisplayPath {
    public static func of(_ url: URL) -> String {
        let cwd = FileManager.default.currentDirectoryPath
        let p = url.standardizedFileURL.path
        return p.hasPrefix(cwd + "/") ? String(p.dropFirst(cwd.count + 1)) : p
    }
}
