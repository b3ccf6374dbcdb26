import Logging
import NIOCore
import NIOSSL
import NIOTLS
import SwiftASN1
import X509
import XMPPCore
import XMPPStreams

/// The driver of one inbound server-to-server connection (RFC 6120 over 5269):
/// the parser, the ``InboundServerStream`` machine and a reused outbound
/// buffer. The peer's certificate is judged in the TLS verification callback;
/// dialback keys are verified over our link to the peer's Authoritative Server;
/// stanzas from authenticated domains go to the router, one peer's in order.
final class S2SInboundHandler: ChannelInboundHandler, RemovableChannelHandler, StanzaReceivingHandler, LinkStream {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    let service: FederationService
    let router: Router
    let mode: ServerNegotiationStateMachine.TLSMode
    var machine: InboundServerStream
    var parser: XMLStreamParser
    var writer = StreamWriter(namespaces: .serverStreamWithDialback)
    var context: ChannelHandlerContext?
    var logger: Logger
    var streamID = ""
    /// The router is still working on the last stanza (storage): the next waits.
    var isSuspended = false
    var isClosing = false
    var negotiationTimeout: Scheduled<Void>?
    var idleTimer: Scheduled<Void>?
    var lastInput = NIODeadline.now()
    let peerNames = PeerNames()
    /// Links to the peer's domains that use this stream (XEP-0288).
    var adoptedLinks: [OutboundLink] = []
    var adoptedKeys: Set<InboundServerStream.DomainPair> = []

    init(service: FederationService, router: Router, tls mode: ServerNegotiationStateMachine.TLSMode, peer: SocketAddress?) {
        self.service = service
        self.router = router
        self.mode = mode
        self.machine = InboundServerStream(configuration: service.inboundConfiguration(tls: mode))
        self.parser = XMLStreamParser(mode: .stream, limits: XMLParserLimits(
            maxElementBytes: service.configuration.maxStanzaBytes, maxTextBytes: service.configuration.maxStanzaBytes))
        var logger = service.logger
        logger[metadataKey: "xmpp.peer"] = "\(peer?.description ?? "unknown")"
        logger[metadataKey: "xmpp.direction"] = "inbound"
        self.logger = logger
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        service.connections.opened(context.channel)
        // Authentication must finish in the time an outbound link gets to set up.
        let seconds = Int64(service.configuration.connectTimeoutSeconds) * 2
        negotiationTimeout = context.eventLoop.assumeIsolated().scheduleTask(in: .seconds(seconds)) { [self] in
            guard machine.authenticatedPairs.isEmpty else { return }
            logger.info("closing an inbound stream that did not authenticate in time")
            closeWithError(StreamError(.connectionTimeout, text: "authentication took too long"), header: nil)
        }
        scheduleIdleCheck(after: .seconds(Int64(service.configuration.idleTimeoutSeconds)))
    }

    /// The context holds this handler: dropping it (and the timers, which hold
    /// the handler too) lets both go.
    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
        negotiationTimeout?.cancel()
        idleTimer?.cancel()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        lastInput = .now()
        parser.append(unwrapInboundIn(data))
        processParsedInput()
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        flush()
        context.fireChannelReadComplete()
    }

    func processParsedInput() {
        while !machine.isClosed, !isSuspended, !isClosing {
            let event: XMLStreamParser.Event
            do {
                guard let next = try parser.next() else { return }
                event = next
            } catch {
                logger.warning("refused input", metadata: ["xmpp.error": "\(error)"])
                run(machine.parseFailed(error, streamID: streamID.isEmpty ? C2SHandler.makeStreamID() : streamID))
                return
            }
            switch event {
            case .streamOpened(let header):
                streamID = C2SHandler.makeStreamID()
                if let refusal = refusal(of: header) {
                    closeWithError(refusal, header: responseHeader(to: header))
                    return
                }
                run(machine.streamHeaderReceived(header, streamID: streamID))
            case .element(let element):
                run(machine.elementReceived(element))
            case .streamClosed:
                run(machine.streamClosed())
            }
        }
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let tlsEvent = event as? TLSUserEvent, case .handshakeCompleted = tlsEvent {
            let names = peerNames.names
            logger.debug("TLS established", metadata: ["xmpp.peer_names": "\(names)"])
            if mode == .direct {
                machine.directTLSEstablished(certificateNames: names)
            } else {
                run(machine.tlsEstablished(certificateNames: names))
            }
            processParsedInput()
            flush()
        } else if let command = event as? SessionCommand, case .close(let error) = command {
            closeWithError(error, header: nil)
        } else {
            context.fireUserInboundEventTriggered(event)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        negotiationTimeout?.cancel()
        idleTimer?.cancel()
        service.connections.closed(context.channel)
        for link in adoptedLinks {
            link.ended(nil, reason: "the peer's bidirectional stream closed")
        }
        adoptedLinks = []
        logger.info("inbound s2s stream closed")
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        logger.debug("transport error", metadata: ["error": "\(error)"])
        context.close(promise: nil)
    }

    // MARK: Actions

    func run(_ action: InboundServerStream.Action) {
        switch action {
        case .sendHeaderAndFeatures(let header, let features):
            writer.write(header)
            write(features.element)
            // After SASL's restart our stanzas may follow the new header.
            adoptBidirectionalLinks()
        case .send(let element):
            write(element)
        case .startTLS:
            startTLS()
        case .authenticated(let domain, let success):
            write(success)
            parser.reset()
            logAuthenticated(domain, method: "EXTERNAL")
        case .verifyDialbackKey(let request):
            verify(request)
        case .stanza(let stanza, _):
            receive(stanza, router: router)
        case .closeWithError(let error, let header):
            logger.info("closing with a stream error", metadata: ["xmpp.error": "\(error)"])
            closeWithError(error, header: header)
        case .sendAndClose(let element):
            write(element)
            closeAfterWriting()
        case .closeStream:
            closeAfterWriting()
        case .wait:
            break
        }
    }

    /// RFC 6120 §4.9.3.12 with the domain policy: a peer from a denied domain
    /// (or any peer, with federation off) is refused at its header.
    private func refusal(of header: StreamHeader) -> StreamError? {
        guard let from = header.from.flatMap({ try? JID($0) }) else { return nil }  // the machine refuses that
        guard service.configuration.policy.allows(from.domainpart) else {
            logger.warning("refused a server the federation policy does not allow", metadata: ["xmpp.remote": "\(from.domainpart)"])
            return StreamError(.policyViolation, text: "this server does not federate with \(from.domainpart)")
        }
        return nil
    }

    private func responseHeader(to header: StreamHeader) -> StreamHeader {
        let local = header.to.flatMap { try? JID($0) }.map(\.domainpart).flatMap { service.hostedDomains.contains($0) ? $0 : nil }
        return StreamHeader(
            to: header.from, from: local, id: streamID, version: "1.0", language: "en", contentNamespace: Namespace.server,
            prefixes: [NamespaceBinding(prefix: "stream", namespace: Namespace.stream),
                       NamespaceBinding(prefix: "db", namespace: Namespace.dialback)])
    }

    /// XEP-0220 §2.1.2: the key goes to the Authoritative Server of the domain
    /// the peer claims; the verdict comes back into the machine.
    private func verify(_ request: DialbackElement) {
        guard let context else { return }
        guard service.configuration.policy.allows(request.to) else {
            logger.warning("refused dialback for a domain the federation policy does not allow", metadata: ["xmpp.remote": "\(request.to)"])
            run(machine.dialbackVerified(DialbackElement(
                .verify, from: request.to, to: request.from, id: request.id, verdict: .error,
                error: StanzaError.policyViolation("this server does not federate with \(request.to)"))))
            return
        }
        service.verify(request).hop(to: context.eventLoop).assumeIsolated().whenSuccess { [self] answer in
            run(machine.dialbackVerified(answer))
            if answer.verdict == .valid {
                logAuthenticated(answer.from, method: "dialback")
                adoptBidirectionalLinks()
            } else {
                logger.warning("dialback key refused", metadata: ["xmpp.remote": "\(answer.from)", "verdict": "\(answer.verdict?.rawValue ?? "-")"])
            }
            flush()
        }
    }

    private func logAuthenticated(_ domain: String, method: String) {
        logger.info("s2s authenticated", metadata: ["xmpp.remote": "\(domain)", "method": "\(method)"])
    }

    /// XEP-0288 §2.2: on a bidirectional stream, our stanzas for the peer may go
    /// on it, from the local domain of each pair it authenticated, once the stream
    /// is open; unless a link between the two exists already.
    private func adoptBidirectionalLinks() {
        guard machine.isBidirectional, let context else { return }
        for pair in machine.authenticatedPairs where !adoptedKeys.contains(pair) {
            adoptedKeys.insert(pair)
            let key = FederationService.LinkKey(local: pair.local, remote: pair.peer)
            if let link = service.adopt(self, for: key, on: context.eventLoop) {
                adoptedLinks.append(link)
            }
        }
    }

    // MARK: LinkStream

    func write(_ stanza: Stanza) {
        guard !isClosing else { return }
        write(stanza.element)
        flush()
    }

    /// The peer's own stream never carries our verify requests (XEP-0288 §2.2
    /// forbids it for its keys); our outbound link does.
    func sendVerify(_ request: DialbackElement) -> Bool { false }

    func closeForIdleness() {
        closeAfterWriting()
    }

    func closeWithError(_ error: StreamError) {
        closeWithError(error, header: nil)
    }

    // MARK: Writing

    func write(_ element: XMPPElement) {
        writer.write(element)
    }

    func flush() {
        guard let context else { return }
        writer.flush(context)
    }

    func closeWithError(_ error: StreamError, header: StreamHeader?) {
        guard !isClosing else { return }
        if let header { writer.write(header) }
        write(error.element)
        closeAfterWriting()
    }

    private func closeAfterWriting() {
        guard !isClosing, let context else { return }
        isClosing = true
        writer.writeClose(context).assumeIsolated().whenComplete { [context] _ in
            context.close(promise: nil)
        }
    }

    /// RFC 6120 §5.4.3.3: `<proceed/>`, then TLS from exactly that point, asking
    /// for the peer's certificate and judging it by PKIX (RFC 6125): the names
    /// it is valid for are what SASL EXTERNAL may authenticate.
    private func startTLS() {
        guard let context, let tls = service.tls else {
            closeWithError(StreamError(.internalServerError, text: "TLS is not available"), header: nil)
            return
        }
        parser.discardBufferedWhitespace()
        guard parser.bufferedByteCount == 0 else {
            closeWithError(StreamError(.policyViolation, text: "data after <starttls/>"), header: nil)
            return
        }
        write(XMPPElement("proceed", namespace: Namespace.tls))
        flush()
        do {
            try context.pipeline.syncOperations.addHandler(
                Self.makeTLSHandler(tls: tls, validation: service.validation, names: peerNames), position: .first)
        } catch {
            logger.warning("TLS could not start", metadata: ["error": "\(error)"])
            context.close(promise: nil)
            return
        }
        parser.reset()
    }

    /// The server side of TLS for a peer server: any certificate is accepted by
    /// TLS itself; the names of a valid one are kept in `names`.
    static func makeTLSHandler(tls: FederationTLS, validation: PeerCertificateValidation, names: PeerNames) -> NIOSSLServerHandler {
        ServerTLSHandler.make(context: tls.serverContext) { certificates, promise in
            let chain = certificates.compactMap { try? Certificate(derEncoded: $0.toDERBytes()) }
            promise.completeWithTask {
                names.set(await validation.validatedNames(chain: chain))
                return .certificateVerified
            }
        }
    }

    private func scheduleIdleCheck(after delay: TimeAmount) {
        guard let context else { return }
        idleTimer = context.eventLoop.assumeIsolated().scheduleTask(in: delay) { [self] in
            let idle = TimeAmount.seconds(Int64(service.configuration.idleTimeoutSeconds))
            let quiet = NIODeadline.now() - lastInput
            if quiet >= idle {
                logger.info("closing an idle inbound stream")
                closeAfterWriting()
            } else {
                scheduleIdleCheck(after: idle - quiet)
            }
        }
    }
}

@available(*, unavailable)
extension S2SInboundHandler: Sendable {}
