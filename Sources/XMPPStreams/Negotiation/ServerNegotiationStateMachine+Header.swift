import XMPPCore

extension ServerNegotiationStateMachine {
    /// Checks an initial stream header (RFC 6120 §4.7, §4.9.3) and returns the
    /// hosted domain the stream is for.
    func checkHeader(_ header: StreamHeader, previousDomain: JID?) -> Result<JID, StreamError> {
        // §4.7.5: a missing version means a pre-1.0 peer; we speak 1.x only.
        guard let version = header.version, let major = Int(version.prefix { $0 != "." }), major == 1 else {
            return .failure(StreamError(.unsupportedVersion, text: "XMPP 1.0 streams only"))
        }
        // §4.8.2: the content namespace of a client stream is jabber:client.
        guard header.contentNamespace == Namespace.client else {
            return .failure(StreamError(.invalidNamespace, text: "the content namespace must be jabber:client"))
        }
        guard let to = header.to ?? configuration.defaultDomain else {
            return .failure(StreamError(.hostUnknown, text: "the stream header has no 'to'"))
        }
        guard let domain = try? JID(to), domain.isDomain else {
            return .failure(StreamError(.hostUnknown, text: "'to' must be a domain"))
        }
        // §4.9.3.6: a domain this server does not serve.
        guard configuration.hostedDomains.contains(domain.domainpart) else {
            return .failure(StreamError(.hostUnknown, text: "this server does not serve that domain"))
        }
        // §4.3.3: a restarted stream is for the same domain.
        if let previousDomain, previousDomain != domain {
            return .failure(StreamError(.hostUnknown, text: "a restarted stream must be for the same domain"))
        }
        return .success(domain)
    }

    /// The response header (RFC 6120 §4.7): from our domain, a fresh stream ID,
    /// version 1.0, and `to` the client's `from` when that is a valid JID (§4.7.2).
    func responseHeader(domain: JID?, streamID: String, clientFrom: String?) -> StreamHeader {
        let to = clientFrom.flatMap { try? JID($0) }?.description
        return StreamHeader(
            to: to, from: domain?.domainpart ?? configuration.defaultDomain, id: streamID, version: "1.0",
            language: configuration.language, contentNamespace: Namespace.client)
    }

    /// Whether the stream is confidential: TLS is up, or the listener is trusted.
    func isConfidential(_ context: Context) -> Bool {
        context.tlsActive || configuration.tls == .trustedPlaintext
    }

    /// The SASL settings for the current stream.
    func saslConfiguration(_ context: Context) -> SASLServerStateMachine.Configuration {
        SASLServerStateMachine.Configuration(
            domain: context.domain, tlsActive: isConfidential(context), channelBinding: context.channelBinding,
            allowedMechanisms: configuration.allowedMechanisms, unknownUserSecret: configuration.unknownUserSecret,
            unknownUserIterations: configuration.iterations)
    }

    /// The features for a stream that is not yet authenticated (RFC 6120 §5.3.1,
    /// §6.3.1): STARTTLS alone while TLS is required and not up; STARTTLS and the
    /// mechanisms when it is optional; the mechanisms once TLS is up.
    func preAuthenticationFeatures(_ context: Context) -> StreamFeatures {
        let mechanisms = saslConfiguration(context).offeredMechanisms.map(\.wireName)
        guard !context.tlsActive else {
            return StreamFeatures(mechanisms: mechanisms, extensions: channelBindingTypes(context) + registrationFeature(context))
        }
        switch configuration.tls {
        case .required:
            return StreamFeatures(startTLS: .required)
        case .optional:
            return StreamFeatures(startTLS: .optional, mechanisms: mechanisms)
        case .direct, .trustedPlaintext:
            return StreamFeatures(mechanisms: mechanisms, extensions: registrationFeature(context))
        }
    }

    /// XEP-0440: which channel binding types the -PLUS mechanisms accept here, so
    /// clients know `tls-server-end-point` is the one to use.
    func channelBindingTypes(_ context: Context) -> [XMPPElement] {
        guard let binding = context.channelBinding else { return [] }
        var types = XMPPElement("sasl-channel-binding", namespace: Namespace.saslChannelBinding)
        types.append(XMPPElement("channel-binding", namespace: Namespace.saslChannelBinding, ["type": binding.kind.rawValue]))
        return [types]
    }

    /// The features after authentication: `<bind/>`, the legacy session feature
    /// marked optional (RFC 6121 Appendix E, draft-cridland-xmpp-session) so old
    /// clients may still send the session IQ, and what modules contribute.
    var postAuthenticationFeatures: StreamFeatures {
        var session = XMPPElement("session", namespace: Namespace.session)
        session.append(XMPPElement("optional", namespace: Namespace.session))
        return StreamFeatures(bind: true, extensions: [session] + configuration.postAuthenticationFeatures)
    }
}
