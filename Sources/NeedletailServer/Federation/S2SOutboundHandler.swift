import Logging
import NIOCore
import NIOSSL
import NIOTLS
import SwiftASN1
import X509
import XMPPCore
import XMPPStreams

/// The driver of one outbound server-to-server connection: the parser, the
/// ``OutboundServerStream`` machine and a reused outbound buffer, as
/// ``C2SHandler`` is for clients. It reports to its ``OutboundLink``, which
/// lives on the same event loop.
final class S2SOutboundHandler: ChannelInboundHandler, RemovableChannelHandler, StanzaReceivingHandler, LinkStream {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    let link: OutboundLink
    let service: FederationService
    var machine: OutboundServerStream
    var parser: XMLStreamParser
    var writer = StreamWriter(namespaces: .serverStreamWithDialback)
    var context: ChannelHandlerContext?
    var logger: Logger
    /// Why the connection ended, for the link's log line.
    var endReason: String?
    /// The names the peer's certificate was validly issued for (RFC 6125).
    let peerNames = PeerNames()
    /// The router is still working on a stanza the peer sent on our
    /// bidirectional stream: the next waits.
    var isSuspended = false
    /// Our closing tag is out: nothing more may be written.
    var isClosing = false

    init(link: OutboundLink, service: FederationService, configuration: OutboundServerStream.Configuration) {
        self.link = link
        self.service = service
        self.machine = OutboundServerStream(configuration: configuration)
        self.parser = XMLStreamParser(mode: .stream, limits: XMLParserLimits(
            maxElementBytes: service.configuration.maxStanzaBytes, maxTextBytes: service.configuration.maxStanzaBytes))
        self.logger = link.logger
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
    }

    /// The context holds this handler: dropping it lets both go.
    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
    }

    func channelActive(context: ChannelHandlerContext) {
        // Counted once connected: a connection that never comes up never goes inactive either.
        service.connections.opened(context.channel)
        logger.debug("connected", metadata: ["address": "\(context.remoteAddress?.description ?? "?")"])
        if !machine.isDirectTLS {
            run(machine.start())
            flush()
        }
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        link.touched()
        parser.append(unwrapInboundIn(data))
        processParsedInput()
    }

    func processParsedInput() {
        while !machine.isClosed, !isSuspended {
            let event: XMLStreamParser.Event
            do {
                guard let next = try parser.next() else { break }
                event = next
            } catch {
                logger.warning("the peer sent input that cannot be parsed", metadata: ["xmpp.error": "\(error)"])
                write(error.element)
                end(.protocolViolation("unparsable input: \(error.condition.rawValue)"))
                break
            }
            switch event {
            case .streamOpened(let header):
                run(machine.streamHeaderReceived(header))
                link.streamOpened(self)
            case .element(let element):
                run(machine.elementReceived(element))
            case .streamClosed:
                run(machine.streamClosed())
            }
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        flush()
        context.fireChannelReadComplete()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let tlsEvent = event as? TLSUserEvent, case .handshakeCompleted = tlsEvent {
            logger.debug("TLS established", metadata: ["xmpp.peer_names": "\(peerNames.names)"])
            run(machine.isDirectTLS && !machine.isStarted ? machine.start() : machine.tlsEstablished())
            flush()
        } else if let command = event as? SessionCommand, case .close(let error) = command {
            closeWithError(error)
        } else {
            context.fireUserInboundEventTriggered(event)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        service.connections.closed(context.channel)
        link.ended(nil, reason: endReason ?? "connection dropped")
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        endReason = endReason ?? "transport error: \(error)"
        context.close(promise: nil)
    }

    // MARK: Actions

    func run(_ action: OutboundServerStream.Action) {
        switch action {
        case .sendHeader(let header):
            // A new stream after TLS or SASL: the peer's answer starts a new document.
            parser.reset()
            writer.write(header)
        case .send(let element):
            write(element)
        case .sendInOrder(let elements):
            elements.forEach(write)
        case .stanza(let stanza):
            if let router = service.router { receive(stanza, router: router) }
        case .startTLS:
            startTLS()
        case .established:
            link.established(self, method: machine.authenticatedWithCertificate ? "EXTERNAL" : "dialback")
            if machine.isBidirectional {
                // XEP-0288: the peer's stanzas come on this stream, and what vouches
                // for it is that we reached it for its domain: with a certificate
                // valid for the domain (PKIX), or by its address alone.
                let method = CertificateName.anyMatches(peerNames.names, domain: link.key.remote) ? "certificate" : "address"
                logger.info("s2s authenticated", metadata: ["method": "\(method)", "bidirectional": "true"])
            }
        case .verifyAnswered(let answer):
            link.verifyAnswered(answer)
        case .fail(let failure):
            switch failure {
            case .streamError: break
            case .refused(let error): write(error.element)
            default: write(StreamError(failure.streamCondition, text: "\(failure)").element)
            }
            end(failure)
        case .closeStream:
            endReason = "the peer closed the stream"
            closeAfterWriting()
        case .wait:
            break
        }
    }

    /// Sends a verify request if the stream can carry it now.
    func sendVerify(_ request: DialbackElement) -> Bool {
        guard let action = machine.sendVerify(request) else { return false }
        run(action)
        flush()
        return true
    }

    /// Writes a stanza on the established stream.
    func write(_ stanza: Stanza) {
        guard !isClosing else { return }
        write(stanza.element)
        flush()
    }

    func write(_ element: XMPPElement) {
        writer.write(element)
    }

    func flush() {
        guard let context else { return }
        writer.flush(context)
    }

    func closeWithError(_ error: StreamError) {
        guard !isClosing else { return }
        endReason = "closed: \(error.condition.rawValue)"
        write(error.element)
        closeAfterWriting()
    }

    func closeForIdleness() {
        endReason = "idle"
        closeAfterWriting()
    }

    /// The link gave up waiting: the connection goes without ceremony.
    func abort() {
        endReason = "setting up took too long"
        context?.close(promise: nil)
    }

    private func end(_ failure: OutboundServerStream.Failure) {
        endReason = "\(failure)"
        link.ended(failure, reason: "\(failure)")
        closeAfterWriting()
    }

    /// Writes our closing tag, then ends the connection (RFC 6120 §4.4; the peer's
    /// own closing tag is not awaited on a link nobody uses any more).
    private func closeAfterWriting() {
        guard !isClosing, let context else { return }
        isClosing = true
        writer.writeClose(context).assumeIsolated().whenComplete { [context] _ in
            context.close(promise: nil)
        }
    }

    private func startTLS() {
        guard let context else { return }
        do {
            try context.pipeline.syncOperations.addHandler(try makeTLSHandler(), position: .first)
        } catch {
            logger.warning("TLS could not start", metadata: ["error": "\(error)"])
            end(.tlsUnavailable)
            return
        }
        parser.reset()
    }

    /// A TLS client handler naming the remote domain (SNI) and presenting our
    /// domain's certificate; the peer's certificate is judged by PKIX for the
    /// remote domain (RFC 6125). Without a valid one the link goes on only when
    /// dialback is allowed, since then dialback proves who the peer is.
    func makeTLSHandler() throws -> NIOSSLClientHandler {
        guard let tls = service.tls, let sslContext = tls.clientContexts[link.key.local] else {
            throw NIOSSLError.noCertificateToValidate
        }
        let remote = link.key.remote
        let validation = service.validation
        let requiresValid = service.configuration.requiresValidCertificates
        let names = peerNames
        let logger = self.logger
        return try NIOSSLClientHandler(context: sslContext, serverHostname: remote) { certificates, promise in
            let chain = certificates.compactMap { try? Certificate(derEncoded: $0.toDERBytes()) }
            promise.completeWithTask {
                let valid = await validation.validatedNames(chain: chain)
                names.set(valid)
                if requiresValid, !CertificateName.anyMatches(valid, domain: remote) {
                    logger.warning("the peer's certificate is not valid for its domain", metadata: ["xmpp.peer_names": "\(valid)"])
                    return .failed
                }
                return .certificateVerified
            }
        }
    }
}

@available(*, unavailable)
extension S2SOutboundHandler: Sendable {}

extension OutboundServerStream.Failure {
    /// The stream error we send when we give up on a stream.
    var streamCondition: StreamError.Condition {
        switch self {
        case .tlsUnavailable, .noAuthentication, .externalRefused: .policyViolation
        case .dialbackRefused: .notAuthorized
        case .streamError: .undefinedCondition
        case .protocolViolation: .undefinedCondition
        case .refused(let error): error.condition
        }
    }
}
