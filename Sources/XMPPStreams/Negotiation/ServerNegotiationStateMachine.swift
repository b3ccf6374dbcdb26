import XMPPCore

/// The receiving entity's side of client-to-server stream negotiation (RFC 6120
/// §4 to §7), sans-I/O: the driver tells it what the parser produced and what
/// storage and the session registry answered, and performs each ``Action``.
///
/// The phases follow RFC 6120 §4.3: stream header and features, STARTTLS (§5),
/// stream restart, SASL (§6), stream restart, resource binding (§7), then the
/// established session, where stanzas are handed on. Every element a client may
/// send in the wrong phase becomes a stream error with the RFC's condition,
/// never a trap.
public struct ServerNegotiationStateMachine: Sendable {
    /// How a listener uses TLS.
    public enum TLSMode: Sendable, Hashable {
        /// STARTTLS is offered and must be negotiated before anything else (RFC 6120 §5.3.1).
        case required
        /// STARTTLS is offered; SCRAM may also be used without it (PLAIN never is).
        case optional
        /// The connection is TLS from its first byte (XEP-0368): no STARTTLS.
        case direct
        /// A listener an administrator marked as trusted (loopback, a benchmark): no
        /// TLS, and the stream is treated as confidential, so PLAIN is allowed.
        case trustedPlaintext
    }

    /// The listener's and server's settings the negotiation needs.
    public struct Configuration: Sendable {
        /// The domains this server hosts, normalized (lowercase, U-labels).
        public var hostedDomains: Set<String>
        /// The domain used when a client's header has no `to`; nil makes that `host-unknown`.
        public var defaultDomain: String?
        /// How TLS is used on this listener.
        public var tls: TLSMode
        /// SASL mechanisms server policy allows.
        public var allowedMechanisms: [SASLMechanism]
        /// See ``SASLServerStateMachine/Configuration/unknownUserSecret``.
        public var unknownUserSecret: [UInt8]
        /// The iteration count new accounts get, shown to unknown users too.
        public var iterations: Int
        /// Failed SASL exchanges allowed before the stream is closed with
        /// `policy-violation`. RFC 6120 §6.4.5 asks for between 2 and 5 retries.
        public var maxAuthenticationRetries: Int
        /// Features offered with `<bind/>` after authentication (stream management,
        /// client state indication, ...), contributed by modules.
        public var postAuthenticationFeatures: [XMPPElement]
        /// The `xml:lang` of the server's response header and of its error texts.
        public var language: String
        /// `tls-server-end-point` data of each hosted domain's certificate (RFC 5929),
        /// computed once at start; -PLUS mechanisms are offered on a TLS stream for a
        /// domain listed here.
        public var channelBindings: [String: ChannelBinding]
        /// Whether in-band registration (XEP-0077 §3.1) is open: on a confidential
        /// stream the `<register/>` feature is offered and a `jabber:iq:register`
        /// request before authentication goes to the driver; otherwise such a request
        /// is refused with `not-allowed`.
        public var offersRegistration: Bool

        public init(
            hostedDomains: Set<String>, defaultDomain: String? = nil, tls: TLSMode = .required,
            allowedMechanisms: [SASLMechanism] = SASLMechanism.allCases, unknownUserSecret: [UInt8],
            iterations: Int = SCRAMCredentials.defaultIterations, maxAuthenticationRetries: Int = 3,
            postAuthenticationFeatures: [XMPPElement] = [], language: String = "en",
            channelBindings: [String: ChannelBinding] = [:], offersRegistration: Bool = false
        ) {
            self.hostedDomains = hostedDomains
            self.defaultDomain = defaultDomain
            self.tls = tls
            self.allowedMechanisms = allowedMechanisms
            self.unknownUserSecret = unknownUserSecret
            self.iterations = iterations
            self.maxAuthenticationRetries = maxAuthenticationRetries
            self.postAuthenticationFeatures = postAuthenticationFeatures
            self.language = language
            self.channelBindings = channelBindings
            self.offersRegistration = offersRegistration
        }
    }

    /// Everything the driver may be told to do.
    public enum Action: Sendable, Hashable {
        /// Write the response stream header, then these features (RFC 6120 §4.3.2).
        case sendHeaderAndFeatures(StreamHeader, StreamFeatures)
        /// Write this element.
        case send(XMPPElement)
        /// Write `<proceed/>`, make sure no plaintext is buffered past it (RFC 6120
        /// §5.4.3.3; if some is, close with `policy-violation`), start TLS, reset the
        /// parser, and call ``tlsEstablished(channelBinding:)`` once the handshake is done.
        case startTLS
        /// Ask storage for the credentials of `username` (a prepared localpart) at
        /// `domain`, and call ``credentialsLookedUp(_:)``.
        case lookUpCredentials(username: String, domain: String, hash: SCRAMHash)
        /// Write `<success/>` (the element given), reset the parser: the stream is
        /// authenticated as this bare JID and restarts (RFC 6120 §6.4.6).
        case authenticated(JID, success: XMPPElement)
        /// Bind a resource for the authenticated account (RFC 6120 §7): the requested
        /// one (already checked as a valid resourcepart) or, for nil, one the server
        /// makes. The session registry decides about conflicts (§7.7.2.2), then calls
        /// ``resourceBound(_:)`` or ``resourceBindingFailed(_:)``.
        case bindResource(requested: String?)
        /// A `jabber:iq:register` request (a get or set with an id) before any SASL
        /// exchange, on a stream where registration is open (XEP-0077 §3.1): answer it
        /// for accounts of `domain` (the stream's), off the event loop, holding further
        /// input meanwhile, then call ``registrationAnswered(_:)``.
        case register(IQ, domain: JID)
        /// Write this error reply to a registration request the stream may not make
        /// (registration closed, a stream that is not confidential, a malformed
        /// request), and log the error; the stream goes on.
        case refuseRegistration(XMPPElement, StanzaError)
        /// Write this bind result: the session is established as this full JID.
        case established(JID, result: XMPPElement)
        /// A stream management `<resume/>` in place of binding (XEP-0198 §5): take
        /// over the detached session `previd` of the authenticated account, whose
        /// client handled `h` of the stanzas sent to it, then call
        /// ``resumptionSucceeded(_:)`` (and write `<resumed/>` and what is to be
        /// resent) or ``resumptionFailed(_:)``.
        case resume(previd: String, h: UInt32, account: JID)
        /// A stanza from the established session, for the router.
        case stanza(Stanza)
        /// A first-level element that is not a stanza (stream management, CSI, ...)
        /// from the established session, for the modules; one nobody handles gets
        /// `unsupported-stanza-type`.
        case nonza(XMPPElement)
        /// Close with a stream error (RFC 6120 §4.9): write the header first if given
        /// (an error in response to the initial header, §4.9.1.2), then
        /// `<stream:error/>` and `</stream:stream>`.
        case closeWithError(StreamError, header: StreamHeader?)
        /// Write this element, then `</stream:stream>`, and close: a `<failure/>` that
        /// ends negotiation (STARTTLS failure, RFC 6120 §5.4.2.2).
        case sendAndClose(XMPPElement)
        /// Write this SASL `<failure/>`, then close with this stream error: too many
        /// failed authentication attempts (RFC 6120 §6.4.5).
        case failAuthenticationAndClose(XMPPElement, StreamError)
        /// The client closed its stream (RFC 6120 §4.4): write `</stream:stream>` and close.
        case closeStream
        /// Nothing to do.
        case wait
    }

    /// What is known about the stream whatever the phase.
    struct Context: Sendable {
        /// The hosted domain the stream is for, as a domain JID.
        var domain: JID
        var streamID: String
        var tlsActive: Bool
        var channelBinding: ChannelBinding?
    }

    enum State: Sendable {
        /// Waiting for a stream header; `context` is nil for the first one.
        case awaitingHeader(Context?, authenticated: JID?)
        /// Features with STARTTLS sent; TLS may be required.
        case offeredTLS(Context)
        /// `<proceed/>` sent; waiting for the handshake.
        case startingTLS(Context)
        /// Features with mechanisms sent; an exchange may be running.
        case authenticating(Context, exchange: SASLServerStateMachine?, failures: Int)
        /// Authenticated and restarted; features with `<bind/>` sent.
        case awaitingBind(Context, account: JID)
        /// A bind request is with the session registry.
        case binding(Context, account: JID, requestID: String)
        /// A stream management resumption is with the driver (XEP-0198 §5).
        case resuming(Context, account: JID)
        /// Bound: stanzas flow.
        case established(Context, jid: JID)
        case closed
        /// Placeholder while a nested machine is mutated in place (avoids copy-on-write).
        case modifying
    }

    let configuration: Configuration
    var state: State = .awaitingHeader(nil, authenticated: nil)

    /// A machine for one new connection.
    public init(configuration: Configuration) {
        self.configuration = configuration
    }

    /// The full JID once bound, else nil.
    public var boundJID: JID? {
        if case .established(_, let jid) = state { return jid }
        return nil
    }

    /// Whether the stream is confidential: TLS is up, or the listener is trusted.
    /// Password changes need it (XEP-0077 §3.3).
    public var isStreamConfidential: Bool {
        switch state {
        case .awaitingHeader(let context?, _), .offeredTLS(let context), .startingTLS(let context),
             .authenticating(let context, _, _), .awaitingBind(let context, _), .binding(let context, _, _),
             .resuming(let context, _), .established(let context, _):
            return isConfidential(context)
        case .awaitingHeader(nil, _), .closed, .modifying:
            return configuration.tls == .trustedPlaintext
        }
    }

    /// Whether the stream has been closed by either side.
    public var isClosed: Bool {
        if case .closed = state { return true }
        return false
    }
}
