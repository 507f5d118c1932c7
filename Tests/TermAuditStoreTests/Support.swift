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

    enum Engine: String, CaseIterable, Sendable, CustomStringConvertible {
        case sqlite, postgres
        var description: String { rawValue }
    }

    /// The PostgreSQL server the tests may use: a role that can create databases (`scripts/postgres.sh` starts one
    /// and `scripts/test.sh` passes its URL on).
    static let postgresAdmin = ProcessInfo.processInfo.environment["TERMAUDIT_TEST_POSTGRES"].flatMap { $0.isEmpty ? nil : $0 }

    /// The engines the store tests run on: SQLite always, PostgreSQL when a server is there.
    static let engines: [Engine] = postgresAdmin == nil ? [.sqlite] : [.sqlite, .postgres]

    /// A new, empty store location on `engine`: a new SQLite file, or a new PostgreSQL database.
    static func location(_ engine: Engine) throws -> StoreLocation {
        switch engine {
        case .sqlite: return try sqliteLocation()
        case .postgres: return .postgres(url: try newPostgresDatabase())
        }
    }

    /// Creates a database of its own for one test and returns its URL.
    static func newPostgresDatabase() throws -> String {
        guard let admin = postgresAdmin else { throw TestFailure("no PostgreSQL server (TERMAUDIT_TEST_POSTGRES is not set)") }
        guard var url = URLComponents(string: admin), url.scheme == "postgres" else {
            throw TestFailure("TERMAUDIT_TEST_POSTGRES is not a postgres:// URL: \(admin.debugDescription)")
        }
        let name = "termaudit_test_\(UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "").prefix(16))"
        let db = try StoreDatabase.open(.postgres(url: admin), create: false)
        defer { db.close() }
        try db.sql.raw("CREATE DATABASE \(unsafeRaw: name)").run().wait()
        url.path = "/" + name
        return url.string!
    }

    /// Drops the triggers that keep revisions append-only, to play someone editing the database behind termaudit's back.
    static func allowTampering(_ store: Store) throws {
        switch store.db.engine {
        case .sqlite:
            for t in ["case_revisions", "document_revisions"] {
                for op in ["update", "delete"] { try raw(store, "DROP TRIGGER \(t)_no_\(op)") }
            }
        case .postgres:
            for t in ["case_revisions", "document_revisions"] { try raw(store, "DROP TRIGGER \(t)_append_only ON \(t)") }
        }
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
    /// `stdin`: what standard input reads (else nothing).
    static func run(_ args: [String], cwd: URL? = nil, stdin: String? = nil, env: [String: String] = [:]) throws -> (out: Data, err: String, status: Int32) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = args
        if let cwd { p.currentDirectoryURL = cwd }
        if !env.isEmpty { p.environment = ProcessInfo.processInfo.environment.merging(env) { $1 } }
        let out = Pipe(), err = Pipe(), input = Pipe()
        p.standardOutput = out
        p.standardError = err
        p.standardInput = input
        try p.run()
        input.fileHandleForWriting.write(Data((stdin ?? "").utf8))
        try input.fileHandleForWriting.close()
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
