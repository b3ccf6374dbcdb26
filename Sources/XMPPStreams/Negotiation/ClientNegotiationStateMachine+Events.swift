import XMPPCore

extension ClientNegotiationStateMachine {
    /// The connection is up: open the stream. For ``TLSPolicy/direct`` call this once
    /// the handshake is done, with the `tls-server-end-point` data of the server's
    /// certificate if it could be computed.
    public mutating func start(channelBinding: ChannelBinding? = nil) -> Action {
        guard case .idle = state else { return .wait }
        let direct = configuration.tls == .direct
        let context = Context(
            tlsActive: direct, channelBinding: direct ? channelBinding : nil, authenticated: false, streamID: nil)
        state = .awaitingHeader(context)
        return .sendHeader(header(context))
    }

    /// The server's stream header arrived (after each of our headers).
    public mutating func streamHeaderReceived(_ header: StreamHeader) -> Action {
        guard case .awaitingHeader(var context) = state else {
            return violation("a stream header out of place", sending: StreamError(.notWellFormed, text: "unexpected stream header"))
        }
        // RFC 6120 §4.7.5: a missing version is a pre-1.0 server; we speak 1.x only.
        guard let version = header.version, let major = Int(version.prefix { $0 != "." }), major == 1 else {
            return violation("the server does not speak XMPP 1.0", sending: StreamError(.unsupportedVersion))
        }
        // RFC 6120 §4.8.2: the content namespace of a client stream is jabber:client.
        guard header.contentNamespace == Namespace.client else {
            return violation("the server's stream is not jabber:client", sending: StreamError(.invalidNamespace))
        }
        context.streamID = header.id
        state = .awaitingFeatures(context)
        return .wait
    }

    /// A first-level element arrived.
    public mutating func elementReceived(_ element: XMPPElement) -> Action {
        if element.name == "error", element.namespace == Namespace.stream {
            return streamErrorReceived(StreamError(element: element) ?? StreamError(.undefinedCondition))
        }
        switch state {
        case .awaitingFeatures(let context):
            guard element.name == "features", element.namespace == Namespace.stream else {
                return violation("expected stream features, got <\(element.name)/>", sending: StreamError(.unsupportedStanzaType))
            }
            return featuresReceived(element, context: context)

        case .awaitingProceed(let context):
            guard element.namespace == Namespace.tls else {
                return violation("expected <proceed/>, got <\(element.name)/>", sending: StreamError(.unsupportedStanzaType))
            }
            if element.name == "proceed" {
                state = .startingTLS(context)
                return .startTLS
            }
            // RFC 6120 §5.4.2.2: <failure/>, and the server closes the stream.
            state = .closed
            return .closeStream(sending: nil, failure: .tlsRefused())

        case .authenticating(let context, var exchange):
            guard element.namespace == Namespace.sasl else {
                return violation("expected a SASL element, got <\(element.name)/>", sending: StreamError(.unsupportedStanzaType))
            }
            state = .modifying
            let action = exchange.elementReceived(element)
            return saslActionReceived(action, context: context, exchange: exchange)

        case .binding(let context, let requestID, let needsSession):
            guard let iq = responseToNegotiation(element, id: requestID) else { return .wait }
            return bindResponseReceived(iq, context: context, needsSession: needsSession)

        case .resuming(let context, let features, let jid):
            return resumptionAnswerReceived(element, context: context, features: features, jid: jid)

        case .startingSession(let context, let requestID, let jid):
            guard let iq = responseToNegotiation(element, id: requestID) else { return .wait }
            if iq.type == .error {
                state = .closed
                let error = iq.error ?? StanzaError(.undefinedCondition)
                return .closeStream(sending: nil, failure: .bindFailed(error, "session establishment"))
            }
            state = .established(context, jid: jid)
            return .established(jid)

        case .established, .closing:
            guard element.namespace == Namespace.client, let stanza = Stanza(element: element) else {
                return .nonza(element)
            }
            return .stanza(stanza)

        case .startingTLS:
            // RFC 6120 §5.4.3.3: nothing may follow <proceed/> in plaintext.
            return plaintextAfterProceed()

        case .idle, .awaitingHeader:
            return violation("an element before the stream header", sending: StreamError(.notWellFormed))

        case .closed:
            return .wait

        case .modifying:
            preconditionFailure("ClientNegotiationStateMachine is being modified")
        }
    }

    /// Bytes followed `<proceed/>` before the TLS handshake (RFC 6120 §5.4.3.3):
    /// someone injected plaintext, so the connection is dropped.
    public mutating func plaintextAfterProceed() -> Action {
        if case .closed = state { return .wait }
        state = .closed
        return .closeConnection(.protocolViolation("plaintext after <proceed/>", sent: nil))
    }

    /// The TLS handshake after ``Action/startTLS`` finished. `channelBinding` is the
    /// `tls-server-end-point` data of the server's certificate, when it could be computed.
    public mutating func tlsEstablished(channelBinding: ChannelBinding?) -> Action {
        guard case .startingTLS(var context) = state else { return .wait }
        context.tlsActive = true
        context.channelBinding = channelBinding
        context.streamID = nil
        state = .awaitingHeader(context)
        return .sendHeader(header(context))
    }

    /// The server sent `</stream:stream>` (RFC 6120 §4.4).
    public mutating func streamClosedReceived() -> Action {
        switch state {
        case .closing:
            state = .closed
            return .closeConnection(nil)
        case .established:
            state = .closed
            return .closeStream(sending: nil, failure: nil)
        case .idle, .awaitingHeader, .awaitingFeatures, .awaitingProceed, .startingTLS, .authenticating,
             .binding, .resuming, .startingSession:
            state = .closed
            return .closeStream(sending: nil, failure: .closedByServer())
        case .closed:
            return .wait
        case .modifying:
            preconditionFailure("ClientNegotiationStateMachine is being modified")
        }
    }

    /// The parser refused the server's bytes: the stream ends with its error.
    public mutating func parseFailed(_ error: StreamError) -> Action {
        violation("unreadable XML from the server: \(error)", sending: error)
    }

    /// The application wants the session to end (RFC 6120 §4.4).
    public mutating func closeRequested() -> Action {
        switch state {
        case .idle:
            state = .closed
            return .closeConnection(nil)
        case .established(_, let jid):
            state = .closing(jid: jid)
            return .sendClose
        case .awaitingHeader, .awaitingFeatures, .awaitingProceed, .authenticating, .binding, .resuming, .startingSession:
            state = .closing(jid: nil)
            return .sendClose
        case .startingTLS:
            // Mid-handshake there is no stream to close in order.
            state = .closed
            return .closeConnection(nil)
        case .closing, .closed:
            return .wait
        case .modifying:
            preconditionFailure("ClientNegotiationStateMachine is being modified")
        }
    }

    /// The server did not answer our `</stream:stream>` in time.
    public mutating func closeTimedOut() -> Action {
        guard case .closing = state else { return .wait }
        state = .closed
        return .closeConnection(nil)
    }

    /// Negotiation took longer than the driver allows. An established (or
    /// closing) session is not affected.
    public mutating func negotiationTimedOut() -> Action {
        switch state {
        case .established, .closing, .closed:
            return .wait
        case .idle, .startingTLS:
            state = .closed
            return .closeConnection(.timedOut())
        case .awaitingHeader, .awaitingFeatures, .awaitingProceed, .authenticating, .binding, .resuming, .startingSession:
            state = .closed
            return .closeStream(sending: nil, failure: .timedOut())
        case .modifying:
            preconditionFailure("ClientNegotiationStateMachine is being modified")
        }
    }

    // MARK: - Helpers

    /// The server's `<stream:error/>` ends everything (RFC 6120 §4.9.1.1).
    private mutating func streamErrorReceived(_ error: StreamError) -> Action {
        switch state {
        case .closed:
            return .wait
        case .closing:
            state = .closed
            return .closeConnection(nil)
        case .idle, .awaitingHeader, .awaitingFeatures, .awaitingProceed, .startingTLS, .authenticating,
             .binding, .resuming, .startingSession, .established:
            state = .closed
            return .closeStream(sending: nil, failure: .streamError(error))
        case .modifying:
            preconditionFailure("ClientNegotiationStateMachine is being modified")
        }
    }

    /// The server broke the protocol: tell it why and close.
    mutating func violation(_ detail: String, sending error: StreamError) -> Action {
        if case .closed = state { return .wait }
        state = .closed
        return .closeStream(sending: error, failure: .protocolViolation(detail, sent: error))
    }

    /// Our stream header: to the account's domain, from the bare JID once the
    /// stream is encrypted (RFC 6120 §4.7.1 lets a client leave `from` out before
    /// TLS, so the account is not revealed to eavesdroppers).
    func header(_ context: Context) -> StreamHeader {
        StreamHeader(
            to: configuration.jid.domainpart, from: context.tlsActive ? configuration.jid.bare.description : nil,
            version: "1.0", language: configuration.language, contentNamespace: Namespace.client)
    }
}
