import XMPPCore

extension ClientNegotiationStateMachine {
    /// XEP-0440's namespace: `<sasl-channel-binding/>` lists the channel binding
    /// types the server accepts.
    static let channelBindingCapabilityNamespace = Namespace.saslChannelBinding

    /// `<stream:features/>` (RFC 6120 §4.3.2): the next step depends on how far
    /// negotiation has come — TLS, then SASL, then binding.
    mutating func featuresReceived(_ features: XMPPElement, context: Context) -> Action {
        if !context.tlsActive {
            let offer = features.firstElement(named: "starttls", namespace: Namespace.tls)
            switch configuration.tls {
            case .startTLS:
                guard offer != nil else {
                    state = .closed
                    return .closeStream(sending: nil, failure: .tlsNotOffered())
                }
                state = .awaitingProceed(context)
                return .send(XMPPElement("starttls", namespace: Namespace.tls))
            case .plaintext, .trustedPlaintext:
                // RFC 6120 §5.3.1: a server may make TLS mandatory-to-negotiate.
                if offer?.firstElement(named: "required", namespace: Namespace.tls) != nil {
                    state = .closed
                    return .closeStream(sending: nil, failure: .tlsRequiredByServer())
                }
            case .direct:
                // start(channelBinding:) marks a direct TLS stream encrypted from the outset.
                break
            }
        }
        if !context.authenticated {
            return startAuthentication(features, context: context)
        }
        return requestBinding(features, context: context)
    }

    /// Starts SASL with the mechanisms offered (RFC 6120 §6.4.1, §6.4.2).
    private mutating func startAuthentication(_ features: XMPPElement, context: Context) -> Action {
        let offered = features.firstElement(named: "mechanisms", namespace: Namespace.sasl)
            .map(SASLMechanism.offeredNames(in:)) ?? []
        var exchange = SASLClientStateMachine(configuration: .init(
            username: configuration.jid.localpart ?? "",
            password: configuration.password,
            allowedMechanisms: configuration.allowedMechanisms,
            // Only a trusted loopback listener lets PLAIN go without TLS.
            tlsActive: context.tlsActive || configuration.tls == .trustedPlaintext,
            channelBinding: channelBinding(for: features, offered: offered, context: context),
            maximumIterations: configuration.maximumIterations,
            keyCache: configuration.scramKeyCache))
        state = .modifying
        let action = exchange.start(offeredMechanisms: offered)
        return saslActionReceived(action, context: context, exchange: exchange)
    }

    /// The binding data to hand the SASL machine, per ``ChannelBindingPolicy``.
    ///
    /// With `nil`, SCRAM sends the GS2 flag `n`; with data but no -PLUS offered, `y`
    /// (RFC 5802 §6), which lets a server that did offer -PLUS detect a downgrade.
    /// So data is withheld exactly when the server offers -PLUS for a binding
    /// type we cannot be sure it accepts.
    func channelBinding(for features: XMPPElement, offered: [String], context: Context) -> ChannelBinding? {
        guard let binding = context.channelBinding else { return nil }
        switch configuration.channelBinding {
        case .never:
            return nil
        case .wheneverOffered:
            return binding
        case .whenAdvertised:
            let namespace = Self.channelBindingCapabilityNamespace
            if let capability = features.firstElement(named: "sasl-channel-binding", namespace: namespace) {
                let types = capability.elements(named: "channel-binding", namespace: namespace)
                    .compactMap { $0[attribute: "type"] }
                return types.contains(binding.kind.rawValue) ? binding : nil
            }
            let offersPlus = offered.contains { SASLMechanism(wireName: $0)?.isPlus == true }
            return offersPlus ? nil : binding
        }
    }

    /// Performs what the SASL exchange asked for and puts the state back.
    mutating func saslActionReceived(
        _ action: SASLClientStateMachine.Action, context: Context, exchange: SASLClientStateMachine
    ) -> Action {
        switch action {
        case .sendAuth(let mechanism, let initialResponse):
            state = .authenticating(context, exchange)
            return .send(SASLElement.auth(mechanism: mechanism.wireName, initialResponse: initialResponse).element)
        case .sendResponse(let data):
            state = .authenticating(context, exchange)
            return .send(SASLElement.response(data).element)
        case .sendAbort:
            state = .authenticating(context, exchange)
            return .send(SASLElement.abort.element)
        case .authenticated:
            // RFC 6120 §6.4.6: the stream restarts, without the TLS layer changing.
            var next = context
            next.authenticated = true
            next.streamID = nil
            state = .awaitingHeader(next)
            return .restartStream(header(next))
        case .fail(let error):
            state = .closed
            return .closeStream(sending: nil, failure: .authenticationFailed(error))
        case .wait:
            state = .authenticating(context, exchange)
            return .wait
        }
    }

    /// Asks for a resource (RFC 6120 §7.5): the JID's resourcepart, or one the
    /// server makes when the JID is bare.
    private mutating func requestBinding(_ features: XMPPElement, context: Context) -> Action {
        var context = context
        context.offersStreamManagement = features.firstElement(named: "sm", namespace: Namespace.streamManagement) != nil
        if context.offersStreamManagement, let resumption = configuration.resumption {
            state = .resuming(context, features: features, jid: resumption.jid)
            return .send(StreamManagementElement.resume(previd: resumption.id, h: resumption.handled).element)
        }
        return bind(features, context: context)
    }

    /// XEP-0198 §5: `<resumed/>` goes on as established; `<failed/>` leaves the
    /// old session gone, and a resource is bound after all, on the same stream.
    mutating func resumptionAnswerReceived(_ element: XMPPElement, context: Context, features: XMPPElement, jid: JID) -> Action {
        switch try? StreamManagementElement(element) {
        case .resumed(_, let h):
            state = .established(context, jid: jid)
            return .resumed(jid, h: h)
        case .failed:
            return bind(features, context: context)
        default:
            state = .closed
            let error = StreamError(.unsupportedStanzaType, text: "expected <resumed/> or <failed/>")
            return .closeStream(
                sending: error, failure: .protocolViolation("expected <resumed/> or <failed/>, got <\(element.name)/>", sent: error))
        }
    }

    private mutating func bind(_ features: XMPPElement, context: Context) -> Action {
        guard features.firstElement(named: "bind", namespace: Namespace.bind) != nil else {
            state = .closed
            return .closeStream(sending: nil, failure: .protocolViolation("the server offers no resource binding", sent: nil))
        }
        // RFC 6121 Appendix E: servers may still list the RFC 3921 session feature;
        // only one not marked <optional/> must be requested.
        let session = features.firstElement(named: "session", namespace: Namespace.session)
        let needsSession = session.map { $0.firstElement(named: "optional", namespace: Namespace.session) == nil } ?? false
        var bind = XMPPElement("bind", namespace: Namespace.bind)
        if let resource = configuration.jid.resourcepart {
            bind.append(XMPPElement("resource", namespace: Namespace.bind, text: resource))
        }
        state = .binding(context, requestID: Self.bindRequestID, needsSession: needsSession)
        return .send(IQ(type: .set, id: Self.bindRequestID, payload: bind).element)
    }

    /// The answer to the bind request (RFC 6120 §7.6.1, §7.7).
    mutating func bindResponseReceived(_ iq: IQ, context: Context, needsSession: Bool) -> Action {
        if iq.type == .error {
            state = .closed
            return .closeStream(sending: nil, failure: .bindFailed(iq.error ?? StanzaError(.undefinedCondition), "resource binding"))
        }
        let text = iq.payload(named: "bind", namespace: Namespace.bind)?.childText("jid", namespace: Namespace.bind) ?? ""
        guard let jid = try? JID(Self.trimmed(text)), jid.isFull, jid.bare == configuration.jid.bare else {
            state = .closed
            return .closeStream(
                sending: nil, failure: .protocolViolation("the bind result holds no full JID of this account", sent: nil))
        }
        guard needsSession else {
            state = .established(context, jid: jid)
            return .established(jid)
        }
        state = .startingSession(context, requestID: Self.sessionRequestID, jid: jid)
        let request = IQ(
            type: .set, id: Self.sessionRequestID, to: configuration.jid.domain,
            payload: XMPPElement("session", namespace: Namespace.session))
        return .send(request.element)
    }

    /// `element` if it answers our negotiation request `id`: an IQ result or error
    /// with that id, from the server or the account itself (RFC 6120 §8.2.3).
    /// Anything else during binding is ignored.
    func responseToNegotiation(_ element: XMPPElement, id: String) -> IQ? {
        guard element.namespace == Namespace.client, let iq = IQ(element: element), iq.id == id,
              iq.type == .result || iq.type == .error else { return nil }
        if let from = iq.fromAttribute {
            guard let sender = try? JID(from),
                  sender == configuration.jid.domain || sender.bare == configuration.jid.bare else { return nil }
        }
        return iq
    }

    /// `text` without leading and trailing XML whitespace (XML 1.0 §2.3).
    private static func trimmed(_ text: String) -> String {
        let isWhitespace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" || $0 == "\r\n" }
        guard let start = text.firstIndex(where: { !isWhitespace($0) }),
              let end = text.lastIndex(where: { !isWhitespace($0) }) else { return "" }
        return String(text[start...end])
    }
}
