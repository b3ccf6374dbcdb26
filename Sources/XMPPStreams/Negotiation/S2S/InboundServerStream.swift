import XMPPCore

/// The receiving server's side of a server-to-server stream (RFC 6120 §4 to §6
/// for servers, XEP-0178 SASL EXTERNAL, XEP-0220 dialback), sans-I/O: the driver
/// feeds it what the parser produced and what the certificate check and the
/// Authoritative Server answered, and performs each ``Action``.
///
/// A peer is authenticated for a domain either by SASL EXTERNAL, when its
/// certificate is valid for the domain it names in `from` (RFC 6125, checked by
/// the driver), or by dialback, one (originating, receiving) pair at a time;
/// several pairs may share a stream (XEP-0220 §2.5). A stanza is accepted only
/// when its `from` domain is authenticated for its `to` domain: one domain can
/// never speak for another.
///
/// The same stream answers `<db:verify/>` requests when this server is the
/// Authoritative Server of the domain asked about (XEP-0220 §2.2).
public struct InboundServerStream: Sendable {
    public struct Configuration: Sendable {
        /// The domains this server hosts, normalized.
        public var hostedDomains: Set<String>
        /// How TLS is used on the listener: `.required` (the default for
        /// servers), `.optional`, `.direct`. `.trustedPlaintext` is for tests.
        public var tls: ServerNegotiationStateMachine.TLSMode
        /// Whether peers without a valid certificate may authenticate by dialback.
        public var allowsDialback: Bool
        /// The secret dialback keys of this server are made with (XEP-0185).
        public var dialbackSecret: DialbackSecret
        /// The `xml:lang` of our header.
        public var language: String
        /// Whether the peer may make the stream bidirectional (XEP-0288), so we
        /// send our stanzas for it on its connection.
        public var offersBidirectional: Bool

        public init(
            hostedDomains: Set<String>, tls: ServerNegotiationStateMachine.TLSMode = .required, allowsDialback: Bool = true,
            dialbackSecret: DialbackSecret, language: String = "en", offersBidirectional: Bool = false
        ) {
            self.offersBidirectional = offersBidirectional
            self.hostedDomains = hostedDomains
            self.tls = tls
            self.allowsDialback = allowsDialback
            self.dialbackSecret = dialbackSecret
            self.language = language
        }
    }

    /// Everything the driver may be told to do.
    public enum Action: Sendable, Hashable {
        /// Write the response header, then these features.
        case sendHeaderAndFeatures(StreamHeader, StreamFeatures)
        /// Write this element.
        case send(XMPPElement)
        /// Write `<proceed/>`, start TLS (refusing plaintext buffered past it),
        /// reset the parser, and call ``tlsEstablished(certificateDomains:)``.
        case startTLS
        /// Write `<success/>`, reset the parser: the peer is authenticated for
        /// `domain` by its certificate (RFC 6120 §6.4.6 restart follows).
        case authenticated(domain: String, success: XMPPElement)
        /// Ask the Authoritative Server of `request.from` whether `request.key`
        /// is right for this stream (XEP-0220 §2.1.2: a `<db:verify/>` on a
        /// stream to it), then call ``dialbackVerified(_:)``.
        case verifyDialbackKey(DialbackElement)
        /// A stanza from an authenticated domain, for the router.
        case stanza(Stanza, from: String)
        /// Close with a stream error, our header first if given.
        case closeWithError(StreamError, header: StreamHeader?)
        /// Write this element and close (a STARTTLS `<failure/>`).
        case sendAndClose(XMPPElement)
        /// The peer closed its stream: write ours and close.
        case closeStream
        case wait
    }

    struct Context: Sendable {
        /// Our hosted domain the stream is for (`to` of the peer's header).
        var localDomain: String
        /// The peer's domain from its header's `from`.
        var peerDomain: String
        var streamID: String
        var tlsActive: Bool
        /// The names the peer's certificate is validly issued for, once TLS is up
        /// (empty when it failed PKIX validation or there was none).
        var certificateNames: [String]
        /// Authenticated (peer domain, local domain) pairs.
        var authenticated: Set<DomainPair>
        /// Dialback requests under verification, by pair.
        var pending: Set<DomainPair>
        /// The peer asked for a bidirectional stream (XEP-0288 §2.2).
        var bidirectional = false
    }

    /// A peer domain allowed to send to a local domain.
    public struct DomainPair: Sendable, Hashable {
        public var peer: String
        public var local: String

        public init(peer: String, local: String) {
            self.peer = peer
            self.local = local
        }
    }

    enum State: Sendable {
        case awaitingHeader(Context?)
        case offeredTLS(Context)
        case startingTLS(Context)
        /// Features sent: SASL EXTERNAL and/or dialback may come, and stanzas
        /// once a dialback pair is valid.
        case open(Context)
        case closed
    }

    let configuration: Configuration
    var state: State = .awaitingHeader(nil)
    /// On a direct-TLS listener, the names the handshake before the first header proved.
    var directTLSCertificateNames: [String] = []

    public init(configuration: Configuration) {
        self.configuration = configuration
    }

    /// Whether the stream has been closed by either side.
    public var isClosed: Bool {
        if case .closed = state { return true }
        return false
    }

    /// The (peer, local) pairs authenticated so far.
    public var authenticatedPairs: Set<DomainPair> {
        context?.authenticated ?? []
    }

    /// Whether the peer made the stream bidirectional (XEP-0288): stanzas from
    /// a local domain to a peer domain of an authenticated pair may then go on
    /// it, the reverse of the pair (§2.2).
    public var isBidirectional: Bool {
        context?.bidirectional ?? false
    }

    var context: Context? {
        switch state {
        case .open(let context), .offeredTLS(let context), .startingTLS(let context): context
        case .awaitingHeader(let context): context
        case .closed: nil
        }
    }
}
