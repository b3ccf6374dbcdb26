import XMPPCore
import XMPPStreams

/// An error from ``XMPPClient``: connecting, negotiating, sending or waiting.
///
/// As in swift-nio-ssh and postgres-nio, ``Code`` is a struct over a private
/// enum, so codes can be added without breaking the API. The associated detail
/// (the server's stream error, the SASL error, the bind error) is in the
/// optional properties; ``detail`` is a short text for logs and never holds a
/// password or a SASL payload.
///
/// A stanza error answering an ``XMPPClient/iq(_:timeout:)`` request is not
/// wrapped: that method throws the `StanzaError` itself.
public struct XMPPClientError: Error, Sendable, Hashable {
    /// What went wrong.
    public var code: Code
    /// The stream error the server sent, for ``Code/streamError``; for
    /// ``Code/protocolViolation``, the one we sent before closing.
    public var streamError: StreamError?
    /// The SASL error, for ``Code/authenticationFailed``; its `failure` holds the
    /// server's `<failure/>` when the server refused the credentials.
    public var saslError: SASLError?
    /// The stanza error answering resource binding or the legacy session
    /// request, for ``Code/bindFailed``.
    public var stanzaError: StanzaError?
    /// A short explanation for logs.
    public var detail: String

    init(
        _ code: Code, streamError: StreamError? = nil, saslError: SASLError? = nil,
        stanzaError: StanzaError? = nil, detail: String
    ) {
        self.code = code
        self.streamError = streamError
        self.saslError = saslError
        self.stanzaError = stanzaError
        self.detail = detail
    }

    /// The kinds of ``XMPPClientError``.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private enum Base: String, Sendable, Hashable {
            case connectionFailed = "connection failed"
            case tlsFailed = "TLS failed"
            case streamError = "stream error"
            case authenticationFailed = "authentication failed"
            case bindFailed = "resource binding failed"
            case protocolViolation = "protocol violation"
            case timeout = "timeout"
            case closed = "closed"
            case invalidConfiguration = "invalid configuration"
            case invalidRequest = "invalid request"
        }

        private let base: Base
        private init(_ base: Base) { self.base = base }

        /// The TCP connection could not be made, or broke during negotiation.
        public static let connectionFailed = Code(.connectionFailed)
        /// TLS could not be set up: the server offered no STARTTLS, refused it,
        /// demands it on a connection configured for plaintext, or the handshake
        /// failed (certificate verification included).
        public static let tlsFailed = Code(.tlsFailed)
        /// The server closed the stream with `<stream:error/>` (RFC 6120 §4.9);
        /// see ``XMPPClientError/streamError``.
        public static let streamError = Code(.streamError)
        /// SASL failed (RFC 6120 §6.4.5), or no mechanism fits; see
        /// ``XMPPClientError/saslError``.
        public static let authenticationFailed = Code(.authenticationFailed)
        /// The server refused resource binding (RFC 6120 §7.7.2) or the legacy
        /// session request; see ``XMPPClientError/stanzaError``.
        public static let bindFailed = Code(.bindFailed)
        /// The server sent something negotiation does not allow at that point,
        /// or XML our parser refuses; the client closed the stream.
        public static let protocolViolation = Code(.protocolViolation)
        /// Negotiation or a request took longer than allowed.
        public static let timeout = Code(.timeout)
        /// The stream is closed (or was never opened), so nothing can be sent
        /// or awaited on it.
        public static let closed = Code(.closed)
        /// The configuration cannot work (for example a JID without a localpart).
        public static let invalidConfiguration = Code(.invalidConfiguration)
        /// A call the client cannot honour as made: ``XMPPClient/connect()`` twice,
        /// an IQ that is not a get or set, or one whose `id` is already waiting.
        public static let invalidRequest = Code(.invalidRequest)

        /// A short name for logs.
        public var description: String { base.rawValue }
    }
}

extension XMPPClientError {
    @inline(never)
    static func connectionFailed(_ detail: String) -> XMPPClientError {
        XMPPClientError(.connectionFailed, detail: detail)
    }

    @inline(never)
    static func tlsFailed(_ detail: String) -> XMPPClientError {
        XMPPClientError(.tlsFailed, detail: detail)
    }

    @inline(never)
    static func streamError(_ error: StreamError) -> XMPPClientError {
        XMPPClientError(.streamError, streamError: error, detail: error.description)
    }

    @inline(never)
    static func authenticationFailed(_ error: SASLError) -> XMPPClientError {
        XMPPClientError(.authenticationFailed, saslError: error, detail: error.description)
    }

    @inline(never)
    static func bindFailed(_ error: StanzaError) -> XMPPClientError {
        XMPPClientError(.bindFailed, stanzaError: error, detail: error.description)
    }

    @inline(never)
    static func protocolViolation(_ detail: String, sent: StreamError? = nil) -> XMPPClientError {
        XMPPClientError(.protocolViolation, streamError: sent, detail: detail)
    }

    @inline(never)
    static func timeout(_ detail: String) -> XMPPClientError {
        XMPPClientError(.timeout, detail: detail)
    }

    @inline(never)
    static func closed(_ detail: String) -> XMPPClientError {
        XMPPClientError(.closed, detail: detail)
    }

    @inline(never)
    static func invalidConfiguration(_ detail: String) -> XMPPClientError {
        XMPPClientError(.invalidConfiguration, detail: detail)
    }

    @inline(never)
    static func invalidRequest(_ detail: String) -> XMPPClientError {
        XMPPClientError(.invalidRequest, detail: detail)
    }
}

extension XMPPClientError: CustomStringConvertible {
    /// The code and the detail.
    public var description: String { "\(code): \(detail)" }
}
