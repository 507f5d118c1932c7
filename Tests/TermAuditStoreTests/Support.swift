import Foundation
import TermAudit
import TermAuditLoader
@testable import TermAuditStore

/// Shared helpers for the store tests: temporary workspaces and stores, and the termaudit executable.
enum S {
    static let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let samples = repo.appendingPathComponent("samples")

    static func tempDir() throws -> URL {
        let d = FileManager.default.temporaryDirectory.appendingPathComponent("termaudit-store-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: d, withIntermediateDirectories: true)
        return d
    }

    /// A copy of the samples in a new folder, its `library:` pointing at the repository's checklists.
    static func copyOfSamples() throws -> URL {
        let dir = try tempDir().appendingPathComponent("青山县")
        try FileManager.default.copyItem(at: samples, to: dir)
        let settings = dir.appendingPathComponent("termaudit.yaml")
        let text = try String(contentsOf: settings, encoding: .utf8)
            .replacingOccurrences(of: "library: ../checklists", with: "library: \(repo.appendingPathComponent("checklists").path)")
        try text.write(to: settings, atomically: true, encoding: .utf8)
        return dir
    }

    /// A new SQLite store location in a temporary folder.
    static func sqliteLocation() throws -> StoreLocation {
        .sqlite(path: try tempDir().appendingPathComponent("store.db").path)
    }

    static func open(_ location: StoreLocation, create: Bool = true) throws -> Store {
        try Store.open(location, create: create)
    }

    static func close(_ store: Store) {
        store.close()
    }

    static func raw(_ store: Store, _ sql: String) throws {
        try store.db.sql.raw(.init(sql)).run().wait()
    }

    static let today = Day(year: 2024, month: 12, day: 31)!

    /// Runs a program and returns its standard output, standard error and status.
    static func run(_ args: [String], cwd: URL? = nil) throws -> (out: Data, err: String, status: Int32) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = args
        if let cwd { p.currentDirectoryURL = cwd }
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        let o = out.fileHandleForReading.readDataToEndOfFile()
        let e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (o, String(decoding: e, as: UTF8.self), p.terminationStatus)
    }

    /// The termaudit executable built beside the tests.
    static var termaudit: String {
        let beside = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("termaudit")
        if FileManager.default.isExecutableFile(atPath: beside.path) { return beside.path }
        return repo.appendingPathComponent(".build/debug/termaudit").path
    }
}

struct TestFailure: Error, CustomStringConvertible {
    var description: String
    init(_ d: String) { description = d }
}
