extension SASLClientStateMachine {
    /// Who the client authenticates as and what it accepts.
    ///
    /// It holds the password until the exchange has derived its keys; its
    /// `description` leaves the password out, so logging it is safe.
    public struct Configuration: Sendable {
        /// The authentication identity: for XMPP, the account's localpart
        /// (RFC 6120 §6.3.8). The server prepares it (UsernameCaseMapped), so a
        /// JID's `localpart` is the natural value.
        public var username: String
        /// The password, prepared with OpaqueString (``PasswordPreparation``) when used.
        public var password: String
        /// The authorization identity to request, if any: a JID string. Servers
        /// (this one included) accept only the account's own bare JID (RFC 6120 §6.3.8).
        public var authorizationIdentity: String?
        /// The mechanisms the client may use, in any order; the strongest one the
        /// server offers is chosen.
        public var allowedMechanisms: [SASLMechanism]
        /// Whether the stream is confidential (TLS): PLAIN is used only then.
        public var tlsActive: Bool
        /// Channel binding data for this connection, computed from the server's
        /// certificate (``ChannelBinding/tlsServerEndPoint(certificateDER:)``);
        /// `nil` disables the -PLUS mechanisms.
        public var channelBinding: ChannelBinding?
        /// The largest iteration count accepted from a server: each iteration is
        /// the client's work, so a hostile server asking for billions is refused.
        public var maximumIterations: Int
        /// Where SCRAM keys derived for this password are kept between logins; nil
        /// derives them every time.
        public var keyCache: SCRAMKeyCache?

        /// A configuration; see each property.
        public init(
            username: String,
            password: String,
            authorizationIdentity: String? = nil,
            allowedMechanisms: [SASLMechanism] = SASLMechanism.allCases,
            tlsActive: Bool,
            channelBinding: ChannelBinding? = nil,
            maximumIterations: Int = 1_000_000,
            keyCache: SCRAMKeyCache? = nil
        ) {
            self.keyCache = keyCache
            self.username = username
            self.password = password
            self.authorizationIdentity = authorizationIdentity
            self.allowedMechanisms = allowedMechanisms
            self.tlsActive = tlsActive
            self.channelBinding = channelBinding
            self.maximumIterations = maximumIterations
        }
    }
}

extension SASLClientStateMachine.Configuration: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// The username and settings; the password is redacted.
    public var description: String {
        "SASLClientStateMachine.Configuration(username: \(username), password: redacted, tlsActive: \(tlsActive), "
            + "channelBinding: \(channelBinding != nil), allowed: \(allowedMechanisms.map(\.wireName)))"
    }

    /// Same as ``description``.
    public var debugDescription: String { description }

    /// A mirror without the password, so `dump` and debuggers do not show it.
    public var customMirror: Mirror {
        Mirror(self, children: ["username": username, "password": "redacted", "tlsActive": tlsActive])
    }
}
