import NIOCore
import XMPPCore
import XMPPStreams

/// XEP-0198 on the client's side of one connection.
struct ClientStreamManagement {
    /// The SM-ID, when the server lets the session be resumed.
    var id: String?
    /// Stanzas from the server the client handled: the `h` of our `<a/>`,
    /// counted from `<enabled/>` (or the resumed session's count).
    var handled: UInt32 = 0
    /// Whether `<enabled/>` (or `<resumed/>`) came: from then on stanzas from
    /// the server count.
    var countsInbound = false
    /// Stanzas sent since `<enable/>` and not acknowledged, oldest first.
    var unacknowledged = UnacknowledgedQueue<XMPPElement>()
    /// Our `<r/>` is out and unanswered.
    var ackRequested = false
}

/// What the handler tells ``XMPPClient`` about stream management.
enum StreamManagementReport: Sendable {
    /// The session of ``XMPPClient/Configuration/resuming`` was resumed.
    case resumed
    /// The connection is gone; the session may be resumed with this.
    case resumable(XMPPClient.ResumableSession)
}

extension XMPPClientHandler {
    /// Bound: enables stream management when configured and offered, and
    /// reports the session established once the server answered (so the
    /// caller can count on the resumption ID); otherwise reports it now.
    func sessionBound(_ jid: JID) {
        guard settings.streamManagement != .off, machine.offersStreamManagement else {
            negotiationTimer?.cancel()
            negotiationTimer = nil
            established.succeed(jid)
            return
        }
        let resume = settings.streamManagement == .resumable
        StreamManagementElement.enable(resume: resume, max: nil).element.write(into: &outbound, context: .clientStream)
        streamManagement = ClientStreamManagement()
        awaitingEnabled = jid
    }

    /// `<resumed/>`: the old session goes on. What the server did not handle
    /// of what was sent before is sent again, in order (XEP-0198 §5).
    func sessionResumed(_ jid: JID, h: UInt32, context: ChannelHandlerContext) {
        guard let previous = settings.resuming else { return }
        var queue = previous.queue
        do {
            try queue.acknowledge(h)
        } catch {
            closeForStreamManagement(error.streamError, context: context)
            return
        }
        for element in queue.unacknowledged {
            element.write(into: &outbound, context: .clientStream)
        }
        streamManagement = ClientStreamManagement(
            id: previous.resumption.id, handled: previous.resumption.handled, countsInbound: true, unacknowledged: queue)
        onStreamManagement(.resumed)
        negotiationTimer?.cancel()
        negotiationTimer = nil
        established.succeed(jid)
    }

    /// A stream management element from the server on the established stream.
    func streamManagementReceived(_ element: XMPPElement, context: ChannelHandlerContext) {
        guard element.namespace == Namespace.streamManagement, streamManagement != nil else { return }
        let received: StreamManagementElement?
        do {
            received = try StreamManagementElement(element)
        } catch {
            closeForStreamManagement(StreamError(.badFormat, text: error.text), context: context)
            return
        }
        switch received {
        case .enabled(let id, let resume, _):
            streamManagement?.id = resume ? id : nil
            streamManagement?.countsInbound = true
            finishEnabling()
        case .failed:
            // The server would not enable it; the session goes on without.
            streamManagement = nil
            finishEnabling()
        case .request:
            guard let handled = streamManagement?.handled, streamManagement?.countsInbound == true else { return }
            StreamManagementElement.ack(h: handled).element.write(into: &outbound, context: .clientStream)
        case .ack(let h):
            do {
                try streamManagement?.unacknowledged.acknowledge(h)
                streamManagement?.ackRequested = false
            } catch {
                closeForStreamManagement(error.streamError, context: context)
            }
        case .enable, .resume, .resumed, nil:
            break
        }
    }

    private func finishEnabling() {
        guard let jid = awaitingEnabled else { return }
        awaitingEnabled = nil
        negotiationTimer?.cancel()
        negotiationTimer = nil
        established.succeed(jid)
    }

    /// A stanza from the server, once acks are on: one more handled.
    func countInbound() {
        if streamManagement?.countsInbound == true {
            streamManagement?.handled &+= 1
        }
    }

    /// A stanza the application sends, once `<enable/>` is out.
    func countOutbound(_ element: XMPPElement) {
        guard streamManagement != nil, element.namespace == Namespace.client,
              element.name == "message" || element.name == "presence" || element.name == "iq" else { return }
        streamManagement?.unacknowledged.append(element)
    }

    /// Before a flush: ask for an ack of what went out unacknowledged, one
    /// request at a time.
    func requestAckIfNeeded() {
        guard let state = streamManagement, state.countsInbound, !state.ackRequested, !state.unacknowledged.isEmpty else { return }
        streamManagement?.ackRequested = true
        StreamManagementElement.request.element.write(into: &outbound, context: .clientStream)
    }

    /// What a new client needs to resume this session, when the connection is
    /// gone without the stream being closed and the server allowed resumption.
    func resumableSession() -> XMPPClient.ResumableSession? {
        guard let state = streamManagement, let id = state.id, let jid = machine.boundJID ?? settings.resuming?.resumption.jid,
              !machine.isClosed else { return nil }
        return XMPPClient.ResumableSession(
            resumption: .init(id: id, jid: jid, handled: state.handled), queue: state.unacknowledged)
    }

    private func closeForStreamManagement(_ error: StreamError, context: ChannelHandlerContext) {
        record(.connectionFailed("stream management: \(error)"))
        error.element.write(into: &outbound, context: .clientStream)
        StreamHeader.writeClose(into: &outbound)
        streamManagement = nil
        flushOutbound(context: context)
        context.close(promise: nil)
    }
}
