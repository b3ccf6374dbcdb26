import Logging
import NIOCore
import NIOSSL
import NIOTLS
import XMPPCore
import XMPPStreams

/// The driver of one client connection: it owns the stream parser, the
/// negotiation state machine and a reused outbound buffer, feeds the machine what
/// the parser yields, and performs each action (STYLE.md §2.3). Everything here
/// runs on the channel's event loop; nothing is shared but the ``ClientSession``
/// handle once bound. Outbound, stanzas routed to the session pass through here,
/// so stream management (XEP-0198) counts them in the order they go out.
final class C2SHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    let server: ServerContext
    let connections: ConnectionTracker
    var parser: XMLStreamParser
    var machine: ServerNegotiationStateMachine
    var logger: Logger
    var writer = StreamWriter(namespaces: .clientStream)
    var streamID = ""
    var context: ChannelHandlerContext?
    /// Our closing tag is out; waiting for the peer's (RFC 6120 §4.4).
    var awaitingPeerClose = false
    var closeTimer: Scheduled<Void>?
    /// The authenticated account, between SASL success and binding.
    var account: JID?
    /// The bound session, once established; nil again once it ended or was
    /// detached from this connection.
    var session: ClientSession?
    /// XEP-0198 state, once the client enabled stream management.
    var streamManagement: StreamManagementState?
    /// The session bound (or resumed) on this connection, kept after it ended
    /// or left, for stanzas still on their way here: they must not follow our
    /// closing tag, so the session hands them on instead.
    var boundSession: ClientSession?
    var negotiationTimeout: Scheduled<Void>?
    /// Why the connection ended, for the closing log line.
    var closeReason: String?
    /// A module is still working on the last stanza (storage); the next waits, so
    /// a client's stanzas take effect in the order it sent them.
    var isSuspended = false
    /// When bytes last came from the client, for keepalive pings.
    var lastInput = NIODeadline.now()
    var keepalive: Scheduled<Void>?
    var awaitingPing = false
    /// The client's IP address, for limits per address (in-band registration).
    let peerAddress: String?
    /// The client's incoming rate, when `limits.max_bytes_per_second` sets one.
    var inboundRate: InboundRate?
    /// Reading is paused until the rate's debt is paid; whether that was logged yet.
    var readingPaused = false
    var loggedRatePause = false
    /// The account the current authentication attempt is for (`user@domain`), once known.
    var authenticatingAs: String?
    /// Whether the connection is over its address's limit and is to be refused
    /// as soon as it is active.
    var refusedForAddress = false
    /// A stream error the server asked for while a module was still answering the
    /// client's last stanza; sent once that answer is out.
    var deferredClose: StreamError?

    init(server: ServerContext, tls: ServerNegotiationStateMachine.TLSMode, peer: SocketAddress?, connections: ConnectionTracker) {
        self.server = server
        self.connections = connections
        self.parser = XMLStreamParser(
            mode: .stream, limits: XMLParserLimits(maxElementBytes: server.configuration.limits.maxStanzaBytes,
                                                   maxTextBytes: server.configuration.limits.maxStanzaBytes))
        self.machine = ServerNegotiationStateMachine(configuration: server.negotiationConfiguration(tls: tls))
        self.peerAddress = peer?.ipAddress
        let rate = server.configuration.limits.maxIncomingBytesPerSecond
        self.inboundRate = rate > 0 ? InboundRate(bytesPerSecond: rate, burst: rate) : nil
        var logger = server.logger
        logger[metadataKey: "xmpp.peer"] = "\(peer?.description ?? "unknown")"
        logger[metadataKey: "xmpp.listener"] = "\(tls)"
        self.logger = logger
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        refusedForAddress = !connections.opened(
            context.channel, address: peerAddress, limit: server.configuration.limits.maxConnectionsPerAddress)
        let seconds = Int64(server.configuration.limits.negotiationTimeoutSeconds)
        negotiationTimeout = context.eventLoop.assumeIsolated().scheduleTask(in: .seconds(seconds)) { [self] in
            run(machine.negotiationTimedOut(streamID: streamID.isEmpty ? Self.makeStreamID() : streamID))
            flush()
        }
    }

    /// The context holds this handler, so keeping it past removal would keep
    /// both (and the parser's buffers, the session) for the life of the process.
    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
        cancelTimers()
    }

    /// Nothing scheduled may act on a connection that has gone.
    private func cancelTimers() {
        negotiationTimeout?.cancel()
        closeTimer?.cancel()
        keepalive?.cancel()
        streamManagement?.ackTimer?.cancel()
    }

    func channelActive(context: ChannelHandlerContext) {
        context.fireChannelActive()
        guard !refusedForAddress else {
            let limit = server.configuration.limits.maxConnectionsPerAddress
            logger.warning("connection refused: too many from its address", metadata: ["limit": "\(limit)"])
            closeReason = "too many connections from the address"
            run(machine.refuse(
                StreamError(.policyViolation, text: "too many connections from your address (at most \(limit))"),
                streamID: Self.makeStreamID()))
            flush()
            return
        }
        logger.info("connection opened")
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        lastInput = NIODeadline.now()
        let bytes = unwrapInboundIn(data)
        if let pause = inboundRate?.take(bytes.readableBytes, now: lastInput) {
            pauseReading(for: pause, context: context)
        }
        parser.append(bytes)
        if awaitingPeerClose {
            readUntilPeerCloses()
        } else {
            processParsedInput()
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        flush()
        context.fireChannelReadComplete()
    }

    /// Pulls every event the buffered bytes complete and hands each to the machine.
    func processParsedInput() {
        // Once our stream is closed, what is left to read is only the peer's closing tag.
        defer { if awaitingPeerClose { readUntilPeerCloses() } }
        var handled = 0
        while !machine.isClosed, !isSuspended, !awaitingPeerClose {
            if handled == Self.elementsPerTurn {
                yieldTurn()
                return
            }
            handled += 1
            let event: XMLStreamParser.Event
            do {
                guard let next = try parser.next() else { return }
                event = next
            } catch {
                logger.warning("refused input", metadata: ["xmpp.error": "\(error)"])
                run(machine.parseFailed(error, streamID: streamID.isEmpty ? Self.makeStreamID() : streamID))
                return
            }
            switch event {
            case .streamOpened(let header):
                streamID = Self.makeStreamID()
                run(machine.streamHeaderReceived(header, streamID: streamID))
            case .element(let element):
                run(machine.elementReceived(element))
            case .streamClosed:
                closeReason = "client closed the stream"
                run(machine.streamClosed())
            }
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        cancelTimers()
        // A stream that ended without a close from either side may be resumed.
        if isResumable {
            detachSession(reason: closeReason ?? "connection dropped")
        }
        endSession()
        connections.closed(context.channel)
        logger.info("connection closed", metadata: ["reason": "\(closeReason ?? "connection dropped")"])
        context.fireChannelInactive()
    }

    /// The client sent more than its rate allows: no more reads until the debt is
    /// paid, so TCP slows the client down; what it sent is all read in order after.
    private func pauseReading(for pause: TimeAmount, context: ChannelHandlerContext) {
        guard !readingPaused, let options = context.channel.syncOptions else { return }
        readingPaused = true
        try? options.setOption(.autoRead, value: false)
        if !loggedRatePause {
            loggedRatePause = true
            logger.notice("reading paused: the client sends faster than limits.max_bytes_per_second", metadata: [
                "limit": "\(server.configuration.limits.maxIncomingBytesPerSecond)", "pause_ms": "\(pause.nanoseconds / 1_000_000)",
            ])
        }
        context.eventLoop.assumeIsolated().scheduleTask(in: pause) { [self] in
            readingPaused = false
            try? self.context?.channel.syncOptions?.setOption(.autoRead, value: true)
        }
    }

    /// The outgoing buffer passed `limits.max_outgoing_buffer_bytes`: the client
    /// reads more slowly than its stanzas come. No stream error can reach a
    /// client that does not read, so the connection just ends.
    func channelWritabilityChanged(context: ChannelHandlerContext) {
        context.fireChannelWritabilityChanged()
        let limit = server.configuration.limits.maxOutgoingBufferBytes
        guard limit > 0, !context.channel.isWritable else { return }
        logger.warning("disconnecting a client that reads too slowly", metadata: ["limit_bytes": "\(limit)"])
        closeReason = "outgoing buffer over \(limit) bytes (the client reads too slowly)"
        context.close(promise: nil)
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let tlsEvent = event as? TLSUserEvent, case .handshakeCompleted = tlsEvent {
            logger.info("TLS established")
            run(machine.tlsEstablished())
            processParsedInput()
            flush()
        } else if let command = event as? SessionCommand {
            switch command {
            case .close(let error):
                guard !isSuspended else {
                    deferredClose = error
                    return
                }
                closeForServer(error)
            case .release(let promise):
                detachSession(reason: "resumed on another connection")
                closeReason = "the session was resumed on another connection"
                if !awaitingPeerClose {
                    closeWithError(StreamError(.conflict, text: "the session was resumed on another connection"), header: nil)
                }
                promise.succeed(())
            }
        } else {
            context.fireUserInboundEventTriggered(event)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        closeReason = "transport error: \(error)"
        logger.debug("transport error", metadata: ["error": "\(error)"])
        context.close(promise: nil)
    }

    // MARK: Writing

    func write(_ element: XMPPElement) {
        writer.write(element)
        countWritten(element)
    }

    /// Stanzas routed to the session from elsewhere (``ClientSession/deliver(_:)``).
    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if session != nil, streamManagement == nil {
            context.write(data, promise: promise)
        } else if session != nil {
            writeManaged(unwrapOutboundIn(data), context: context, promise: promise)
        } else if let boundSession {
            // The session ended here, or left for another connection: the
            // stanza goes where the session's stanzas go now (offline storage,
            // the other connection), never after our closing tag.
            promise?.succeed(())
            boundSession.keep(unwrapOutboundIn(data), promise: nil)
        } else {
            context.write(data, promise: promise)
        }
    }

    func flush() {
        guard let context else { return }
        writer.flush(context)
    }

    /// Writes an error (and our header first, if the stream was never opened), our
    /// closing tag, and closes the connection once they are out (RFC 6120 §4.9.1.1).
    func closeWithError(_ error: StreamError, header: StreamHeader?) {
        if let header {
            writer.write(header)
        }
        write(error.element)
        closeAfterWriting()
    }

    /// Ends the stream because the server asked to (``ClientSession/close(with:)``,
    /// shutdown), after our stream header if none went out yet (RFC 6120
    /// §4.9.1.2: a client that has sent nothing still gets a well-formed stream).
    func closeForServer(_ error: StreamError) {
        guard !awaitingPeerClose, !machine.isClosed else { return }
        closeReason = "closed by the server: \(error.condition.rawValue)"
        guard session == nil else {
            closeWithError(error, header: nil)
            return
        }
        run(machine.refuse(error, streamID: streamID.isEmpty ? Self.makeStreamID() : streamID))
    }

    /// Writes `</stream:stream>` and flushes. RFC 6120 §4.4: the side that closes
    /// its stream first waits for the peer's closing tag before ending the TCP
    /// connection, so the peer can finish what it was sending, but not forever;
    /// when the peer closed first (`waitForPeer` false), the connection ends now.
    func closeAfterWriting(waitForPeer: Bool = true) {
        guard let context else { return }
        let written = writer.writeClose(context)
        // Nothing may follow our closing tag, so routing stops finding this session now.
        endSession()
        guard waitForPeer else {
            written.assumeIsolated().whenComplete { [context] _ in context.close(promise: nil) }
            return
        }
        awaitingPeerClose = true
        closeTimer = context.eventLoop.assumeIsolated().scheduleTask(in: Self.peerCloseTimeout) { [context] in
            context.close(promise: nil)
        }
    }

    /// Ends the session for good, once, however the stream ended: out of
    /// routing, contacts told (RFC 6121 §4.5.2), and what the client did not
    /// acknowledge routed as for an unavailable resource (XEP-0198 §4).
    func endSession() {
        guard let session else { return }
        self.session = nil
        streamManagement?.ackTimer?.cancel()
        let unacknowledged = streamManagement?.unacknowledged.removeAll() ?? []
        server.end(session, unacknowledged: unacknowledged, resumptionID: streamManagement?.resumptionID)
    }

    /// Runs a module's storage work for a stanza and holds further input until it
    /// is done; then carries on with what was buffered meanwhile.
    /// `then` runs on the loop with the work's result once it is done, before a
    /// close asked for meanwhile and before buffered input.
    func suspend<Value: Sendable>(until work: @escaping @Sendable () async -> Value, then: ((Value) -> Void)? = nil) {
        guard let context else { return }
        isSuspended = true
        let promise = context.eventLoop.makePromise(of: Value.self)
        promise.completeWithTask(work)
        promise.futureResult.assumeIsolated().whenComplete { [self] result in
            isSuspended = false
            if case .success(let value) = result {
                then?(value)
            }
            resumeInput()
        }
    }

    /// Goes on with what the client sent while input was held: the close the
    /// server asked for meanwhile first, except at shutdown, where what the
    /// client sent before it is handled first (stored, routed), not dropped
    /// with the connection.
    private func resumeInput() {
        if deferredClose?.condition == .systemShutdown {
            processParsedInput()
        }
        if !isSuspended, let error = deferredClose {
            deferredClose = nil
            closeForServer(error)
        }
        processParsedInput()
        flush()
    }

    /// The most first-level elements handled in one go from what one read
    /// brought: a client that sends a burst (after a pause of its rate limit,
    /// say) gives the event loop back in between, so the other connections on
    /// it are not held up behind hundreds of its stanzas.
    static let elementsPerTurn = 32

    /// Hands the loop to the other connections and goes on with the rest of
    /// the burst after them; further input waits meanwhile, as for storage work.
    private func yieldTurn() {
        guard let context else { return }
        flush()
        isSuspended = true
        context.eventLoop.assumeIsolated().execute { [self] in
            isSuspended = false
            resumeInput()
        }
    }

    /// How long to wait for the peer's closing tag after ours.
    static let peerCloseTimeout = TimeAmount.seconds(2)

    /// After our closing tag, reads only to find the peer's; ends the connection
    /// when it comes or the input cannot be parsed any more.
    func readUntilPeerCloses() {
        while true {
            do {
                guard let event = try parser.next() else { return }
                guard case .streamClosed = event else { continue }
            } catch {
                // A broken stream cannot close cleanly; nothing more to wait for.
            }
            closeTimer?.cancel()
            awaitingPeerClose = false
            context?.close(promise: nil)
            return
        }
    }

    /// A fresh, unpredictable stream ID (RFC 6120 §4.7.3).
    static func makeStreamID() -> String {
        var generator = SystemRandomNumberGenerator()
        return String(generator.next() as UInt64, radix: 36) + String(generator.next() as UInt64, radix: 36)
    }
}

@available(*, unavailable)
extension C2SHandler: Sendable {}
