import NIOCore
import NIOPosix
import NIOSSL
import Synchronization
import XMPPCore
import XMPPStreams

/// An XMPP client session (RFC 6120, RFC 6121) with an async/await API.
///
/// ```swift
/// let client = XMPPClient(configuration: .init(jid: try JID("juliet@example.com"), password: secret))
/// try await client.connect()                       // TLS, SASL, resource binding
/// try await client.send(Message(type: .chat, to: try JID("romeo@example.net"), body: "Art thou there?"))
/// let roster = try await client.iq(IQ(type: .get, id: "", payload: XMPPElement("query", namespace: Namespace.roster)))
/// for await stanza in client.incoming { ... }      // ends when the session does
/// await client.close()
/// ```
///
/// One client is one session: ``connect()`` once, and make a new client to
/// reconnect. The connection itself runs on a NIO event loop, driven by the same
/// sans-I/O ``ClientNegotiationStateMachine`` and XML parser as the server; this
/// type only bridges it to async callers.
///
/// IQ requests that arrive from others (`get` and `set`) are delivered on
/// ``incoming`` like every other stanza: the application MUST answer each with
/// a result or an error (RFC 6120 §8.2.3), for example with
/// `iq.errorReply(.serviceUnavailable())` for payloads it does not handle
/// (RFC 6120 §8.4).
public final class XMPPClient: Sendable {
    /// The settings the client was made with.
    public let configuration: Configuration
    /// Every stanza from the server except the answers to ``iq(_:timeout:)``, in
    /// order; it finishes when the session ends (see ``terminationError``).
    /// Iterate it from one task only. Stanzas are buffered without bound until read.
    public let incoming: AsyncStream<Stanza>

    let incomingContinuation: AsyncStream<Stanza>.Continuation
    private let eventLoopGroup: any EventLoopGroup
    private let state: Mutex<State>
    /// Whether the session was resumed, and how to resume it once its connection is lost.
    private let streamManagement = Mutex<(resumed: Bool, resumable: ResumableSession?)>((false, nil))

    private enum State {
        case idle
        /// ``connect()`` is opening the TCP connection.
        case connecting
        case negotiating(any Channel)
        case established(any Channel, JID)
        case ended(XMPPClientError?)
    }

    /// A client; nothing happens until ``connect()``. It runs on `eventLoopGroup`
    /// (by default NIO's shared group).
    public init(configuration: Configuration, eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton) {
        self.configuration = configuration
        self.eventLoopGroup = eventLoopGroup
        (incoming, incomingContinuation) = AsyncStream.makeStream(of: Stanza.self)
        state = Mutex(.idle)
    }

    /// The full JID the server bound (RFC 6120 §7), while the session is established.
    public var boundJID: JID? {
        state.withLock { state in
            if case .established(_, let jid) = state { return jid }
            return nil
        }
    }

    /// Whether ``connect()`` resumed ``Configuration/resuming`` (XEP-0198 §5)
    /// rather than binding a new resource.
    public var wasResumed: Bool { streamManagement.withLock { $0.resumed } }

    /// Once the connection is lost without the stream being closed, and the
    /// server allowed resumption (``StreamManagement/resumable``): what a new
    /// client needs to resume the session (``Configuration/resuming``), within
    /// the time the server keeps it.
    public var resumableSession: ResumableSession? { streamManagement.withLock { $0.resumable } }

    /// Why the session ended: nil while it runs, or when it ended in order.
    public var terminationError: XMPPClientError? {
        state.withLock { state in
            if case .ended(let error) = state { return error }
            return nil
        }
    }

    /// Connects, protects the stream, authenticates and binds a resource; returns
    /// once the session is established (or throws why it could not be). May be
    /// called once. Cancelling the calling task closes the connection.
    public func connect() async throws(XMPPClientError) {
        try state.withLock { (state) throws(XMPPClientError) in
            guard case .idle = state else { throw .invalidRequest("connect() may be called once per client") }
            state = .connecting
        }
        do {
            try await establish()
        } catch {
            state.withLock { $0 = .ended(error) }
            incomingContinuation.finish()
            throw error
        }
    }

    private func establish() async throws(XMPPClientError) {
        guard configuration.jid.localpart != nil else {
            throw .invalidConfiguration("the JID has no localpart to authenticate as")
        }
        let sslContext = try Self.makeSSLContext(for: configuration)
        let loop = eventLoopGroup.next()
        let established = loop.makePromise(of: JID.self)
        let channel: any Channel
        do {
            channel = try await bootstrap(on: loop, sslContext: sslContext, established: established)
                .connect(host: configuration.effectiveHost, port: configuration.effectivePort).get()
        } catch {
            established.fail(XMPPClientError.connectionFailed("\(error)"))
            throw .connectionFailed("cannot connect to \(configuration.effectiveHost):\(configuration.effectivePort): \(error)")
        }
        try state.withLock { (state) throws(XMPPClientError) in
            guard case .connecting = state else {
                channel.close(promise: nil)
                throw .closed("the client was closed while connecting")
            }
            state = .negotiating(channel)
        }
        let jid: JID
        do {
            jid = try await withTaskCancellationHandler {
                try await established.futureResult.get()
            } onCancel: {
                channel.close(promise: nil)
            }
        } catch let error as XMPPClientError {
            throw error
        } catch {
            throw .connectionFailed("\(error)")
        }
        try state.withLock { (state) throws(XMPPClientError) in
            guard case .negotiating = state else { throw .closed("the session was closed while it was being established") }
            state = .established(channel, jid)
        }
    }

    /// A bootstrap whose pipeline is TLS (for direct TLS) and the client handler.
    private func bootstrap(
        on loop: any EventLoop, sslContext: NIOSSLContext?, established: EventLoopPromise<JID>
    ) -> ClientBootstrap {
        let settings = XMPPClientHandler.Settings(
            negotiation: configuration.negotiation, tls: configuration.tls,
            startTLSContext: configuration.tls == .startTLS ? sslContext : nil,
            serverName: configuration.jid.domainpart, timeouts: configuration.timeouts,
            parserLimits: configuration.parserLimits, streamManagement: configuration.streamManagement,
            resuming: configuration.resuming)
        let direct = configuration.tls == .directTLS ? sslContext : nil
        let continuation = incomingContinuation
        let onEnd: @Sendable (XMPPClientError?) -> Void = { [weak self] reason in self?.sessionEnded(reason) }
        let onStreamManagement: @Sendable (StreamManagementReport) -> Void = { [weak self] report in
            self?.streamManagement.withLock { state in
                switch report {
                case .resumed: state.resumed = true
                case .resumable(let session): state.resumable = session
                }
            }
        }
        return ClientBootstrap(group: loop)
            .connectTimeout(TimeAmount(configuration.timeouts.connect))
            .channelOption(.tcpOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let operations = channel.pipeline.syncOperations
                    if let direct {
                        try operations.addHandler(Self.makeTLSHandler(context: direct, serverName: settings.serverName))
                    }
                    try operations.addHandler(XMPPClientHandler(
                        settings: settings, established: established, incoming: continuation,
                        onEnd: onEnd, onStreamManagement: onStreamManagement))
                }
            }
    }

    deinit {
        state.withLock { state in
            switch state {
            case .negotiating(let channel), .established(let channel, _):
                channel.close(promise: nil)
            case .idle, .connecting, .ended:
                break
            }
        }
        incomingContinuation.finish()
    }

    /// The channel of the established session.
    func establishedChannel() throws(XMPPClientError) -> any Channel {
        try state.withLock { (state) throws(XMPPClientError) -> any Channel in
            switch state {
            case .established(let channel, _):
                return channel
            case .ended(let reason):
                throw .closed(reason.map { "the session has ended: \($0)" } ?? "the session has ended")
            case .idle, .connecting, .negotiating:
                throw .closed("the session is not established")
            }
        }
    }

    /// The channel to close in order, if there is one; a client that never
    /// connected is marked ended.
    func beginClose() -> (any Channel)? {
        state.withLock { state in
            switch state {
            case .negotiating(let channel), .established(let channel, _):
                return channel
            case .idle, .connecting:
                state = .ended(nil)
                return nil
            case .ended:
                return nil
            }
        }
    }

    /// The handler saw the connection go.
    private func sessionEnded(_ reason: XMPPClientError?) {
        state.withLock { state in
            if case .ended = state { return }
            state = .ended(reason)
        }
    }
}
