import Testing
import XMPPCore
import XMPPStreams
@testable import NeedletailServer

/// A peer speaking for a domain it did not authenticate is refused (RFC 6120
/// §4.9.3.9, §13.8): a raw server-to-server stream that passes dialback for
/// b.example (its key made with b.example's real secret, so a.example's check
/// with b.example succeeds) and then sends a stanza from another domain.
@Suite("Federation: who may speak for a domain", .serialized)
struct FederationAuthorizationTests {
    static let secretB = "b-example-dialback-secret"

    /// A pair where a.example also listens for servers in plaintext (trusted
    /// loopback), which the raw peer uses; b.example's dialback secret is known.
    static func pair() async throws -> (FederatedPair, rawPort: Int) {
        let rawPort = try freePort()
        let pair = try await FederatedPair.start(accounts: ["juliet@a.example"]) {
            $0.listeners.append(ListenerConfiguration(kind: .s2s, host: "127.0.0.1", port: rawPort, tls: .trustedPlaintext))
        } configureB: {
            $0.federation.dialbackSecret = secretB
        }
        return (pair, rawPort)
    }

    /// Opens a server stream claiming b.example and authenticates it by dialback.
    static func authenticatedPeer(port: Int, key: (String) -> String) async throws -> (RawStream, XMPPElement?) {
        let header = "<stream:stream xmlns='jabber:server' xmlns:stream='http://etherx.jabber.org/streams' xmlns:db='jabber:server:dialback' from='b.example' to='a.example' version='1.0'>"
        let (stream, features) = try await RawStream.open(port: port, header: header)
        #expect(features?.firstElement(named: "dialback", namespace: Namespace.dialbackFeature) != nil)
        let id = try #require(await stream.streamID)
        try await stream.send("<db:result from='b.example' to='a.example'>\(key(id))</db:result>")
        let verdict = await stream.next { $0.name == "result" && $0.namespace == Namespace.dialback }
        return (stream, verdict)
    }

    @Test func aStanzaFromADomainTheStreamDidNotAuthenticateClosesItWithInvalidFrom() async throws {
        let (pair, port) = try await Self.pair()
        let juliet = try await Online.connect(pair.a, "juliet@a.example/balcony")
        try await juliet.available()
        let secret = DialbackSecret(Array(Self.secretB.utf8))
        let (peer, verdict) = try await Self.authenticatedPeer(port: port) {
            secret.key(receiving: "a.example", originating: "b.example", streamID: $0)
        }
        #expect(verdict?[attribute: "type"] == "valid")

        // b.example may speak for itself...
        try await peer.send("<message from='romeo@b.example/orchard' to='juliet@a.example' type='chat'><body>it is I</body></message>")
        #expect(await juliet.inbox.message(within: .seconds(5)) { $0.body == "it is I" }?.fromAttribute == "romeo@b.example/orchard")
        // ...but not for c.example.
        try await peer.send("<message from='mallory@c.example' to='juliet@a.example' type='chat'><body>forged</body></message>")
        let error = await peer.next { $0.name == "error" && $0.namespace == Namespace.stream }
        #expect(error.flatMap(StreamError.init(element:))?.condition == .invalidFrom)
        #expect(await juliet.inbox.message(within: .seconds(1)) { $0.body == "forged" } == nil)
        await peer.close()
        await juliet.close()
        await pair.stop()
    }

    @Test func aWrongDialbackKeyIsRefusedAndTheStreamCarriesNothing() async throws {
        let (pair, port) = try await Self.pair()
        let (peer, verdict) = try await Self.authenticatedPeer(port: port) { _ in String(repeating: "0", count: 64) }
        #expect(verdict?[attribute: "type"] == "invalid")
        try await peer.send("<message from='romeo@b.example' to='juliet@a.example' type='chat'><body>let me in</body></message>")
        let error = await peer.next { $0.name == "error" && $0.namespace == Namespace.stream }
        #expect(error.flatMap(StreamError.init(element:))?.condition == .invalidFrom)
        await peer.close()
        await pair.stop()
    }

    @Test func aDeniedDomainCannotOpenAStream() async throws {
        let rawPort = try freePort()
        let pair = try await FederatedPair.start(accounts: []) {
            $0.listeners.append(ListenerConfiguration(kind: .s2s, host: "127.0.0.1", port: rawPort, tls: .trustedPlaintext))
            $0.federation.deniedDomains = ["evil.example"]
        }
        let header = "<stream:stream xmlns='jabber:server' xmlns:stream='http://etherx.jabber.org/streams' xmlns:db='jabber:server:dialback' from='evil.example' to='a.example' version='1.0'>"
        let (stream, features) = try await RawStream.open(port: rawPort, header: header)
        #expect(features == nil)
        let error = await stream.next { $0.name == "error" && $0.namespace == Namespace.stream }
        #expect(error.flatMap(StreamError.init(element:))?.condition == .policyViolation)
        await stream.close()
        await pair.stop()
    }
}
