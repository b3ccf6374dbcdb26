import NIOCore
import NIOEmbedded
import NIOSSL
import Synchronization
import Testing
import XMPPCore
import XMPPStreams
@testable import XMPPClient

/// The channel handler in an `EmbeddedChannel`, negotiating with our server's
/// state machine over in-memory bytes. No sockets, no TLS handshake.
@Suite("XMPPClientHandler in an EmbeddedChannel")
struct XMPPClientHandlerTests {
    /// A client that negotiated a session with a trusted-plaintext server.
    func establishedClient() throws -> (EmbeddedClient, ScriptedServer) {
        let client = try EmbeddedClient()
        var server = ScriptedServer(tls: .trustedPlaintext)
        try client.connect()
        try client.exchange(with: &server)
        return (client, server)
    }

    @Test func negotiatesASessionWithTheServerMachine() throws {
        let (client, server) = try establishedClient()
        let expected = try JID("juliet@example.com/balcony")
        #expect(try EmbeddedClient.outcome(client.established.futureResult)?.get() == expected)
        #expect(server.machine.boundJID == expected)
        // Plaintext: SCRAM, never PLAIN, and no STARTTLS.
        let auth = server.received.first { $0.name == "auth" }
        #expect(auth?[attribute: "mechanism"] == "SCRAM-SHA-512")
        #expect(!server.received.contains { $0.name == "starttls" })
    }

    @Test func wrongPasswordFailsTheConnection() throws {
        let client = try EmbeddedClient(password: "not the password")
        var server = ScriptedServer(tls: .trustedPlaintext)
        try client.connect()
        try client.exchange(with: &server)
        let error = try #require(EmbeddedClient.clientError(client.established.futureResult))
        #expect(error.code == .authenticationFailed)
        #expect(error.saslError?.failure?.condition == .notAuthorized)
        #expect(!error.description.contains("not the password"))
        #expect(!client.channel.isActive)
        #expect(client.ends.reasons.withLock { $0.count } == 1)
    }

    @Test func requestsAreMatchedByIDAndSender() async throws {
        let incoming = try requestSession()
        var delivered: [Stanza] = []
        for await stanza in incoming { delivered.append(stanza) }
        // The forged answer and the message went to the application; the real answer did not.
        #expect(delivered.count == 2)
        #expect(delivered.first?.element[attribute: "from"] == "mallory@example.net")
        #expect(delivered.last?.element.name == "message")
    }

    /// Runs a request against forged and real answers; returns the stream of what was delivered.
    private func requestSession() throws -> AsyncStream<Stanza> {
        let (client, _) = try establishedClient()
        let response = client.channel.eventLoop.makePromise(of: IQ.self)
        let ping = IQ(type: .get, id: "ping-1", to: try JID("example.com"), payload: XMPPElement("ping", namespace: Namespace.ping))
        client.command(.request(ping, timeout: .seconds(5), response: response))
        #expect(try client.written().contains("id='ping-1'"))
        // Someone else answers with the same id: not the addressee (RFC 6120 §8.2.3).
        try client.receive("<iq type='result' id='ping-1' from='mallory@example.net'/>")
        #expect(EmbeddedClient.outcome(response.futureResult) == nil)
        try client.receive("<message from='romeo@example.net/orchard'><body>hi</body></message>")
        try client.receive("<iq type='result' id='ping-1' from='example.com'/>")
        let answer = try #require(try EmbeddedClient.outcome(response.futureResult)?.get())
        #expect(answer.type == .result)
        try client.channel.close().wait()
        return client.incoming
    }

    @Test func requestTimesOut() throws {
        let (client, _) = try establishedClient()
        let response = client.channel.eventLoop.makePromise(of: IQ.self)
        let query = IQ(type: .get, id: "slow", payload: XMPPElement("query", namespace: Namespace.roster))
        client.command(.request(query, timeout: .seconds(5), response: response))
        client.channel.embeddedEventLoop.advanceTime(by: .seconds(4))
        #expect(EmbeddedClient.outcome(response.futureResult) == nil)
        client.channel.embeddedEventLoop.advanceTime(by: .seconds(2))
        #expect(EmbeddedClient.clientError(response.futureResult)?.code == .timeout)
        // A late answer is no longer a response: it goes to the application.
        try client.receive("<iq type='result' id='slow'/>")
    }

    @Test func pendingRequestsFailWhenTheSessionEnds() throws {
        let (client, _) = try establishedClient()
        let response = client.channel.eventLoop.makePromise(of: IQ.self)
        client.command(.request(IQ(type: .get, id: "q", payload: XMPPElement("query", namespace: Namespace.roster)),
                                timeout: .seconds(30), response: response))
        try client.receive("</stream:stream>")
        #expect(EmbeddedClient.clientError(response.futureResult)?.code == .closed)
        // The server's close is answered with ours (RFC 6120 §4.4), and the end was orderly.
        #expect(try client.written().hasSuffix("</stream:stream>"))
        #expect(client.ends.reasons.withLock { $0 } == [nil])
    }

    @Test func duplicateRequestIDIsRefused() throws {
        let (client, _) = try establishedClient()
        let first = client.channel.eventLoop.makePromise(of: IQ.self)
        let second = client.channel.eventLoop.makePromise(of: IQ.self)
        let request = IQ(type: .get, id: "same", payload: XMPPElement("query", namespace: Namespace.roster))
        client.command(.request(request, timeout: .seconds(30), response: first))
        client.command(.request(request, timeout: .seconds(30), response: second))
        #expect(EmbeddedClient.clientError(second.futureResult)?.code == .invalidRequest)
        #expect(EmbeddedClient.outcome(first.futureResult) == nil)
    }

    @Test func sendingBeforeTheSessionIsEstablishedFails() throws {
        let client = try EmbeddedClient()
        try client.connect()
        let write = client.command(.send(Message(body: "too early").element))
        #expect(EmbeddedClient.clientError(write)?.code == .closed)
    }

    @Test func establishedSendWritesTheStanzaInTheClientNamespace() throws {
        let (client, _) = try establishedClient()
        let write = client.command(.send(Message(type: .chat, to: try JID("romeo@example.net"), body: "hi").element))
        #expect(throws: Never.self) { try EmbeddedClient.outcome(write)?.get() }
        #expect(try client.written() == "<message to='romeo@example.net' type='chat'><body>hi</body></message>")
    }

    // MARK: STARTTLS

    @Test func proceedPutsTLSInFrontOfTheHandler() throws {
        let context = try NIOSSLContext(configuration: .makeClientConfiguration())
        let client = try EmbeddedClient(tls: .startTLS, startTLSContext: context)
        var server = ScriptedServer(tls: .required)
        try client.connect()
        try client.exchange(with: &server)
        #expect(server.received.map(\.name) == ["starttls"])
        #expect(server.proceeded)
        // The TLS handler sits before ours and has sent its ClientHello: a TLS handshake
        // record (content type 22), not XML.
        _ = try client.channel.pipeline.syncOperations.handler(type: NIOSSLClientHandler.self)
        #expect(server.afterProceed.first == 22)
        #expect(client.channel.isActive)
    }

    @Test func plaintextAfterProceedDropsTheConnection() throws {
        let context = try NIOSSLContext(configuration: .makeClientConfiguration())
        let client = try EmbeddedClient(tls: .startTLS, startTLSContext: context)
        try client.connect()
        _ = try client.written()
        try client.receive(
            "<stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' from='example.com' id='s1' version='1.0'>"
                + "<stream:features><starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/></stream:features>")
        #expect(try client.written().contains("<starttls"))
        try client.receive("<proceed xmlns='urn:ietf:params:xml:ns:xmpp-tls'/><message/>")
        #expect(!client.channel.isActive)
        #expect(EmbeddedClient.clientError(client.established.futureResult)?.code == .protocolViolation)
        #expect((try? client.channel.pipeline.syncOperations.handler(type: NIOSSLClientHandler.self)) == nil)
    }

    @Test func serverWithoutSTARTTLSIsRefused() throws {
        let context = try NIOSSLContext(configuration: .makeClientConfiguration())
        let client = try EmbeddedClient(tls: .startTLS, startTLSContext: context)
        var server = ScriptedServer(tls: .trustedPlaintext)
        try client.connect()
        try client.exchange(with: &server)
        #expect(EmbeddedClient.clientError(client.established.futureResult)?.code == .tlsFailed)
        #expect(!server.received.contains { $0.name == "auth" })
    }

    // MARK: Timeouts, closing, bad input

    @Test func negotiationTimesOut() throws {
        let client = try EmbeddedClient()
        try client.connect()
        #expect(try client.written().hasPrefix("<?xml version='1.0'?><stream:stream"))
        client.channel.embeddedEventLoop.advanceTime(by: .seconds(31))
        #expect(EmbeddedClient.clientError(client.established.futureResult)?.code == .timeout)
        #expect(!client.channel.isActive)
    }

    @Test func clientCloseWaitsForTheServerClose() throws {
        let (client, _) = try establishedClient()
        client.command(.close)
        #expect(try client.written() == "</stream:stream>")
        #expect(client.channel.isActive)
        try client.receive("</stream:stream>")
        #expect(!client.channel.isActive)
        #expect(client.ends.reasons.withLock { $0 } == [nil])
    }

    @Test func closingDuringNegotiationFailsTheConnectionAsClosed() throws {
        let client = try EmbeddedClient()
        try client.connect()
        _ = try client.written()
        client.command(.close)
        #expect(try client.written() == "</stream:stream>")
        client.channel.embeddedEventLoop.advanceTime(by: .seconds(3))
        #expect(!client.channel.isActive)
        #expect(EmbeddedClient.clientError(client.established.futureResult)?.code == .closed)
    }

    @Test func clientCloseGivesUpAfterTheTimeout() throws {
        let (client, _) = try establishedClient()
        client.command(.close)
        client.channel.embeddedEventLoop.advanceTime(by: .seconds(3))
        #expect(!client.channel.isActive)
    }

    @Test func malformedXMLFromTheServerIsAStreamError() throws {
        let (client, _) = try establishedClient()
        try client.receive("<message><body>unterminated</message>")
        #expect(try client.written().contains("<not-well-formed xmlns='urn:ietf:params:xml:ns:xmpp-streams'/>"))
        #expect(!client.channel.isActive)
        let reason = client.ends.reasons.withLock { $0.first ?? nil }
        #expect(reason?.code == .protocolViolation)
    }

    @Test func streamErrorFromTheServerEndsTheSession() throws {
        let (client, _) = try establishedClient()
        try client.receive("<stream:error><conflict xmlns='urn:ietf:params:xml:ns:xmpp-streams'/></stream:error></stream:stream>")
        #expect(!client.channel.isActive)
        let reason = client.ends.reasons.withLock { $0.first ?? nil }
        #expect(reason?.code == .streamError)
        #expect(reason?.streamError?.condition == .conflict)
    }
}
