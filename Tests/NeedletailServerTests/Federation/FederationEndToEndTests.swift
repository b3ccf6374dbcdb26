import Testing
import XMPPStreams
import XMPPClient
import XMPPCore
@testable import NeedletailServer

/// RFC 6120 server-to-server and RFC 6121 across domains, between two real
/// servers over TCP and TLS, authenticated by dialback (their certificates are
/// self-signed).
@Suite("Federation end to end", .serialized)
struct FederationEndToEndTests {
    @Test func messagesCrossBothWays() async throws {
        let pair = try await FederatedPair.start(accounts: ["juliet@a.example", "romeo@b.example"])
        let juliet = try await Online.connect(pair.a, "juliet@a.example/balcony")
        let romeo = try await Online.connect(pair.b, "romeo@b.example/orchard")
        try await juliet.available()
        try await romeo.available()

        try await juliet.client.send(Message(type: .chat, to: try JID("romeo@b.example"), body: "wherefore art thou"))
        let arrived = try #require(await romeo.inbox.message(within: .seconds(15)) { $0.body == "wherefore art thou" })
        #expect(arrived.fromAttribute == "juliet@a.example/balcony")
        try await romeo.client.send(Message(type: .chat, to: try JID("juliet@a.example/balcony"), body: "here"))
        let back = try #require(await juliet.inbox.message(within: .seconds(15)) { $0.body == "here" })
        #expect(back.fromAttribute == "romeo@b.example/orchard")

        for online in [juliet, romeo] { await online.close() }
        await pair.stop()
    }

    @Test func theSubscriptionDanceCrossesDomainsWithPresence() async throws {
        let pair = try await FederatedPair.start(accounts: ["juliet@a.example", "romeo@b.example"])
        let juliet = try await Online.connect(pair.a, "juliet@a.example/balcony")
        let romeo = try await Online.connect(pair.b, "romeo@b.example/orchard")
        try await juliet.roster()
        try await romeo.roster()
        try await juliet.available()
        try await romeo.available(status: "in the orchard")

        // RFC 6121 §3.1: the request crosses; the contact's server stores it and delivers it.
        try await juliet.send(.subscribe, to: "romeo@b.example")
        let request = try #require(await romeo.inbox.presence(within: .seconds(15)) { $0.type == .subscribe })
        #expect(request.fromAttribute == "juliet@a.example")
        try await romeo.send(.subscribed, to: "juliet@a.example")
        // §3.1.6: the user's server records the approval and pushes it; the contact's presence follows.
        var pushed: XMPPElement?
        for _ in 0..<3 where pushed?[attribute: "subscription"] != "to" {
            pushed = await juliet.inbox.rosterPush(within: .seconds(10), for: "romeo@b.example")
        }
        #expect(pushed?[attribute: "subscription"] == "to")
        let seen = try #require(await juliet.inbox.presence(within: .seconds(10)) { $0.fromAttribute == "romeo@b.example/orchard" })
        #expect(seen.status == "in the orchard")

        // The contact goes away: unavailable crosses too (§4.5.2).
        await romeo.close()
        #expect(await juliet.inbox.presence(within: .seconds(10)) {
            $0.fromAttribute == "romeo@b.example/orchard" && $0.type == .unavailable
        } != nil)
        // A probe at the next login is answered by the remote server (§4.3.2).
        await juliet.close()
        let again = try await Online.connect(pair.a, "juliet@a.example/kitchen")
        let romeoBack = try await Online.connect(pair.b, "romeo@b.example/garden")
        try await romeoBack.available(status: "back")
        try await again.available()
        #expect(await again.inbox.presence(within: .seconds(10)) { $0.fromAttribute == "romeo@b.example/garden" }?.status == "back")

        for online in [again, romeoBack] { await online.close() }
        await pair.stop()
    }

    @Test func iqsAreAnsweredForRemoteRequesters() async throws {
        let pair = try await FederatedPair.start(accounts: ["juliet@a.example", "romeo@b.example"])
        let juliet = try await Online.connect(pair.a, "juliet@a.example/balcony")
        // The remote server answers for itself (XEP-0030 disco#info, XEP-0199 ping).
        let info = try await juliet.ask(to: "b.example", XMPPElement("query", namespace: Namespace.discoInfo))
        #expect(info.type == .result)
        #expect(info.fromAttribute == "b.example")
        #expect(info.payload(named: "query", namespace: Namespace.discoInfo)?.elements(named: "feature", namespace: Namespace.discoInfo).isEmpty == false)
        let ping = try await juliet.ask(to: "b.example", XMPPElement("ping", namespace: Namespace.ping))
        #expect(ping.type == .result)
        // Another user's roster is not for remote eyes (RFC 6121 §2.1.5).
        let refused = await stanzaError {
            _ = try await juliet.ask(to: "romeo@b.example", XMPPElement("query", namespace: Namespace.roster))
        }
        #expect(refused?.condition == .forbidden)
        await juliet.close()
        await pair.stop()
    }

    @Test func errorsFromTheRemoteServerComeBack() async throws {
        let pair = try await FederatedPair.start(accounts: ["juliet@a.example"])
        let juliet = try await Online.connect(pair.a, "juliet@a.example/balcony")
        // RFC 6121 §8.5.1: no such account on the remote domain.
        try await juliet.client.send(Message(type: .chat, id: "m1", to: try JID("nobody@b.example"), body: "hello?"))
        let error = try #require(await juliet.inbox.message(within: .seconds(15)) { $0.type == .error && $0.id == "m1" })
        #expect(error.error?.condition == .serviceUnavailable)
        await juliet.close()
        await pair.stop()
    }

    @Test func aDomainThatCannotBeReachedBouncesWithRemoteServerNotFound() async throws {
        let pair = try await FederatedPair.start(accounts: ["juliet@a.example"]) {
            // A route to a port nobody listens on: connecting fails at once.
            $0.federation.routes["c.example"] = StaticRoute(host: "127.0.0.1", port: (try? freePort()) ?? 1)
        }
        let juliet = try await Online.connect(pair.a, "juliet@a.example/balcony")
        try await juliet.client.send(Message(type: .chat, id: "m2", to: try JID("someone@c.example"), body: "anyone?"))
        let error = try #require(await juliet.inbox.message(within: .seconds(15)) { $0.type == .error && $0.id == "m2" })
        #expect(error.error?.condition == .remoteServerNotFound)
        await juliet.close()
        await pair.stop()
    }

    @Test func aDeniedDomainIsRefusedBothWays() async throws {
        let pair = try await FederatedPair.start(accounts: ["juliet@a.example", "romeo@b.example"]) {
            $0.federation.deniedDomains = ["b.example"]
        }
        let juliet = try await Online.connect(pair.a, "juliet@a.example/balcony")
        let romeo = try await Online.connect(pair.b, "romeo@b.example/orchard")
        try await romeo.available()
        // Outbound: a.example does not even try.
        try await juliet.client.send(Message(type: .chat, id: "out", to: try JID("romeo@b.example"), body: "hi"))
        #expect(await juliet.inbox.message(within: .seconds(15)) { $0.type == .error && $0.id == "out" }?.error?.condition == .remoteServerNotFound)
        // Inbound: b.example's stream is refused, so its stanza bounces back to romeo.
        try await romeo.client.send(Message(type: .chat, id: "in", to: try JID("juliet@a.example"), body: "hi"))
        let bounced = try #require(await romeo.inbox.message(within: .seconds(15)) { $0.type == .error && $0.id == "in" })
        #expect(bounced.error?.condition == .remoteServerNotFound)
        #expect(await juliet.inbox.message(within: .seconds(1)) { $0.body == "hi" } == nil)
        for online in [juliet, romeo] { await online.close() }
        await pair.stop()
    }

    @Test func withFederationOffRemoteStanzasBounceAndNoServerIsListenedFor() async throws {
        let server = try await TestServer(domains: ["a.example"], accounts: ["juliet@a.example"]) {
            $0.federation.isEnabled = false
            $0.listeners.append(ListenerConfiguration(kind: .s2s, host: "127.0.0.1", port: 0, tls: .required))
        }
        #expect(server.ports.count == 2)  // the s2s listener is not bound
        let juliet = try await Online.connect(server, "juliet@a.example/balcony")
        try await juliet.client.send(Message(type: .chat, id: "off", to: try JID("romeo@b.example"), body: "hi"))
        let error = try #require(await juliet.inbox.message(within: .seconds(5)) { $0.type == .error && $0.id == "off" })
        #expect(error.error?.condition == .remoteServerNotFound)
        await juliet.close()
        await server.stop()
    }
}
