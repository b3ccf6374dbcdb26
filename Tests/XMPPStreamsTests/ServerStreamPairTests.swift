import Testing
import XMPPCore
@testable import XMPPStreams

/// The initiating and receiving machines against each other, no sockets:
/// montague.example opens a stream to capulet.example and authenticates by
/// dialback (checked with montague's own Authoritative Server machine) or by
/// its certificate.
@Suite("Server-to-server streams back to back")
struct ServerStreamPairTests {
    static let montagueSecret = DialbackSecret(Array("montague secret".utf8))
    static let capuletSecret = DialbackSecret(Array("capulet secret".utf8))

    func outbound(certificate: Bool = false, secret: DialbackSecret = montagueSecret, requiresTLS: Bool = true) -> OutboundServerStream {
        OutboundServerStream(configuration: .init(
            localDomain: "montague.example", remoteDomain: "capulet.example", requiresTLS: requiresTLS,
            canAuthenticateWithCertificate: certificate, dialbackSecret: secret))
    }

    func receiving(tls: ServerNegotiationStateMachine.TLSMode = .required, dialback: Bool = true) -> InboundServerStream {
        InboundServerStream(configuration: .init(
            hostedDomains: ["capulet.example"], tls: tls, allowsDialback: dialback, dialbackSecret: Self.capuletSecret))
    }

    /// montague's Authoritative Server: answers verify requests on a stream capulet opened to it.
    func authoritativeAnswer(_ request: DialbackElement) -> DialbackElement? {
        var authority = InboundServerStream(configuration: .init(
            hostedDomains: ["montague.example"], tls: .trustedPlaintext, dialbackSecret: Self.montagueSecret))
        _ = authority.streamHeaderReceived(StreamHeader(to: "montague.example", from: "capulet.example", contentNamespace: Namespace.server), streamID: "v1")
        guard case .send(let answer) = authority.elementReceived(request.element) else { return nil }
        return DialbackElement(element: answer)
    }

    /// Runs the negotiation up to where the initiating side authenticates; returns the last outbound action.
    func negotiate(_ initiator: inout OutboundServerStream, _ receiver: inout InboundServerStream, certificateDomains: Set<String>) -> OutboundServerStream.Action {
        guard case .sendHeader(let header) = initiator.start() else { return .wait }
        guard case .sendHeaderAndFeatures(let response, let features) = receiver.streamHeaderReceived(header, streamID: "R1") else { return .wait }
        _ = initiator.streamHeaderReceived(response)
        guard case .send(let starttls) = initiator.elementReceived(features.element) else { return .wait }
        #expect(receiver.elementReceived(starttls) == .startTLS)
        #expect(initiator.elementReceived(XMPPElement("proceed", namespace: Namespace.tls)) == .startTLS)
        _ = receiver.tlsEstablished(certificateNames: Array(certificateDomains))
        guard case .sendHeader(let restarted) = initiator.tlsEstablished() else { return .wait }
        guard case .sendHeaderAndFeatures(let secondResponse, let secondFeatures) = receiver.streamHeaderReceived(restarted, streamID: "R2") else { return .wait }
        _ = initiator.streamHeaderReceived(secondResponse)
        return initiator.elementReceived(secondFeatures.element)
    }

    @Test func dialbackAuthenticatesWhenTheAuthoritativeServerVouches() throws {
        var initiator = outbound()
        var receiver = receiving()
        guard case .send(let result) = negotiate(&initiator, &receiver, certificateDomains: []) else {
            Issue.record("no dialback key sent")
            return
        }
        guard case .verifyDialbackKey(let request) = receiver.elementReceived(result) else {
            Issue.record("the receiver did not ask the authoritative server")
            return
        }
        let answer = try #require(authoritativeAnswer(request))
        #expect(answer.verdict == .valid)
        guard case .send(let verdict) = receiver.dialbackVerified(answer) else { return }
        #expect(initiator.elementReceived(verdict) == .established)
        #expect(receiver.authenticatedPairs == [.init(peer: "montague.example", local: "capulet.example")])
    }

    @Test func aForgedKeyIsRefused() {
        // Someone without montague's secret claims to be montague.
        var initiator = outbound(secret: DialbackSecret(Array("guess".utf8)))
        var receiver = receiving()
        guard case .send(let result) = negotiate(&initiator, &receiver, certificateDomains: []),
              case .verifyDialbackKey(let request) = receiver.elementReceived(result),
              let answer = authoritativeAnswer(request)
        else {
            Issue.record("negotiation did not reach verification")
            return
        }
        #expect(answer.verdict == .invalid)
        guard case .send(let verdict) = receiver.dialbackVerified(answer) else { return }
        guard case .fail(.dialbackRefused) = initiator.elementReceived(verdict) else {
            Issue.record("the initiator did not give up")
            return
        }
        #expect(receiver.authenticatedPairs.isEmpty)
    }

    @Test func saslExternalAuthenticatesAValidCertificate() {
        var initiator = outbound(certificate: true)
        var receiver = receiving()
        guard case .send(let auth) = negotiate(&initiator, &receiver, certificateDomains: ["montague.example"]) else {
            Issue.record("no EXTERNAL attempt")
            return
        }
        #expect(auth.name == "auth")
        guard case .authenticated(_, let success) = receiver.elementReceived(auth),
              case .sendHeader(let restarted) = initiator.elementReceived(success),
              case .sendHeaderAndFeatures(let response, let features) = receiver.streamHeaderReceived(restarted, streamID: "R3")
        else {
            Issue.record("EXTERNAL did not complete")
            return
        }
        _ = initiator.streamHeaderReceived(response)
        #expect(initiator.elementReceived(features.element) == .established)
    }

    @Test func withoutTLSOnOfferAStrictInitiatorGivesUp() {
        var initiator = outbound()
        guard case .sendHeader = initiator.start() else { return }
        _ = initiator.streamHeaderReceived(StreamHeader(to: "montague.example", from: "capulet.example", id: "R1", contentNamespace: Namespace.server))
        guard case .fail(.tlsUnavailable) = initiator.elementReceived(StreamFeatures().element) else {
            Issue.record("a stream without TLS was accepted")
            return
        }
    }

    @Test func verifyAnswersComeBackOnTheOutboundStream() {
        var initiator = outbound()
        var receiver = receiving()
        _ = negotiate(&initiator, &receiver, certificateDomains: [])
        let request = DialbackElement(.verify, from: "montague.example", to: "capulet.example", id: "X9", key: "abc")
        #expect(initiator.sendVerify(request) == .send(request.element))
        let answer = DialbackElement(.verify, from: "capulet.example", to: "montague.example", id: "X9", verdict: .valid)
        #expect(initiator.elementReceived(answer.element) == .verifyAnswered(answer))
    }
}
