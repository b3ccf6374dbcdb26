import XMPPCore

extension OutboundServerStream {
    /// The connection is open (and TLS up, for direct TLS): our header.
    public mutating func start() -> Action {
        guard case .idle = state else { return .wait }
        state = .awaitingHeader(tlsActive: configuration.directTLS, authenticated: false)
        return .sendHeader(header)
    }

    public mutating func streamHeaderReceived(_ peer: StreamHeader) -> Action {
        guard case .awaitingHeader(let tlsActive, let authenticated) = state else {
            return fail(.protocolViolation("unexpected stream header"))
        }
        guard peer.contentNamespace == Namespace.server else {
            return fail(.protocolViolation("the peer's stream is not jabber:server"))
        }
        guard let version = peer.version, version.hasPrefix("1.") else {
            return fail(.protocolViolation("the peer does not speak XMPP 1.0"))
        }
        // XEP-0220 §2.1.1: the key is made for the stream ID the Receiving Server gave.
        guard let id = peer.id, !id.isEmpty else {
            return fail(.protocolViolation("the peer's header has no stream ID"))
        }
        state = .awaitingFeatures(streamID: id, tlsActive: tlsActive, authenticated: authenticated)
        return .wait
    }

    public mutating func elementReceived(_ element: XMPPElement) -> Action {
        if element.name == "error", element.namespace == Namespace.stream {
            return fail(.streamError(StreamError(element: element) ?? StreamError(.undefinedCondition)))
        }
        switch state {
        case .awaitingFeatures(let streamID, let tlsActive, let authenticated):
            guard let features = StreamFeatures(element: element) else {
                return fail(.protocolViolation("<\(element.name)/> before stream features"))
            }
            return featuresReceived(features, element: element, streamID: streamID, tlsActive: tlsActive, authenticated: authenticated)
        case .awaitingProceed:
            guard element.namespace == Namespace.tls, element.name == "proceed" else {
                return fail(.tlsUnavailable)
            }
            state = .startingTLS
            return .startTLS
        case .authenticatingExternal(let streamID):
            guard element.namespace == Namespace.sasl else { return fail(.protocolViolation("<\(element.name)/> during SASL")) }
            if element.name == "success" {
                // RFC 6120 §6.4.6: both sides restart the stream.
                authenticatedWithCertificate = true
                state = .awaitingHeader(tlsActive: true, authenticated: true)
                return .sendHeader(header)
            }
            guard configuration.allowsDialback else { return fail(.externalRefused) }
            return sendDialbackKey(streamID: streamID)
        case .awaitingDialback(let streamID):
            if let answer = verifyAnswer(element) { return answer }
            guard let result = DialbackElement(element: element), result.kind == .result,
                  result.from == configuration.remoteDomain, result.to == configuration.localDomain
            else {
                return fail(.protocolViolation("<\(element.name)/> while waiting for the dialback result"))
            }
            guard result.verdict == .valid else { return fail(.dialbackRefused(result.error)) }
            state = .established(streamID: streamID)
            return .established
        case .established:
            if let answer = verifyAnswer(element) { return answer }
            // Without XEP-0288 the remote sends nothing else on our stream.
            guard isBidirectional, element.namespace == Namespace.server else {
                return fail(.protocolViolation("<\(element.name)/> on an outbound stream"))
            }
            return bidirectionalStanzaReceived(element)
        case .idle, .awaitingHeader, .startingTLS, .closed:
            return .wait
        }
    }

    public mutating func tlsEstablished() -> Action {
        guard case .startingTLS = state else { return .wait }
        state = .awaitingHeader(tlsActive: true, authenticated: false)
        return .sendHeader(header)
    }

    /// Sends a `<db:verify/>` request (we are a Receiving Server asking the
    /// remote domain, its Authoritative Server). Possible once the stream is
    /// open and, when required, encrypted; nil when it cannot go yet.
    public func sendVerify(_ request: DialbackElement) -> Action? {
        switch state {
        case .awaitingDialback, .established, .authenticatingExternal:
            return .send(request.element)
        case .awaitingFeatures(_, let tlsActive, _) where tlsActive || !configuration.requiresTLS:
            return .send(request.element)
        default:
            return nil
        }
    }

    public mutating func streamClosed() -> Action {
        guard !isClosed else { return .wait }
        state = .closed
        return .closeStream
    }

    // MARK: Helpers

    /// XEP-0288 §2.2: the peer may send only from its domain to ours, the
    /// reverse of the stream; anything else is another domain speaking
    /// (RFC 6120 §4.9.3.9, §4.9.3.14).
    private mutating func bidirectionalStanzaReceived(_ element: XMPPElement) -> Action {
        guard let stanza = Stanza(element: element) else {
            return fail(.refused(StreamError(.unsupportedStanzaType, text: "<\(element.name)/> is not a stanza")))
        }
        guard let from = stanza.fromAttribute.flatMap({ try? JID($0) }), let to = stanza.toAttribute.flatMap({ try? JID($0) }) else {
            return fail(.refused(StreamError(.improperAddressing, text: "stanzas between servers need 'to' and 'from'")))
        }
        guard from.domainpart == configuration.remoteDomain else {
            return fail(.refused(StreamError(.invalidFrom, text: "\(from.domainpart) is not authenticated on this stream")))
        }
        guard to.domainpart == configuration.localDomain else {
            return fail(.refused(StreamError(.hostUnknown, text: "this stream is for \(configuration.localDomain)")))
        }
        return .stanza(stanza)
    }

    private mutating func featuresReceived(
        _ features: StreamFeatures, element: XMPPElement, streamID: String, tlsActive: Bool, authenticated: Bool
    ) -> Action {
        let authentication = authenticationStep(features, element: element, streamID: streamID, tlsActive: tlsActive, authenticated: authenticated)
        // XEP-0288 §2.2: `<bidi/>` after TLS, before authentication.
        guard !authenticated, !isBidirectional, configuration.requestsBidirectional, tlsActive || !configuration.requiresTLS,
              element.firstElement(named: "bidi", namespace: Namespace.bidiFeature) != nil,
              case .send(let first) = authentication
        else { return authentication }
        isBidirectional = true
        return .sendInOrder([XMPPElement("bidi", namespace: Namespace.bidi), first])
    }

    private mutating func authenticationStep(
        _ features: StreamFeatures, element: XMPPElement, streamID: String, tlsActive: Bool, authenticated: Bool
    ) -> Action {
        if authenticated {
            state = .established(streamID: streamID)
            return .established
        }
        if !tlsActive {
            if features.startTLS != nil {
                state = .awaitingProceed(streamID: streamID)
                return .send(XMPPElement("starttls", namespace: Namespace.tls))
            }
            if configuration.requiresTLS { return fail(.tlsUnavailable) }
        }
        if tlsActive, configuration.canAuthenticateWithCertificate, features.mechanisms.contains("EXTERNAL") {
            state = .authenticatingExternal(streamID: streamID)
            // XEP-0178 §3: the authorization identity is our domain.
            return .send(XMPPElement("auth", namespace: Namespace.sasl, ["mechanism": "EXTERNAL"]) {
                Base64.encode(Array(configuration.localDomain.utf8))
            })
        }
        let offersDialback = element.firstElement(named: "dialback", namespace: Namespace.dialbackFeature) != nil
        guard configuration.allowsDialback, offersDialback else { return fail(.noAuthentication) }
        return sendDialbackKey(streamID: streamID)
    }

    private mutating func sendDialbackKey(streamID: String) -> Action {
        let key = configuration.dialbackSecret.key(
            receiving: configuration.remoteDomain, originating: configuration.localDomain, streamID: streamID)
        state = .awaitingDialback(streamID: streamID)
        return .send(DialbackElement(.result, from: configuration.localDomain, to: configuration.remoteDomain, key: key).element)
    }

    /// A `<db:verify type='…'/>` answering one of our requests.
    private func verifyAnswer(_ element: XMPPElement) -> Action? {
        guard let verify = DialbackElement(element: element), verify.kind == .verify, verify.verdict != nil else { return nil }
        return .verifyAnswered(verify)
    }

    private var header: StreamHeader {
        StreamHeader(
            to: configuration.remoteDomain, from: configuration.localDomain, version: "1.0",
            language: configuration.language, contentNamespace: Namespace.server,
            prefixes: [NamespaceBinding(prefix: "stream", namespace: Namespace.stream),
                       NamespaceBinding(prefix: "db", namespace: Namespace.dialback)])
    }

    private mutating func fail(_ failure: Failure) -> Action {
        state = .closed
        return .fail(failure)
    }
}
