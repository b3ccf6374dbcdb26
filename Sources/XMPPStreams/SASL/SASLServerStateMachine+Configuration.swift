import XMPPCore

extension SASLServerStateMachine {
    /// What the server side of one exchange needs to know about the stream and
    /// the server. Built once per stream (after TLS, if any).
    public struct Configuration: Sendable {
        /// The server's domain: an authenticated username `u` becomes the bare
        /// JID `u@domain` (RFC 6120 §6.3.8, the simple user name is the localpart).
        public var domain: JID
        /// The mechanisms server policy allows, in any order.
        public var allowedMechanisms: [SASLMechanism]
        /// Whether the stream is confidential: TLS is up, or the listener is a
        /// trusted loopback one. PLAIN is offered and accepted only then.
        public var tlsActive: Bool
        /// The stream's channel binding data, which the -PLUS mechanisms need;
        /// computed once per certificate with ``ChannelBinding/tlsServerEndPoint(certificateDER:)``.
        public var channelBinding: ChannelBinding?
        /// A server-wide secret, the same for every stream and kept across
        /// restarts if possible, from which an unknown user's fake salt is derived
        /// (see ``SASLServerStateMachine``). 32 random bytes are plenty.
        public var unknownUserSecret: [UInt8]
        /// The iteration count shown to an unknown user: set it to what real
        /// accounts use, so the server-first-message does not tell them apart.
        public var unknownUserIterations: Int
        /// The hash asked for when a PLAIN exchange looks up credentials; storage
        /// may answer with any hash it has.
        public var plainCredentialsHash: SCRAMHash

        /// A configuration; see each property.
        public init(
            domain: JID,
            tlsActive: Bool,
            channelBinding: ChannelBinding? = nil,
            allowedMechanisms: [SASLMechanism] = SASLMechanism.allCases,
            unknownUserSecret: [UInt8],
            unknownUserIterations: Int = SCRAMCredentials.defaultIterations,
            plainCredentialsHash: SCRAMHash = .sha256
        ) {
            self.domain = domain
            self.allowedMechanisms = allowedMechanisms
            self.tlsActive = tlsActive
            self.channelBinding = channelBinding
            self.unknownUserSecret = unknownUserSecret
            self.unknownUserIterations = unknownUserIterations
            self.plainCredentialsHash = plainCredentialsHash
        }

        /// What to list in `<mechanisms/>` for this stream, strongest first
        /// (``SASLMechanism/offered(tlsActive:channelBindingAvailable:allowed:)``).
        public var offeredMechanisms: [SASLMechanism] {
            SASLMechanism.offered(tlsActive: tlsActive, channelBindingAvailable: channelBinding != nil, allowed: allowedMechanisms)
        }

        /// 32 bytes from the system's secure generator, for ``unknownUserSecret``.
        public static func randomSecret() -> [UInt8] {
            randomBytes(count: 32)
        }
    }
}

extension SASLServerStateMachine.Configuration: CustomStringConvertible {
    /// The settings, with the secret left out.
    public var description: String {
        "SASLServerStateMachine.Configuration(domain: \(domain), tlsActive: \(tlsActive), "
            + "channelBinding: \(channelBinding != nil), offered: \(offeredMechanisms.map(\.wireName)))"
    }
}
