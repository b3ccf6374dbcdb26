import Testing
import XMPPCore
@testable import XMPPStreams

/// The receiving side of server-to-server streams, with no sockets: headers,
/// STARTTLS, SASL EXTERNAL, dialback, and which stanzas are let through.
@Suite("Inbound server-to-server streams (RFC 6120, XEP-0178, XEP-0220)")
struct InboundServerStreamTests {
    static let secret = DialbackSecret(Array("s3cr3t".utf8))

    func machine(tls: ServerNegotiationStateMachine.TLSMode = .required, dialback: Bool = true) -> InboundServerStream {
        InboundServerStream(configuration: .init(
            hostedDomains: ["capulet.example"], tls: tls, allowsDialback: dialback, dialbackSecret: Self.secret))
    }

    func header(from: String? = "montague.example", to: String? = "capulet.example", namespace: String = Namespace.server, version: String? = "1.0") -> StreamHeader {
        StreamHeader(to: to, from: from, version: version, contentNamespace: namespace)
    }

    /// A machine past STARTTLS whose peer certificate is valid for `certificateDomains`.
    func afterTLS(certificateDomains: Set<String>, dialback: Bool = true) -> (InboundServerStream, StreamFeatures?) {
        var stream = machine(dialback: dialback)
        _ = stream.streamHeaderReceived(header(), streamID: "s1")
        #expect(stream.elementReceived(XMPPElement("starttls", namespace: Namespace.tls)) == .startTLS)
        _ = stream.tlsEstablished(certificateNames: Array(certificateDomains))
        guard case .sendHeaderAndFeatures(let response, let features) = stream.streamHeaderReceived(header(), streamID: "s2") else {
            Issue.record("no features after TLS")
            return (stream, nil)
        }
        #expect(response.contentNamespace == Namespace.server)
        #expect(response.prefixes.contains(NamespaceBinding(prefix: "db", namespace: Namespace.dialback)))
        return (stream, features)
    }

    func streamError(_ action: InboundServerStream.Action) -> StreamError.Condition? {
        if case .closeWithError(let error, _) = action { return error.condition }
        return nil
    }

    func message(from: String, to: String) -> XMPPElement {
        XMPPElement("message", namespace: Namespace.server, ["from": from, "to": to]) {
            XMPPElement("body", namespace: Namespace.server, text: "hi")
        }
    }

    @Test(arguments: [
        ("version", StreamError.Condition.unsupportedVersion),
        ("namespace", .invalidNamespace),
        ("unhosted", .hostUnknown),
        ("no from", .invalidFrom),
        ("from a user", .invalidFrom),
    ])
    func headersAreChecked(problem: String, condition: StreamError.Condition) {
        var stream = machine()
        let bad = switch problem {
        case "version": header(version: nil)
        case "namespace": header(namespace: Namespace.client)
        case "unhosted": header(to: "elsewhere.example")
        case "no from": header(from: nil)
        default: header(from: "romeo@montague.example")
        }
        let action = stream.streamHeaderReceived(bad, streamID: "s1")
        guard case .closeWithError(let error, let response?) = action else {
            Issue.record("\(problem): \(action)")
            return
        }
        #expect(error.condition == condition)
        #expect(response.contentNamespace == Namespace.server)
        #expect(stream.isClosed)
    }

    @Test func tlsIsRequiredBeforeAnythingElse() {
        var stream = machine()
        guard case .sendHeaderAndFeatures(_, let features) = stream.streamHeaderReceived(header(), streamID: "s1") else {
            Issue.record("no features")
            return
        }
        #expect(features.startTLS == .required)
        #expect(features.mechanisms.isEmpty)
        let key = Self.secret.key(receiving: "capulet.example", originating: "montague.example", streamID: "s1")
        let early = DialbackElement(.result, from: "montague.example", to: "capulet.example", key: key).element
        #expect(streamError(stream.elementReceived(early)) == .policyViolation)
    }

    @Test func externalIsOfferedOnlyForACertificateValidForThePeer() {
        let (_, valid) = afterTLS(certificateDomains: ["montague.example"])
        #expect(valid?.mechanisms == ["EXTERNAL"])
        let (_, other) = afterTLS(certificateDomains: ["elsewhere.example"])
        #expect(other?.mechanisms.isEmpty == true)
        #expect(other?.extensions.contains { $0.namespace == Namespace.dialbackFeature } == true)
        let (_, strict) = afterTLS(certificateDomains: [], dialback: false)
        #expect(strict?.mechanisms.isEmpty == true)
        #expect(strict?.extensions.isEmpty == true)
    }

    @Test func saslExternalAuthenticatesThePeersDomain() {
        var (stream, _) = afterTLS(certificateDomains: ["montague.example"])
        // XEP-0178 §3: an authzid naming another domain is refused.
        let other = XMPPElement("auth", namespace: Namespace.sasl, ["mechanism": "EXTERNAL"], children: { Base64.encode(Array("elsewhere.example".utf8)) })
        guard case .send(let failure) = stream.elementReceived(other) else {
            Issue.record("a foreign authzid was not refused")
            return
        }
        #expect(failure.firstElement(named: "invalid-authzid") != nil)
        let auth = XMPPElement("auth", namespace: Namespace.sasl, ["mechanism": "EXTERNAL"], children: { "=" })
        guard case .authenticated(let domain, _) = stream.elementReceived(auth) else {
            Issue.record("EXTERNAL did not succeed")
            return
        }
        #expect(domain == "montague.example")
        // The restarted stream offers nothing more, and stanzas from the domain flow.
        guard case .sendHeaderAndFeatures(_, let features) = stream.streamHeaderReceived(header(), streamID: "s3") else { return }
        #expect(features == StreamFeatures())
        guard case .stanza(_, let from) = stream.elementReceived(message(from: "romeo@montague.example/orchard", to: "juliet@capulet.example")) else {
            Issue.record("a stanza from the authenticated domain was refused")
            return
        }
        #expect(from == "montague.example")
        // One domain never speaks for another.
        #expect(streamError(stream.elementReceived(message(from: "paris@verona.example", to: "juliet@capulet.example"))) == .invalidFrom)
    }

    @Test func externalWithoutAValidCertificateIsRefused() {
        var (stream, _) = afterTLS(certificateDomains: [])
        let auth = XMPPElement("auth", namespace: Namespace.sasl, ["mechanism": "EXTERNAL"], children: { "=" })
        guard case .send(let failure) = stream.elementReceived(auth) else {
            Issue.record("EXTERNAL without a certificate was not refused")
            return
        }
        #expect(failure.firstElement(named: "invalid-mechanism") != nil)
    }

    @Test func dialbackAuthenticatesAPairOnceTheAuthoritativeServerSaysValid() {
        var (stream, _) = afterTLS(certificateDomains: [])
        // Before verification nothing from the peer is accepted.
        var early = stream
        #expect(streamError(early.elementReceived(message(from: "romeo@montague.example", to: "juliet@capulet.example"))) == .invalidFrom)
        let key = "0123abcd"
        let request = DialbackElement(.result, from: "montague.example", to: "capulet.example", key: key).element
        guard case .verifyDialbackKey(let verify) = stream.elementReceived(request) else {
            Issue.record("the key was not sent for verification")
            return
        }
        // §2.1.2: asked of the Authoritative Server, about this stream's ID.
        #expect(verify == DialbackElement(.verify, from: "capulet.example", to: "montague.example", id: "s2", key: key))
        let answer = DialbackElement(.verify, from: "montague.example", to: "capulet.example", id: "s2", verdict: .valid)
        guard case .send(let result) = stream.dialbackVerified(answer) else {
            Issue.record("no result sent")
            return
        }
        #expect(DialbackElement(element: result) == DialbackElement(.result, from: "capulet.example", to: "montague.example", verdict: .valid))
        guard case .stanza = stream.elementReceived(message(from: "romeo@montague.example", to: "juliet@capulet.example")) else {
            Issue.record("a stanza after dialback was refused")
            return
        }
        // RFC 6120 §8.1.1.2: addresses are required between servers.
        #expect(streamError(stream.elementReceived(XMPPElement("message", namespace: Namespace.server, ["to": "juliet@capulet.example"]))) == .improperAddressing)
    }

    @Test func anInvalidKeyAuthenticatesNothing() {
        var (stream, _) = afterTLS(certificateDomains: [])
        _ = stream.elementReceived(DialbackElement(.result, from: "montague.example", to: "capulet.example", key: "bad").element)
        guard case .send(let result) = stream.dialbackVerified(
            DialbackElement(.verify, from: "montague.example", to: "capulet.example", id: "s2", verdict: .invalid)) else { return }
        #expect(DialbackElement(element: result)?.verdict == .invalid)
        #expect(stream.authenticatedPairs.isEmpty)
        #expect(streamError(stream.elementReceived(message(from: "romeo@montague.example", to: "juliet@capulet.example"))) == .invalidFrom)
    }

    @Test func dialbackCanBeRefusedByPolicyAndForUnhostedDomains() {
        var (strict, _) = afterTLS(certificateDomains: [], dialback: false)
        guard case .send(let refused) = strict.elementReceived(
            DialbackElement(.result, from: "montague.example", to: "capulet.example", key: "k").element) else { return }
        #expect(DialbackElement(element: refused)?.verdict == .error)
        #expect(DialbackElement(element: refused)?.error?.condition == .notAuthorized)
        var (stream, _) = afterTLS(certificateDomains: [])
        guard case .send(let unknown) = stream.elementReceived(
            DialbackElement(.result, from: "montague.example", to: "verona.example", key: "k").element) else { return }
        #expect(DialbackElement(element: unknown)?.error?.condition == .itemNotFound)
    }

    @Test func verifyRequestsAreAnsweredFromTheSecret() {
        var (stream, _) = afterTLS(certificateDomains: [])
        // This server made a key for capulet.example → montague.example on stream X1.
        let key = Self.secret.key(receiving: "montague.example", originating: "capulet.example", streamID: "X1")
        let good = DialbackElement(.verify, from: "montague.example", to: "capulet.example", id: "X1", key: key).element
        guard case .send(let valid) = stream.elementReceived(good) else { return }
        #expect(DialbackElement(element: valid) == DialbackElement(.verify, from: "capulet.example", to: "montague.example", id: "X1", verdict: .valid))
        let replayed = DialbackElement(.verify, from: "montague.example", to: "capulet.example", id: "X2", key: key).element
        guard case .send(let invalid) = stream.elementReceived(replayed) else { return }
        #expect(DialbackElement(element: invalid)?.verdict == .invalid)
    }
}
