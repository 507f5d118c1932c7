// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "termaudit",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "termaudit", targets: ["termaudit"]),
        .library(name: "TermAudit", targets: ["TermAudit", "TermAuditLoader", "TermAuditRules"]),
        .library(name: "XlsxWriter", targets: ["XlsxWriter"]),
    ],
    dependencies: [
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.0.0"),
        .package(url: "https://github.com/weichsel/ZIPFoundation", from: "0.9.0"),
        .package(url: "https://github.com/vapor/sql-kit", from: "3.36.0"),
        .package(url: "https://github.com/vapor/sqlite-kit", from: "4.5.2"),
        .package(url: "https://github.com/vapor/postgres-kit", from: "2.17.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.100.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.25.0"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.0.0"),
    ],
    targets: [
        // The system C library libxlsxwriter (Debian: libxlsxwriter-dev).
        .systemLibrary(
            name: "CXlsxWriter",
            pkgConfig: "xlsxwriter",
            providers: [.apt(["libxlsxwriter-dev"])]
        ),
        // The system zlib (Debian: zlib1g-dev, also required by libxlsxwriter-dev): inflate for the workbook reader.
        .systemLibrary(
            name: "CSystemZlib",
            pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev"])]
        ),
        // A small, safe Swift wrapper over CXlsxWriter: errors are thrown, limits are enforced.
        .target(name: "XlsxWriter", dependencies: ["CXlsxWriter"]),
        // The domain model: cases, checklists, policies, diagnostics. No I/O.
        .target(name: "TermAudit"),
        // YAML → model, with source locations and collected diagnostics.
        .target(name: "TermAuditLoader", dependencies: ["TermAudit", .product(name: "Yams", package: "Yams")]),
        // The rules: pure functions of a case (or all cases) and a policy.
        .target(name: "TermAuditRules", dependencies: ["TermAudit"]),
        // Sign-off: canonical case digests, Ed25519 signatures, signers.yaml, sign and verify.
        .target(name: "TermAuditSignoff", dependencies: [
            "TermAudit", "TermAuditLoader", "TermAuditRules", .product(name: "Crypto", package: "swift-crypto"),
        ]),
        // Audit workbooks: editions, sheets, and the sinks that write them (libxlsxwriter, or a cell dump).
        .target(name: "TermAuditExport", dependencies: [
            "TermAudit", "TermAuditRules", "XlsxWriter", .product(name: "Crypto", package: "swift-crypto"),
        ]),
        // Synthetic workspaces of N fictional cases, deterministic from a seed (`termaudit sample`, benchmarks).
        .target(name: "TermAuditSample", dependencies: ["TermAudit"]),
        // Import of filled fill-in workbooks: cells → checked values → in-place edits of the case files.
        .target(name: "TermAuditImport", dependencies: [
            "TermAudit", "TermAuditLoader", "TermAuditRules", "TermAuditExport", "TermAuditSignoff", "XlsxReader",
        ]),
        // What `status` shows (JSON and text) and the export assembly, for the command line and the server.
        .target(name: "TermAuditReport", dependencies: ["TermAudit", "TermAuditRules", "TermAuditSignoff", "TermAuditLoader", "TermAuditExport", "XlsxWriter"]),
        // The shared store: workspaces in SQLite (embedded) or PostgreSQL, every change to a case an append-only revision.
        .target(name: "TermAuditStore", dependencies: [
            "TermAudit", "TermAuditLoader", "TermAuditRules", "TermAuditSignoff", "TermAuditReport", "XlsxWriter", "CXlsxWriter",
            .product(name: "SQLKit", package: "sql-kit"), .product(name: "SQLiteKit", package: "sqlite-kit"),
            .product(name: "PostgresKit", package: "postgres-kit"), .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "_CryptoExtras", package: "swift-crypto"),
        ]),
        // The web application (`termaudit serve`): pages and the JSON API over a store, with Hummingbird.
        .target(name: "TermAuditWeb", dependencies: [
            "TermAudit", "TermAuditLoader", "TermAuditRules", "TermAuditSignoff", "TermAuditReport", "TermAuditStore", "TermAuditExport",
            "TermAuditImport", "XlsxWriter", .product(name: "Hummingbird", package: "hummingbird"), .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "HTTPTypes", package: "swift-http-types"), .product(name: "Crypto", package: "swift-crypto"),
        ]),
        // The command line.
        .executableTarget(
            name: "termaudit",
            dependencies: [
                "TermAudit", "TermAuditLoader", "TermAuditRules", "CXlsxWriter", "TermAuditSignoff", "TermAuditExport", "TermAuditImport", "XlsxWriter",
                "TermAuditSample", "TermAuditReport", "TermAuditStore", "TermAuditWeb",
                .product(name: "Hummingbird", package: "hummingbird"), .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        // Reads .xlsx workbooks filled in by people (Excel, WPS, LibreOffice), refusing hostile files.
        .target(name: "XlsxReader", dependencies: ["CSystemZlib"]),
        .testTarget(name: "XlsxWriterTests", dependencies: ["XlsxWriter"]),
        .testTarget(name: "TermAuditImportTests", dependencies: [
            "TermAudit", "TermAuditLoader", "TermAuditRules", "TermAuditImport", "XlsxReader",
        ]),
        .testTarget(name: "XlsxReaderTests", dependencies: [
            "XlsxReader", "XlsxWriter", .product(name: "ZIPFoundation", package: "ZIPFoundation"),
        ]),
        .testTarget(name: "TermAuditExportTests", dependencies: [
            "TermAudit", "TermAuditLoader", "TermAuditRules", "TermAuditExport", "TermAuditSignoff", "TermAuditReport", "XlsxWriter",
            .product(name: "Crypto", package: "swift-crypto"),
        ]),
        .testTarget(name: "TermAuditLoaderTests", dependencies: ["TermAudit", "TermAuditLoader", .product(name: "Yams", package: "Yams")]),
        .testTarget(name: "TermAuditSampleTests", dependencies: [
            "TermAudit", "TermAuditLoader", "TermAuditRules", "TermAuditSample", .product(name: "Yams", package: "Yams"),
        ]),
        .testTarget(name: "TermAuditRulesTests", dependencies: ["TermAudit", "TermAuditLoader", "TermAuditRules"]),
        // Hostile and odd inputs (Tests/Corpus): located errors, exact read-back, time bounds, output safety.
        .testTarget(name: "HostileInputTests", dependencies: ["TermAudit", "TermAuditLoader"]),
        // The loader's libFuzzer target (bench/fuzz builds it with -DFUZZING; a plain build gives a replay tool).
        .executableTarget(name: "FuzzLoader", dependencies: ["TermAudit", "TermAuditLoader"]),
        .testTarget(name: "TermAuditStoreTests", dependencies: [
            "TermAudit", "TermAuditLoader", "TermAuditRules", "TermAuditSignoff", "TermAuditStore", "TermAuditReport", "XlsxWriter", "CXlsxWriter",
        ]),
        .testTarget(name: "TermAuditWebTests", dependencies: [
            "TermAudit", "TermAuditStore", "TermAuditWeb", "TermAuditSignoff", .product(name: "HummingbirdTesting", package: "hummingbird"),
            .product(name: "HTTPTypes", package: "swift-http-types"), .product(name: "Yams", package: "Yams"),
            .product(name: "Crypto", package: "swift-crypto"),
        ]),
        .testTarget(name: "TermAuditSignoffTests", dependencies: [
            "TermAudit", "TermAuditLoader", "TermAuditRules", "TermAuditSignoff",
            .product(name: "Crypto", package: "swift-crypto"), .product(name: "Yams", package: "Yams"),
        ]),
    ]
)
