import Foundation
import PostgresKit
import SQLKit
import SQLiteKit

/// One connection to the store's database, SQLite or PostgreSQL, behind SQLKit: the same SQL for both engines except
/// for how a write transaction begins and the few statements in `Schema` that differ.
///
/// Calls block the calling thread until the database answers (SQLKit's futures, waited on): call them from the
/// command line's threads or a thread pool, never from an event loop. Write transactions are serialized within the
/// process (one connection carries one transaction at a time); reads outside a transaction may run at any time.
final class StoreDatabase: Sendable {
    enum Engine: String, Sendable { case sqlite, postgres }

    let engine: Engine
    let sql: any SQLDatabase
    let location: StoreLocation
    private let closer: @Sendable () throws -> Void
    private let gate = TransactionGate()

    private init(engine: Engine, sql: any SQLDatabase, location: StoreLocation, closer: @escaping @Sendable () throws -> Void) {
        self.engine = engine
        self.sql = sql
        self.location = location
        self.closer = closer
    }

    /// How long a writer waits for another process's write to finish before giving up (SQLite).
    static let busyTimeoutMilliseconds = 10_000

    /// Opens the database. `create`: an SQLite file, or a PostgreSQL database, that does not exist is created
    /// (otherwise refused).
    static func open(_ location: StoreLocation, create: Bool) throws -> StoreDatabase {
        // Queries are never logged: they carry personal data in their binds.
        var logger = Logger(label: "termaudit.store")
        logger.logLevel = .critical
        switch location {
        case .sqlite(let path):
            try checkSQLiteFile(path, create: create, location: location)
            let connection: SQLiteConnection
            do {
                connection = try SQLiteConnection.open(storage: .file(path: path), logger: logger).wait()
            } catch {
                throw StoreError("cannot-open", "cannot open \(location): \(error)", hint: "check the path and its permissions")
            }
            let db = StoreDatabase(engine: .sqlite, sql: connection.sql(queryLogLevel: nil), location: location,
                                   closer: { try connection.close().wait() })
            do {
                // The busy timeout replaces sqlite-nio's busy handler, which retries for ever.
                try db.sql.raw("PRAGMA busy_timeout = \(unsafeRaw: String(busyTimeoutMilliseconds))").run().wait()
                try db.sql.raw("PRAGMA journal_mode = WAL").run().wait()
                // FULL: a committed revision survives a power cut, not only a crash of the process (see docs/store.md).
                try db.sql.raw("PRAGMA synchronous = FULL").run().wait()
                try db.sql.raw("PRAGMA foreign_keys = ON").run().wait()
            } catch {
                try? connection.close().wait()
                throw StoreError.damaged(location, error)
            }
            return db
        case .postgres(let url):
            let configuration: SQLPostgresConfiguration
            do {
                configuration = try SQLPostgresConfiguration(url: url)
            } catch {
                throw StoreError.badLocation(location.description, "write postgres://USER:PASSWORD@HOST:PORT/DATABASE (\(error))")
            }
            func connect(_ core: PostgresConnection.Configuration) throws -> PostgresConnection {
                try PostgresConnection.connect(on: PostgresConnection.defaultEventLoopGroup.any(), configuration: core, id: 1, logger: logger).wait()
            }
            let connection: PostgresConnection
            do {
                connection = try connect(configuration.coreConfiguration)
            } catch let e as PSQLError where e.serverInfo?[.sqlState] == PostgresError.Code.invalidCatalogName.raw {
                let name = configuration.coreConfiguration.database ?? ""
                guard create else {
                    throw StoreError("not-found", "no database '\(name)' on the server of \(location)",
                                     hint: "create it with `termaudit db migrate --database \(location)` (the role needs CREATEDB), or `createdb`")
                }
                // A new store on PostgreSQL, as on SQLite: the database is created (through the server's `postgres`
                // database, with the same role), then opened.
                var maintenance = configuration.coreConfiguration
                maintenance.database = "postgres"
                do {
                    let admin = try connect(maintenance)
                    defer { try? admin.close().wait() }
                    let quoted = "\"" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\""
                    try admin.sql(queryLogLevel: nil).raw("CREATE DATABASE \(unsafeRaw: quoted)").run().wait()
                    connection = try connect(configuration.coreConfiguration)
                } catch {
                    throw StoreError("cannot-create", "cannot create the database '\(name)' on the server of \(location): \(String(reflecting: error).prefix(300))",
                                     hint: "the role needs CREATEDB (scripts/postgres.sh gives it), or create the database with `createdb`")
                }
            } catch {
                throw StoreError("cannot-connect", "cannot connect to \(location): \(String(reflecting: error).prefix(300))",
                                 hint: "is the server running, and do the user, password and database exist? (docs/store.md)")
            }
            return StoreDatabase(engine: .postgres, sql: connection.sql(queryLogLevel: nil), location: location,
                                 closer: { try connection.close().wait() })
        }
    }

    /// Refuses a path that is not an SQLite database before SQLite opens (and perhaps changes) it.
    static func checkSQLiteFile(_ path: String, create: Bool, location: StoreLocation) throws {
        let fm = FileManager.default
        var isDir: ObjCBool = false
        guard fm.fileExists(atPath: path, isDirectory: &isDir) else {
            guard create else {
                throw StoreError("not-found", "no store at \(location)",
                                 hint: "create one with `termaudit db import WORKSPACE --database \(location)` or `termaudit db migrate --database \(location)`")
            }
            let dir = (path as NSString).deletingLastPathComponent
            if !dir.isEmpty, !fm.fileExists(atPath: dir) {
                throw StoreError("not-found", "cannot create \(location): the folder \(dir) does not exist", hint: "create the folder first")
            }
            return
        }
        guard !isDir.boolValue else { throw StoreError("not-a-store", "\(location) is a folder, not a database file") }
        guard let handle = FileHandle(forReadingAtPath: path) else { throw StoreError("cannot-open", "cannot read \(location)", hint: "check its permissions") }
        defer { try? handle.close() }
        let header = (try? handle.read(upToCount: 100)) ?? Data()
        if header.isEmpty { return }   // an empty file: SQLite treats it as a new database
        guard header.count >= 16, header.prefix(16) == Data("SQLite format 3\0".utf8) else {
            throw StoreError("not-a-store", "\(location) is not an SQLite database (it does not start with the SQLite header)",
                             hint: "give the path of a termaudit store, or a new path to create one")
        }
        guard header.count == 100 else {
            throw StoreError("damaged", "\(location) is truncated (shorter than an SQLite header)", hint: "restore it from a backup")
        }
    }

    func close() {
        try? closer()
    }

    /// Begins a write transaction that spans several calls (an import streaming thousands of cases); end it with
    /// `commit()` or `rollback()`. Same locking as `write`.
    func begin() throws {
        gate.enter()
        do {
            switch engine {
            case .sqlite: try sql.raw("BEGIN IMMEDIATE").run().wait()
            case .postgres: try sql.raw("BEGIN ISOLATION LEVEL READ COMMITTED").run().wait()
            }
        } catch {
            gate.leave()
            throw StoreError.busyOrDamaged(location, error)
        }
    }

    func commit() throws {
        do {
            try sql.raw("COMMIT").run().wait()
        } catch {
            try? sql.raw("ROLLBACK").run().wait()
            gate.leave()
            throw error
        }
        gate.leave()
    }

    func rollback() throws {
        try? sql.raw("ROLLBACK").run().wait()
        gate.leave()
    }

    /// Runs `body` in a write transaction: SQLite `BEGIN IMMEDIATE` (the write lock is taken at once, so two writers
    /// never both read and then collide), PostgreSQL `READ COMMITTED` (a writer locks what it reads to write: the
    /// import locks the case tables; a revision's number is unique, so two writers can never both write revision n).
    /// Committed when `body` returns, rolled back when it throws.
    func write<T: Sendable>(_ body: (any SQLDatabase) throws -> T) throws -> T {
        try begin()
        let result: T
        do {
            result = try body(sql)
        } catch {
            try rollback()
            throw error
        }
        try commit()
        return result
    }
}

/// One write transaction at a time on a connection, first come first served. A semaphore rather than a lock: a
/// transaction may begin on one thread and end on another.
final class TransactionGate: Sendable {
    private let semaphore = DispatchSemaphore(value: 1)

    func enter() { semaphore.wait() }
    func leave() { semaphore.signal() }
}

extension StoreError {
    static func damaged(_ location: StoreLocation, _ error: any Error) -> StoreError {
        StoreError("damaged", "\(location) cannot be read as a database: \(error)",
                   hint: "it is damaged or not an SQLite database; restore it from a backup (nothing was written)")
    }

    static func busyOrDamaged(_ location: StoreLocation, _ error: any Error) -> StoreError {
        StoreError("busy", "cannot start a write on \(location): \(error)",
                   hint: "another program has held the store for \(StoreDatabase.busyTimeoutMilliseconds / 1000) s; try again (nothing was written)")
    }
}
