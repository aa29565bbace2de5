// swift-tools-version:6.0
import PackageDescription

// The layout tells the architecture:
//   CLibSSH            the system libssh, plus a shim for what Swift cannot import
//   CProcessControl    prctl(2), which Swift cannot import (it is variadic)
//   WardenSSH          the only code that touches libssh (sessions, exec, SFTP, host keys, thread pool)
//   WardenCore         the engine: inventory, host selection, the transport protocol, fan-out
//   WardenSSHTransport WardenCore's transport protocol implemented on WardenSSH
//   WardenPostgres     WardenCore's journal store protocol implemented on PostgreSQL (postgres-nio)
//   WardenServer       `warden serve`: the HTTP API, run streams, metrics and the daemon's
//                      lifecycle on Hummingbird; decisions stay in WardenCore
//   warden             the command line, thin
//   WardenTesting      testing runbooks and the engine: an in-memory transport and a test
//                      clock (no SSH, no waiting), a local fleet of sshd, test clusters
//   Benchmarks/        executables scripts/bench runs
// Linux only: the engine checks folders through /proc and O_PATH, the SSH layer links the
// system's libssh, and the tests run real sshd servers; nothing here claims macOS.
let package = Package(
    name: "Warden",
    products: [
        .executable(name: "warden", targets: ["warden"]),
        .library(name: "WardenCore", targets: ["WardenCore"]),
        .library(name: "WardenSSH", targets: ["WardenSSH"]),
        // For operators' own tests of their runbooks: the in-memory transport and test clock,
        // the loopback fleet and the test clusters.
        .library(name: "WardenTesting", targets: ["WardenTesting"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
        .package(url: "https://github.com/apple/swift-crypto", "3.0.0"..<"5.0.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.0.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.0"),
        // Already there through Hummingbird; named for the outbound client (Alertmanager, webhooks).
        .package(url: "https://github.com/apple/swift-nio", from: "2.81.0"),
        // The web UI's templates: `{{x}}` escapes HTML by default, so hostile host output stays text.
        .package(url: "https://github.com/hummingbird-project/swift-mustache.git", from: "2.1.1"),
        // The shared journal of several controllers (WardenPostgres).
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.0"),
    ],
    targets: [
        .systemLibrary(
            name: "CLibSSH",
            pkgConfig: "libssh",
            providers: [.apt(["libssh-dev"])]
        ),
        .target(
            name: "WardenSSH",
            dependencies: [
                "CLibSSH",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        .target(
            name: "WardenCore",
            dependencies: [
                .product(name: "Yams", package: "Yams"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "GRDB", package: "GRDB.swift"),
            ]
        ),
        // The journal on PostgreSQL, for several controllers sharing one: WardenCore's store
        // protocol implemented on postgres-nio, with leases and fencing epochs on the database's clock.
        .target(
            name: "WardenPostgres",
            dependencies: [
                "WardenCore",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ]
        ),
        .target(
            name: "WardenSSHTransport",
            dependencies: ["WardenCore", "WardenSSH"]
        ),
        .target(
            name: "WardenServer",
            dependencies: [
                "WardenCore",
                "WardenPostgres",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Mustache", package: "swift-mustache"),
            ],
            resources: [
                .copy("OpenAPI/openapi.json"),
                .copy("Web/Templates"),
                .copy("Web/Static"),
            ]
        ),
        .systemLibrary(name: "CProcessControl"),
        .executableTarget(
            name: "warden",
            dependencies: [
                "CProcessControl",
                "WardenCore",
                "WardenServer",
                "WardenPostgres",
                "WardenSSHTransport",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // The journal conformance suite's second process (JournalWriterJob), for stores several processes share.
        .executableTarget(name: "warden-journal-writer", dependencies: ["WardenCore", "WardenPostgres"], path: "Tests/JournalWriter"),
        // Benchmarks (scripts/bench): the cost of a command on a warm session.
        .executableTarget(
            name: "warden-bench-warm",
            dependencies: ["WardenCore", "WardenSSH", "WardenSSHTransport"],
            path: "Benchmarks/WarmSession"
        ),
        // Testing runbooks and the engine (as HummingbirdTesting is for Hummingbird apps):
        // scripted in-memory hosts and a clock moved by hand, the loopback fleet of real
        // sshd servers (Tests/Fleet/fleet) with async helpers, the warden binary, test
        // Pegasus and FoundationDB clusters (the shell doubles of Tests/Doubles), and
        // blocking work off the pool.
        .target(
            name: "WardenTesting",
            dependencies: ["WardenCore", .product(name: "Crypto", package: "swift-crypto")]
        ),
        .testTarget(
            name: "WardenCoreTests",
            dependencies: ["WardenCore", "WardenTesting", .product(name: "GRDB", package: "GRDB.swift")],
            exclude: ["Journal/README.md"],
            resources: [.copy("Fixtures")]
        ),
        .testTarget(name: "WardenSSHTests", dependencies: ["WardenSSH"]),
        // A real PostgreSQL server (started by the tests): the store's conformance, leases and fencing.
        .testTarget(
            name: "WardenPostgresTests",
            dependencies: ["WardenPostgres", "WardenCore", "WardenTesting", .product(name: "PostgresNIO", package: "postgres-nio")]
        ),
        .testTarget(
            name: "WardenServerTests",
            dependencies: ["WardenServer", "WardenCore", "WardenTesting", .product(name: "HummingbirdTesting", package: "hummingbird")]
        ),
        .testTarget(
            name: "IntegrationTests",
            dependencies: [
                "WardenCore", "WardenSSH", "WardenSSHTransport", "WardenTesting", "WardenPostgres",
                // The Alertmanager tests: its silences client, and a webhook receiver in-process.
                "WardenServer", .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)
