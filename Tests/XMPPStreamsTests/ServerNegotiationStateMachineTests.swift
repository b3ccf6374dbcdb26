import Testing
import XMPPCore
@testable import XMPPStreams

/// Protocol traces of the server side of c2s negotiation, one RFC 6120 step per expectation.
@Suite("Server c2s negotiation (RFC 6120 §4-7)")
struct ServerNegotiationStateMachineTests {
    static let secret = [UInt8](repeating: 7, count: 32)
    static let credentials = try! SCRAMCredentials.derive(password: "r0m30myr0m30", hash: .sha256, iterations: 4096)

    func machine(
        tls: ServerNegotiationStateMachine.TLSMode = .required, retries: Int = 3, registration: Bool = false
    ) -> ServerNegotiationStateMachine {
        ServerNegotiationStateMachine(configuration: .init(
            hostedDomains: ["example.com", "example.net"], tls: tls, unknownUserSecret: Self.secret, iterations: 4096,
            maxAuthenticationRetries: retries, offersRegistration: registration))
    }

    func header(to: String? = "example.com", version: String? = "1.0", namespace: String = Namespace.client) -> StreamHeader {
        StreamHeader(to: to, from: "juliet@example.com", version: version, language: "en", contentNamespace: namespace)
    }

    /// Runs a SASL client against the machine until the server succeeds or fails.
    func authenticate(
        _ server: inout ServerNegotiationStateMachine, username: String = "juliet", password: String = "r0m30myr0m30",
        mechanisms: [SASLMechanism] = [.scramSHA256], offered: [String], tlsActive: Bool = true,
        lookup: SASLCredentialLookup? = nil
    ) -> ServerNegotiationStateMachine.Action {
        var client = SASLClientStateMachine(configuration: .init(
            username: username, password: password, allowedMechanisms: mechanisms, tlsActive: tlsActive))
        var clientAction = client.start(offeredMechanisms: offered)
        for _ in 0..<10 {
            let outgoing: XMPPElement
            switch clientAction {
            case .sendAuth(let mechanism, let initialResponse):
                outgoing = SASLElement.auth(mechanism: mechanism.wireName, initialResponse: initialResponse).element
            case .sendResponse(let data):
                outgoing = SASLElement.response(data).element
            default:
                Issue.record("client stopped with \(clientAction)")
                return .wait
            }
            var serverAction = server.elementReceived(outgoing)
            if case .lookUpCredentials = serverAction {
                serverAction = server.credentialsLookedUp(lookup ?? .found(Self.credentials))
            }
            guard case .send(let reply) = serverAction, reply.name == "challenge" else { return serverAction }
            clientAction = client.elementReceived(reply)
        }
        return .wait
    }

    /// Negotiates to an authenticated, restarted stream and returns the features offered then.
    func loggedIn(_ server: inout ServerNegotiationStateMachine) -> StreamFeatures? {
        _ = server.streamHeaderReceived(header(), streamID: "s1")
        _ = server.elementReceived(XMPPElement("starttls", namespace: Namespace.tls))
        _ = server.tlsEstablished(channelBinding: nil)
        guard case .sendHeaderAndFeatures(_, let features) = server.streamHeaderReceived(header(), streamID: "s2"),
              case .authenticated = authenticate(&server, offered: features.mechanisms),
              case .sendHeaderAndFeatures(_, let bound) = server.streamHeaderReceived(header(), streamID: "s3") else {
            return nil
        }
        return bound
    }

    func bindRequest(_ resource: String?, id: String = "bind_1") -> XMPPElement {
        XMPPElement("iq", namespace: Namespace.client, ["type": "set", "id": id]) {
            XMPPElement("bind", namespace: Namespace.bind) {
                if let resource { XMPPElement("resource", namespace: Namespace.bind, text: resource) }
            }
        }
    }

    // MARK: Stream headers (§4.7, §4.9.3)

    struct HeaderCase: Sendable, CustomTestStringConvertible {
        var to: String?
        var version: String?
        var namespace: String
        var condition: StreamError.Condition
        var testDescription: String { condition.rawValue }
    }

    @Test(arguments: [
        HeaderCase(to: "example.com", version: nil, namespace: Namespace.client, condition: .unsupportedVersion),
        HeaderCase(to: "example.com", version: "2.0", namespace: Namespace.client, condition: .unsupportedVersion),
        HeaderCase(to: "example.com", version: "1.0", namespace: Namespace.server, condition: .invalidNamespace),
        HeaderCase(to: "example.org", version: "1.0", namespace: Namespace.client, condition: .hostUnknown),
        HeaderCase(to: nil, version: "1.0", namespace: Namespace.client, condition: .hostUnknown),
        HeaderCase(to: "juliet@example.com", version: "1.0", namespace: Namespace.client, condition: .hostUnknown),
    ])
    func badHeadersCloseTheStreamAfterOpeningOurs(_ testCase: HeaderCase) {
        var server = machine()
        let action = server.streamHeaderReceived(header(to: testCase.to, version: testCase.version, namespace: testCase.namespace), streamID: "s1")
        guard case .closeWithError(let error, let opening) = action else {
            Issue.record("expected a stream error, got \(action)")
            return
        }
        #expect(error.condition == testCase.condition)
        // §4.9.1.2: the error still comes inside a stream we opened.
        #expect(opening?.id == "s1")
        #expect(server.isClosed)
    }

    @Test func versionOneDotAnythingIsAccepted() {
        var server = machine()
        guard case .sendHeaderAndFeatures(let response, _) = server.streamHeaderReceived(header(version: "1.1"), streamID: "s1") else {
            Issue.record("refused version 1.1")
            return
        }
        #expect(response.version == "1.0")
        #expect(response.from == "example.com")
        #expect(response.id == "s1")
        #expect(response.to == "juliet@example.com")
        #expect(response.contentNamespace == Namespace.client)
    }

    @Test func headerDomainIsNormalized() {
        var server = machine()
        guard case .sendHeaderAndFeatures(let response, _) = server.streamHeaderReceived(header(to: "EXAMPLE.com."), streamID: "s1") else {
            Issue.record("refused an unnormalized hosted domain")
            return
        }
        #expect(response.from == "example.com")
    }

    // MARK: STARTTLS (§5)

    @Test func requiredTLSIsOfferedAloneAndEnforced() {
        var server = machine(tls: .required)
        #expect(server.streamHeaderReceived(header(), streamID: "s1")
            == .sendHeaderAndFeatures(server.responseHeader(domain: try! JID("example.com"), streamID: "s1", clientFrom: "juliet@example.com"),
                                      StreamFeatures(startTLS: .required)))
        let auth = SASLElement.auth(mechanism: "PLAIN", initialResponse: Array("\0juliet\0x".utf8)).element
        guard case .closeWithError(let error, nil) = server.elementReceived(auth) else {
            Issue.record("auth before TLS was not refused")
            return
        }
        #expect(error.condition == .policyViolation)
    }

    @Test func startTLSRestartsTheStreamWithMechanisms() {
        var server = machine(tls: .required)
        _ = server.streamHeaderReceived(header(), streamID: "s1")
        #expect(server.elementReceived(XMPPElement("starttls", namespace: Namespace.tls)) == .startTLS)
        // §5.4.3.3: nothing may come in plaintext after <starttls/>.
        var copy = server
        guard case .closeWithError(let error, _) = copy.elementReceived(XMPPElement("presence", namespace: Namespace.client)) else {
            Issue.record("plaintext after STARTTLS was accepted")
            return
        }
        #expect(error.condition == .policyViolation)
        #expect(server.tlsEstablished(channelBinding: nil) == .wait)
        guard case .sendHeaderAndFeatures(let response, let features) = server.streamHeaderReceived(header(), streamID: "s2") else {
            Issue.record("no features after TLS")
            return
        }
        #expect(response.id == "s2")
        #expect(features.startTLS == nil)
        #expect(features.mechanisms.contains("SCRAM-SHA-256"))
        #expect(features.mechanisms.contains("PLAIN"))
        #expect(!features.mechanisms.contains { $0.hasSuffix("-PLUS") })
    }

    @Test func plusMechanismsAreOfferedOnlyWithChannelBinding() {
        var server = machine(tls: .direct)
        _ = server.streamHeaderReceived(header(), streamID: "s1")
        var withBinding = machine(tls: .required)
        _ = withBinding.streamHeaderReceived(header(), streamID: "s1")
        _ = withBinding.elementReceived(XMPPElement("starttls", namespace: Namespace.tls))
        _ = withBinding.tlsEstablished(channelBinding: .tlsServerEndPoint(data: [1, 2, 3]))
        guard case .sendHeaderAndFeatures(_, let features) = withBinding.streamHeaderReceived(header(), streamID: "s2") else {
            Issue.record("no features")
            return
        }
        #expect(features.mechanisms.first == "SCRAM-SHA-512-PLUS")
    }

    @Test func optionalTLSOffersSCRAMButNeverPLAINInPlaintext() {
        var server = machine(tls: .optional)
        guard case .sendHeaderAndFeatures(_, let features) = server.streamHeaderReceived(header(), streamID: "s1") else {
            Issue.record("no features")
            return
        }
        #expect(features.startTLS == .optional)
        #expect(features.mechanisms.contains("SCRAM-SHA-1"))
        #expect(!features.mechanisms.contains("PLAIN"))
        let plain = SASLElement.auth(mechanism: "PLAIN", initialResponse: Array("\0juliet\0r0m30myr0m30".utf8)).element
        guard case .send(let failure) = server.elementReceived(plain) else {
            Issue.record("PLAIN in plaintext was not refused")
            return
        }
        #expect(failure.firstElement(named: "encryption-required") != nil)
        // SCRAM is fine without TLS when TLS is optional.
        #expect(authenticate(&server, mechanisms: [.scramSHA256], offered: features.mechanisms, tlsActive: false)
            .isAuthenticated)
    }

    @Test func trustedPlaintextListenerAllowsPLAIN() {
        var server = machine(tls: .trustedPlaintext)
        guard case .sendHeaderAndFeatures(_, let features) = server.streamHeaderReceived(header(), streamID: "s1") else {
            Issue.record("no features")
            return
        }
        #expect(features.startTLS == nil)
        #expect(features.mechanisms.contains("PLAIN"))
        #expect(authenticate(&server, mechanisms: [.plain], offered: features.mechanisms, tlsActive: true).isAuthenticated)
    }

    @Test func startTLSTwiceFailsTheStream() {
        var server = machine(tls: .optional)
        _ = server.streamHeaderReceived(header(), streamID: "s1")
        _ = server.elementReceived(XMPPElement("starttls", namespace: Namespace.tls))
        _ = server.tlsEstablished(channelBinding: nil)
        _ = server.streamHeaderReceived(header(), streamID: "s2")
        // §5.4.2.2: STARTTLS that cannot proceed is a <failure/> and the end of the stream.
        #expect(server.elementReceived(XMPPElement("starttls", namespace: Namespace.tls))
            == .sendAndClose(XMPPElement("failure", namespace: Namespace.tls)))
    }

    // MARK: SASL (§6)

    @Test func scramLoginRestartsTheStreamWithBindOffered() throws {
        var server = machine()
        let features = try #require(loggedIn(&server))
        #expect(features.bind)
        #expect(features.mechanisms.isEmpty)
        #expect(features.extensions.first?.name == "session")
    }

    @Test func stanzasBeforeAuthenticationAreNotAuthorized() {
        var server = machine(tls: .direct)
        _ = server.streamHeaderReceived(header(), streamID: "s1")
        guard case .closeWithError(let error, _) = server.elementReceived(XMPPElement("message", namespace: Namespace.client)) else {
            Issue.record("stanza before auth accepted")
            return
        }
        #expect(error.condition == .notAuthorized)
    }

    @Test func wrongPasswordsAreCountedAndTheStreamClosesAfterTheRetries() {
        var server = machine(tls: .direct, retries: 2)
        guard case .sendHeaderAndFeatures(_, let features) = server.streamHeaderReceived(header(), streamID: "s1") else { return }
        for attempt in 1...2 {
            guard case .send(let failure) = authenticate(&server, password: "wrong", offered: features.mechanisms) else {
                Issue.record("attempt \(attempt) did not fail plainly")
                return
            }
            #expect(failure.firstElement(named: "not-authorized") != nil)
        }
        guard case .failAuthenticationAndClose(let failure, let error) = authenticate(&server, password: "wrong", offered: features.mechanisms) else {
            Issue.record("the stream stayed open after too many failures")
            return
        }
        #expect(failure.firstElement(named: "not-authorized") != nil)
        #expect(error.condition == .policyViolation)
        #expect(server.isClosed)
    }

    @Test func unknownUserFailsLikeAWrongPassword() {
        var server = machine(tls: .direct)
        guard case .sendHeaderAndFeatures(_, let features) = server.streamHeaderReceived(header(), streamID: "s1") else { return }
        guard case .send(let failure) = authenticate(&server, username: "nobody", offered: features.mechanisms, lookup: .noSuchUser) else {
            Issue.record("unknown user did not fail")
            return
        }
        #expect(failure.firstElement(named: "not-authorized") != nil)
    }

    @Test func abortDoesNotCountAsAFailedAttempt() {
        var server = machine(tls: .direct, retries: 0)
        _ = server.streamHeaderReceived(header(), streamID: "s1")
        _ = server.elementReceived(SASLElement.auth(mechanism: "SCRAM-SHA-256", initialResponse: nil).element)
        guard case .send(let failure) = server.elementReceived(SASLElement.abort.element) else {
            Issue.record("abort was not answered")
            return
        }
        #expect(failure.firstElement(named: "aborted") != nil)
        #expect(!server.isClosed)
    }

    // MARK: Resource binding (§7)

    @Test func clientChosenResourceIsBound() throws {
        var server = machine()
        _ = try #require(loggedIn(&server))
        #expect(server.elementReceived(bindRequest("balcony")) == .bindResource(requested: "balcony"))
        let full = try JID("juliet@example.com/balcony")
        guard case .established(let jid, let result) = server.resourceBound(full) else {
            Issue.record("not established")
            return
        }
        #expect(jid == full)
        #expect(result[attribute: "type"] == "result")
        #expect(result[attribute: "id"] == "bind_1")
        #expect(result.firstElement(named: "bind")?.childText("jid") == "juliet@example.com/balcony")
        #expect(server.boundJID == full)
    }

    @Test func serverGeneratedResourceIsRequestedWithNil() throws {
        var server = machine()
        _ = try #require(loggedIn(&server))
        #expect(server.elementReceived(bindRequest(nil)) == .bindResource(requested: nil))
    }

    @Test func invalidResourceIsABadRequestAndMayBeRetried() throws {
        var server = machine()
        _ = try #require(loggedIn(&server))
        guard case .send(let reply) = server.elementReceived(bindRequest("bad\u{7}resource")) else {
            Issue.record("invalid resource accepted")
            return
        }
        #expect(reply[attribute: "type"] == "error")
        #expect(StanzaError(element: try #require(reply.firstElement(named: "error")))?.condition == .badRequest)
        #expect(server.elementReceived(bindRequest("ok")) == .bindResource(requested: "ok"))
    }

    @Test func refusedBindingIsReportedAndMayBeRetried() throws {
        var server = machine()
        _ = try #require(loggedIn(&server))
        _ = server.elementReceived(bindRequest("balcony"))
        guard case .send(let reply) = server.resourceBindingFailed(StanzaError.resourceConstraint("too many resources")) else {
            Issue.record("refusal not sent")
            return
        }
        #expect(StanzaError(element: try #require(reply.firstElement(named: "error")))?.condition == .resourceConstraint)
        #expect(server.elementReceived(bindRequest("garden", id: "b2")) == .bindResource(requested: "garden"))
    }

    @Test func stanzasBeforeBindingAreNotAuthorized() throws {
        var server = machine()
        _ = try #require(loggedIn(&server))
        guard case .closeWithError(let error, _) = server.elementReceived(XMPPElement("presence", namespace: Namespace.client)) else {
            Issue.record("stanza before bind accepted")
            return
        }
        #expect(error.condition == .notAuthorized)
    }

    // MARK: Established session

    func established() throws -> ServerNegotiationStateMachine {
        var server = machine()
        _ = try #require(loggedIn(&server))
        _ = server.elementReceived(bindRequest("balcony"))
        _ = server.resourceBound(try JID("juliet@example.com/balcony"))
        return server
    }

    @Test func stanzasFlowOnceBound() throws {
        var server = try established()
        let message = XMPPElement("message", namespace: Namespace.client, ["to": "romeo@example.net"])
        #expect(server.elementReceived(message) == .stanza(.message(Message(element: message)!)))
        let nonza = XMPPElement("r", namespace: Namespace.streamManagement)
        #expect(server.elementReceived(nonza) == .nonza(nonza))
    }

    @Test func legacySessionRequestIsAnsweredForOldClients() throws {
        var server = try established()
        let session = XMPPElement("iq", namespace: Namespace.client, ["type": "set", "id": "sess_1"]) {
            XMPPElement("session", namespace: Namespace.session)
        }
        guard case .send(let result) = server.elementReceived(session) else {
            Issue.record("session not answered")
            return
        }
        #expect(result[attribute: "type"] == "result")
        #expect(result[attribute: "id"] == "sess_1")
    }

    @Test func secondBindIsNotAllowed() throws {
        var server = try established()
        guard case .send(let reply) = server.elementReceived(bindRequest("again", id: "b9")) else {
            Issue.record("second bind not refused")
            return
        }
        #expect(StanzaError(element: try #require(reply.firstElement(named: "error")))?.condition == .notAllowed)
    }

    @Test func clientCloseIsAnsweredWithOurs() throws {
        var server = try established()
        #expect(server.streamClosed() == .closeStream)
        #expect(server.isClosed)
        #expect(server.streamClosed() == .wait)
    }

    // MARK: Restarts, timeouts, parse errors

    @Test func restartForAnotherDomainIsRefused() {
        var server = machine()
        _ = server.streamHeaderReceived(header(to: "example.com"), streamID: "s1")
        _ = server.elementReceived(XMPPElement("starttls", namespace: Namespace.tls))
        _ = server.tlsEstablished(channelBinding: nil)
        guard case .closeWithError(let error, _) = server.streamHeaderReceived(header(to: "example.net"), streamID: "s2") else {
            Issue.record("domain switch accepted")
            return
        }
        #expect(error.condition == .hostUnknown)
    }

    @Test func negotiationTimeoutClosesWithConnectionTimeout() {
        var server = machine()
        _ = server.streamHeaderReceived(header(), streamID: "s1")
        guard case .closeWithError(let error, nil) = server.negotiationTimedOut(streamID: "s1") else {
            Issue.record("timeout ignored")
            return
        }
        #expect(error.condition == .connectionTimeout)
        var fresh = machine()
        guard case .closeWithError(_, let header?) = fresh.negotiationTimedOut(streamID: "s0") else {
            Issue.record("timeout before the header ignored")
            return
        }
        #expect(header.id == "s0")
    }

    @Test func timeoutDoesNotTouchAnEstablishedSession() throws {
        var server = try established()
        #expect(server.negotiationTimedOut(streamID: "x") == .wait)
    }

    @Test func parseErrorBeforeTheHeaderOpensOurStreamFirst() {
        var server = machine()
        guard case .closeWithError(let error, let header?) = server.parseFailed(StreamError(.notWellFormed), streamID: "s0") else {
            Issue.record("no header with the error")
            return
        }
        #expect(error.condition == .notWellFormed)
        #expect(header.id == "s0")
    }

    /// §4.9.1.2: a stream refused before the client's header carries our header
    /// first; after it, just the error.
    @Test func aRefusedStreamGetsTheErrorAfterOurHeaderIfNoneWentOut() {
        var fresh = machine()
        let refusal = StreamError(.policyViolation, text: "too many connections from your address")
        guard case .closeWithError(let error, let opening?) = fresh.refuse(refusal, streamID: "r1") else {
            Issue.record("no header and error before the client's header")
            return
        }
        #expect(error.condition == .policyViolation)
        #expect(opening.id == "r1")
        #expect(fresh.refuse(refusal, streamID: "r2") == .wait, "a closed stream is not refused twice")

        var started = machine()
        _ = started.streamHeaderReceived(header(), streamID: "s1")
        guard case .closeWithError(let later, nil) = started.refuse(refusal, streamID: "s1") else {
            Issue.record("no error, or a second header, after the stream started")
            return
        }
        #expect(later.condition == .policyViolation)
    }
}

extension ServerNegotiationStateMachine.Action {
    var isAuthenticated: Bool {
        if case .authenticated = self { return true }
        return false
    }
}
