import XMPPCore

extension ClientNegotiationStateMachine {
    /// How the client uses TLS.
    public enum TLSPolicy: Sendable, Hashable {
        /// Negotiate STARTTLS (RFC 6120 §5) before anything else; a server that
        /// does not offer it is refused, since SASL would then run in the clear.
        case startTLS
        /// The connection is TLS from its first byte (XEP-0368); the driver
        /// finishes the handshake before ``ClientNegotiationStateMachine/start(channelBinding:)``.
        case direct
        /// No TLS at all, chosen explicitly (a trusted loopback listener, tests).
        /// STARTTLS is not used even when offered, PLAIN is never chosen (the
        /// password would cross in the clear), and a server that requires TLS is refused.
        case plaintext
        /// No TLS, to a listener the server marks as trusted plaintext (loopback
        /// only: benchmarks, local tools): as ``plaintext``, but PLAIN may be
        /// chosen, since nothing leaves the machine and the server allows it there.
        case trustedPlaintext
    }

    /// When to bind SCRAM to the TLS channel with the -PLUS mechanisms (RFC 5802 §6).
    ///
    /// Only `tls-server-end-point` (RFC 5929) is available to this client. A server
    /// that offers -PLUS may bind with another type (`tls-unique`, `tls-exporter`),
    /// and choosing -PLUS then fails an otherwise good login, so by default the
    /// client uses -PLUS only where the server says, with XEP-0440's
    /// `<sasl-channel-binding/>`, that it accepts `tls-server-end-point`.
    public enum ChannelBindingPolicy: Sendable, Hashable {
        /// Use -PLUS only when the server advertises `tls-server-end-point` with XEP-0440.
        case whenAdvertised
        /// Use -PLUS whenever the server offers it and binding data exists, trusting
        /// the server to bind with `tls-server-end-point` (as Needletail does).
        case wheneverOffered
        /// Never use -PLUS.
        case never
    }

    /// Who the client is, what it accepts and how it protects the stream.
    ///
    /// It holds the password until the SASL exchange has derived its keys; its
    /// `description` leaves the password out, so logging it is safe.
    public struct Configuration: Sendable {
        /// The account: a bare JID, or a full JID whose resourcepart is requested
        /// when binding (RFC 6120 §7.5). Its localpart is the SASL username.
        public var jid: JID
        /// The account's password.
        public var password: String
        /// How TLS is used.
        public var tls: TLSPolicy
        /// The SASL mechanisms the client may use; the strongest one the server
        /// offers is chosen (``SASLMechanism/preferred(offered:allowed:tlsActive:channelBindingAvailable:)``).
        public var allowedMechanisms: [SASLMechanism]
        /// When the -PLUS mechanisms are used.
        public var channelBinding: ChannelBindingPolicy
        /// The largest SCRAM iteration count accepted from a server.
        public var maximumIterations: Int
        /// The `xml:lang` of our stream header (RFC 6120 §4.7.4), if any.
        public var language: String?
        /// Where SCRAM keys are kept between logins (``SCRAMKeyCache``); nil derives them each time.
        public var scramKeyCache: SCRAMKeyCache?
        /// A stream management session to resume instead of binding a resource
        /// (XEP-0198 §5), when the server offers stream management; if it cannot
        /// resume it, a resource is bound as usual.
        public var resumption: Resumption?

        /// What resuming a session needs.
        public struct Resumption: Sendable, Hashable {
            /// The SM-ID the server gave in `<enabled/>`.
            public var id: String
            /// The full JID the session was bound to.
            public var jid: JID
            /// How many stanzas from the server the client handled.
            public var handled: UInt32

            public init(id: String, jid: JID, handled: UInt32) {
                self.id = id
                self.jid = jid
                self.handled = handled
            }
        }

        /// A configuration; see each property.
        public init(
            jid: JID, password: String, tls: TLSPolicy = .startTLS,
            allowedMechanisms: [SASLMechanism] = SASLMechanism.allCases,
            channelBinding: ChannelBindingPolicy = .whenAdvertised,
            maximumIterations: Int = 1_000_000, language: String? = nil, scramKeyCache: SCRAMKeyCache? = nil
        ) {
            self.scramKeyCache = scramKeyCache
            self.jid = jid
            self.password = password
            self.tls = tls
            self.allowedMechanisms = allowedMechanisms
            self.channelBinding = channelBinding
            self.maximumIterations = maximumIterations
            self.language = language
        }
    }
}

extension ClientNegotiationStateMachine.Configuration: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// The JID and settings; the password is redacted.
    public var description: String {
        "ClientNegotiationStateMachine.Configuration(jid: \(jid), password: redacted, tls: \(tls), "
            + "channelBinding: \(channelBinding), allowed: \(allowedMechanisms.map(\.wireName)))"
    }

    /// Same as ``description``.
    public var debugDescription: String { description }

    /// A mirror without the password, so `dump` and debuggers do not show it.
    public var customMirror: Mirror {
        Mirror(self, children: ["jid": jid, "password": "redacted", "tls": tls, "channelBinding": channelBinding])
    }
}
