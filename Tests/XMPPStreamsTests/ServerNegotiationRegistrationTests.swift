import Testing
import XMPPCore
@testable import XMPPStreams

/// XEP-0077 §3.1 and §4 in the server's negotiation: the one stanza accepted
/// before authentication, and only where registration is open and the stream
/// confidential.
extension ServerNegotiationStateMachineTests {
    func registrationRequest(_ type: IQType = .set, id: String? = "reg1", to: String? = nil) -> XMPPElement {
        XMPPElement("iq", namespace: Namespace.client, ["type": type.rawValue, "id": id, "to": to]) {
            XMPPElement("query", namespace: Namespace.register) {
                XMPPElement("username", namespace: Namespace.register, text: "benvolio")
                XMPPElement("password", namespace: Namespace.register, text: "m3rcut10")
            }
        }
    }

    /// The features of a fresh stream, after STARTTLS for a listener that offers it.
    func firstFeatures(_ server: inout ServerNegotiationStateMachine, startTLS: Bool = false) -> StreamFeatures? {
        guard case .sendHeaderAndFeatures(_, let features) = server.streamHeaderReceived(header(), streamID: "s1") else { return nil }
        guard startTLS else { return features }
        _ = server.elementReceived(XMPPElement("starttls", namespace: Namespace.tls))
        _ = server.tlsEstablished(channelBinding: nil)
        guard case .sendHeaderAndFeatures(_, let secured) = server.streamHeaderReceived(header(), streamID: "s2") else { return nil }
        return secured
    }

    /// The stanza error of a refused registration; nil for any other action.
    func refusal(_ action: ServerNegotiationStateMachine.Action) -> StanzaError? {
        if case .refuseRegistration(_, let error) = action { return error }
        return nil
    }

    /// The stream error the stream closes with; nil for any other action.
    func streamError(_ action: ServerNegotiationStateMachine.Action) -> StreamError? {
        if case .closeWithError(let error, _) = action { return error }
        return nil
    }

    func offersRegistration(_ features: StreamFeatures?) -> Bool {
        features?.extensions.contains { $0.name == "register" && $0.namespace == Namespace.registerFeature } == true
    }

    @Test func registrationFeatureIsOfferedOnlyWhenOpenOnConfidentialStreams() {
        var direct = machine(tls: .direct, registration: true)
        #expect(offersRegistration(firstFeatures(&direct)))
        var trusted = machine(tls: .trustedPlaintext, registration: true)
        #expect(offersRegistration(firstFeatures(&trusted)))
        var afterStartTLS = machine(tls: .required, registration: true)
        #expect(offersRegistration(firstFeatures(&afterStartTLS, startTLS: true)))
        // XEP-0077 §8: never where the password would travel in the clear.
        var plaintext = machine(tls: .optional, registration: true)
        #expect(!offersRegistration(firstFeatures(&plaintext)))
        var required = machine(tls: .required, registration: true)
        #expect(!offersRegistration(firstFeatures(&required)))
        // Off by default.
        var closed = machine(tls: .direct)
        #expect(!offersRegistration(firstFeatures(&closed)))
    }

    @Test func registrationRequestGoesToTheDriverThenTheClientLogsIn() throws {
        var server = machine(tls: .direct, registration: true)
        let features = try #require(firstFeatures(&server))
        let request = registrationRequest(to: "example.com")
        #expect(server.elementReceived(request) == .register(IQ(element: request)!, domain: try JID("example.com")))
        let result = IQ(type: .result, id: "reg1")
        #expect(server.registrationAnswered(result) == .send(result.element))
        // §3.1.1: the new account then authenticates on the same stream.
        #expect(authenticate(&server, username: "benvolio", offered: features.mechanisms).isAuthenticated)
    }

    @Test func formRequestAndRepeatedRequestsAreAllowedBeforeAuthentication() throws {
        var server = machine(tls: .trustedPlaintext, registration: true)
        _ = try #require(firstFeatures(&server))
        guard case .register(let iq, _) = server.elementReceived(registrationRequest(.get, id: "form")) else {
            Issue.record("the form request was not handed over")
            return
        }
        #expect(iq.type == .get)
        _ = server.registrationAnswered(iq.result())
        guard case .register = server.elementReceived(registrationRequest(.set, id: "again")) else {
            Issue.record("a second request was not handed over")
            return
        }
    }

    @Test func closedRegistrationIsNotAllowedAndTheStreamGoesOn() throws {
        var server = machine(tls: .direct)
        _ = try #require(firstFeatures(&server))
        guard case .refuseRegistration(let reply, let error) = server.elementReceived(registrationRequest()) else {
            Issue.record("registration was not refused")
            return
        }
        #expect(error.condition == .notAllowed)
        #expect(reply[attribute: "type"] == "error")
        #expect(reply[attribute: "id"] == "reg1")
        // The password is not sent back.
        #expect(reply.firstElement(named: "query", namespace: Namespace.register) == nil)
        #expect(!server.isClosed)
    }

    @Test func registrationInPlaintextIsNotAllowed() throws {
        var server = machine(tls: .optional, registration: true)
        _ = try #require(firstFeatures(&server))
        #expect(refusal(server.elementReceived(registrationRequest()))?.condition == .notAllowed)
    }

    @Test func registrationRequestWithoutAnIDIsABadRequest() throws {
        var server = machine(tls: .direct, registration: true)
        _ = try #require(firstFeatures(&server))
        #expect(refusal(server.elementReceived(registrationRequest(id: nil)))?.condition == .badRequest)
    }

    struct RefusedCase: Sendable, CustomTestStringConvertible {
        var testDescription: String
        var element: XMPPElement
    }

    /// RFC 6120 §4.9.3.12: anything else before authentication still ends the stream.
    @Test(arguments: [
        RefusedCase(testDescription: "roster request", element: XMPPElement("iq", namespace: Namespace.client, ["type": "get", "id": "x"]) {
            XMPPElement("query", namespace: Namespace.roster)
        }),
        RefusedCase(testDescription: "registration with another host", element: XMPPElement("iq", namespace: Namespace.client, ["type": "set", "id": "x", "to": "example.net"]) {
            XMPPElement("query", namespace: Namespace.register)
        }),
        RefusedCase(testDescription: "registration result", element: XMPPElement("iq", namespace: Namespace.client, ["type": "result", "id": "x"]) {
            XMPPElement("query", namespace: Namespace.register)
        }),
    ])
    func otherStanzasBeforeAuthenticationAreNotAuthorized(_ testCase: RefusedCase) throws {
        var server = machine(tls: .direct, registration: true)
        _ = try #require(firstFeatures(&server))
        #expect(streamError(server.elementReceived(testCase.element))?.condition == .notAuthorized)
    }

    @Test func registrationDuringASASLExchangeIsNotAuthorized() throws {
        var server = machine(tls: .direct, registration: true)
        _ = try #require(firstFeatures(&server))
        _ = server.elementReceived(SASLElement.auth(mechanism: "SCRAM-SHA-256", initialResponse: nil).element)
        #expect(streamError(server.elementReceived(registrationRequest()))?.condition == .notAuthorized)
    }

    @Test func answerAfterTheStreamEndedIsDropped() throws {
        var server = machine(tls: .direct, registration: true)
        _ = try #require(firstFeatures(&server))
        _ = server.elementReceived(registrationRequest())
        _ = server.negotiationTimedOut(streamID: "s1")
        #expect(server.registrationAnswered(IQ(type: .result, id: "reg1")) == .wait)
    }

    @Test func afterBindingARegistrationRequestIsAStanzaForTheModules() throws {
        var server = try established()
        let request = registrationRequest()
        #expect(server.elementReceived(request) == .stanza(.iq(IQ(element: request)!)))
    }

    @Test func confidentialityIsReportedForPasswordChanges() throws {
        #expect(try established().isStreamConfidential)
        var plaintext = machine(tls: .optional)
        _ = plaintext.streamHeaderReceived(header(), streamID: "s1")
        #expect(!plaintext.isStreamConfidential)
        #expect(machine(tls: .trustedPlaintext).isStreamConfidential)
    }
}
