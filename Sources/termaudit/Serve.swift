import ArgumentParser
import Foundation
import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import NIOCore
import NIOSSL
import TermAudit
import TermAuditStore
import TermAuditWeb

/// `termaudit serve`: the web application over a store.
struct Serve: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "网页应用 — serve the web application over a store (SQLite by default).",
        discussion: """
        Without --database the store is DATA/termaudit.db (DATA: --data, default ./termaudit-data).
        --demo makes that store from the samples when it does not exist yet, with an account for every role: their
        passwords are printed once and kept in DATA/demo-accounts.txt (readable by you only).
        """
    )

    @Option(help: "The store: sqlite:PATH (or PATH.db) or postgres://USER:PASSWORD@HOST:PORT/DB.")
    var database: String?

    @Option(help: "The folder holding the default store.")
    var data: String = "termaudit-data"

    @Option(help: "Address and port to listen on.")
    var listen: String = "127.0.0.1:8080"

    @Flag(help: "Make a demonstration store from the samples, with an account for every role (when the store does not exist yet).")
    var demo = false

    @Option(help: "The workspace folder --demo imports.")
    var samples: String = "samples"

    @Option(help: "Reference date YYYY-MM-DD the cases are evaluated on (default: the workspace's as_of, else today in Beijing).")
    var asOf: String?

    @Flag(help: "Mark cookies Secure and send Strict-Transport-Security (when a proxy in front serves HTTPS).")
    var secureCookies = false

    @Option(help: "Serve HTTPS with this certificate chain (PEM); with --tls-key. Cookies are then Secure.")
    var tlsCert: String?

    @Option(help: "The certificate's private key (PEM).")
    var tlsKey: String?

    @Flag(help: "Behind a reverse proxy on this machine (nginx): take the client's address from X-Real-IP on requests from loopback.")
    var behindProxy = false

    /// --listen as host and port (nil when it is not HOST:PORT).
    var address: (host: String, port: Int)? {
        guard let colon = listen.lastIndex(of: ":"), let port = Int(listen[listen.index(after: colon)...]), (1...65535).contains(port) else { return nil }
        return (String(listen[..<colon]), port)
    }

    func validate() throws {
        guard address != nil else { throw ValidationError("--listen '\(listen)' is not HOST:PORT (e.g. 127.0.0.1:8080)") }
        if let asOf, Day(iso: asOf) == nil { throw ValidationError("--as-of '\(asOf)' is not a date YYYY-MM-DD") }
        if (tlsCert == nil) != (tlsKey == nil) { throw ValidationError("--tls-cert and --tls-key go together") }
    }

    /// The other commands run on the main thread, as before the server existed; the server runs as a task while the
    /// main thread waits for it (Ctrl-C and SIGTERM stop it gracefully).
    func run() throws {
        let outcome = Outcome()
        let done = DispatchSemaphore(value: 0)
        let command = self
        Task.detached {
            do { try await command.serve() } catch { outcome.set(error) }
            done.signal()
        }
        done.wait()
        if let error = outcome.error { throw error }
    }

    /// The error a task ended with (set once, read after it ended).
    final class Outcome: @unchecked Sendable {
        private let lock = NSLock()
        private var stored: Error?
        func set(_ e: Error) { lock.lock(); stored = e; lock.unlock() }
        var error: Error? { lock.lock(); defer { lock.unlock() }; return stored }
    }

    func serve() async throws {
        let (host, port) = address!
        let day = asOf.flatMap { Day(iso: $0) }
        let url = database ?? "sqlite:" + URL(fileURLWithPath: data).appendingPathComponent("termaudit.db").path
        let location = try StoreLocation(url)
        let store: Store
        do {
            store = try await Self.blocking { try Self.openStore(location, demo: demo, data: data, samples: samples) }
        } catch let e as StoreError {
            Terminal.eprint("✗ \(e)")
            throw ExitCode(1)
        }
        let desk: Desk
        do {
            desk = try await Self.blocking { try Desk.open(store, asOf: day) }
        } catch {
            Terminal.eprint("✗ \(error)")
            throw ExitCode(1)
        }
        let tls: HTTPServerBuilder?
        do {
            tls = try tlsConfiguration().map { try .tls(.http1(), tlsConfiguration: $0) }
        } catch {
            Terminal.eprint("✗ --tls-cert/--tls-key: \(error)")
            await desk.close()
            store.close()
            throw ExitCode(1)
        }
        let https = tls != nil
        let web = WebApp(desk: desk, sessions: SessionSettings(secureCookies: secureCookies || https, behindProxy: behindProxy))
        let scheme = https ? "https" : "http"
        let running: @Sendable (Channel) async -> Void = { _ in
            FileHandle.standardOutput.write(Data("termaudit: serving \(store.location) at \(scheme)://\(host):\(port)/ (Ctrl-C stops)\n".utf8))
        }
        let configuration = ApplicationConfiguration(address: .hostname(host, port: port), serverName: nil)
        let app = tls.map { Application(router: web.router(), server: $0, configuration: configuration, onServerRunning: running) }
            ?? Application(router: web.router(), configuration: configuration, onServerRunning: running)
        do {
            try await app.runService()
        } catch {
            await desk.close()
            store.close()
            throw error
        }
        await desk.close()
        store.close()
    }

    /// The TLS configuration from --tls-cert and --tls-key (nil without them): TLS 1.2 at least.
    func tlsConfiguration() throws -> TLSConfiguration? {
        guard let tlsCert, let tlsKey else { return nil }
        let chain = try NIOSSLCertificate.fromPEMFile(tlsCert)
        guard !chain.isEmpty else { throw ValidationError("\(tlsCert) holds no PEM certificate") }
        let key = try NIOSSLPrivateKey(file: tlsKey, format: .pem)
        var c = TLSConfiguration.makeServerConfiguration(certificateChain: chain.map { .certificate($0) }, privateKey: .privateKey(key))
        c.minimumTLSVersion = .tlsv12
        return c
    }

    /// Opens the store; with --demo, first makes it from the samples when there is none.
    static func openStore(_ location: StoreLocation, demo: Bool, data: String, samples: String) throws -> Store {
        if demo, case .sqlite(let path) = location, !FileManager.default.fileExists(atPath: path) {
            try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true,
                                                    attributes: [.posixPermissions: 0o700])
            let store = try Store.open(location, create: true)
            let accounts: [Demo.DemoAccount]
            do {
                accounts = try Demo.prepare(store, samples: samples, today: Session.today())
            } catch {
                store.close()
                try? FileManager.default.removeItem(atPath: path)
                throw error
            }
            var text = "termaudit demo accounts for \(location) (\(StoreClock.now()))\n"
            for a in accounts { text += "\(a.username)\t\(a.password)\t\(a.displayName)\n" }
            let file = URL(fileURLWithPath: data).appendingPathComponent("demo-accounts.txt")
            FileManager.default.createFile(atPath: file.path, contents: Data(text.utf8), attributes: [.posixPermissions: 0o600])
            var shown = "termaudit: made a demo store from \(samples) with these accounts (also in \(file.path)):\n"
            for a in accounts { shown += "  \(a.username.padding(toLength: 8, withPad: " ", startingAt: 0))  \(a.password)  \(a.displayName)\n" }
            FileHandle.standardOutput.write(Data(shown.utf8))
            return store
        }
        if demo, case .sqlite = location {
            let file = URL(fileURLWithPath: data).appendingPathComponent("demo-accounts.txt").path
            FileHandle.standardOutput.write(Data("termaudit: the demo store exists already; its accounts are in \(file)\n".utf8))
        }
        return try Store.open(location, create: false)
    }

    static func blocking<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { c in
            Thread.detachNewThread { c.resume(with: Result { try body() }) }
        }
    }
}
