import Testing
import XMPPCore
@testable import XMPPStreams

/// The client machine against the server machine, over serialized bytes
/// (``NegotiationPair``), through STARTTLS, SASL and binding.
@Suite("Client c2s negotiation against the server machine")
struct ClientNegotiationBackToBackTests {
    typealias Fixtures = NegotiationFixtures

    @Test(arguments: [SASLMechanism.scramSHA1, .scramSHA256, .scramSHA512, .plain], [false, true])
    func negotiatesToABoundSession(_ mechanism: SASLMechanism, dripFeed: Bool) throws {
        var pair = NegotiationPair(client: Fixtures.client(allowed: [mechanism]), server: Fixtures.server())
        pair.dripFeed = dripFeed
        pair.run()
        #expect(pair.clientFailure == nil)
        #expect(pair.mechanismUsed == mechanism.wireName)
        let expected = try JID("juliet@example.com/balcony")
        #expect(pair.established == expected)
        #expect(pair.client.boundJID == expected)
        #expect(pair.server.boundJID == expected)
        // STARTTLS came first (RFC 6120 §5.3.1): the server saw it before any SASL.
        #expect(pair.serverReceived.first?.name == "starttls")
    }

    @Test func strongestMechanismIsChosenByDefault() {
        var pair = NegotiationPair(client: Fixtures.client(), server: Fixtures.server())
        pair.run()
        #expect(pair.mechanismUsed == "SCRAM-SHA-512")
        // No channel binding data: the GS2 flag says the client cannot bind (RFC 5802 §6).
        #expect(pair.channelBindingFlag == "n")
        #expect(pair.established != nil)
    }

    @Test(arguments: [SASLMechanism.scramSHA1Plus, .scramSHA256Plus, .scramSHA512Plus])
    func plusMechanismsBindToTheChannel(_ mechanism: SASLMechanism) {
        var pair = NegotiationPair(
            client: Fixtures.client(allowed: [mechanism], channelBinding: .wheneverOffered), server: Fixtures.server(),
            clientBinding: Fixtures.serverBinding, serverBinding: Fixtures.serverBinding)
        pair.run()
        #expect(pair.mechanismUsed == mechanism.wireName)
        #expect(pair.channelBindingFlag == "p")
        #expect(pair.established != nil)
    }

    @Test func channelBindingMismatchFailsAuthentication() {
        // A man in the middle terminates TLS with another certificate: the binding data differ.
        var pair = NegotiationPair(
            client: Fixtures.client(channelBinding: .wheneverOffered), server: Fixtures.server(),
            clientBinding: Fixtures.otherBinding, serverBinding: Fixtures.serverBinding)
        pair.run()
        #expect(pair.mechanismUsed == "SCRAM-SHA-512-PLUS")
        #expect(pair.established == nil)
        #expect(pair.clientFailure?.code == .authenticationFailed)
        #expect(pair.client.isClosed)
    }

    @Test func advertisedServerEndPointBindingIsUsedByDefault() {
        var pair = NegotiationPair(
            client: Fixtures.client(), server: Fixtures.server(),
            clientBinding: Fixtures.serverBinding, serverBinding: Fixtures.serverBinding)
        pair.rewriteFeatures = Fixtures.advertising(["tls-exporter", "tls-server-end-point"])
        pair.run()
        #expect(pair.mechanismUsed == "SCRAM-SHA-512-PLUS")
        #expect(pair.established != nil)
    }

    @Test func ourServerAdvertisesItsBindingTypeSoPlusIsUsed() {
        var pair = NegotiationPair(
            client: Fixtures.client(), server: Fixtures.server(),
            clientBinding: Fixtures.serverBinding, serverBinding: Fixtures.serverBinding)
        pair.run()
        #expect(pair.mechanismUsed == "SCRAM-SHA-512-PLUS")
        #expect(pair.established != nil)
    }

    @Test func plusIsNotGuessedWithoutAdvertisement() {
        // The server offers -PLUS but does not say which binding type it accepts (XEP-0440):
        // the client uses plain SCRAM and flags that it did not bind (`n`), which the server accepts.
        var pair = NegotiationPair(
            client: Fixtures.client(), server: Fixtures.server(),
            clientBinding: Fixtures.serverBinding, serverBinding: Fixtures.serverBinding)
        pair.rewriteFeatures = Fixtures.withoutAdvertisement
        pair.run()
        #expect(pair.mechanismUsed == "SCRAM-SHA-512")
        #expect(pair.channelBindingFlag == "n")
        #expect(pair.established != nil)
    }

    @Test func plusIsNotUsedWhenOnlyOtherBindingTypesAreAdvertised() {
        var pair = NegotiationPair(
            client: Fixtures.client(), server: Fixtures.server(),
            clientBinding: Fixtures.serverBinding, serverBinding: Fixtures.serverBinding)
        pair.rewriteFeatures = Fixtures.advertising(["tls-exporter"])
        pair.run()
        #expect(pair.mechanismUsed == "SCRAM-SHA-512")
        #expect(pair.established != nil)
    }

    @Test func wrongPasswordFailsWithNotAuthorized() throws {
        var pair = NegotiationPair(client: Fixtures.client(password: "wrong"), server: Fixtures.server())
        pair.run()
        #expect(pair.established == nil)
        let failure = try #require(pair.clientFailure)
        #expect(failure.code == .authenticationFailed)
        #expect(failure.saslError?.failure?.condition == .notAuthorized)
        // The client ended its stream and the server closed in turn.
        #expect(pair.server.isClosed)
        #expect(!pair.client.configuration.description.contains("wrong"))
    }

    @Test func unknownUserFailsLikeAWrongPassword() throws {
        var pair = NegotiationPair(client: Fixtures.client(jid: "nobody@example.com"), server: Fixtures.server())
        pair.run()
        #expect(pair.clientFailure?.saslError?.failure?.condition == .notAuthorized)
    }

    @Test func bareJIDGetsAServerGeneratedResource() throws {
        var pair = NegotiationPair(client: Fixtures.client(jid: "juliet@example.com"), server: Fixtures.server())
        pair.run()
        #expect(pair.established == (try JID("juliet@example.com/generated-4f2a")))
        // RFC 6120 §7.6.1: no <resource/> in the request.
        let bind = pair.serverReceived.first { $0.name == "iq" }?.firstElement(named: "bind", namespace: Namespace.bind)
        #expect(bind != nil)
        #expect(bind?.firstElement(named: "resource", namespace: Namespace.bind) == nil)
    }

    @Test func refusedBindingIsABindFailure() throws {
        var pair = NegotiationPair(
            client: Fixtures.client(), server: Fixtures.server(),
            bindResource: { _ in .failure(StanzaError.conflict("resource in use")) })
        pair.run()
        let failure = try #require(pair.clientFailure)
        #expect(failure.code == .bindFailed)
        #expect(failure.stanzaError?.condition == .conflict)
        #expect(pair.established == nil)
    }

    @Test func streamErrorFromTheServerIsReported() throws {
        var pair = NegotiationPair(client: Fixtures.client(jid: "juliet@example.org"), server: Fixtures.server())
        pair.run()
        let failure = try #require(pair.clientFailure)
        #expect(failure.code == .streamError)
        #expect(failure.streamError?.condition == .hostUnknown)
    }

    @Test func directTLSStartsWithoutSTARTTLS() {
        var pair = NegotiationPair(
            client: Fixtures.client(tls: .direct, channelBinding: .wheneverOffered), server: Fixtures.server(tls: .direct),
            clientBinding: Fixtures.serverBinding, serverBinding: Fixtures.serverBinding)
        pair.run()
        #expect(pair.established != nil)
        #expect(!pair.serverReceived.contains { $0.name == "starttls" })
        #expect(pair.mechanismUsed?.hasPrefix("SCRAM-SHA-512") == true)
    }

    // MARK: TLS policy

    @Test func startTLSIsRequiredOfTheServer() {
        var pair = NegotiationPair(client: Fixtures.client(tls: .startTLS), server: Fixtures.server(tls: .trustedPlaintext))
        pair.run()
        #expect(pair.clientFailure?.code == .tlsNotOffered)
        // Nothing about the account left the client in plaintext.
        #expect(pair.serverReceived.isEmpty)
    }

    @Test func plaintextClientRefusesAServerThatRequiresTLS() {
        var pair = NegotiationPair(client: Fixtures.client(tls: .plaintext), server: Fixtures.server(tls: .required))
        pair.run()
        #expect(pair.clientFailure?.code == .tlsRequiredByServer)
    }

    @Test func plaintextClientUsesSCRAMAndSkipsOptionalTLS() {
        var pair = NegotiationPair(client: Fixtures.client(tls: .plaintext), server: Fixtures.server(tls: .optional))
        pair.run()
        #expect(pair.established != nil)
        #expect(!pair.serverReceived.contains { $0.name == "starttls" })
        #expect(pair.mechanismUsed == "SCRAM-SHA-512")
    }

    @Test func plaintextClientNeverSendsPLAIN() {
        // A trusted plaintext listener offers PLAIN; a client that allows only PLAIN must not use it.
        var pair = NegotiationPair(
            client: Fixtures.client(tls: .plaintext, allowed: [.plain]), server: Fixtures.server(tls: .trustedPlaintext))
        pair.run()
        #expect(pair.mechanismUsed == nil)
        #expect(pair.clientFailure?.code == .authenticationFailed)
        #expect(pair.clientFailure?.saslError?.code == .noAcceptableMechanism)
    }

    // MARK: Established session

    @Test func stanzasFlowAndTheClientClosesInOrder() throws {
        var pair = NegotiationPair(client: Fixtures.client(), server: Fixtures.server())
        pair.run()
        #expect(pair.client.isEstablished)
        let message = Message(type: .chat, id: "m1", to: try JID("juliet@example.com/balcony"), from: try JID("romeo@example.net/orchard"), body: "hi")
        pair.serverSends(message.element)
        #expect(pair.clientStanzas == [.message(message)])
        pair.closeFromClient()
        // RFC 6120 §4.4: our </stream:stream> is answered with the server's, then the connection closes.
        #expect(pair.server.isClosed)
        #expect(pair.client.isClosed)
        #expect(pair.clientFailure == nil)
    }
}
