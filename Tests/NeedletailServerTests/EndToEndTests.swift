import Testing
import XMPPClient
import XMPPCore
import XMPPStreams
@testable import NeedletailServer

/// The server in process, on loopback, over real TCP and TLS, with `XMPPClient`.
@Suite("End to end: login, binding and routing over TLS", .serialized)
struct EndToEndTests {
    @Test(arguments: [SASLMechanism.scramSHA1, .scramSHA256, .scramSHA512, .scramSHA1Plus, .scramSHA256Plus, .scramSHA512Plus, .plain])
    func loginWithEachMechanism(_ mechanism: SASLMechanism) async throws {
        let server = try await TestServer(accounts: ["juliet@example.com"])
        let client = try await server.connected("juliet@example.com/balcony", mechanisms: [mechanism])
        #expect(client.boundJID == (try JID("juliet@example.com/balcony")))
        await client.close()
        await server.stop()
    }

    @Test func directTLSLogin() async throws {
        let server = try await TestServer(accounts: ["juliet@example.com"])
        let client = try await server.connected("juliet@example.com", tls: .directTLS)
        #expect(client.boundJID?.bare == (try JID("juliet@example.com")))
        #expect(client.boundJID?.resourcepart != nil)  // server-generated
        await client.close()
        await server.stop()
    }

    @Test func wrongPasswordIsRefused() async throws {
        let server = try await TestServer(accounts: ["juliet@example.com"])
        let client = try server.client("juliet@example.com", password: "wrong")
        await #expect(throws: XMPPClientError.self) { try await client.connect() }
        #expect(client.boundJID == nil)
        await server.stop()
    }

    @Test func unknownAccountIsRefused() async throws {
        let server = try await TestServer()
        let client = try server.client("nobody@example.com")
        await #expect(throws: XMPPClientError.self) { try await client.connect() }
        await server.stop()
    }

    @Test func secondLoginWithTheSameResourceReplacesTheFirst() async throws {
        let server = try await TestServer(accounts: ["juliet@example.com"])
        let first = try await server.connected("juliet@example.com/balcony")
        let second = try await server.connected("juliet@example.com/balcony")
        // RFC 6120 §7.7.2.2: the older session ends with a conflict stream error.
        for _ in 0..<100 where first.terminationError == nil {
            try await Task.sleep(for: .milliseconds(20))
        }
        guard let error = first.terminationError?.streamError else {
            Issue.record("the first session was not ended with a stream error: \(String(describing: first.terminationError))")
            await second.close()
            await server.stop()
            return
        }
        #expect(error.condition == .conflict)
        #expect(second.boundJID == (try JID("juliet@example.com/balcony")))
        await second.close()
        await server.stop()
    }

    @Test func messagesRouteToFullAndBareJIDsByPriority() async throws {
        let server = try await TestServer(accounts: ["juliet@example.com", "romeo@example.net"])
        let juliet = try await Online.connect(server, "juliet@example.com/balcony")
        let romeoLow = try await Online.connect(server, "romeo@example.net/orchard")
        let romeoHigh = try await Online.connect(server, "romeo@example.net/garden")
        // Each waits for its own presence to come back: routing by priority depends on it.
        try await romeoLow.available(priority: 1)
        try await romeoHigh.available(priority: 5)
        try await juliet.available()

        try await juliet.client.send(Message(type: .chat, to: try JID("romeo@example.net"), body: "to the bare JID"))
        let received = try #require(await romeoHigh.inbox.message(), "the highest-priority resource got nothing")
        #expect(received.body == "to the bare JID")
        #expect(received.fromAttribute == "juliet@example.com/balcony")
        #expect(await romeoLow.inbox.message(within: .milliseconds(200)) == nil)

        try await juliet.client.send(Message(type: .chat, to: try JID("romeo@example.net/orchard"), body: "to the full JID"))
        #expect(await romeoLow.inbox.message()?.body == "to the full JID", "the full JID got nothing")

        try await romeoHigh.client.send(Message(type: .chat, to: try JID("juliet@example.com/balcony"), body: "and back"))
        let reply = try #require(await juliet.inbox.message(), "the reply did not arrive")
        #expect(reply.body == "and back")
        #expect(reply.fromAttribute == "romeo@example.net/garden")
        for online in [juliet, romeoLow, romeoHigh] { await online.close() }
        await server.stop()
    }

    @Test func errorRepliesForUnknownRecipientsAndPayloads() async throws {
        let server = try await TestServer(accounts: ["juliet@example.com"])
        let juliet = try await server.connected("juliet@example.com/balcony")
        // RFC 6120 §8.4: an IQ nobody understands is service-unavailable, exactly once.
        await #expect {
            _ = try await juliet.iq(IQ(type: .get, id: "u1", to: try JID("example.com"), payload: XMPPElement("query", namespace: "urn:example:unknown")))
        } throws: { error in
            (error as? StanzaError)?.condition == .serviceUnavailable
        }
        // RFC 6121 §8.5.3.2.2: an IQ to a resource that is not there.
        await #expect {
            _ = try await juliet.iq(IQ(type: .get, id: "u2", to: try JID("nobody@example.com/x"), payload: XMPPElement("query", namespace: "jabber:iq:version")))
        } throws: { error in
            (error as? StanzaError)?.condition == .serviceUnavailable
        }
        // A message to an account nobody is logged in as bounces.
        try await juliet.send(Message(type: .chat, to: try JID("nobody@example.com"), body: "hello?"))
        guard case .message(let bounce)? = await juliet.incoming.next() else {
            Issue.record("no bounce")
            return
        }
        #expect(bounce.isError)
        #expect(bounce.error?.condition == .serviceUnavailable)
        await juliet.close()
        await server.stop()
    }

    @Test func serverAnswersPing() async throws {
        let server = try await TestServer(accounts: ["juliet@example.com"])
        let juliet = try await server.connected("juliet@example.com/balcony")
        let pong = try await juliet.iq(IQ(type: .get, id: "p1", to: try JID("example.com"), payload: XMPPElement("ping", namespace: Namespace.ping)))
        #expect(pong.type == .result)
        await juliet.close()
        await server.stop()
    }

    @Test func shutdownEndsSessionsWithSystemShutdown() async throws {
        let server = try await TestServer(accounts: ["juliet@example.com"])
        let juliet = try await server.connected("juliet@example.com/balcony")
        await server.stop()
        for _ in 0..<100 where juliet.terminationError == nil {
            try await Task.sleep(for: .milliseconds(20))
        }
        #expect(juliet.terminationError?.streamError?.condition == .systemShutdown)
    }
}

extension EndToEndTests {
    static func presence(priority: Int8) -> Presence {
        var presence = Presence()
        presence.setPriority(priority)
        return presence
    }
}
