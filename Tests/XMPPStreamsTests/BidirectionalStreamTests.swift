import Testing
import XMPPCore
@testable import XMPPStreams

/// XEP-0288 bidirectional server-to-server streams, both machines back to
/// back: montague.example connects to capulet.example, asks for `<bidi/>` before
/// authenticating, and capulet then sends its stanzas for montague on that
/// stream, from its own domain only.
@Suite("XEP-0288 bidirectional streams")
struct BidirectionalStreamTests {
    static let secret = DialbackSecret(Array("montague secret".utf8))

    func outbound(bidi: Bool = true) -> OutboundServerStream {
        OutboundServerStream(configuration: .init(
            localDomain: "montague.example", remoteDomain: "capulet.example",
            canAuthenticateWithCertificate: true, dialbackSecret: Self.secret, requestsBidirectional: bidi))
    }

    func receiving(bidi: Bool = true) -> InboundServerStream {
        InboundServerStream(configuration: .init(
            hostedDomains: ["capulet.example"], dialbackSecret: DialbackSecret(Array("capulet secret".utf8)),
            offersBidirectional: bidi))
    }

    /// Negotiates TLS, then returns the initiator's answer to the second features.
    func afterTLS(_ initiator: inout OutboundServerStream, _ receiver: inout InboundServerStream) -> OutboundServerStream.Action {
        guard case .sendHeader(let header) = initiator.start(),
              case .sendHeaderAndFeatures(let response, let features) = receiver.streamHeaderReceived(header, streamID: "R1")
        else { return .wait }
        // §2.1: offered before TLS too.
        #expect(features.extensions.contains { $0.name == "bidi" && $0.namespace == Namespace.bidiFeature } == receiver.configuration.offersBidirectional)
        _ = initiator.streamHeaderReceived(response)
        guard case .send(let starttls) = initiator.elementReceived(features.element) else { return .wait }
        _ = receiver.elementReceived(starttls)
        _ = initiator.elementReceived(XMPPElement("proceed", namespace: Namespace.tls))
        _ = receiver.tlsEstablished(certificateNames: ["montague.example"])
        guard case .sendHeader(let restarted) = initiator.tlsEstablished(),
              case .sendHeaderAndFeatures(let second, let secondFeatures) = receiver.streamHeaderReceived(restarted, streamID: "R2")
        else { return .wait }
        _ = initiator.streamHeaderReceived(second)
        return initiator.elementReceived(secondFeatures.element)
    }

    /// A full negotiation with EXTERNAL; both machines end established.
    func established() -> (OutboundServerStream, InboundServerStream)? {
        var initiator = outbound()
        var receiver = receiving()
        guard case .sendInOrder(let elements) = afterTLS(&initiator, &receiver), elements.count == 2 else { return nil }
        for element in elements.dropLast() { #expect(receiver.elementReceived(element) == .wait) }
        guard case .authenticated(_, let success) = receiver.elementReceived(elements[1]),
              case .sendHeader(let header) = initiator.elementReceived(success),
              case .sendHeaderAndFeatures(let response, let features) = receiver.streamHeaderReceived(header, streamID: "R3")
        else { return nil }
        _ = initiator.streamHeaderReceived(response)
        guard initiator.elementReceived(features.element) == .established else { return nil }
        return (initiator, receiver)
    }

    @Test func bidiIsRequestedAfterTLSBeforeAuthentication() throws {
        var initiator = outbound()
        var receiver = receiving()
        guard case .sendInOrder(let elements) = afterTLS(&initiator, &receiver) else {
            Issue.record("bidi was not requested")
            return
        }
        #expect(elements.map(\.name) == ["bidi", "auth"])
        #expect(elements.first?.namespace == Namespace.bidi)
        #expect(initiator.isBidirectional)
        _ = receiver.elementReceived(elements[0])
        #expect(receiver.isBidirectional)
    }

    @Test func withoutTheFeatureNoBidiIsRequested() {
        var initiator = outbound()
        var receiver = receiving(bidi: false)
        guard case .send(let auth) = afterTLS(&initiator, &receiver) else {
            Issue.record("no authentication after TLS")
            return
        }
        #expect(auth.name == "auth")
        #expect(!initiator.isBidirectional)
    }

    @Test func theReceiverMaySendStanzasFromItsDomainOnTheStream() throws {
        var (initiator, receiver) = try #require(established())
        #expect(receiver.isBidirectional)
        #expect(receiver.authenticatedPairs == [.init(peer: "montague.example", local: "capulet.example")])
        let message = XMPPElement("message", namespace: Namespace.server, ["from": "juliet@capulet.example/balcony", "to": "romeo@montague.example"])
        guard case .stanza(let stanza) = initiator.elementReceived(message) else {
            Issue.record("a stanza on the bidirectional stream was not accepted")
            return
        }
        #expect(stanza.fromAttribute == "juliet@capulet.example/balcony")
    }

    @Test func aStanzaFromAnotherDomainOnTheBidirectionalStreamIsInvalidFrom() throws {
        var (initiator, _) = try #require(established())
        let forged = XMPPElement("message", namespace: Namespace.server, ["from": "mallory@evil.example", "to": "romeo@montague.example"])
        guard case .fail(.refused(let error)) = initiator.elementReceived(forged) else {
            Issue.record("a forged stanza was not refused")
            return
        }
        #expect(error.condition == .invalidFrom)
    }

    @Test func aStanzaOnAStreamThatIsNotBidirectionalIsAProtocolViolation() throws {
        var initiator = outbound(bidi: false)
        var receiver = receiving()
        guard case .send(let auth) = afterTLS(&initiator, &receiver),
              case .authenticated(_, let success) = receiver.elementReceived(auth),
              case .sendHeader(let header) = initiator.elementReceived(success),
              case .sendHeaderAndFeatures(let response, let features) = receiver.streamHeaderReceived(header, streamID: "R3")
        else {
            Issue.record("negotiation failed")
            return
        }
        _ = initiator.streamHeaderReceived(response)
        #expect(initiator.elementReceived(features.element) == .established)
        let message = XMPPElement("message", namespace: Namespace.server, ["from": "juliet@capulet.example", "to": "romeo@montague.example"])
        guard case .fail(.protocolViolation) = initiator.elementReceived(message) else {
            Issue.record("a stanza on a one-way stream was accepted")
            return
        }
    }
}
