// swift-tools-version: 6.2
import PackageDescription

let package = Package(
    name: "Needletail",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "XMPPCore", targets: ["XMPPCore"]),
        .library(name: "XMPPStreams", targets: ["XMPPStreams"]),
        .library(name: "NeedletailStorage", targets: ["NeedletailStorage"]),
        .library(name: "NeedletailServer", targets: ["NeedletailServer"]),
        .library(name: "XMPPClient", targets: ["XMPPClient"]),
        .executable(name: "needletail", targets: ["needletail"]),
        .executable(name: "needletail-bench", targets: ["needletail-bench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-certificates", from: "1.21.1"),
        .package(url: "https://github.com/apple/swift-asn1", from: "1.7.4"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/LebJe/TOMLKit", from: "0.6.0"),
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift", from: "0.2.0"),
    ],
    targets: [
        // Every byte of every connection passes through here: JIDs, the streaming
        // XML parser, the element model and serializer, stanza views and errors.
        // It depends on NIOCore alone so server, client and fuzzer share it cheaply.
        .target(
            name: "XMPPCore",
            dependencies: [.product(name: "NIOCore", package: "swift-nio")]
        ),
        .testTarget(
            name: "XMPPCoreTests",
            dependencies: ["XMPPCore", .product(name: "NIOCore", package: "swift-nio")]
        ),
        // Sans-I/O state machines: stream negotiation (client and server), SASL
        // mechanisms, stream management bookkeeping. No sockets, no clock, no logger.
        .target(
            name: "XMPPStreams",
            dependencies: [
                "XMPPCore",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
            ]
        ),
        .testTarget(
            name: "XMPPStreamsTests",
            dependencies: ["XMPPStreams", "XMPPCore", .product(name: "NIOCore", package: "swift-nio")]
        ),
        // Store protocols and their backends: SQLite through GRDB, embedded.
        .target(
            name: "NeedletailStorage",
            dependencies: ["XMPPCore", .product(name: "GRDB", package: "GRDB.swift")]
        ),
        .testTarget(
            name: "NeedletailStorageTests",
            dependencies: ["NeedletailStorage", "XMPPCore"]
        ),
        // glibc's resolver, for the SRV lookups of federation (RFC 6120 §3.2).
        .systemLibrary(name: "CResolv", path: "Sources/CResolv"),
        // The server: listeners, sessions, routing, modules, configuration, TLS.
        .target(
            name: "NeedletailServer",
            dependencies: [
                "XMPPCore", "XMPPStreams", "NeedletailStorage", "CResolv",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOTLS", package: "swift-nio"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "TOMLKit", package: "TOMLKit"),
            ]
        ),
        .testTarget(
            name: "NeedletailServerTests",
            dependencies: [
                "NeedletailServer", "XMPPClient", "XMPPCore", "XMPPStreams", "NeedletailStorage",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            // Malformed client streams and the stream error each must get (MalformedStreamCorpusTests).
            resources: [.copy("MalformedStreams")]
        ),
        // The async/await client library, on the same core and state machines.
        .target(
            name: "XMPPClient",
            dependencies: [
                "XMPPCore", "XMPPStreams",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOTLS", package: "swift-nio"),
            ]
        ),
        .testTarget(
            name: "XMPPClientTests",
            dependencies: [
                "XMPPClient", "XMPPCore", "XMPPStreams",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ]
        ),
        // The executable: argument parsing and wiring only.
        .executableTarget(
            name: "needletail",
            dependencies: [
                "NeedletailServer", "NeedletailStorage", "XMPPStreams", "XMPPCore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ]
        ),
        // The `main` of the fuzz targets: libFuzzer's driver, or a replay of files.
        .target(name: "FuzzDriver"),
        // libFuzzer entry point for the parser and JIDs. Built on its own with
        // `-sanitize=fuzzer,address` (see .ci/run).
        .executableTarget(
            name: "XMPPCoreFuzz",
            dependencies: ["FuzzDriver", "XMPPCore", .product(name: "NIOCore", package: "swift-nio")]
        ),
        // libFuzzer entry point for c2s negotiation and stanza handling: client
        // bytes through the stream parser into the server's negotiation machine,
        // every action performed in memory. No NIO server, no storage, so the
        // sanitizer build stays small (see .ci/run).
        .executableTarget(
            name: "C2SFuzz",
            dependencies: ["FuzzDriver", "XMPPCore", "XMPPStreams", .product(name: "NIOCore", package: "swift-nio")]
        ),
        // The load generator: real client sessions against any XMPP server.
        .executableTarget(
            name: "needletail-bench",
            dependencies: [
                "XMPPClient", "XMPPCore", "XMPPStreams",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Histogram", package: "hdrhistogram-swift"),
            ]
        ),
        // Release-build throughput comparison: our parser against Foundation's XMLParser.
        .executableTarget(
            name: "xmpp-parser-bench",
            dependencies: ["XMPPCore", .product(name: "NIOCore", package: "swift-nio")]
        ),
    ]
)

for target in package.targets where target.type != .system {
    var settings = target.swiftSettings ?? []
    settings.append(.enableUpcomingFeature("ExistentialAny"))
    settings.append(.enableUpcomingFeature("MemberImportVisibility"))
    settings.append(.enableUpcomingFeature("NonisolatedNonsendingByDefault"))
    target.swiftSettings = settings
}
