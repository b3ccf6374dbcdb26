import XMPPCore

/// The initiating server's side of a server-to-server stream (RFC 6120 §4 to §6
/// for servers, XEP-0178, XEP-0220), sans-I/O. It opens the stream from one of
/// our domains to a remote domain, negotiates TLS, authenticates with SASL
/// EXTERNAL when the peer offers it and we have a certificate, and otherwise
/// with dialback, then says ``Action/established`` so the driver can send what
/// it queued. The stream also carries our `<db:verify/>` requests when we are the
/// Receiving Server checking a key from the remote domain (XEP-0220 §2.1.2).
public struct OutboundServerStream: Sendable {
    public struct Configuration: Sendable {
        /// Our domain: `from` of the stream.
        public var localDomain: String
        /// The remote domain: `to` of the stream.
        public var remoteDomain: String
        /// Whether the stream must be encrypted before authentication.
        public var requiresTLS: Bool
        /// The connection is TLS from its first byte (XEP-0368 `_xmpps-server`).
        public var directTLS: Bool
        /// Whether our certificate is one the peer may accept (a real CA's), so
        /// SASL EXTERNAL is worth trying.
        public var canAuthenticateWithCertificate: Bool
        /// Whether dialback may be used when EXTERNAL is not possible.
        public var allowsDialback: Bool
        /// Our dialback secret (XEP-0185).
        public var dialbackSecret: DialbackSecret
        public var language: String
        /// Whether to make the stream bidirectional (XEP-0288) when the peer
        /// offers it, so it sends its stanzas for us on our connection.
        public var requestsBidirectional: Bool

        public init(
            localDomain: String, remoteDomain: String, requiresTLS: Bool = true, directTLS: Bool = false,
            canAuthenticateWithCertificate: Bool, allowsDialback: Bool = true, dialbackSecret: DialbackSecret,
            language: String = "en", requestsBidirectional: Bool = false
        ) {
            self.requestsBidirectional = requestsBidirectional
            self.localDomain = localDomain
            self.remoteDomain = remoteDomain
            self.requiresTLS = requiresTLS
            self.directTLS = directTLS
            self.canAuthenticateWithCertificate = canAuthenticateWithCertificate
            self.allowsDialback = allowsDialback
            self.dialbackSecret = dialbackSecret
            self.language = language
        }
    }

    /// Why a stream could not be set up, for the log and for the bounce of the
    /// stanzas queued for it (RFC 6120 §8.3.3.16, §8.3.3.17).
    public enum Failure: Sendable, Hashable {
        /// The peer does not offer TLS and we require it.
        case tlsUnavailable
        /// The peer offers no way to authenticate we may use.
        case noAuthentication
        /// SASL EXTERNAL failed and dialback is not possible.
        case externalRefused
        /// The peer said our dialback key is not valid (or gave an error).
        case dialbackRefused(StanzaError?)
        /// The peer sent a stream error.
        case streamError(StreamError)
        /// The peer broke the protocol.
        case protocolViolation(String)
        /// The peer sent what closes the stream with this error (a stanza from
        /// a domain it is not, on a bidirectional stream).
        case refused(StreamError)
    }

    public enum Action: Sendable, Hashable {
        /// Reset the parser and write this stream header (the first, or after a
        /// TLS or SASL restart).
        case sendHeader(StreamHeader)
        /// Write this element.
        case send(XMPPElement)
        /// Write these elements, in order (XEP-0288's `<bidi/>`, then authentication).
        case sendInOrder([XMPPElement])
        /// A stanza the peer sent on our bidirectional stream (XEP-0288), from
        /// its domain to ours, for the router.
        case stanza(Stanza)
        /// `<proceed/>` arrived: start the TLS client handshake (SNI the remote
        /// domain, certificate checked for it), then call ``tlsEstablished()``.
        case startTLS
        /// Authenticated: the queued stanzas may go.
        case established
        /// An answer to one of our ``sendVerify(_:)`` requests, for the inbound
        /// stream waiting on it.
        case verifyAnswered(DialbackElement)
        /// Give up: close the connection, bounce what was queued.
        case fail(Failure)
        /// The peer closed its stream: write ours and close.
        case closeStream
        case wait
    }

    enum State: Sendable {
        case idle
        /// Our header is out; waiting for the peer's.
        case awaitingHeader(tlsActive: Bool, authenticated: Bool)
        /// Waiting for `<stream:features/>`.
        case awaitingFeatures(streamID: String, tlsActive: Bool, authenticated: Bool)
        case awaitingProceed(streamID: String)
        case startingTLS
        case authenticatingExternal(streamID: String)
        case awaitingDialback(streamID: String)
        case established(streamID: String)
        case closed
    }

    let configuration: Configuration
    var state: State = .idle
    /// Whether the peer accepted our certificate (SASL EXTERNAL) rather than dialback.
    public internal(set) var authenticatedWithCertificate = false
    /// Whether we made the stream bidirectional (XEP-0288 §2.2).
    public internal(set) var isBidirectional = false

    public init(configuration: Configuration) {
        self.configuration = configuration
    }

    /// Whether stanzas may be sent.
    public var isEstablished: Bool {
        if case .established = state { return true }
        return false
    }

    /// Whether the connection is TLS from its first byte: the driver calls
    /// ``start()`` once the handshake is done.
    public var isDirectTLS: Bool { configuration.directTLS }

    /// Whether ``start()`` has run.
    public var isStarted: Bool {
        if case .idle = state { return false }
        return true
    }

    public var isClosed: Bool {
        if case .closed = state { return true }
        return false
    }
}
