import Foundation
import NIOCore
import NIOPosix
import NeedletailServer
import XMPPCore
import XMPPStreams

/// Two servers in this process, each serving its own domain and routing to the
/// other through a static route to its s2s listener on loopback: federation
/// with nothing outside the test.
struct FederatedPair {
    let a: TestServer
    let b: TestServer
    static let domainA = "a.example"
    static let domainB = "b.example"

    /// Servers for a.example and b.example, with `accounts` on either; `configureA`
    /// and `configureB` change the configuration after the federation is set up.
    static func start(
        accounts: [String], configureA: @escaping (inout ServerConfiguration) -> Void = { _ in },
        configureB: @escaping (inout ServerConfiguration) -> Void = { _ in }
    ) async throws -> FederatedPair {
        let portA = try freePort(), portB = try freePort()
        func federate(_ configuration: inout ServerConfiguration, listen: Int, peer: String, peerPort: Int) {
            configuration.listeners.append(ListenerConfiguration(kind: .s2s, host: "127.0.0.1", port: listen, tls: .required))
            configuration.federation.routes[peer] = StaticRoute(host: "127.0.0.1", port: peerPort)
            configuration.federation.connectTimeoutSeconds = 5
        }
        let a = try await TestServer(domains: [domainA], accounts: accounts.filter { $0.hasSuffix("@" + domainA) }) {
            federate(&$0, listen: portA, peer: domainB, peerPort: portB)
            configureA(&$0)
        }
        let b = try await TestServer(domains: [domainB], accounts: accounts.filter { $0.hasSuffix("@" + domainB) }) {
            federate(&$0, listen: portB, peer: domainA, peerPort: portA)
            configureB(&$0)
        }
        return FederatedPair(a: a, b: b)
    }

    func stop() async {
        await a.stop()
        await b.stop()
    }
}

/// A loopback port nobody listens on right now.
func freePort() throws -> Int {
    let channel = try ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton).bind(host: "127.0.0.1", port: 0).wait()
    defer { try? channel.close().wait() }
    return channel.localAddress?.port ?? 0
}
