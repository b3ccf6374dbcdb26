import NIOCore
import NIOSSL
import XMPPCore
import XMPPStreams

extension XMPPClientHandler {
    /// Performs one action of the negotiation machine. Writes go into
    /// ``outbound``; the caller flushes.
    func run(_ action: ClientNegotiationStateMachine.Action, context: ChannelHandlerContext) {
        switch action {
        case .sendHeader(let header):
            header.write(into: &outbound)
        case .restartStream(let header):
            // RFC 6120 §4.3.3: a new stream; buffered bytes belong to it.
            parser.reset()
            header.write(into: &outbound)
        case .send(let element):
            element.write(into: &outbound, context: .clientStream)
        case .startTLS:
            startTLS(context: context)
        case .established(let jid):
            sessionBound(jid)
        case .resumed(let jid, let h):
            sessionResumed(jid, h: h, context: context)
        case .stanza(let stanza):
            countInbound()
            deliver(stanza)
        case .nonza(let element):
            // Stream management's; other first-level elements are ignored.
            streamManagementReceived(element, context: context)
        case .sendClose:
            StreamHeader.writeClose(into: &outbound)
            closeTimer = context.eventLoop.assumeIsolated().scheduleTask(in: TimeAmount(settings.timeouts.close)) {
                self.run(self.machine.closeTimedOut(), context: context)
            }
        case .closeStream(let streamError, let failure):
            if let failure { record(XMPPClientError(failure)) }
            if let streamError { streamError.element.write(into: &outbound, context: .clientStream) }
            StreamHeader.writeClose(into: &outbound)
            flushOutbound(context: context)
            context.close(promise: nil)
        case .closeConnection(let failure):
            if let failure { record(XMPPClientError(failure)) }
            flushOutbound(context: context)
            context.close(promise: nil)
        case .wait:
            break
        }
    }

    /// `<proceed/>` arrived (RFC 6120 §5.4.3.3): put TLS in front of this handler,
    /// with the JID's domain for SNI and certificate checks, and start a new stream
    /// on it once the handshake is done.
    private func startTLS(context: ChannelHandlerContext) {
        guard parser.bufferedByteCount == 0 else {
            run(machine.plaintextAfterProceed(), context: context)
            return
        }
        // Anything already written must still go out in plaintext, before TLS.
        flushOutbound(context: context)
        guard let sslContext = settings.startTLSContext else {
            record(.tlsFailed("no TLS context for STARTTLS"))
            context.close(promise: nil)
            return
        }
        do {
            let tls = try XMPPClient.makeTLSHandler(context: sslContext, serverName: settings.serverName)
            try context.pipeline.syncOperations.addHandler(tls, position: .before(self))
        } catch {
            record(.tlsFailed("\(error)"))
            context.close(promise: nil)
            return
        }
        parser.reset()
    }

    /// Hands a stanza on: the answer to one of our requests completes it
    /// (RFC 6120 §8.2.3); everything else goes to the application.
    private func deliver(_ stanza: Stanza) {
        if case .iq(let iq) = stanza, iq.type == .result || iq.type == .error, let ownJID = machine.boundJID,
           let entry = requests.removeRequest(answeredBy: iq, ownJID: ownJID) {
            entry.timer?.cancel()
            entry.response.succeed(iq)
            return
        }
        incoming.yield(stanza)
    }

    /// Remembers the first failure: it is what the application is told.
    func record(_ error: XMPPClientError) {
        if failure == nil { failure = error }
    }

    /// Writes what ``outbound`` holds, once, and completes the application's write promises with it.
    func flushOutbound(context: ChannelHandlerContext) {
        requestAckIfNeeded()
        guard outbound.readableBytes > 0 else {
            let promises = outboundPromises
            outboundPromises.removeAll()
            for promise in promises { promise.succeed(()) }
            return
        }
        let promise: EventLoopPromise<Void>?
        switch outboundPromises.count {
        case 0:
            promise = nil
        case 1:
            promise = outboundPromises[0]
        default:
            let combined = context.eventLoop.makePromise(of: Void.self)
            for waiting in outboundPromises { combined.futureResult.cascade(to: waiting) }
            promise = combined
        }
        outboundPromises.removeAll(keepingCapacity: true)
        context.writeAndFlush(wrapOutboundOut(outbound), promise: promise)
        // The channel holds the written bytes; clearing gives the buffer fresh storage.
        outbound.clear()
    }

    /// The connection is gone: settle every promise and end the stream of stanzas.
    func end() {
        guard !ended else { return }
        ended = true
        negotiationTimer?.cancel()
        closeTimer?.cancel()
        let reason = failure
        let negotiationError = reason
            ?? (closeTimer != nil
                ? .closed("the session was closed before it was established")
                : .connectionFailed("the connection closed before the session was established"))
        established.fail(negotiationError)
        let requestError = reason ?? .closed("the session ended before the answer came")
        for entry in requests.removeAll() {
            entry.timer?.cancel()
            entry.response.fail(requestError)
        }
        for promise in outboundPromises { promise.fail(requestError) }
        outboundPromises.removeAll()
        // Told before `incoming` finishes, so a reader that saw it finish finds
        // the reason and the resumption data already there.
        if let session = resumableSession() {
            onStreamManagement(.resumable(session))
        }
        onEnd(reason)
        incoming.finish()
    }
}
