import XMPPCore
import XMPPStreams

extension XMPPClient {
    /// How the connection is protected.
    public enum TLSMode: Sendable, Hashable {
        /// Connect in plaintext and upgrade with STARTTLS (RFC 6120 §5) before
        /// authenticating; a server that does not offer it is refused. Default port 5222.
        case startTLS
        /// TLS from the first byte (XEP-0368), with ALPN `xmpp-client`. Default port 5223.
        case directTLS
        /// No TLS at all. Only for a server listener explicitly marked as trusted
        /// plaintext (loopback, tests): nothing is encrypted, PLAIN is never used,
        /// and a server that requires TLS is refused. Default port 5222.
        case plaintext
        /// No TLS, to a listener the server marks as trusted plaintext (loopback
        /// only): PLAIN may be used there, as the server allows. For benchmarks
        /// and local tools. Default port 5222.
        case trustedPlaintext
    }

    /// How the server's certificate is checked. Every mode but ``noVerification``
    /// verifies the chain and that the certificate names the JID's domain
    /// (RFC 6120 §13.7.2), which is also sent as SNI, whatever host is dialled.
    public enum CertificateVerification: Sendable, Hashable {
        /// Verify against the system's trust roots (the default).
        case verify
        /// Verify against these roots only: PEM texts, each holding one or more
        /// certificates (a private CA, a test server's self-signed certificate).
        case trustRoots([String])
        /// Accept any certificate. Only for test servers with throwaway
        /// certificates: anyone on the path can read and change the stream.
        case noVerification
    }

    /// XEP-0198 stream management: acks both ways, and whether a session may
    /// outlive a lost connection.
    public enum StreamManagement: Sendable, Hashable {
        /// Not used.
        case off
        /// Stanzas are acknowledged; a lost connection ends the session.
        case acks
        /// Stanzas are acknowledged, and the server keeps the session for a while
        /// after the connection is lost, to be resumed by a new client made with
        /// ``Configuration/resuming``.
        case resumable
    }

    /// What a new client needs to resume a session whose connection was lost
    /// (XEP-0198 §5).
    public struct ResumableSession: Sendable {
        /// The SM-ID, full JID and count of stanzas from the server handled.
        public var resumption: ClientNegotiationStateMachine.Configuration.Resumption
        /// Stanzas sent and not acknowledged by the server when the connection
        /// went, with the server's last count: a resumption resends those the
        /// server did not handle.
        public var queue: UnacknowledgedQueue<XMPPElement>

        public init(resumption: ClientNegotiationStateMachine.Configuration.Resumption, queue: UnacknowledgedQueue<XMPPElement>) {
            self.resumption = resumption
            self.queue = queue
        }

        /// The stanzas sent and not acknowledged, oldest first.
        public var unacknowledged: [XMPPElement] { Array(queue.unacknowledged) }
    }

    /// How long the client waits.
    public struct Timeouts: Sendable, Hashable {
        /// For the TCP connection.
        public var connect: Duration
        /// For negotiation, from the TCP connection to the bound resource.
        public var negotiation: Duration
        /// For the server's `</stream:stream>` after ours (RFC 6120 §4.4).
        public var close: Duration
        /// For an answer to ``XMPPClient/iq(_:)`` when no timeout is given.
        public var request: Duration

        /// Timeouts; see each property.
        public init(
            connect: Duration = .seconds(10), negotiation: Duration = .seconds(30),
            close: Duration = .seconds(2), request: Duration = .seconds(30)
        ) {
            self.connect = connect
            self.negotiation = negotiation
            self.close = close
            self.request = request
        }
    }

    /// Who the client is and how it connects.
    ///
    /// It holds the password for the lifetime of the client; its `description`
    /// leaves the password out, so logging it is safe.
    public struct Configuration: Sendable {
        /// The account: a bare JID (the server picks the resource) or a full JID
        /// (its resourcepart is requested, RFC 6120 §7.5).
        public var jid: JID
        /// The account's password.
        public var password: String
        /// The host to dial; `nil` dials the JID's domain. (No DNS SRV lookup is made.)
        public var host: String?
        /// The port to dial; `nil` is 5222, or 5223 for ``TLSMode/directTLS``.
        public var port: Int?
        /// How the connection is protected.
        public var tls: TLSMode
        /// How the server's certificate is checked.
        public var certificateVerification: CertificateVerification
        /// The SASL mechanisms the client may use; the strongest one the server
        /// offers is chosen. PLAIN is used only inside TLS.
        public var allowedMechanisms: [SASLMechanism]
        /// When SCRAM is bound to the TLS channel (-PLUS); see
        /// ``ClientNegotiationStateMachine/ChannelBindingPolicy``.
        public var channelBinding: ClientNegotiationStateMachine.ChannelBindingPolicy
        /// How long the client waits.
        public var timeouts: Timeouts
        /// Bounds on what the server may send. Servers relay other people's
        /// stanzas (archives, rosters, PubSub items), so they are larger than
        /// what a server accepts from a client.
        public var parserLimits: XMLParserLimits
        /// Where SCRAM keys derived from the password are kept between logins, as
        /// clients keep the salted password; nil derives them at every connection.
        /// One cache may serve many clients.
        public var scramKeyCache: SCRAMKeyCache?
        /// Whether the client enables XEP-0198 stream management when the server
        /// offers it (off by default).
        public var streamManagement: StreamManagement
        /// A session whose connection was lost, to resume instead of binding
        /// (XEP-0198 §5): ``XMPPClient/resumableSession`` of the client that
        /// lost it. When the server cannot resume it, a resource is bound as usual
        /// and ``XMPPClient/wasResumed`` is false.
        public var resuming: XMPPClient.ResumableSession?

        /// A configuration; see each property.
        public init(
            jid: JID, password: String, host: String? = nil, port: Int? = nil, tls: TLSMode = .startTLS,
            certificateVerification: CertificateVerification = .verify,
            allowedMechanisms: [SASLMechanism] = SASLMechanism.allCases,
            channelBinding: ClientNegotiationStateMachine.ChannelBindingPolicy = .whenAdvertised,
            timeouts: Timeouts = Timeouts(),
            parserLimits: XMLParserLimits = XMLParserLimits(maxElementBytes: 1 << 20, maxTextBytes: 1 << 20),
            scramKeyCache: SCRAMKeyCache? = nil, streamManagement: StreamManagement = .off,
            resuming: XMPPClient.ResumableSession? = nil
        ) {
            self.scramKeyCache = scramKeyCache
            self.streamManagement = streamManagement
            self.resuming = resuming
            self.jid = jid
            self.password = password
            self.host = host
            self.port = port
            self.tls = tls
            self.certificateVerification = certificateVerification
            self.allowedMechanisms = allowedMechanisms
            self.channelBinding = channelBinding
            self.timeouts = timeouts
            self.parserLimits = parserLimits
        }

        /// The host dialled: ``host``, else the JID's domain.
        public var effectiveHost: String { host ?? jid.domainpart }

        /// The port dialled: ``port``, else 5223 for direct TLS (XEP-0368) and 5222 otherwise.
        public var effectivePort: Int { port ?? (tls == .directTLS ? 5223 : 5222) }

        /// The negotiation settings derived from this configuration.
        var negotiation: ClientNegotiationStateMachine.Configuration {
            let policy: ClientNegotiationStateMachine.TLSPolicy = switch tls {
            case .startTLS: .startTLS
            case .directTLS: .direct
            case .plaintext: .plaintext
            case .trustedPlaintext: .trustedPlaintext
            }
            var configuration = ClientNegotiationStateMachine.Configuration(
                jid: jid, password: password, tls: policy, allowedMechanisms: allowedMechanisms,
                channelBinding: channelBinding, scramKeyCache: scramKeyCache)
            configuration.resumption = resuming?.resumption
            return configuration
        }
    }
}

extension XMPPClient.Configuration: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// The JID and connection settings; the password is redacted.
    public var description: String {
        "XMPPClient.Configuration(jid: \(jid), password: redacted, host: \(effectiveHost), port: \(effectivePort), "
            + "tls: \(tls), allowed: \(allowedMechanisms.map(\.wireName)))"
    }

    /// Same as ``description``.
    public var debugDescription: String { description }

    /// A mirror without the password, so `dump` and debuggers do not show it.
    public var customMirror: Mirror {
        Mirror(self, children: [
            "jid": jid, "password": "redacted", "host": effectiveHost, "port": effectivePort, "tls": tls,
        ])
    }
}
