import Logging
import NIOCore
import XMPPCore
import XMPPStreams

/// XEP-0198 on one client stream: what the handler counts once the client has
/// enabled stream management.
struct StreamManagementState {
    /// The SM-ID, when the session may be resumed.
    var resumptionID: String?
    /// How long a dropped session waits to be resumed.
    var resumeTimeout: TimeAmount
    /// Stanzas from the client the server has handled: the `h` of its `<a/>`.
    /// A stanza counts once routed; an `<r/>` is answered only after the
    /// storage work of earlier stanzas is done (input waits for it), so an ack
    /// never covers what is not yet on disk.
    var handled: UInt32 = 0
    /// Stanzas written to the client and not yet acknowledged, in wire order.
    var unacknowledged = UnacknowledgedQueue<OutboundStanza>()
    /// Our `<r/>` is out and unanswered.
    var ackRequested = false
    /// Asks for an ack a moment after a stanza that did not reach the interval.
    var ackTimer: Scheduled<Void>?
}

extension C2SHandler {
    var streamManagementSettings: StreamManagementSettings? { server.router.modules.streamManagement }

    /// A first-level element on an established stream; false when it is not
    /// stream management's (or the module is off), for the caller to refuse.
    func handleStreamManagement(_ element: XMPPElement) -> Bool {
        guard element.namespace == Namespace.streamManagement, let settings = streamManagementSettings, let session else {
            return false
        }
        let request: StreamManagementElement?
        do {
            request = try StreamManagementElement(element)
        } catch {
            guard element.name == "enable" || element.name == "resume" else {
                closeForProtocolError(StreamError(.badFormat, text: error.text ?? "a malformed <\(element.name)/>"))
                return true
            }
            write(StreamManagementElement.failed(error.condition, h: nil).element)
            return true
        }
        switch request {
        case .enable(let resume, let max):
            enableStreamManagement(resume: resume, max: max, settings: settings, session: session)
        case .resume:
            // XEP-0198 §5: resumption replaces binding; this stream is bound.
            write(StreamManagementElement.failed(.unexpectedRequest, h: nil).element)
        case .request:
            guard let handled = streamManagement?.handled else {
                closeForProtocolError(StreamError(.unsupportedStanzaType, text: "enable stream management before asking for acks"))
                return true
            }
            write(StreamManagementElement.ack(h: handled).element)
        case .ack(let h):
            guard streamManagement != nil else {
                closeForProtocolError(StreamError(.unsupportedStanzaType, text: "enable stream management before acking"))
                return true
            }
            do {
                try streamManagement?.unacknowledged.acknowledge(h)
                streamManagement?.ackRequested = false
            } catch {
                logger.warning("the client acknowledged more stanzas than it was sent", metadata: ["h": "\(h)", "sent": "\(error.sent)"])
                closeForProtocolError(error.streamError)
            }
        case .enabled, .resumed, .failed, nil:
            closeForProtocolError(StreamError(.unsupportedStanzaType, text: "<\(element.name)/> is the server's to send"))
        }
        return true
    }

    /// XEP-0198 §3: acks on from here, both ways; with `resume`, a session that
    /// may outlive its connection for up to the configured time (or the
    /// client's `max`, when shorter).
    private func enableStreamManagement(resume: Bool, max: Int?, settings: StreamManagementSettings, session: ClientSession) {
        guard streamManagement == nil else {
            write(StreamManagementElement.failed(.unexpectedRequest, h: nil).element)
            return
        }
        var seconds = settings.resumeTimeoutSeconds
        if let max, max > 0 { seconds = min(seconds, max) }
        var state = StreamManagementState(resumeTimeout: .seconds(Int64(seconds)))
        if resume, seconds > 0 {
            let id = ResumableSessions.makeID()
            state.resumptionID = id
            server.resumable.add(session, id: id)
        }
        streamManagement = state
        managedSession = session
        session.manageDelivery()
        write(StreamManagementElement.enabled(
            id: state.resumptionID, resume: state.resumptionID != nil, max: state.resumptionID != nil ? seconds : nil).element)
        logger.info("stream management enabled", metadata: ["resumable": "\(state.resumptionID != nil)"])
    }

    /// A stanza from the client was handled (routed, its storage work under way
    /// and awaited before the next input): it counts toward our `h`.
    func countHandled() {
        streamManagement?.handled &+= 1
    }

    /// A stanza the handler writes itself (an answer of the negotiation
    /// machine): counted among those the client is to acknowledge.
    func countWritten(_ element: XMPPElement) {
        guard streamManagement != nil, element.namespace == Namespace.client,
              element.name == "message" || element.name == "presence" || element.name == "iq" else { return }
        streamManagement?.unacknowledged.append(.element(element))
        afterCounting()
    }

    /// A stanza routed to this session from elsewhere, on its way to the
    /// connection: counted in wire order (what the handler wrote before goes
    /// out first), and the write is ours to answer for from here on.
    func writeManaged(_ bytes: ByteBuffer, context: ChannelHandlerContext, promise: EventLoopPromise<Void>?) {
        promise?.succeed(())
        guard session != nil else {
            // Detached, resumed elsewhere or ended: the session decides where it goes.
            managedSession?.deliver(bytes)
            return
        }
        writer.flush(context)
        streamManagement?.unacknowledged.append(.bytes(bytes))
        context.write(NIOAny(bytes), promise: nil)
        afterCounting()
        writer.flush(context)
    }

    /// Asks for an ack when enough stanzas wait for one, or a second after the
    /// last; ends the stream when the client lets too many go unacknowledged.
    private func afterCounting() {
        guard let state = streamManagement, let settings = streamManagementSettings, let context else { return }
        if state.unacknowledged.count > settings.maxUnackedStanzas {
            logger.warning("closing a stream whose client does not acknowledge stanzas", metadata: [
                "unacknowledged": "\(state.unacknowledged.count)", "limit": "\(settings.maxUnackedStanzas)",
            ])
            closeForProtocolError(StreamError(.policyViolation, text: "too many unacknowledged stanzas"))
            return
        }
        guard !state.ackRequested else { return }
        if state.unacknowledged.count >= settings.ackRequestInterval {
            requestAck()
        } else if state.ackTimer == nil {
            streamManagement?.ackTimer = context.eventLoop.assumeIsolated().scheduleTask(in: .seconds(1)) { [self] in
                streamManagement?.ackTimer = nil
                guard let state = streamManagement, !state.ackRequested, !state.unacknowledged.isEmpty, session != nil else { return }
                requestAck()
                flush()
            }
        }
    }

    private func requestAck() {
        streamManagement?.ackRequested = true
        streamManagement?.ackTimer?.cancel()
        streamManagement?.ackTimer = nil
        write(StreamManagementElement.request.element)
    }

    /// Ends the stream for a protocol error on an established session.
    func closeForProtocolError(_ error: StreamError) {
        logger.warning("stream error", metadata: ["xmpp.error": "\(error)"])
        closeReason = "stream error: \(error.condition.rawValue)"
        closeWithError(error, header: nil)
    }

    /// Whether the session outlives this connection (resumption enabled).
    var isResumable: Bool { streamManagement?.resumptionID != nil }

    /// The connection is gone or handed over while resumption is on: the
    /// session stays bound and available, keeps what the client has not
    /// acknowledged and what arrives, and waits to be resumed (XEP-0198 §5).
    func detachSession(reason: String) {
        guard let session, var state = streamManagement, let id = state.resumptionID, let context else { return }
        self.session = nil
        state.ackTimer?.cancel()
        let generation = UInt64.random(in: .min ... .max)
        let server = self.server
        let hibernation = SessionHibernation(
            id: id, generation: generation, unacknowledged: state.unacknowledged, handled: state.handled,
            timeout: state.resumeTimeout, expire: { generation in server.expire(session, generation: generation) })
        streamManagement = nil
        session.detach(hibernation)
        context.eventLoop.scheduleTask(in: state.resumeTimeout) {
            server.expire(session, generation: generation)
        }
        logger.info("session detached; it may be resumed", metadata: [
            "reason": "\(reason)", "timeout_s": "\(state.resumeTimeout.nanoseconds / 1_000_000_000)",
            "unacknowledged": "\(state.unacknowledged.count)",
        ])
    }

    /// `<resume/>` after authentication (XEP-0198 §5): takes the session over
    /// from the connection it is on, if any (which is closed), resends what the
    /// client has not acknowledged, and goes on as if bound. A session of
    /// another account, or none, is `item-not-found`.
    func resume(previd: String, h: UInt32, account: JID) {
        guard streamManagementSettings != nil, let session = server.resumable.session(id: previd),
              session.jid.bare == account.bare, let context else {
            logger.info("resumption refused: no such session")
            run(machine.resumptionFailed(StreamManagementElement.failed(.itemNotFound, h: nil).element))
            return
        }
        isSuspended = true
        let channel = context.channel
        session.release(on: context.eventLoop).assumeIsolated().whenComplete { [self] _ in
            isSuspended = false
            resumeAttached(session, previd: previd, h: h, channel: channel)
            processParsedInput()
            flush()
        }
    }

    private func resumeAttached(_ session: ClientSession, previd: String, h: UInt32, channel: any Channel) {
        guard let hibernation = session.attach(channel) else {
            logger.info("resumption refused: the session ended meanwhile")
            run(machine.resumptionFailed(StreamManagementElement.failed(.itemNotFound, h: nil).element))
            return
        }
        self.session = session
        managedSession = session
        streamManagement = StreamManagementState(
            resumptionID: previd, resumeTimeout: hibernation.timeout, handled: hibernation.handled,
            unacknowledged: hibernation.unacknowledged)
        run(machine.resumptionSucceeded(session.jid))
        do {
            try streamManagement?.unacknowledged.acknowledge(h)
        } catch {
            for item in hibernation.arrived { streamManagement?.unacknowledged.append(item) }
            closeForProtocolError(error.streamError)
            return
        }
        negotiationTimeout?.cancel()
        negotiationTimeout = nil
        logger[metadataKey: "xmpp.jid"] = "\(session.jid)"
        write(StreamManagementElement.resumed(previd: previd, h: hibernation.handled).element)
        let resent = streamManagement?.unacknowledged.unacknowledged ?? []
        for item in resent {
            writer.write(item)
        }
        for item in hibernation.arrived {
            writer.write(item)
            streamManagement?.unacknowledged.append(item)
        }
        logger.info("session resumed", metadata: ["resent": "\(resent.count)", "kept_while_detached": "\(hibernation.arrived.count)"])
        startKeepalive()
        afterCounting()
    }
}
