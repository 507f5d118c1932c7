// A libFuzzer target for the case-file loader: arbitrary bytes go through `WorkspaceLoader.parseCase(data:…)`, the
// path every case file takes (size, BOM, UTF-8, NUL, pre-scan, YAML, shapes and values).
//
// Build and run it with `bash bench/fuzz [SECONDS]` (libFuzzer and AddressSanitizer; see docs/reliability.md).
// A plain `swift build` compiles this file without the FUZZING flag: the executable then only says how to run it.
import Foundation
import TermAudit
import TermAuditLoader

/// The checklists, loaded once: `TERMAUDIT_CHECKLISTS`, else the repository's `checklists/`.
enum FuzzSetup {
    static let library: Library = {
        let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let env = ProcessInfo.processInfo.environment["TERMAUDIT_CHECKLISTS"] ?? ""
        let folder = env.isEmpty ? repo.appendingPathComponent("checklists") : URL(fileURLWithPath: env)
        let (library, diagnostics) = LibraryLoader.load(directory: folder)
        if diagnostics.contains(where: { $0.severity == .error }) || library.policies.isEmpty {
            FileHandle.standardError.write(Data("FuzzLoader: cannot load the checklists at \(folder.path)\n".utf8))
            exit(2)
        }
        return library
    }()
    static let policy: Policy? = library.policies["seed-city"] ?? library.policies.values.first
}

/// One input. Besides not crashing, the loader must keep its promises: every diagnostic is located inside the
/// input (line ≥ 1, column ≥ 1, line at most the number of lines + 1), at most 200 + 1 per file, and a case is
/// returned only with a valid id.
func fuzzOne(_ bytes: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let data = bytes.map { Data(bytes: $0, count: count) } ?? Data()
    let (loaded, diagnostics) = WorkspaceLoader.parseCase(data: data, file: "fuzz.yaml", library: FuzzSetup.library, policy: FuzzSetup.policy)
    let lines = data.reduce(1) { $0 + ($1 == 10 || $1 == 13 ? 1 : 0) }
    for d in diagnostics {
        let l = d.location
        if l.file != "fuzz.yaml" || l.line < 1 || l.column < 1 || l.line > lines + 1 || d.code.isEmpty || d.message.isEmpty {
            fatalError("bad diagnostic location or text: \(d)")
        }
    }
    if diagnostics.count > LoaderLimits.maxDiagnosticsPerFile + 1 {
        fatalError("\(diagnostics.count) diagnostics, more than \(LoaderLimits.maxDiagnosticsPerFile) + 1")
    }
    if let c = loaded, c.id.isEmpty || c.id.count > 64 {
        fatalError("a case with the id '\(c.id)' was loaded")
    }
    // A case read without errors holds only what the rules and the workbook can take.
    if let c = loaded, !diagnostics.contains(where: { $0.severity == .error }) {
        checkValues(c, path: "case")
    }
    return 0
}

/// Every text fits a cell, every number is finite and at most 10^15, every date is in the accepted years.
func checkValues(_ value: Any, path: String) {
    switch value {
    case let s as String:
        if s.utf16.count > LoaderLimits.maxTextLength { fatalError("\(path): a text of \(s.utf16.count) UTF-16 units was accepted") }
    case let d as Double:
        if !d.isFinite || abs(d) > 1e15 { fatalError("\(path): the number \(d) was accepted") }
    case let d as Day:
        if !LoaderLimits.years.contains(d.year) { fatalError("\(path): the date \(d) was accepted") }
    default:
        for child in Mirror(reflecting: value).children { checkValues(child.value, path: path + "." + (child.label ?? "?")) }
    }
}

#if FUZZING
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>?, _ count: Int) -> CInt { fuzzOne(data, count) }

@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(_ argc: UnsafeMutablePointer<CInt>,
                         _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
                         _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt) -> CInt

_ = FuzzSetup.library
var argc = CommandLine.argc
var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
exit(LLVMFuzzerRunDriver(&argc, &argv) { fuzz($0, $1) })
#else
// Without libFuzzer: run the files given on the command line once each (a quick way to replay a crash).
let files = CommandLine.arguments.dropFirst()
if files.isEmpty {
    print("FuzzLoader: build and run it with `bash bench/fuzz [SECONDS]`; without libFuzzer it replays FILE… once each.")
    exit(0)
}
for path in files {
    guard let data = FileManager.default.contents(atPath: path) else {
        print("cannot read \(path)")
        exit(1)
    }
    _ = data.withUnsafeBytes { fuzzOne($0.bindMemory(to: UInt8.self).baseAddress, data.count) }
    print("ok \(path)")
}
#endif
