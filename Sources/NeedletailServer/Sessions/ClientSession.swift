import NIOCore
import NIOPosix
import Synchronization
import XMPPCore

/// A bound client session as the rest of the server sees it: its full JID, its
/// presence as far as routing needs it, and a way to write to it.
///
/// The session's protocol state lives in its ``C2SHandler`` on its channel's event
/// loop; this handle is what other sessions, the router and shutdown hold. Writing
/// goes through the channel, which is safe from any thread.
public final class ClientSession: Sendable {
    /// The bound full JID.
    public let jid: JID
    /// Distinguishes this session from a later one with the same JID.
    public let id: UInt64
    /// Whether the stream is confidential (TLS, or a trusted listener): what
    /// password changes need (XEP-0077 §3.3).
    public let isConfidential: Bool
    /// Where stanzas for the session go: its connection, or, while a stream
    /// management session waits to be resumed, a queue.
    private let link: Mutex<SessionLink>
    private let presence = Mutex(PresenceState())

    /// A session's presence as routing and the presence module need it (RFC 6121
    /// §4, §8.5.2).
    struct PresenceState: Sendable {
        /// Whether the client has sent available presence and not since unavailable.
        var isAvailable = false
        /// The priority of that presence, -128...127.
        var priority: Int8 = 0
        /// The client's last available broadcast presence, `from` stamped: what
        /// answers probes (RFC 6121 §4.3.2).
        var lastPresence: Presence?
        /// Who got directed presence from this session while it was available, and
        /// must get `unavailable` when it ends (RFC 6121 §4.6.3).
        var directedTo: Set<JID> = []
        /// Whether the client asked for the roster, making it an "interested
        /// resource" that gets roster pushes (RFC 6121 §2.1.6).
        var wantsRosterPushes = false
    }

    init(jid: JID, id: UInt64, channel: any Channel, isConfidential: Bool) {
        self.jid = jid
        self.id = id
        self.link = Mutex(.connected(channel, managed: false))
        self.isConfidential = isConfidential
    }

    /// Whether the session is available (has sent initial presence).
    public var isAvailable: Bool { presence.withLock { $0.isAvailable } }
    /// The priority of the session's current presence.
    public var priority: Int8 { presence.withLock { $0.priority } }
    /// The session's last available broadcast presence, nil while unavailable.
    public var lastPresence: Presence? { presence.withLock { $0.isAvailable ? $0.lastPresence : nil } }
    /// Whether the client gets roster pushes.
    public var wantsRosterPushes: Bool { presence.withLock { $0.wantsRosterPushes } }

    /// Records the client's own broadcast presence: available with a priority, or unavailable.
    func presenceChanged(available: Bool, priority: Int8) {
        presence.withLock {
            $0.isAvailable = available
            $0.priority = priority
        }
    }

    /// Records the client's broadcast presence (`from` stamped). Returns whether
    /// it was the session's initial presence (available after unavailable), and,
    /// for unavailable, who had directed presence and is owed `unavailable`.
    public func broadcastPresence(_ new: Presence) -> (isInitial: Bool, directedTo: Set<JID>) {
        presence.withLock { state in
            if new.type == .unavailable {
                let directed = state.directedTo
                state = PresenceState(wantsRosterPushes: state.wantsRosterPushes)
                return (false, directed)
            }
            let isInitial = !state.isAvailable
            state.isAvailable = true
            state.priority = (try? new.priority) ?? 0
            state.lastPresence = new
            return (isInitial, [])
        }
    }

    /// Records directed presence to `contact` (RFC 6121 §4.6): available adds it to
    /// those owed `unavailable` later, unavailable removes it.
    public func directedPresence(to contact: JID, available: Bool) {
        presence.withLock { state in
            // RFC 6121 §4.6.2: tracked even before initial presence ("invisible" use).
            if available {
                state.directedTo.insert(contact)
            } else {
                state.directedTo.remove(contact)
            }
        }
    }

    /// Marks the session unavailable as it ends; returns its presence before, for
    /// the `unavailable` broadcast (nil: it was not available), and who had
    /// directed presence.
    public func ended() -> (lastPresence: Presence?, directedTo: Set<JID>) {
        presence.withLock { state in
            let before = (state.isAvailable ? state.lastPresence : nil, state.directedTo)
            state = PresenceState()
            return before
        }
    }

    /// Marks the client as interested in roster pushes (it asked for the roster).
    public func requestedRoster() {
        presence.withLock { $0.wantsRosterPushes = true }
    }

    /// Writes already-serialized stanza bytes to the client and flushes. While
    /// the session is detached (XEP-0198, waiting to be resumed) they are kept
    /// for the client instead; once it has ended they are handed to `ended`'s
    /// owner as undeliverable.
    public func deliver(_ bytes: ByteBuffer) {
        if let channel = link.withLock({ $0.route(bytes, for: self, promise: nil) }) {
            channel.writeAndFlush(bytes, promise: nil)
        }
    }

    /// Writes `element` and returns once the connection took it (with stream
    /// management: once it is among the stanzas the session will resend or hand
    /// on until acknowledged); throws when the session has ended. For what may
    /// only leave storage once it is out.
    public func deliverAndWait(_ element: XMPPElement) async throws {
        let bytes = element.serialized(context: .clientStream)
        let promise = link.withLock { $0.eventLoop }.makePromise(of: Void.self)
        if let channel = link.withLock({ $0.route(bytes, for: self, promise: promise) }) {
            channel.writeAndFlush(bytes, promise: promise)
        }
        try await promise.futureResult.get()
    }

    /// Serializes `element` for a client stream and writes it.
    public func deliver(_ element: XMPPElement) {
        deliver(element.serialized(context: .clientStream))
    }

    /// A stanza that was on its way to a connection when the session left it:
    /// kept while detached, ahead of those that came after the detachment,
    /// written to the connection that took the session over, or undeliverable
    /// once it ended. Called on the old connection's loop by its handler, for
    /// stanzas that reached it afterwards, and for writes that found `closed`
    /// (their channel) gone. With a `promise` (a
    /// caller that keeps the stanza until it is out), an ended session fails it
    /// instead of handing the stanza on.
    func keep(_ bytes: ByteBuffer, promise: EventLoopPromise<Void>?, closed: (any Channel)? = nil) {
        let undeliverable: UndeliverableStanzas?? = link.withLock { link in
            switch link {
            case .connected(let channel, _) where channel === closed:
                // Nothing took the session over from a closed connection: the stanza cannot go anywhere.
                return .some(nil)
            case .connected(let channel, _):
                SessionLink.write(bytes, to: channel, for: self, promise: promise)
                return .none
            case .detached(var hibernation):
                // Out of the enum first, so the insertion does not copy the queue.
                link = .ended(nil)
                hibernation.keepLate(.bytes(bytes))
                link = .detached(hibernation)
                promise?.succeed(())
                return .none
            case .ended(let undeliverable):
                return .some(undeliverable)
            }
        }
        if case .some(let undeliverable) = undeliverable {
            if let promise {
                promise.fail(ChannelError.ioOnClosedChannel)
            } else {
                undeliverable?([.bytes(bytes)])
            }
        }
    }

    /// Asks the session's handler to end the stream with `error` (a `conflict` when
    /// a new login replaces it, `system-shutdown` when the server stops). While a
    /// module is still answering the session's last stanza, the stream ends right
    /// after that answer, so the reply to a request that closes its own session
    /// (an account removal, XEP-0077 §3.2) comes before the stream error. A
    /// detached session ends at once.
    public func close(with error: StreamError) {
        switch link.withLock({ $0 }) {
        case .connected(let channel, _):
            channel.eventLoop.execute {
                channel.pipeline.fireUserInboundEventTriggered(SessionCommand.close(error))
            }
        case .detached(let hibernation):
            hibernation.expire(hibernation.generation)
        case .ended:
            break
        }
    }

    // MARK: Stream management

    /// Stanzas for the session now pass through its handler's stream management
    /// (XEP-0198 `<enable/>`), each in order on the connection's loop.
    func manageDelivery() {
        link.withLock { link in
            if case .connected(let channel, _) = link { link = .connected(channel, managed: true) }
        }
    }

    /// The connection dropped with resumption on: stanzas are kept in
    /// `hibernation` until a client resumes or it expires. Called on the
    /// connection's loop, where writes already on their way are still queued;
    /// they come to ``keep(_:promise:closed:)`` and go ahead of the stanzas
    /// delivered from now on.
    func detach(_ hibernation: SessionHibernation) {
        link.withLock { $0 = .detached(hibernation) }
    }

    /// A new connection resumes the session: what the old one left (nil when
    /// the session is no longer detached, having expired or been resumed by
    /// another), once every stanza already on its way has been kept; from then
    /// on stanzas go to `channel`. The future completes on `channel`'s loop
    /// ahead of any stanza written to it after the switch.
    func attach(_ channel: any Channel) -> EventLoopFuture<SessionHibernation?> {
        let promise = channel.eventLoop.makePromise(of: SessionHibernation?.self)
        guard case .detached(let hibernation) = link.withLock({ $0 }) else {
            promise.succeed(nil)
            return promise.futureResult
        }
        // Behind the stanzas queued on the old loop, so they are all in the hibernation.
        hibernation.loop.execute { [self] in
            link.withLock { link in
                guard case .detached(let current) = link else { return promise.succeed(nil) }
                link = .connected(channel, managed: true)
                // Inside the lock: the answer is queued on the new loop before any stanza for it.
                promise.succeed(current)
            }
        }
        return promise.futureResult
    }

    /// Asks the handler of the connection the session is on, if it still has
    /// one, to let the session go (a client resumes it elsewhere, XEP-0198 §5):
    /// it detaches the session and closes. Completes on `loop` once that is done
    /// or the session was not connected.
    func release(on loop: any EventLoop) -> EventLoopFuture<Void> {
        guard case .connected(let channel, _) = link.withLock({ $0 }) else { return loop.makeSucceededFuture(()) }
        let promise = loop.makePromise(of: Void.self)
        channel.eventLoop.execute {
            // An inactive channel has run its handler's channelInactive, which detached the session.
            guard channel.isActive else { return promise.succeed(()) }
            channel.pipeline.fireUserInboundEventTriggered(SessionCommand.release(promise))
        }
        return promise.futureResult
    }

    /// The session is over for good; stanzas still arriving go to `undeliverable`
    /// (nil: dropped, as they were before stream management, by a session that
    /// ended while one was on its way). Returns the hibernation it ended, if it
    /// was detached with `generation` (or any, for nil).
    @discardableResult
    func end(undeliverable: UndeliverableStanzas?, ifGeneration generation: UInt64? = nil) -> (ended: Bool, hibernation: SessionHibernation?) {
        link.withLock { link in
            switch link {
            case .detached(let hibernation):
                if let generation, hibernation.generation != generation { return (false, nil) }
                link = .ended(undeliverable)
                return (true, hibernation)
            case .connected:
                if generation != nil { return (false, nil) }
                link = .ended(undeliverable)
                return (true, nil)
            case .ended:
                return (false, nil)
            }
        }
    }
}

/// Where a session's stanzas go (``ClientSession/deliver(_:)``).
enum SessionLink: Sendable {
    /// To this connection; `managed` once stream management is on.
    case connected(any Channel, managed: Bool)
    /// The connection dropped; kept for a resumption (XEP-0198 §5). Boxed, so
    /// every session does not carry the room a hibernation takes.
    indirect case detached(SessionHibernation)
    /// Gone; what still arrives is handed here, if anywhere.
    case ended(UndeliverableStanzas?)

    /// The loop the session's stanzas are ordered on.
    var eventLoop: any EventLoop {
        switch self {
        case .connected(let channel, _): channel.eventLoop
        case .detached(let hibernation): hibernation.loop
        case .ended: MultiThreadedEventLoopGroup.singleton.any()
        }
    }

    /// Where one stanza goes: the channel to write it to, outside the lock,
    /// for a session without stream management; otherwise nil, the stanza
    /// having been queued under the lock on the connection's loop or kept, so
    /// that none overtakes another across a detachment or a resumption, or
    /// handed on as undeliverable.
    mutating func route(_ bytes: ByteBuffer, for session: ClientSession, promise: EventLoopPromise<Void>?) -> (any Channel)? {
        switch self {
        case .connected(let channel, managed: false):
            return channel
        case .connected(let channel, managed: true):
            Self.write(bytes, to: channel, for: session, promise: promise)
        case .detached(var hibernation):
            // Out of the enum first, so the append does not copy the queue.
            self = .ended(nil)
            hibernation.arrived.append(.bytes(bytes))
            self = .detached(hibernation)
            promise?.succeed(())
        case .ended(let undeliverable):
            // Not under the lock: routing it may look the session up again.
            MultiThreadedEventLoopGroup.singleton.any().execute {
                if let promise {
                    promise.fail(ChannelError.ioOnClosedChannel)
                } else {
                    undeliverable?([.bytes(bytes)])
                }
            }
        }
        return nil
    }

    /// Queues a write on the channel's loop. The c2s handler takes charge of
    /// the stanza there; a channel already closed has detached or ended the
    /// session, which then keeps or hands on the stanza, in the same order.
    static func write(_ bytes: ByteBuffer, to channel: any Channel, for session: ClientSession, promise: EventLoopPromise<Void>?) {
        channel.eventLoop.execute {
            guard channel.isActive else { return session.keep(bytes, promise: promise, closed: channel) }
            channel.writeAndFlush(bytes, promise: promise)
        }
    }
}

/// Takes stanzas a session can no longer deliver: routes each as for an
/// unavailable resource (RFC 6121 §8.5.3.2; XEP-0198 §4).
typealias UndeliverableStanzas = @Sendable ([OutboundStanza]) -> Void

/// Commands delivered to a session's handler on its own event loop.
enum SessionCommand: Sendable {
    case close(StreamError)
    /// Detach the session for a resumption on another connection, close, and
    /// complete the promise.
    case release(EventLoopPromise<Void>)
}
