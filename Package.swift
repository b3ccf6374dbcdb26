// swift-tools-version: 6.2
import PackageDescription

let package = Package(
    name: "Needletail",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "XMPPCore", targets: ["XMPPCore"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
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
        // libFuzzer entry point for the parser and JIDs. Built on its own with
        // `-sanitize=fuzzer,address` (see .ci/run); libFuzzer supplies `main`.
        .executableTarget(
            name: "XMPPCoreFuzz",
            dependencies: ["XMPPCore", .product(name: "NIOCore", package: "swift-nio")]
        ),
        // Release-build throughput comparison: our parser against Foundation's XMLParser.
        .executableTarget(
            name: "xmpp-parser-bench",
            dependencies: ["XMPPCore", .product(name: "NIOCore", package: "swift-nio")]
        ),
    ]
)

for target in package.targets {
    var settings = target.swiftSettings ?? []
    settings.append(.enableUpcomingFeature("ExistentialAny"))
    settings.append(.enableUpcomingFeature("MemberImportVisibility"))
    settings.append(.enableUpcomingFeature("NonisolatedNonsendingByDefault"))
    target.swiftSettings = settings
}
