import Logging
import NIOCore
import NIOPosix
import NIOSSL
import XMPPCore
import XMPPStreams

/// One outbound server-to-server link from a local domain to a remote one
/// (RFC 6120 §3.2, §4 to §6): found through a static route, SRV records
/// (XEP-0368 direct TLS first at equal preference) or the domain's address on
/// 5269; stanzas wait in order while it is set up and bounce when it cannot be;
/// dialback verify requests ride on it too. Closed when idle.
///
/// `@unchecked Sendable`: every mutable property is touched only on `eventLoop`,
/// the loop of its channel too; the public entry points hop there.
final class OutboundLink: @unchecked Sendable {
    enum State {
        case idle
        case connecting
        case established(any LinkStream)
        case closed
    }

    let key: FederationService.LinkKey
    let eventLoop: any EventLoop
    private unowned let service: FederationService
    private var state: State = .idle
    private var pending = PendingStanzas()
    /// Verify requests not yet sent, oldest first.
    private var unsentVerifies: [DialbackElement] = []
    /// Who waits for the answer to a verify request, by stream ID.
    private var verifyWaiters: [String: [EventLoopPromise<DialbackElement>]] = [:]
    /// The handler while connecting, for verifies that may go before authentication.
    private var connectingHandler: S2SOutboundHandler?
    private var setupTimer: Scheduled<Void>?
    private var idleTimer: Scheduled<Void>?
    private var lastUse = NIODeadline.now()
    private var timedOut = false
    /// Whether the peer's bidirectional stream carries this link (XEP-0288)
    /// rather than a connection of ours.
    let isCarriedByPeer: Bool
    var logger: Logger

    init(key: FederationService.LinkKey, service: FederationService, eventLoop: any EventLoop, isCarriedByPeer: Bool = false) {
        self.isCarriedByPeer = isCarriedByPeer
        self.key = key
        self.service = service
        self.eventLoop = eventLoop
        var logger = service.logger
        logger[metadataKey: "xmpp.local"] = "\(key.local)"
        logger[metadataKey: "xmpp.remote"] = "\(key.remote)"
        self.logger = logger
    }

    // MARK: Entry points, from any thread

    func send(_ stanza: Stanza) {
        eventLoop.execute { self.sendOnLoop(stanza) }
    }

    func verify(_ request: DialbackElement) -> EventLoopFuture<DialbackElement> {
        let promise = eventLoop.makePromise(of: DialbackElement.self)
        eventLoop.execute { self.verifyOnLoop(request, promise: promise) }
        return promise.futureResult
    }

    func close(_ error: StreamError) {
        eventLoop.execute {
            if case .established(let handler) = self.state {
                handler.closeWithError(error)
            }
            self.fail(nil, reason: "closed: \(error.condition.rawValue)")
        }
    }

    // MARK: On the loop

    private func sendOnLoop(_ stanza: Stanza) {
        lastUse = .now()
        switch state {
        case .established(let handler):
            handler.write(stanza)
        case .idle, .connecting:
            if let refusal = pending.append(stanza) {
                service.deliver([refusal])
            }
            if case .idle = state { start() }
        case .closed:
            // This link ended just now; the next one takes it.
            service.send(stanza, to: key.remote)
        }
    }

    private func verifyOnLoop(_ request: DialbackElement, promise: EventLoopPromise<DialbackElement>) {
        guard let id = request.id else {
            promise.succeed(Self.verifyError(for: request, "a verify request needs a stream ID"))
            return
        }
        if case .closed = state {
            service.verify(request).cascade(to: promise)
            return
        }
        lastUse = .now()
        verifyWaiters[id, default: []].append(promise)
        unsentVerifies.append(request)
        // An answer that never comes must not hold the inbound stream forever.
        eventLoop.assumeIsolated().scheduleTask(in: .seconds(Int64(service.configuration.connectTimeoutSeconds))) { [self] in
            answerVerify(Self.verifyError(for: request, "the authoritative server did not answer in time"))
        }
        switch state {
        case .idle: start()
        case .established(let handler): flushVerifies(through: handler)
        case .connecting: if let connectingHandler { flushVerifies(through: connectingHandler) }
        case .closed: break
        }
    }

    /// Sends the verify requests the stream can carry now.
    func flushVerifies(through handler: any LinkStream) {
        unsentVerifies.removeAll { handler.sendVerify($0) }
    }

    private func start() {
        state = .connecting
        setupTimer = eventLoop.assumeIsolated().scheduleTask(in: .seconds(Int64(service.configuration.connectTimeoutSeconds))) { [self] in
            timedOut = true
            connectingHandler?.abort()
            fail(nil, reason: "setting up the link took too long")
        }
        let remote = key.remote
        if let route = service.configuration.routes[remote] {
            connect([Target(host: route.host, port: route.port, directTLS: route.directTLS)][...])
            return
        }
        let loop = eventLoop
        let promise = loop.makePromise(of: [Target].self)
        promise.completeWithTask {
            var generator = SystemRandomNumberGenerator()
            let records = ServiceRecord.connectionOrder(await SRVResolver.records(for: remote), using: &generator)
            // RFC 6120 §3.2.2: no SRV records, so the domain itself on 5269.
            guard !records.isEmpty else { return [Target(host: remote, port: 5269, directTLS: false)] }
            return records.map { Target(host: $0.target, port: Int($0.port), directTLS: $0.directTLS) }
        }
        promise.futureResult.assumeIsolated().whenSuccess { [self] targets in
            connect(targets[...])
        }
    }

    struct Target {
        var host: String
        var port: Int
        var directTLS: Bool
    }

    /// Tries each target in turn (RFC 6120 §3.2.1 step 8) until one connects.
    private func connect(_ targets: ArraySlice<Target>) {
        guard case .connecting = state else { return }
        guard let target = targets.first else {
            fail(nil, reason: "no address of the domain answered")
            return
        }
        let service = self.service
        let link = self
        let configuration = service.outboundConfiguration(key, directTLS: target.directTLS)
        let bootstrap = ClientBootstrap(group: eventLoop)
            .connectTimeout(.seconds(Int64(service.configuration.connectTimeoutSeconds)))
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let handler = S2SOutboundHandler(link: link, service: service, configuration: configuration)
                    if target.directTLS {
                        try channel.pipeline.syncOperations.addHandler(try handler.makeTLSHandler())
                    }
                    try channel.pipeline.syncOperations.addHandler(handler)
                }
            }
        logger.debug("connecting", metadata: ["address": "\(target.host):\(target.port)"])
        bootstrap.connect(host: target.host, port: target.port).assumeIsolated().whenFailure { [self] error in
            logger.debug("connection failed", metadata: ["address": "\(target.host):\(target.port)", "error": "\(error)"])
            connect(targets.dropFirst())
        }
    }

    // MARK: From the handler

    /// The stream is open (before authentication): verify requests may go.
    func streamOpened(_ handler: S2SOutboundHandler) {
        guard case .connecting = state else { return }
        connectingHandler = handler
        flushVerifies(through: handler)
    }

    func established(_ handler: S2SOutboundHandler, method: String) {
        guard case .connecting = state else { return }
        setupTimer?.cancel()
        connectingHandler = nil
        state = .established(handler)
        logger.info("s2s link established", metadata: ["method": "\(method)"])
        for stanza in pending.drain() {
            handler.write(stanza)
        }
        flushVerifies(through: handler)
        scheduleIdleCheck(after: .seconds(Int64(service.configuration.idleTimeoutSeconds)))
    }

    /// The peer's inbound stream, made bidirectional (XEP-0288), carries this
    /// link: there is nothing to set up. Called on the stream's loop, which is this link's.
    func adopt(_ stream: any LinkStream) {
        guard case .idle = state else { return }
        state = .established(stream)
        logger.info("s2s link established", metadata: ["method": "bidirectional"])
        scheduleIdleCheck(after: .seconds(Int64(service.configuration.idleTimeoutSeconds)))
    }

    func verifyAnswered(_ answer: DialbackElement) {
        lastUse = .now()
        answerVerify(answer)
    }

    /// The stream failed to come up, or the established one ended.
    func ended(_ failure: OutboundServerStream.Failure?, reason: String) {
        fail(failure, reason: reason)
    }

    // MARK: Helpers

    private func answerVerify(_ answer: DialbackElement) {
        guard let id = answer.id, let waiters = verifyWaiters.removeValue(forKey: id) else { return }
        unsentVerifies.removeAll { $0.id == id }
        for waiter in waiters {
            waiter.succeed(answer)
        }
    }

    private func fail(_ failure: OutboundServerStream.Failure?, reason: String) {
        if case .closed = state { return }
        let wasEstablished = if case .established = state { true } else { false }
        state = .closed
        setupTimer?.cancel()
        idleTimer?.cancel()
        service.remove(self)
        if wasEstablished {
            logger.info("s2s link closed", metadata: ["reason": "\(reason)"])
        } else {
            logger.warning("s2s link failed", metadata: ["reason": "\(reason)", "failure": "\(failure.map { "\($0)" } ?? "-")"])
        }
        service.bounce(pending.drain(), PendingStanzas.bounceError(for: failure, timedOut: timedOut))
        for request in unsentVerifies {
            answerVerify(Self.verifyError(for: request, "the authoritative server cannot be reached"))
        }
        for (id, waiters) in verifyWaiters {
            let answer = DialbackElement(.verify, from: key.remote, to: key.local, id: id, verdict: .error,
                                         error: StanzaError.remoteServerNotFound())
            waiters.forEach { $0.succeed(answer) }
        }
        verifyWaiters = [:]
    }

    private func scheduleIdleCheck(after delay: TimeAmount) {
        idleTimer = eventLoop.assumeIsolated().scheduleTask(in: delay) { [self] in
            guard case .established(let handler) = state else { return }
            let idle = TimeAmount.seconds(Int64(service.configuration.idleTimeoutSeconds))
            let quiet = NIODeadline.now() - lastUse
            if quiet >= idle {
                handler.closeForIdleness()
                fail(nil, reason: "idle")
            } else {
                scheduleIdleCheck(after: idle - quiet)
            }
        }
    }

    /// Marks the link used (inbound traffic on the stream counts too).
    func touched() {
        lastUse = .now()
    }

    /// XEP-0220 §2.4: the answer when the Authoritative Server cannot be asked.
    static func verifyError(for request: DialbackElement, _ text: String) -> DialbackElement {
        DialbackElement(.verify, from: request.to, to: request.from, id: request.id, verdict: .error,
                        error: StanzaError.remoteServerNotFound(text))
    }
}
