import Testing
import XMPPCore
@testable import XMPPStreams

/// Protocol traces of the client side of c2s negotiation against scripted server
/// elements, one RFC 6120 step per expectation.
@Suite("Client c2s negotiation (RFC 6120 §4-7)")
struct ClientNegotiationStateMachineTests {
    typealias Machine = ClientNegotiationStateMachine

    func machine(_ jid: String = "juliet@example.com/balcony", tls: Machine.TLSPolicy = .startTLS) -> Machine {
        Machine(configuration: NegotiationFixtures.client(jid: jid, tls: tls))
    }

    let serverHeader = StreamHeader(from: "example.com", id: "s1", version: "1.0", contentNamespace: Namespace.client)

    func features(_ children: XMPPElement...) -> XMPPElement {
        XMPPElement("features", namespace: Namespace.stream, children: children.map(XMPPNode.element))
    }

    var startTLSOffer: XMPPElement { XMPPElement("starttls", namespace: Namespace.tls) }
    var bindOffer: XMPPElement { XMPPElement("bind", namespace: Namespace.bind) }

    func session(optional: Bool) -> XMPPElement {
        XMPPElement("session", namespace: Namespace.session) {
            if optional { XMPPElement("optional", namespace: Namespace.session) }
        }
    }

    /// A machine that has authenticated and sent its restarted header.
    func authenticated(_ jid: String = "juliet@example.com/balcony") -> Machine {
        var client = machine(jid, tls: .plaintext)
        _ = client.start()
        _ = client.streamHeaderReceived(serverHeader)
        client.state = .awaitingHeader(.init(tlsActive: true, channelBinding: nil, authenticated: true, streamID: nil))
        _ = client.streamHeaderReceived(serverHeader)
        return client
    }

    func bindResult(_ jid: String, id: String = "bind_1", from: String? = nil) -> XMPPElement {
        XMPPElement("iq", namespace: Namespace.client, ["type": "result", "id": id, "from": from]) {
            XMPPElement("bind", namespace: Namespace.bind) { XMPPElement("jid", namespace: Namespace.bind, text: jid) }
        }
    }

    // MARK: Stream headers (§4.7)

    @Test func headerNamesTheDomainAndHidesTheAccountUntilTLS() throws {
        var client = machine()
        guard case .sendHeader(let header) = client.start() else {
            Issue.record("no header")
            return
        }
        #expect(header.to == "example.com")
        #expect(header.from == nil)
        #expect(header.version == "1.0")
        #expect(header.contentNamespace == Namespace.client)
        #expect(client.start() == .wait)

        var direct = machine(tls: .direct)
        guard case .sendHeader(let encrypted) = direct.start(channelBinding: nil) else {
            Issue.record("no header")
            return
        }
        #expect(encrypted.from == "juliet@example.com")
    }

    @Test func preVersionOneServerIsRefused() {
        var client = machine()
        _ = client.start()
        let old = StreamHeader(from: "example.com", id: "s1", version: nil, contentNamespace: Namespace.client)
        guard case .closeStream(let sent?, let failure?) = client.streamHeaderReceived(old) else {
            Issue.record("accepted a pre-1.0 stream")
            return
        }
        #expect(sent.condition == .unsupportedVersion)
        #expect(failure.code == .protocolViolation)
        #expect(client.isClosed)
    }

    @Test func serverStreamInTheWrongNamespaceIsRefused() {
        var client = machine()
        _ = client.start()
        let header = StreamHeader(from: "example.com", id: "s1", contentNamespace: Namespace.server)
        guard case .closeStream(let sent?, _) = client.streamHeaderReceived(header) else {
            Issue.record("accepted a jabber:server stream")
            return
        }
        #expect(sent.condition == .invalidNamespace)
    }

    @Test func streamIDIsKept() {
        var client = machine()
        _ = client.start()
        _ = client.streamHeaderReceived(serverHeader)
        #expect(client.streamID == "s1")
    }

    // MARK: STARTTLS (§5)

    @Test func startTLSIsRequestedAndProceedStartsTLS() {
        var client = machine()
        _ = client.start()
        _ = client.streamHeaderReceived(serverHeader)
        #expect(client.elementReceived(features(startTLSOffer)) == .send(startTLSOffer))
        #expect(client.elementReceived(XMPPElement("proceed", namespace: Namespace.tls)) == .startTLS)
        // §5.4.3.3: a stanza before the handshake is injected plaintext.
        var copy = client
        guard case .closeConnection(let failure?) = copy.elementReceived(XMPPElement("message", namespace: Namespace.client)) else {
            Issue.record("plaintext after proceed accepted")
            return
        }
        #expect(failure.code == .protocolViolation)
        guard case .sendHeader(let header) = client.tlsEstablished(channelBinding: nil) else {
            Issue.record("no header after TLS")
            return
        }
        #expect(header.from == "juliet@example.com")
    }

    @Test func startTLSFailureIsTLSRefused() {
        var client = machine()
        _ = client.start()
        _ = client.streamHeaderReceived(serverHeader)
        _ = client.elementReceived(features(startTLSOffer))
        #expect(client.elementReceived(XMPPElement("failure", namespace: Namespace.tls))
            == .closeStream(sending: nil, failure: .tlsRefused()))
    }

    @Test func plainIsChosenWithoutTLSOnlyForATrustedPlaintextListener() {
        let mechanisms = XMPPElement("mechanisms", namespace: Namespace.sasl) {
            XMPPElement("mechanism", namespace: Namespace.sasl, text: "PLAIN")
        }
        // Plain plaintext: the password would cross in the clear, so PLAIN is not used.
        var plaintext = Machine(configuration: NegotiationFixtures.client(tls: .plaintext, allowed: [.plain]))
        _ = plaintext.start()
        _ = plaintext.streamHeaderReceived(serverHeader)
        guard case .closeStream = plaintext.elementReceived(features(mechanisms)) else {
            Issue.record("PLAIN was used without TLS")
            return
        }
        // A trusted loopback listener allows it, as the server does there.
        var trusted = Machine(configuration: NegotiationFixtures.client(tls: .trustedPlaintext, allowed: [.plain]))
        _ = trusted.start()
        _ = trusted.streamHeaderReceived(serverHeader)
        guard case .send(let auth) = trusted.elementReceived(features(mechanisms)) else {
            Issue.record("PLAIN was not used on a trusted plaintext stream")
            return
        }
        #expect(auth.name == "auth")
        #expect(auth[attribute: "mechanism"] == "PLAIN")
    }

    @Test func plaintextAfterProceedDropsTheConnection() {
        var client = machine()
        _ = client.start()
        _ = client.streamHeaderReceived(serverHeader)
        _ = client.elementReceived(features(startTLSOffer))
        _ = client.elementReceived(XMPPElement("proceed", namespace: Namespace.tls))
        guard case .closeConnection(let failure?) = client.plaintextAfterProceed() else {
            Issue.record("not dropped")
            return
        }
        #expect(failure.code == .protocolViolation)
        #expect(client.tlsEstablished(channelBinding: nil) == .wait)
    }

    @Test func featuresAreRequiredAfterTheHeader() {
        var client = machine()
        _ = client.start()
        _ = client.streamHeaderReceived(serverHeader)
        guard case .closeStream(let sent?, let failure?) = client.elementReceived(XMPPElement("message", namespace: Namespace.client)) else {
            Issue.record("a stanza instead of features was accepted")
            return
        }
        #expect(sent.condition == .unsupportedStanzaType)
        #expect(failure.code == .protocolViolation)
    }

    // MARK: Binding (§7) and the legacy session

    @Test func requestedResourceIsBound() throws {
        var client = authenticated()
        guard case .send(let request) = client.elementReceived(features(bindOffer, session(optional: true))) else {
            Issue.record("no bind request")
            return
        }
        #expect(request[attribute: "type"] == "set")
        #expect(request.firstElement(named: "bind", namespace: Namespace.bind)?.childText("resource", namespace: Namespace.bind) == "balcony")
        let jid = try JID("juliet@example.com/balcony")
        // The optional session is skipped (RFC 6121 Appendix E).
        #expect(client.elementReceived(bindResult("juliet@example.com/balcony")) == .established(jid))
        #expect(client.boundJID == jid)
    }

    @Test func serverMayAssignAnotherResource() throws {
        var client = authenticated()
        _ = client.elementReceived(features(bindOffer))
        #expect(client.elementReceived(bindResult(" juliet@example.com/other\n")) == .established(try JID("juliet@example.com/other")))
    }

    @Test func mandatorySessionIsEstablishedAfterBinding() throws {
        var client = authenticated()
        _ = client.elementReceived(features(bindOffer, session(optional: false)))
        guard case .send(let request) = client.elementReceived(bindResult("juliet@example.com/balcony")) else {
            Issue.record("no session request")
            return
        }
        #expect(request.firstElement(named: "session", namespace: Namespace.session) != nil)
        #expect(request[attribute: "to"] == "example.com")
        #expect(!client.isEstablished)
        let result = XMPPElement("iq", namespace: Namespace.client, ["type": "result", "id": "session_1", "from": "example.com"])
        #expect(client.elementReceived(result) == .established(try JID("juliet@example.com/balcony")))
    }

    @Test func sessionErrorIsABindFailure() throws {
        var client = authenticated()
        _ = client.elementReceived(features(bindOffer, session(optional: false)))
        _ = client.elementReceived(bindResult("juliet@example.com/balcony"))
        var error = XMPPElement("iq", namespace: Namespace.client, ["type": "error", "id": "session_1"])
        error.append(StanzaError.internalServerError().element)
        guard case .closeStream(nil, let failure?) = client.elementReceived(error) else {
            Issue.record("session error ignored")
            return
        }
        #expect(failure.code == .bindFailed)
        #expect(failure.stanzaError?.condition == .internalServerError)
    }

    @Test func bindResultForAnotherAccountIsAViolation() {
        var client = authenticated()
        _ = client.elementReceived(features(bindOffer))
        guard case .closeStream(_, let failure?) = client.elementReceived(bindResult("romeo@example.com/balcony")) else {
            Issue.record("foreign JID accepted")
            return
        }
        #expect(failure.code == .protocolViolation)
    }

    @Test func answersFromOthersAreIgnoredDuringBinding() throws {
        var client = authenticated()
        _ = client.elementReceived(features(bindOffer))
        #expect(client.elementReceived(bindResult("juliet@example.com/balcony", from: "mallory@example.net")) == .wait)
        #expect(client.elementReceived(bindResult("juliet@example.com/balcony", id: "other")) == .wait)
        #expect(client.elementReceived(bindResult("juliet@example.com/balcony", from: "example.com")) == .established(try JID("juliet@example.com/balcony")))
    }

    @Test func missingBindFeatureIsAViolation() {
        var client = authenticated()
        guard case .closeStream(_, let failure?) = client.elementReceived(features()) else {
            Issue.record("no bind feature accepted")
            return
        }
        #expect(failure.code == .protocolViolation)
    }

    // MARK: Established session and closing (§4.4)

    func established() -> Machine {
        var client = authenticated()
        _ = client.elementReceived(features(bindOffer))
        _ = client.elementReceived(bindResult("juliet@example.com/balcony"))
        return client
    }

    @Test func stanzasAndNonzasAreHandedOn() {
        var client = established()
        let message = XMPPElement("message", namespace: Namespace.client, ["from": "romeo@example.net"])
        #expect(client.elementReceived(message) == .stanza(.message(Message(element: message)!)))
        let ack = XMPPElement("r", namespace: Namespace.streamManagement)
        #expect(client.elementReceived(ack) == .nonza(ack))
    }

    @Test func clientCloseWaitsForTheServer() {
        var client = established()
        #expect(client.closeRequested() == .sendClose)
        #expect(client.closeRequested() == .wait)
        // Stanzas still arrive until the server closes (RFC 6120 §4.4).
        let message = XMPPElement("message", namespace: Namespace.client)
        #expect(client.elementReceived(message) == .stanza(.message(Message(element: message)!)))
        #expect(client.streamClosedReceived() == .closeConnection(nil))
        #expect(client.isClosed)
    }

    @Test func closeTimesOut() {
        var client = established()
        _ = client.closeRequested()
        #expect(client.closeTimedOut() == .closeConnection(nil))
        #expect(client.closeTimedOut() == .wait)
    }

    @Test func serverCloseIsAnswered() {
        var client = established()
        #expect(client.streamClosedReceived() == .closeStream(sending: nil, failure: nil))
        #expect(client.isClosed)
    }

    @Test func serverCloseDuringNegotiationIsAFailure() {
        var client = machine()
        _ = client.start()
        _ = client.streamHeaderReceived(serverHeader)
        #expect(client.streamClosedReceived() == .closeStream(sending: nil, failure: .closedByServer()))
    }

    @Test func streamErrorEndsAnEstablishedSession() {
        var client = established()
        let error = StreamError(.conflict, text: "replaced by a new connection")
        guard case .closeStream(nil, let failure?) = client.elementReceived(error.element) else {
            Issue.record("stream error ignored")
            return
        }
        #expect(failure.code == .streamError)
        #expect(failure.streamError?.condition == .conflict)
    }

    @Test func parseErrorIsSentBack() {
        var client = established()
        let error = StreamError.notWellFormed("bad")
        #expect(client.parseFailed(error) == .closeStream(sending: error, failure: .protocolViolation("unreadable XML from the server: \(error)", sent: error)))
        #expect(client.parseFailed(error) == .wait)
    }

    @Test func negotiationTimeoutOnlyAffectsNegotiation() {
        var negotiating = machine()
        _ = negotiating.start()
        #expect(negotiating.negotiationTimedOut() == .closeStream(sending: nil, failure: .timedOut()))
        var bound = established()
        #expect(bound.negotiationTimedOut() == .wait)
        var idle = machine()
        #expect(idle.negotiationTimedOut() == .closeConnection(.timedOut()))
    }

    @Test func configurationNeverShowsThePassword() {
        let configuration = NegotiationFixtures.client(password: "s3cr3t-pa55")
        #expect(!configuration.description.contains("s3cr3t-pa55"))
        #expect(!String(reflecting: configuration).contains("s3cr3t-pa55"))
        var dumped = ""
        dump(configuration, to: &dumped)
        #expect(!dumped.contains("s3cr3t-pa55"))
    }
}
