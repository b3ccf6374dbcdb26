import XMPPCore

extension InboundServerStream {
    /// A stream header arrived: the first, or one after TLS or SASL restarted the stream.
    public mutating func streamHeaderReceived(_ header: StreamHeader, streamID: String) -> Action {
        guard case .awaitingHeader(let previous) = state else {
            state = .closed
            return .closeWithError(StreamError(.internalServerError, text: "unexpected stream header"), header: nil)
        }
        let domains: (local: String, peer: String)
        switch check(header, previous: previous) {
        case .failure(let error):
            state = .closed
            // RFC 6120 §4.9.1.2: our header goes first, even for an error.
            let to = header.from.flatMap { try? JID($0) }.map(\.domainpart)
            let from = header.to.flatMap { try? JID($0) }.map(\.domainpart).flatMap { configuration.hostedDomains.contains($0) ? $0 : nil }
            return .closeWithError(error, header: responseHeader(local: from, peer: to, streamID: streamID))
        case .success(let checked):
            domains = checked
        }
        var context = previous ?? Context(
            localDomain: domains.local, peerDomain: domains.peer, streamID: streamID,
            tlsActive: configuration.tls == .direct, certificateNames: directTLSCertificateNames, authenticated: [], pending: [])
        context.streamID = streamID
        let response = responseHeader(local: domains.local, peer: domains.peer, streamID: streamID)
        if !context.tlsActive, configuration.tls == .required {
            state = .offeredTLS(context)
            var features = StreamFeatures(startTLS: .required)
            if configuration.offersBidirectional {
                // XEP-0288 §2.1: advertised before TLS too.
                features.extensions.append(XMPPElement("bidi", namespace: Namespace.bidiFeature))
            }
            return .sendHeaderAndFeatures(response, features)
        }
        state = .open(context)
        return .sendHeaderAndFeatures(response, features(context))
    }

    /// TLS is up; `certificateNames` are the names (DNS-IDs, SRV-IDs, XmppAddrs,
    /// wildcards allowed) of the peer's certificate when it passed PKIX
    /// validation (RFC 6125), empty when it did not.
    public mutating func tlsEstablished(certificateNames: [String]) -> Action {
        guard case .startingTLS(var context) = state else { return .wait }
        context.tlsActive = true
        context.certificateNames = certificateNames
        state = .awaitingHeader(context)
        return .wait
    }

    /// On a direct-TLS listener (XEP-0368), the handshake that came before any
    /// XML is done; `certificateNames` as for ``tlsEstablished(certificateNames:)``.
    public mutating func directTLSEstablished(certificateNames: [String]) {
        guard case .awaitingHeader(nil) = state, configuration.tls == .direct else { return }
        directTLSCertificateNames = certificateNames
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
        case .open(let context):
            return openElementReceived(element, context: context)
        case .startingTLS:
            return close(StreamError(.policyViolation, text: "data after STARTTLS"))
        case .awaitingHeader:
            return close(StreamError(.notWellFormed, text: "element before the stream header"))
        case .closed:
            return .wait
        }
    }

    /// The Authoritative Server answered a ``Action/verifyDialbackKey(_:)``:
    /// `answer` is its `<db:verify type='…'/>` (from the peer domain to ours), or
    /// an error made by the driver when it could not be asked (XEP-0220 §2.4).
    public mutating func dialbackVerified(_ answer: DialbackElement) -> Action {
        guard case .open(var context) = state else { return .wait }
        let pair = DomainPair(peer: answer.from, local: answer.to)
        guard context.pending.remove(pair) != nil else { return .wait }
        let verdict = answer.verdict ?? .invalid
        if verdict == .valid {
            context.authenticated.insert(pair)
        }
        state = .open(context)
        return .send(DialbackElement(.result, from: pair.local, to: pair.peer, verdict: verdict, error: answer.error).element)
    }

    /// The peer closed its stream.
    public mutating func streamClosed() -> Action {
        guard !isClosed else { return .wait }
        state = .closed
        return .closeStream
    }

    /// The parser refused the input.
    public mutating func parseFailed(_ error: StreamError, streamID: String) -> Action {
        guard !isClosed else { return .wait }
        if case .awaitingHeader(nil) = state {
            state = .closed
            return .closeWithError(error, header: responseHeader(local: nil, peer: nil, streamID: streamID))
        }
        return close(error)
    }

    // MARK: The open stream

    private mutating func openElementReceived(_ element: XMPPElement, context: Context) -> Action {
        if isStartTLS(element) {
            guard !context.tlsActive, configuration.tls == .optional, context.authenticated.isEmpty else {
                state = .closed
                return .sendAndClose(XMPPElement("failure", namespace: Namespace.tls))
            }
            state = .startingTLS(context)
            return .startTLS
        }
        switch element.namespace {
        case Namespace.bidi where configuration.offersBidirectional && element.name == "bidi":
            // XEP-0288 §2.2: after TLS (when TLS is used), before or after authentication.
            var bidirectional = context
            bidirectional.bidirectional = true
            state = .open(bidirectional)
            return .wait
        case Namespace.sasl:
            return saslReceived(element, context: context)
        case Namespace.dialback:
            guard let dialback = DialbackElement(element: element) else {
                return close(StreamError(.badFormat, text: "a dialback element lacks 'from', 'to', 'id' or its key"))
            }
            return dialback.kind == .result
                ? dialbackResultReceived(dialback, context: context)
                : dialbackVerifyReceived(dialback, context: context)
        case Namespace.server:
            return stanzaReceived(element, context: context)
        default:
            return close(StreamError(.unsupportedStanzaType, text: "<\(element.name)/> is not handled on server streams"))
        }
    }

    /// RFC 6120 §6 with the EXTERNAL mechanism (RFC 4422 Appendix A, XEP-0178):
    /// the certificate must be valid for the domain the peer claims.
    private mutating func saslReceived(_ element: XMPPElement, context: Context) -> Action {
        guard element.name == "auth" else {
            return .send(saslFailure("aborted"))
        }
        guard element[attribute: "mechanism"] == "EXTERNAL", offersExternal(context) else {
            return .send(saslFailure("invalid-mechanism"))
        }
        // XEP-0178 §3: the authorization identity is the peer's domain, "=" or empty meaning that.
        let payload = element.text.trimmingXMLWhitespace()
        if !payload.isEmpty, payload != "=" {
            guard let decoded = Base64.decode(payload), String(decoding: decoded, as: UTF8.self) == context.peerDomain else {
                return .send(saslFailure("invalid-authzid"))
            }
        }
        var authenticated = context
        authenticated.authenticated.insert(DomainPair(peer: context.peerDomain, local: context.localDomain))
        state = .awaitingHeader(authenticated)
        return .authenticated(domain: context.peerDomain, success: XMPPElement("success", namespace: Namespace.sasl))
    }

    /// XEP-0220 §2.1.1: the Originating Server's key; asked of its Authoritative Server.
    private mutating func dialbackResultReceived(_ request: DialbackElement, context: Context) -> Action {
        guard request.key != nil else {
            return close(StreamError(.badFormat, text: "a dialback result without a key"))
        }
        let pair = DomainPair(peer: request.from, local: request.to)
        guard configuration.hostedDomains.contains(request.to) else {
            // §2.4: a domain we do not serve.
            return .send(DialbackElement(.result, from: request.to, to: request.from, verdict: .error,
                                         error: StanzaError.itemNotFound()).element)
        }
        guard configuration.allowsDialback else {
            return .send(DialbackElement(.result, from: request.to, to: request.from, verdict: .error,
                                         error: StanzaError.notAuthorized("dialback is not allowed; a valid certificate is required")).element)
        }
        guard (try? JID(request.from))?.isDomain == true else {
            return close(StreamError(.invalidFrom, text: "the dialback 'from' is not a domain"))
        }
        if context.authenticated.contains(pair) {
            return .send(DialbackElement(.result, from: pair.local, to: pair.peer, verdict: .valid).element)
        }
        var waiting = context
        waiting.pending.insert(pair)
        state = .open(waiting)
        return .verifyDialbackKey(DialbackElement(.verify, from: request.to, to: request.from, id: context.streamID, key: request.key))
    }

    /// XEP-0220 §2.2: this server is the Authoritative Server for `to` and says
    /// whether the key is one it made.
    private func dialbackVerifyReceived(_ request: DialbackElement, context: Context) -> Action {
        guard let key = request.key, let id = request.id else { return .wait }
        guard configuration.hostedDomains.contains(request.to) else {
            return .send(DialbackElement(.verify, from: request.to, to: request.from, id: id, verdict: .error,
                                         error: StanzaError.itemNotFound()).element)
        }
        let valid = configuration.dialbackSecret.verify(key, receiving: request.from, originating: request.to, streamID: id)
        return .send(DialbackElement(.verify, from: request.to, to: request.from, id: id, verdict: valid ? .valid : .invalid).element)
    }

    /// RFC 6120 §8.1.1.2, §8.1.2.2: server stanzas carry `to` and `from`, and the
    /// `from` domain must be authenticated for the `to` domain (§4.9.3.9).
    private mutating func stanzaReceived(_ element: XMPPElement, context: Context) -> Action {
        guard let stanza = Stanza(element: element) else {
            return close(StreamError(.unsupportedStanzaType, text: "<\(element.name)/> is not a stanza"))
        }
        guard let rawTo = stanza.toAttribute, let rawFrom = stanza.fromAttribute else {
            return close(StreamError(.improperAddressing, text: "stanzas between servers need 'to' and 'from'"))
        }
        guard let from = try? JID(rawFrom) else {
            return close(StreamError(.invalidFrom, text: "'from' is not a valid JID"))
        }
        guard let to = try? JID(rawTo) else {
            return close(StreamError(.improperAddressing, text: "'to' is not a valid JID"))
        }
        guard configuration.hostedDomains.contains(to.domainpart) else {
            return close(StreamError(.hostUnknown, text: "this server does not serve \(to.domainpart)"))
        }
        guard context.authenticated.contains(DomainPair(peer: from.domainpart, local: to.domainpart)) else {
            return close(StreamError(.invalidFrom, text: "\(from.domainpart) is not authenticated on this stream"))
        }
        return .stanza(stanza, from: from.domainpart)
    }

    // MARK: Helpers

    /// RFC 6120 §4.7, §4.9.3 for servers: version 1.0, `jabber:server`, a hosted
    /// `to` (`host-unknown`), a domain `from` (`invalid-from`), the same after a restart.
    func check(_ header: StreamHeader, previous: Context?) -> Result<(local: String, peer: String), StreamError> {
        guard let version = header.version, let major = Int(version.prefix { $0 != "." }), major == 1 else {
            return .failure(StreamError(.unsupportedVersion, text: "XMPP 1.0 streams only"))
        }
        guard header.contentNamespace == Namespace.server else {
            return .failure(StreamError(.invalidNamespace, text: "the content namespace must be jabber:server"))
        }
        guard let to = header.to.flatMap({ try? JID($0) }), to.isDomain, configuration.hostedDomains.contains(to.domainpart) else {
            return .failure(StreamError(.hostUnknown, text: "this server does not serve that domain"))
        }
        guard let from = header.from.flatMap({ try? JID($0) }), from.isDomain else {
            return .failure(StreamError(.invalidFrom, text: "a server stream needs a domain in 'from'"))
        }
        if let previous, previous.localDomain != to.domainpart || previous.peerDomain != from.domainpart {
            return .failure(StreamError(.invalidFrom, text: "a restarted stream must be between the same domains"))
        }
        return .success((to.domainpart, from.domainpart))
    }

    func responseHeader(local: String?, peer: String?, streamID: String) -> StreamHeader {
        StreamHeader(
            to: peer, from: local, id: streamID, version: "1.0", language: configuration.language,
            contentNamespace: Namespace.server,
            prefixes: [NamespaceBinding(prefix: "stream", namespace: Namespace.stream),
                       NamespaceBinding(prefix: "db", namespace: Namespace.dialback)])
    }

    /// The features of an open stream: EXTERNAL when the certificate is valid
    /// for the peer's domain, dialback when allowed, STARTTLS when optional and off.
    func features(_ context: Context) -> StreamFeatures {
        let pair = DomainPair(peer: context.peerDomain, local: context.localDomain)
        guard !context.authenticated.contains(pair) else { return StreamFeatures() }
        var features = StreamFeatures()
        if !context.tlsActive, configuration.tls == .optional {
            features.startTLS = .optional
        }
        if offersExternal(context) {
            features.mechanisms = ["EXTERNAL"]
        }
        if configuration.allowsDialback {
            features.extensions.append(XMPPElement("dialback", namespace: Namespace.dialbackFeature) {
                XMPPElement("errors", namespace: Namespace.dialbackFeature)
            })
        }
        if configuration.offersBidirectional {
            features.extensions.append(XMPPElement("bidi", namespace: Namespace.bidiFeature))
        }
        return features
    }

    func offersExternal(_ context: Context) -> Bool {
        context.tlsActive && CertificateName.anyMatches(context.certificateNames, domain: context.peerDomain)
    }

    private func saslFailure(_ condition: String) -> XMPPElement {
        XMPPElement("failure", namespace: Namespace.sasl) { XMPPElement(condition, namespace: Namespace.sasl) }
    }

    private func isStartTLS(_ element: XMPPElement) -> Bool {
        element.name == "starttls" && element.namespace == Namespace.tls
    }

    private mutating func close(_ error: StreamError) -> Action {
        state = .closed
        return .closeWithError(error, header: nil)
    }
}
