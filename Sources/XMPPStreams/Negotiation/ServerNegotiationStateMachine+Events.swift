import XMPPCore

extension ServerNegotiationStateMachine {
    /// A stream header arrived (the first, or one after a restart). `streamID` is a
    /// fresh, unpredictable ID the driver made (RFC 6120 §4.7.3: a new one after
    /// every restart).
    public mutating func streamHeaderReceived(_ header: StreamHeader, streamID: String) -> Action {
        guard case .awaitingHeader(let previous, let account) = state else {
            // The parser yields a header only at a stream's start; anything else is a driver bug
            // or a restart the peer forced without negotiating one.
            state = .closed
            return .closeWithError(StreamError(.internalServerError, text: "unexpected stream header"), header: nil)
        }
        let domain: JID
        switch checkHeader(header, previousDomain: previous?.domain) {
        case .failure(let error):
            state = .closed
            // §4.9.1.2: an error answering the initial header still opens our stream first.
            return .closeWithError(error, header: responseHeader(domain: nil, streamID: streamID, clientFrom: nil))
        case .success(let checked):
            domain = checked
        }
        var context = previous ?? Context(domain: domain, streamID: streamID, tlsActive: configuration.tls == .direct)
        context.streamID = streamID
        if context.tlsActive, context.channelBinding == nil {
            context.channelBinding = configuration.channelBindings[domain.domainpart]
        }
        let response = responseHeader(domain: domain, streamID: streamID, clientFrom: header.from)

        if let account {
            state = .awaitingBind(context, account: account)
            return .sendHeaderAndFeatures(response, postAuthenticationFeatures)
        }
        let features = preAuthenticationFeatures(context)
        if features.startTLS == .required {
            state = .offeredTLS(context)
        } else {
            state = .authenticating(context, exchange: nil, failures: 0)
        }
        return .sendHeaderAndFeatures(response, features)
    }

    /// A first-level element arrived.
    public mutating func elementReceived(_ element: XMPPElement) -> Action {
        switch state {
        case .offeredTLS(let context):
            guard isStartTLS(element) else {
                return close(StreamError(.policyViolation, text: "TLS is required before anything else"))
            }
            state = .startingTLS(context)
            return .startTLS

        case .authenticating(let context, let exchange, let failures):
            if isStartTLS(element) {
                guard exchange == nil, !context.tlsActive, configuration.tls == .optional else {
                    state = .closed
                    return .sendAndClose(XMPPElement("failure", namespace: Namespace.tls))
                }
                state = .startingTLS(context)
                return .startTLS
            }
            if exchange == nil, let request = registrationRequest(element, context: context) {
                return registrationRequested(request, context: context)
            }
            guard element.namespace == Namespace.sasl else {
                // §4.9.3.12: data before authentication is refused, unprocessed.
                return close(StreamError(.notAuthorized, text: "authenticate first"))
            }
            var running = exchange ?? SASLServerStateMachine(configuration: saslConfiguration(context))
            state = .modifying
            let action = running.elementReceived(element)
            return saslActionReceived(action, context: context, exchange: running, failures: failures)

        case .awaitingBind(let context, let account):
            if element.namespace == Namespace.streamManagement {
                return streamManagementBeforeBind(element, context: context, account: account)
            }
            guard let iq = IQ(element: element), element.namespace == Namespace.client,
                  let bind = iq.payload(named: "bind", namespace: Namespace.bind) else {
                // RFC 6120 §7.1: no stanzas before a resource is bound.
                return close(StreamError(.notAuthorized, text: "bind a resource first"))
            }
            guard iq.type == .set, let id = iq.id else {
                return .send(bindError(id: iq.id, StanzaError.badRequest("resource binding is an IQ set with an id")))
            }
            var requested: String?
            if let resource = bind.childText("resource", namespace: Namespace.bind), !resource.isEmpty {
                // RFC 6120 §7.7.2.1: a resourcepart RFC 7622 does not allow is a bad request.
                guard let prepared = try? account.withResource(resource), let part = prepared.resourcepart else {
                    return .send(bindError(id: id, StanzaError.badRequest("the resource is not a valid resourcepart")))
                }
                requested = part
            }
            state = .binding(context, account: account, requestID: id)
            return .bindResource(requested: requested)

        case .binding:
            return close(StreamError(.notAuthorized, text: "wait for the resource to be bound"))

        case .resuming:
            return close(StreamError(.notAuthorized, text: "wait for the session to be resumed"))

        case .established(let context, let jid):
            return establishedElementReceived(element, context: context, jid: jid)

        case .startingTLS:
            // §5.4.3.3: nothing may follow <starttls/> in plaintext.
            return close(StreamError(.policyViolation, text: "data after STARTTLS"))

        case .awaitingHeader:
            return close(StreamError(.notWellFormed, text: "element before the stream header"))

        case .closed:
            return .wait

        case .modifying:
            preconditionFailure("ServerNegotiationStateMachine is being modified")
        }
    }

    /// Storage answered a ``Action/lookUpCredentials(username:domain:hash:)``.
    public mutating func credentialsLookedUp(_ lookup: SASLCredentialLookup) -> Action {
        guard case .authenticating(let context, let exchange?, let failures) = state else { return .wait }
        var running = exchange
        state = .modifying
        let action = running.credentialsLookedUp(lookup)
        return saslActionReceived(action, context: context, exchange: running, failures: failures)
    }

    /// The TLS handshake after `<proceed/>` finished. `channelBinding` is the
    /// `tls-server-end-point` data for the -PLUS mechanisms; nil takes the domain's
    /// from ``Configuration/channelBindings``.
    public mutating func tlsEstablished(channelBinding: ChannelBinding? = nil) -> Action {
        guard case .startingTLS(var context) = state else { return .wait }
        context.tlsActive = true
        context.channelBinding = channelBinding ?? configuration.channelBindings[context.domain.domainpart]
        state = .awaitingHeader(context, authenticated: nil)
        return .wait
    }

    /// The session registry bound `jid` for the request (RFC 6120 §7.6.1).
    public mutating func resourceBound(_ jid: JID) -> Action {
        guard case .binding(let context, _, let requestID) = state else { return .wait }
        state = .established(context, jid: jid)
        var bind = XMPPElement("bind", namespace: Namespace.bind)
        bind.append(XMPPElement("jid", namespace: Namespace.bind, text: jid.description))
        let result = IQ(type: .result, id: requestID, payload: bind)
        return .established(jid, result: result.element)
    }

    /// The session registry refused the bind request (`resource-constraint`,
    /// `not-allowed`, `conflict`, RFC 6120 §7.7.2); the client may try again.
    public mutating func resourceBindingFailed(_ error: StanzaError) -> Action {
        guard case .binding(let context, let account, let requestID) = state else { return .wait }
        state = .awaitingBind(context, account: account)
        return .send(bindError(id: requestID, error))
    }

    /// The driver took over the detached session, bound as `jid` (XEP-0198 §5):
    /// stanzas flow as after binding. The driver writes `<resumed/>` and resends
    /// what the client had not acknowledged.
    public mutating func resumptionSucceeded(_ jid: JID) -> Action {
        guard case .resuming(let context, _) = state else { return .wait }
        state = .established(context, jid: jid)
        return .wait
    }

    /// The session could not be resumed: write this `<failed/>`; the client may
    /// bind a resource instead (XEP-0198 §5: without restarting the stream).
    public mutating func resumptionFailed(_ failed: XMPPElement) -> Action {
        guard case .resuming(let context, let account) = state else { return .wait }
        state = .awaitingBind(context, account: account)
        return .send(failed)
    }

    /// The client sent `</stream:stream>` (RFC 6120 §4.4).
    public mutating func streamClosed() -> Action {
        if case .closed = state { return .wait }
        state = .closed
        return .closeStream
    }

    /// The parser refused the input: the stream ends with its error, after our
    /// header if none was sent yet (RFC 6120 §4.9.1.2).
    public mutating func parseFailed(_ error: StreamError, streamID: String) -> Action {
        let headerSent: Bool
        switch state {
        case .awaitingHeader: headerSent = false
        case .closed: return .wait
        default: headerSent = true
        }
        state = .closed
        return .closeWithError(error, header: headerSent ? nil : responseHeader(domain: nil, streamID: streamID, clientFrom: nil))
    }

    /// Negotiation took longer than the server allows: `connection-timeout`
    /// (RFC 6120 §4.9.3.4). An established session is not affected.
    public mutating func negotiationTimedOut(streamID: String) -> Action {
        refuse(StreamError(.connectionTimeout, text: "negotiation took too long"), streamID: streamID)
    }

    /// The server ends a stream that has not been established, for a reason of its
    /// own (a limit, a timeout): the error, after our header if none went out yet
    /// (RFC 6120 §4.9.1.2), so even a client that sent nothing learns why.
    public mutating func refuse(_ error: StreamError, streamID: String) -> Action {
        switch state {
        case .established, .closed:
            return .wait
        case .awaitingHeader(let context, _):
            state = .closed
            let header = context == nil ? responseHeader(domain: nil, streamID: streamID, clientFrom: nil) : nil
            return .closeWithError(error, header: header)
        default:
            return close(error)
        }
    }

    // MARK: - Helpers

    private mutating func close(_ error: StreamError) -> Action {
        state = .closed
        return .closeWithError(error, header: nil)
    }

    private func isStartTLS(_ element: XMPPElement) -> Bool {
        element.name == "starttls" && element.namespace == Namespace.tls
    }

    /// Performs what the SASL exchange asked for and puts the state back.
    private mutating func saslActionReceived(
        _ action: SASLServerStateMachine.Action, context: Context, exchange: SASLServerStateMachine, failures: Int
    ) -> Action {
        switch action {
        case .sendChallenge(let data):
            state = .authenticating(context, exchange: exchange, failures: failures)
            return .send(SASLElement.challenge(data).element)
        case .lookUpCredentials(let username, let hash):
            state = .authenticating(context, exchange: exchange, failures: failures)
            return .lookUpCredentials(username: username, domain: context.domain.domainpart, hash: hash)
        case .sendSuccess(let account, let additionalData):
            state = .awaitingHeader(context, authenticated: account)
            return .authenticated(account, success: SASLElement.success(additionalData: additionalData).element)
        case .sendFailure(let failure):
            // An abort is the client's choice, not a failed attempt (RFC 6120 §6.4.4).
            let count = failure.condition == .aborted ? failures : failures + 1
            let element = SASLElement.failure(failure).element
            guard count <= configuration.maxAuthenticationRetries else {
                state = .closed
                return .failAuthenticationAndClose(
                    element, StreamError(.policyViolation, text: "too many failed authentication attempts"))
            }
            state = .authenticating(context, exchange: nil, failures: count)
            return .send(element)
        case .wait:
            state = .authenticating(context, exchange: exchange, failures: failures)
            return .wait
        }
    }

    /// Stream management after authentication and before binding: `<resume/>`
    /// goes to the driver; `<enable/>` must wait for a bound resource (XEP-0198
    /// §3, which lets the server enforce the order); acks have nothing to count yet.
    private mutating func streamManagementBeforeBind(_ element: XMPPElement, context: Context, account: JID) -> Action {
        let request: StreamManagementElement?
        do {
            request = try StreamManagementElement(element)
        } catch {
            return .send(StreamManagementElement.failed(error.condition, h: nil).element)
        }
        switch request {
        case .resume(let previd, let h):
            state = .resuming(context, account: account)
            return .resume(previd: previd, h: h, account: account)
        case .enable:
            return .send(StreamManagementElement.failed(.unexpectedRequest, h: nil).element)
        default:
            return close(StreamError(.notAuthorized, text: "bind a resource first"))
        }
    }

    /// An error reply to a bind request, with the `<bind/>` it was about.
    private func bindError(id: String?, _ error: StanzaError) -> XMPPElement {
        var reply = XMPPElement("iq", namespace: Namespace.client, ["type": "error", "id": id])
        reply.append(XMPPElement("bind", namespace: Namespace.bind))
        reply.append(error.element)
        return reply
    }

    /// The established session: stanzas go to the router; the legacy session IQ
    /// is answered here; a second bind is refused.
    private func establishedElementReceived(_ element: XMPPElement, context: Context, jid: JID) -> Action {
        guard element.namespace == Namespace.client, let stanza = Stanza(element: element) else {
            return .nonza(element)
        }
        if case .iq(let iq) = stanza, iq.type == .set, let id = iq.id {
            if iq.payload(named: "session", namespace: Namespace.session) != nil {
                // RFC 3921 §3: establishing a session is a no-op now (RFC 6121 Appendix E).
                return .send(IQ(type: .result, id: id, to: jid).element)
            }
            if iq.payload(named: "bind", namespace: Namespace.bind) != nil {
                return .send(bindError(id: id, StanzaError.notAllowed("a resource is already bound")))
            }
        }
        return .stanza(stanza)
    }
}
