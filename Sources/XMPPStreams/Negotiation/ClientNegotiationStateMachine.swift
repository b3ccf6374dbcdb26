import XMPPCore

/// The initiating entity's side of client-to-server stream negotiation (RFC 6120
/// §4 to §7), sans-I/O: the driver tells it what the parser produced and when TLS
/// is up, and performs each ``Action``. The server side is
/// ``ServerNegotiationStateMachine``; tests run the two against each other.
///
/// The phases follow RFC 6120 §4.3: our stream header, the server's header and
/// features, STARTTLS (§5) and a restart, SASL (§6, through a nested
/// ``SASLClientStateMachine``) and a restart, resource binding (§7), the legacy
/// session request only when the server marks it mandatory (RFC 3921 §3,
/// RFC 6121 Appendix E), then the established session, where stanzas are handed
/// on. Whatever the server sends out of place becomes a typed ``Failure`` in a
/// close action, never a trap.
public struct ClientNegotiationStateMachine: Sendable {
    /// Everything the driver may be told to do.
    public enum Action: Sendable, Hashable {
        /// Write this stream header (the first one, or the one after TLS).
        case sendHeader(StreamHeader)
        /// Reset the parser and write this header: SASL succeeded and the stream
        /// restarts (RFC 6120 §6.4.6). Bytes already buffered belong to the new stream.
        case restartStream(StreamHeader)
        /// Write this element.
        case send(XMPPElement)
        /// `<proceed/>` arrived: make sure no bytes are buffered past it (RFC 6120
        /// §5.4.3.3; if some are, call ``plaintextAfterProceed()``), put TLS in front
        /// of the stream, reset the parser, and call
        /// ``tlsEstablished(channelBinding:)`` once the handshake is done.
        case startTLS
        /// The session is established as this full JID; stanzas may flow.
        case established(JID)
        /// The session of ``Configuration/resumption`` was resumed (XEP-0198 §5)
        /// as this full JID; the server had handled `h` of the stanzas sent to it.
        /// Stanzas may flow; the driver resends those past `h`.
        case resumed(JID, h: UInt32)
        /// A stanza from the server, for the application.
        case stanza(Stanza)
        /// A first-level element that is not a stanza (stream management, ...).
        case nonza(XMPPElement)
        /// The application closes the session: write `</stream:stream>` and wait
        /// (briefly) for the server's, then call ``streamClosedReceived()`` or
        /// ``closeTimedOut()`` (RFC 6120 §4.4).
        case sendClose
        /// Write `streamError` if given, then `</stream:stream>`, and close the
        /// connection. `failure` says why; `nil` means the server ended an
        /// established session in an orderly way.
        case closeStream(sending: StreamError?, failure: Failure?)
        /// Close the connection without writing: the server's close answered ours,
        /// or the stream cannot carry anything more.
        case closeConnection(Failure?)
        /// Nothing to do.
        case wait
    }

    /// What is known about the stream whatever the phase.
    struct Context: Sendable {
        var tlsActive: Bool
        var channelBinding: ChannelBinding?
        var authenticated: Bool
        /// The `id` of the server's latest stream header (RFC 6120 §4.7.3).
        var streamID: String?
        /// The features after authentication offered stream management (XEP-0198).
        var offersStreamManagement = false
    }

    enum State: Sendable {
        /// Nothing sent yet.
        case idle
        /// Our header is out; waiting for the server's.
        case awaitingHeader(Context)
        /// The server's header arrived; waiting for `<stream:features/>`.
        case awaitingFeatures(Context)
        /// `<starttls/>` sent; waiting for `<proceed/>` (RFC 6120 §5.4.2.3).
        case awaitingProceed(Context)
        /// `<proceed/>` received; the driver runs the TLS handshake.
        case startingTLS(Context)
        /// A SASL exchange is running.
        case authenticating(Context, SASLClientStateMachine)
        /// The bind request is out (RFC 6120 §7.6); `needsSession` if the server
        /// requires the legacy session request afterwards.
        case binding(Context, requestID: String, needsSession: Bool)
        /// `<resume/>` is out instead of a bind request (XEP-0198 §5); `features`
        /// are kept to bind after all if the server cannot resume.
        case resuming(Context, features: XMPPElement, jid: JID)
        /// The legacy session request is out (RFC 3921 §3).
        case startingSession(Context, requestID: String, jid: JID)
        /// Bound: stanzas flow.
        case established(Context, jid: JID)
        /// We sent `</stream:stream>`; stanzas may still arrive until the server's.
        case closing(jid: JID?)
        case closed
        /// Placeholder while the nested SASL machine is mutated in place (avoids copy-on-write).
        case modifying
    }

    let configuration: Configuration
    var state: State = .idle

    /// The `id` of the bind request (RFC 6120 §7.6.1); IDs need only be unique
    /// within the stream, and the application cannot send before binding.
    static let bindRequestID = "bind_1"
    /// The `id` of the legacy session request.
    static let sessionRequestID = "session_1"

    /// A machine for one connection.
    public init(configuration: Configuration) {
        self.configuration = configuration
    }

    /// The full JID once bound, else nil.
    public var boundJID: JID? {
        switch state {
        case .established(_, let jid): jid
        case .closing(let jid): jid
        case .idle, .awaitingHeader, .awaitingFeatures, .awaitingProceed, .startingTLS, .authenticating,
             .binding, .resuming, .startingSession, .closed, .modifying:
            nil
        }
    }

    /// Whether the server offered stream management (XEP-0198) with binding.
    public var offersStreamManagement: Bool {
        switch state {
        case .binding(let context, _, _), .resuming(let context, _, _), .startingSession(let context, _, _),
             .established(let context, _):
            context.offersStreamManagement
        default:
            false
        }
    }

    /// Whether the session is established (and not closing).
    public var isEstablished: Bool {
        if case .established = state { return true }
        return false
    }

    /// Whether the stream is over.
    public var isClosed: Bool {
        if case .closed = state { return true }
        return false
    }

    /// The `id` of the server's current stream header, once received.
    public var streamID: String? {
        switch state {
        case .awaitingHeader(let context), .awaitingFeatures(let context), .awaitingProceed(let context),
             .startingTLS(let context), .authenticating(let context, _), .binding(let context, _, _),
             .resuming(let context, _, _),
             .startingSession(let context, _, _), .established(let context, _):
            context.streamID
        case .idle, .closing, .closed, .modifying:
            nil
        }
    }
}
