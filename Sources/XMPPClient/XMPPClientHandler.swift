import NIOCore
import NIOSSL
import NIOTLS
import XMPPCore
import XMPPStreams

/// The channel handler of one client connection: a thin driver that owns the
/// parser, the ``ClientNegotiationStateMachine``, the requests in flight and a
/// reused outbound buffer, all on the channel's event loop.
///
/// Inbound, each parser event becomes one machine call and each action is
/// performed by ``run(_:context:)``; what a read batch writes is flushed once,
/// in `channelReadComplete`. Outbound, ``XMPPClient`` sends
/// ``XMPPClientCommand``s down the pipeline. The async world is reached only
/// through promises (`established`, each request's) and the `incoming`
/// continuation.
final class XMPPClientHandler: ChannelDuplexHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundIn = XMPPClientCommand
    typealias OutboundOut = ByteBuffer

    /// What the handler needs to know, fixed at creation.
    struct Settings: Sendable {
        /// The negotiation configuration (with the password).
        var negotiation: ClientNegotiationStateMachine.Configuration
        /// How the connection is protected.
        var tls: XMPPClient.TLSMode
        /// The TLS context for STARTTLS; nil when the connection never starts TLS itself.
        var startTLSContext: NIOSSLContext?
        /// The name sent as SNI and checked against the certificate: the JID's domain.
        var serverName: String
        /// How long negotiation and closing may take.
        var timeouts: XMPPClient.Timeouts
        /// Bounds on what the server may send.
        var parserLimits: XMLParserLimits
        /// Whether to enable XEP-0198 stream management.
        var streamManagement: XMPPClient.StreamManagement = .off
        /// A session to resume, with what it had not had acknowledged.
        var resuming: XMPPClient.ResumableSession?
    }

    let settings: Settings
    var parser: XMLStreamParser
    var machine: ClientNegotiationStateMachine
    /// Bytes written since the last flush; handed to the channel whole.
    var outbound = ByteBuffer()
    /// Write promises of application commands whose bytes are in ``outbound``.
    var outboundPromises: [EventLoopPromise<Void>] = []
    var requests = PendingRequests()
    /// Succeeded with the bound JID, or failed with why negotiation ended.
    let established: EventLoopPromise<JID>
    /// Where stanzas for the application go.
    let incoming: AsyncStream<Stanza>.Continuation
    /// Told once, when the connection is gone, why it ended (nil: in order).
    let onEnd: @Sendable (XMPPClientError?) -> Void
    var negotiationTimer: Scheduled<Void>?
    var closeTimer: Scheduled<Void>?
    /// The first reason the connection is ending, if it is a failure.
    var failure: XMPPClientError?
    /// Whether our stream has been opened (for direct TLS, after the handshake).
    var started = false
    /// Whether the end has been reported.
    var ended = false
    /// XEP-0198 state, from `<enable/>` on.
    var streamManagement: ClientStreamManagement?
    /// Bound, waiting for `<enabled/>` or `<failed/>` before reporting the session established.
    var awaitingEnabled: JID?
    /// Told when a session is resumed and, at the end, how to resume it.
    let onStreamManagement: @Sendable (StreamManagementReport) -> Void

    init(
        settings: Settings, established: EventLoopPromise<JID>, incoming: AsyncStream<Stanza>.Continuation,
        onEnd: @escaping @Sendable (XMPPClientError?) -> Void,
        onStreamManagement: @escaping @Sendable (StreamManagementReport) -> Void = { _ in }
    ) {
        self.onStreamManagement = onStreamManagement
        self.settings = settings
        self.parser = XMLStreamParser(mode: .stream, limits: settings.parserLimits, inheritsStreamLanguage: false)
        self.machine = ClientNegotiationStateMachine(configuration: settings.negotiation)
        self.established = established
        self.incoming = incoming
        self.onEnd = onEnd
    }

    func handlerAdded(context: ChannelHandlerContext) {
        outbound = context.channel.allocator.buffer(capacity: 1024)
        if context.channel.isActive {
            begin(context: context)
        }
    }

    func channelActive(context: ChannelHandlerContext) {
        begin(context: context)
        context.fireChannelActive()
    }

    /// The connection is up: arm the negotiation timer and open the stream,
    /// unless direct TLS must finish its handshake first.
    private func begin(context: ChannelHandlerContext) {
        guard negotiationTimer == nil, !ended else { return }
        negotiationTimer = context.eventLoop.assumeIsolated().scheduleTask(in: TimeAmount(settings.timeouts.negotiation)) {
            self.run(self.machine.negotiationTimedOut(), context: context)
            self.flushOutbound(context: context)
        }
        guard settings.tls != .directTLS else { return }
        started = true
        run(machine.start(), context: context)
        flushOutbound(context: context)
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let tlsEvent = event as? TLSUserEvent, case .handshakeCompleted = tlsEvent {
            let binding = channelBinding(context: context)
            if started {
                run(machine.tlsEstablished(channelBinding: binding), context: context)
            } else {
                started = true
                run(machine.start(channelBinding: binding), context: context)
            }
            flushOutbound(context: context)
        }
        context.fireUserInboundEventTriggered(event)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        parser.append(unwrapInboundIn(data))
        while !machine.isClosed {
            let event: XMLStreamParser.Event?
            do {
                event = try parser.next()
            } catch {
                run(machine.parseFailed(error), context: context)
                return
            }
            guard let event else { return }
            switch event {
            case .streamOpened(let header):
                run(machine.streamHeaderReceived(header), context: context)
            case .element(let element):
                run(machine.elementReceived(element), context: context)
            case .streamClosed:
                run(machine.streamClosedReceived(), context: context)
            }
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        flushOutbound(context: context)
        context.fireChannelReadComplete()
    }

    func channelInactive(context: ChannelHandlerContext) {
        // Gone without either side closing the stream, and not while we waited for the server's close.
        if !machine.isClosed, closeTimer == nil {
            record(.connectionFailed("the connection was lost"))
        }
        end()
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if !machine.isClosed {
            record(Self.isTLSFailure(error) ? .tlsFailed("\(error)") : .connectionFailed("\(error)"))
        }
        context.close(promise: nil)
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        end()
    }

    /// Whether `error` comes from TLS itself (handshake, certificate, record layer)
    /// rather than from the connection under it. A TCP close without TLS's
    /// close_notify is the connection's.
    static func isTLSFailure(_ error: any Error) -> Bool {
        if case NIOSSLError.uncleanShutdown = error { return false }
        return error is NIOSSLError || error is BoringSSLError || error is NIOSSLExtraError
    }

    /// The `tls-server-end-point` data of the server's certificate (RFC 5929 §4),
    /// or nil when there is none or its signature algorithm gives no hash.
    private func channelBinding(context: ChannelHandlerContext) -> ChannelBinding? {
        guard let tls = try? context.pipeline.syncOperations.handler(type: NIOSSLHandler.self),
              let certificate = tls.peerCertificate,
              let der = try? certificate.toDERBytes() else { return nil }
        return try? ChannelBinding.tlsServerEndPoint(certificateDER: der)
    }
}

@available(*, unavailable)
extension XMPPClientHandler: Sendable {}
