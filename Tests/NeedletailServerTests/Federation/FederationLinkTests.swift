import NIOCore
import NIOPosix
import Testing
import XMPPClient
import XMPPCore
import XMPPStreams
@testable import NeedletailServer

/// How links between two domains live: one reused for everything, closed when
/// idle and made again on demand, direct TLS (XEP-0368), and a peer that never
/// answers costing its stanzas a `remote-server-timeout`.
@Suite("Federation links", .serialized)
struct FederationLinkTests {
    @Test func oneLinkCarriesEverythingAndAnIdleOneIsClosedThenMadeAgain() async throws {
        let pair = try await FederatedPair.start(accounts: ["juliet@a.example", "romeo@b.example"]) {
            $0.federation.idleTimeoutSeconds = 1
        } configureB: {
            $0.federation.idleTimeoutSeconds = 1
        }
        let juliet = try await Online.connect(pair.a, "juliet@a.example/balcony")
        let romeo = try await Online.connect(pair.b, "romeo@b.example/orchard")
        try await romeo.available()
        for index in 0..<5 {
            try await juliet.client.send(Message(type: .chat, to: try JID("romeo@b.example"), body: "line \(index)"))
        }
        for index in 0..<5 {
            #expect(await romeo.inbox.message(within: .seconds(15)) { $0.body == "line \(index)" } != nil)
        }
        #expect(pair.a.server.federation?.linkKinds.keys.map(\.remote) == ["b.example"])
        // Idle for longer than a second: the link goes.
        var closed = false
        for _ in 0..<50 where !closed {
            try await Task.sleep(for: .milliseconds(100))
            closed = pair.a.server.federation?.linkKinds.isEmpty == true
        }
        #expect(closed)
        try await juliet.client.send(Message(type: .chat, to: try JID("romeo@b.example"), body: "again"))
        #expect(await romeo.inbox.message(within: .seconds(15)) { $0.body == "again" } != nil)
        for online in [juliet, romeo] { await online.close() }
        await pair.stop()
    }

    @Test func directTLSRoutesReachADirectTLSListener() async throws {
        let directPort = try freePort()
        let pair = try await FederatedPair.start(accounts: ["juliet@a.example", "romeo@b.example"]) {
            $0.federation.routes["b.example"] = StaticRoute(host: "127.0.0.1", port: directPort, directTLS: true)
        } configureB: {
            $0.listeners.append(ListenerConfiguration(kind: .s2s, host: "127.0.0.1", port: directPort, tls: .direct))
        }
        let juliet = try await Online.connect(pair.a, "juliet@a.example/balcony")
        let romeo = try await Online.connect(pair.b, "romeo@b.example/orchard")
        try await romeo.available()
        try await juliet.client.send(Message(type: .chat, to: try JID("romeo@b.example"), body: "over direct TLS"))
        #expect(await romeo.inbox.message(within: .seconds(15)) { $0.body == "over direct TLS" } != nil)
        for online in [juliet, romeo] { await online.close() }
        await pair.stop()
    }

    @Test func aPeerThatNeverAnswersBouncesWithRemoteServerTimeout() async throws {
        // Accepts TCP and says nothing, ever.
        let silent = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .bind(host: "127.0.0.1", port: 0).get()
        let port = try #require(silent.localAddress?.port)
        let pair = try await FederatedPair.start(accounts: ["juliet@a.example"]) {
            $0.federation.routes["silent.example"] = StaticRoute(host: "127.0.0.1", port: port)
            $0.federation.connectTimeoutSeconds = 1
        }
        let juliet = try await Online.connect(pair.a, "juliet@a.example/balcony")
        try await juliet.client.send(Message(type: .chat, id: "t1", to: try JID("someone@silent.example"), body: "hello?"))
        try await juliet.client.send(Message(type: .chat, id: "t2", to: try JID("someone@silent.example"), body: "anyone?"))
        // Both waited in order, and both come back.
        for id in ["t1", "t2"] {
            let error = try #require(await juliet.inbox.message(within: .seconds(10)) { $0.type == .error && $0.id == id })
            #expect(error.error?.condition == .remoteServerTimeout)
        }
        await juliet.close()
        await pair.stop()
        try await silent.close()
    }
}
