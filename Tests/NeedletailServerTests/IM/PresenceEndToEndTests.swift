import Testing
import XMPPClient
import XMPPCore
@testable import NeedletailServer

/// RFC 6121 §4 presence over real connections.
@Suite("Presence (RFC 6121 §4)", .serialized)
struct PresenceEndToEndTests {
    @Test func contactsSeeALoginAndUnavailableAfterATCPDrop() async throws {
        let server = try await TestServer(accounts: ["juliet@example.com", "romeo@example.net"])
        try await server.befriend("juliet@example.com", "romeo@example.net")
        let juliet = try await Online.connect(server, "juliet@example.com/balcony")
        try await juliet.available(status: "on the balcony")
        let romeo = try await Online.connect(server, "romeo@example.net/orchard")
        try await romeo.available(priority: 3)
        // §4.2.2: the broadcast reaches the subscriber...
        let arrived = try #require(await juliet.inbox.presence { $0.fromAttribute == "romeo@example.net/orchard" })
        #expect(arrived.type == .available)
        #expect(try arrived.priority == 3)
        // ...and the probe answers with the contact's last presence.
        let probed = try #require(await romeo.inbox.presence { $0.fromAttribute == "juliet@example.com/balcony" })
        #expect(probed.status == "on the balcony")

        // §4.5.2: the connection drops without a closing tag; contacts learn it.
        await romeo.client.disconnectAbruptly()
        let gone = try #require(await juliet.inbox.presence { $0.fromAttribute == "romeo@example.net/orchard" })
        #expect(gone.type == .unavailable)
        await juliet.close()
        await server.stop()
    }

    @Test func anOfflineContactIsReportedUnavailableWithItsLastLogout() async throws {
        let server = try await TestServer(accounts: ["juliet@example.com", "romeo@example.net"])
        try await server.befriend("juliet@example.com", "romeo@example.net")
        let romeo = try await Online.connect(server, "romeo@example.net/orchard")
        try await romeo.available()
        try await romeo.client.send(Presence(type: .unavailable))
        await romeo.close()
        let juliet = try await Online.connect(server, "juliet@example.com/balcony")
        try await juliet.available()
        // §4.3.2: unavailable from the bare JID, stamped with when it went.
        let answer = try #require(await juliet.inbox.presence { $0.fromAttribute == "romeo@example.net" })
        #expect(answer.type == .unavailable)
        #expect(answer.payload(named: "delay", namespace: Namespace.delay) != nil)
        await juliet.close()
        await server.stop()
    }

    @Test func updatesReachContactsAndOtherResourcesButNotStrangers() async throws {
        let server = try await TestServer(accounts: ["juliet@example.com", "romeo@example.net", "paris@example.net"])
        try await server.befriend("juliet@example.com", "romeo@example.net")
        let juliet = try await Online.connect(server, "juliet@example.com/balcony")
        let chamber = try await Online.connect(server, "juliet@example.com/chamber")
        let romeo = try await Online.connect(server, "romeo@example.net/orchard")
        let paris = try await Online.connect(server, "paris@example.net/castle")
        for online in [chamber, romeo, paris] { try await online.available() }
        try await juliet.available()
        var away = Presence()
        away.setStatus("away for a while", language: nil)
        try await juliet.client.send(away)
        #expect(await romeo.inbox.presence { $0.status == "away for a while" } != nil)
        #expect(await chamber.inbox.presence { $0.status == "away for a while" } != nil)
        #expect(await paris.inbox.presence(within: .milliseconds(300)) { $0.fromAttribute?.hasPrefix("juliet") == true } == nil)
        for online in [juliet, chamber, romeo, paris] { await online.close() }
        await server.stop()
    }

    @Test func directedPresenceIsRevokedAtLogout() async throws {
        let server = try await TestServer(accounts: ["juliet@example.com", "nurse@example.com"])
        let juliet = try await Online.connect(server, "juliet@example.com/balcony")
        let nurse = try await Online.connect(server, "nurse@example.com/hall")
        try await nurse.available()
        try await juliet.available()
        // §4.6: presence to one address, no subscription needed.
        try await juliet.client.send(Presence(to: try JID("nurse@example.com")))
        #expect(await nurse.inbox.presence { $0.fromAttribute == "juliet@example.com/balcony" && $0.type == .available } != nil)
        await juliet.close()
        // §4.6.3: whoever got directed presence learns the session went.
        #expect(await nurse.inbox.presence { $0.fromAttribute == "juliet@example.com/balcony" && $0.type == .unavailable } != nil)
        await nurse.close()
        await server.stop()
    }

    @Test func directedPresenceWithoutInitialPresenceIsRevokedToo() async throws {
        let server = try await TestServer(accounts: ["juliet@example.com", "nurse@example.com"])
        let nurse = try await Online.connect(server, "nurse@example.com/hall")
        try await nurse.available()
        // Juliet never broadcasts: only the nurse learns she is there (§4.6.2).
        let juliet = try await Online.connect(server, "juliet@example.com/balcony")
        try await juliet.client.send(Presence(to: try JID("nurse@example.com")))
        #expect(await nurse.inbox.presence { $0.fromAttribute == "juliet@example.com/balcony" && $0.type == .available } != nil)
        await juliet.client.disconnectAbruptly()
        #expect(await nurse.inbox.presence { $0.fromAttribute == "juliet@example.com/balcony" && $0.type == .unavailable } != nil)
        await nurse.close()
        await server.stop()
    }

    @Test func aClientThatStopsAnsweringIsPingedAndClosed() async throws {
        let server = try await TestServer(accounts: ["juliet@example.com", "romeo@example.net"]) {
            $0.limits.pingIntervalSeconds = 1
            $0.limits.pingTimeoutSeconds = 1
        }
        try await server.befriend("juliet@example.com", "romeo@example.net")
        let juliet = try await Online.connect(server, "juliet@example.com/balcony")
        try await juliet.available()
        let silent = try await Online.connect(server, "romeo@example.net/orchard", answeringPings: false)
        try await silent.available()
        let answering = try await Online.connect(server, "romeo@example.net/garden")
        // The silent client's first ping goes unanswered: XEP-0199 §4.1.
        let ping = await silent.inbox.take(within: .seconds(5)) {
            if case .iq(let iq) = $0 { return iq.payload(named: "ping", namespace: Namespace.ping) != nil }
            return false
        }
        #expect(ping != nil)
        #expect(await juliet.inbox.presence(within: .seconds(8)) {
            $0.fromAttribute == "romeo@example.net/orchard" && $0.type == .unavailable
        } != nil)
        // Contacts may hear of it before the silent client has read its stream error.
        for _ in 0..<250 where silent.client.terminationError == nil {
            try await Task.sleep(for: .milliseconds(20))
        }
        #expect(silent.client.terminationError?.streamError?.condition == .connectionTimeout)
        // The client that answers stays.
        try await Task.sleep(for: .seconds(2))
        #expect(answering.client.terminationError == nil)
        #expect(server.server.registry.session(for: try JID("romeo@example.net/garden")) != nil)
        for online in [juliet, answering] { await online.close() }
        await server.stop()
    }
}
