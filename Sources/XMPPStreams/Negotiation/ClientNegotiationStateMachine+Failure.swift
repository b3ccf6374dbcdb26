import XMPPCore

extension ClientNegotiationStateMachine {
    /// Why client negotiation ended without an established session.
    ///
    /// As in swift-nio-ssh, ``Code`` is a struct over a private enum, so codes
    /// can be added without breaking the API. `detail` is for logs and never
    /// holds credentials or SASL payloads.
    public struct Failure: Error, Sendable, Hashable {
        /// What went wrong.
        public var code: Code
        /// For ``Code/streamError``, the server's `<stream:error/>`; for
        /// ``Code/protocolViolation``, the one the client sent, if any.
        public var streamError: StreamError?
        /// For ``Code/authenticationFailed``, the SASL error.
        public var saslError: SASLError?
        /// For ``Code/bindFailed``, the server's stanza error.
        public var stanzaError: StanzaError?
        /// A short explanation for logs.
        public var detail: String

        private init(
            _ code: Code, streamError: StreamError? = nil, saslError: SASLError? = nil,
            stanzaError: StanzaError? = nil, detail: String
        ) {
            self.code = code
            self.streamError = streamError
            self.saslError = saslError
            self.stanzaError = stanzaError
            self.detail = detail
        }

        /// The kinds of ``Failure``.
        public struct Code: Sendable, Hashable, CustomStringConvertible {
            private enum Base: String, Sendable, Hashable {
                case streamError = "stream error"
                case tlsNotOffered = "TLS not offered"
                case tlsRefused = "TLS refused"
                case tlsRequiredByServer = "TLS required by the server"
                case authenticationFailed = "authentication failed"
                case bindFailed = "resource binding failed"
                case protocolViolation = "protocol violation"
                case closedByServer = "closed by the server"
                case timedOut = "timed out"
            }

            private let base: Base
            private init(_ base: Base) { self.base = base }

            /// The server sent `<stream:error/>` (RFC 6120 §4.9).
            public static let streamError = Code(.streamError)
            /// TLS is wanted but the server does not offer STARTTLS (RFC 6120 §5.3.1).
            public static let tlsNotOffered = Code(.tlsNotOffered)
            /// The server answered `<starttls/>` with `<failure/>` (RFC 6120 §5.4.2.2).
            public static let tlsRefused = Code(.tlsRefused)
            /// The configuration forbids TLS, but the server requires it (RFC 6120 §5.3.1).
            public static let tlsRequiredByServer = Code(.tlsRequiredByServer)
            /// SASL failed or could not start (RFC 6120 §6.4.5); see ``Failure/saslError``.
            public static let authenticationFailed = Code(.authenticationFailed)
            /// Resource binding (RFC 6120 §7.7.2) or the legacy session request failed.
            public static let bindFailed = Code(.bindFailed)
            /// The server sent something out of order or malformed.
            public static let protocolViolation = Code(.protocolViolation)
            /// The server closed the stream before the session was established.
            public static let closedByServer = Code(.closedByServer)
            /// Negotiation took longer than the driver allows.
            public static let timedOut = Code(.timedOut)

            /// A short name for logs.
            public var description: String { base.rawValue }
        }
    }
}

extension ClientNegotiationStateMachine.Failure {
    @inline(never)
    static func streamError(_ error: StreamError) -> Self {
        Self(.streamError, streamError: error, detail: error.description)
    }

    @inline(never)
    static func tlsNotOffered() -> Self {
        Self(.tlsNotOffered, detail: "the server does not offer STARTTLS")
    }

    @inline(never)
    static func tlsRefused() -> Self {
        Self(.tlsRefused, detail: "the server answered STARTTLS with failure")
    }

    @inline(never)
    static func tlsRequiredByServer() -> Self {
        Self(.tlsRequiredByServer, detail: "the server requires STARTTLS but plaintext was configured")
    }

    @inline(never)
    static func authenticationFailed(_ error: SASLError) -> Self {
        Self(.authenticationFailed, saslError: error, detail: error.description)
    }

    @inline(never)
    static func bindFailed(_ error: StanzaError, _ what: String) -> Self {
        Self(.bindFailed, stanzaError: error, detail: "\(what): \(error)")
    }

    @inline(never)
    static func protocolViolation(_ detail: String, sent: StreamError?) -> Self {
        Self(.protocolViolation, streamError: sent, detail: detail)
    }

    @inline(never)
    static func closedByServer() -> Self {
        Self(.closedByServer, detail: "the server closed the stream during negotiation")
    }

    @inline(never)
    static func timedOut() -> Self {
        Self(.timedOut, detail: "negotiation took too long")
    }
}

extension ClientNegotiationStateMachine.Failure: CustomStringConvertible {
    /// The code and the detail.
    public var description: String { "\(code): \(detail)" }
}
