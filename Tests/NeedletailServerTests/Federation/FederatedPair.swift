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
        // A port found free can be taken (by another test's outgoing connection)
        // before the server binds it; then try again with fresh ones.
        var attempt = 0
        while true {
            attempt += 1
            do {
                return try await startOnce(accounts: accounts, configureA: configureA, configureB: configureB)
            } catch let error as IOError where error.errnoCode == EADDRINUSE && attempt < 5 {
                continue
            }
        }
    }

    private static func startOnce(
        accounts: [String], configureA: @escaping (inout ServerConfiguration) -> Void,
        configureB: @escaping (inout ServerConfiguration) -> Void
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
        let b: TestServer
        do {
            b = try await TestServer(domains: [domainB], accounts: accounts.filter { $0.hasSuffix("@" + domainB) }) {
                federate(&$0, listen: portB, peer: domainA, peerPort: portA)
                configureB(&$0)
            }
        } catch {
            await a.stop()
            throw error
        }
        return FederatedPair(a: a, b: b)
    }

    func stop() async {
        await a.stop()
        await b.stop()
    }
}

/// A loopback port nobody listens on right now, below Linux's ephemeral range
/// (32768 and up), so the outgoing connections other tests open meanwhile (a
/// thousand at a time in some) cannot take it before the caller binds it.
func freePort() throws -> Int {
    var generator = SystemRandomNumberGenerator()
    for _ in 0..<100 {
        let port = Int.random(in: 20000..<32768, using: &generator)
        guard let channel = try? ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .bind(host: "127.0.0.1", port: port).wait() else { continue }
        try? channel.close().wait()
        return port
    }
    let channel = try ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton).bind(host: "127.0.0.1", port: 0).wait()
    defer { try? channel.close().wait() }
    return channel.localAddress?.port ?? 0
}
