import NIOCore
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
    let channel: any Channel
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
        self.channel = channel
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

    /// Writes already-serialized stanza bytes to the client and flushes.
    public func deliver(_ bytes: ByteBuffer) {
        channel.writeAndFlush(bytes, promise: nil)
    }

    /// Writes `element` and returns once the connection took it; throws when the
    /// connection is gone. For what may only leave storage once it is out.
    public func deliverAndWait(_ element: XMPPElement) async throws {
        try await channel.writeAndFlush(element.serialized(context: .clientStream)).get()
    }

    /// Serializes `element` for a client stream and writes it.
    public func deliver(_ element: XMPPElement) {
        deliver(element.serialized(context: .clientStream))
    }

    /// Asks the session's handler to end the stream with `error` (a `conflict` when
    /// a new login replaces it, `system-shutdown` when the server stops). While a
    /// module is still answering the session's last stanza, the stream ends right
    /// after that answer, so the reply to a request that closes its own session
    /// (an account removal, XEP-0077 §3.2) comes before the stream error.
    public func close(with error: StreamError) {
        let channel = self.channel
        channel.eventLoop.execute {
            channel.pipeline.fireUserInboundEventTriggered(SessionCommand.close(error))
        }
    }
}

/// Commands delivered to a session's handler on its own event loop.
enum SessionCommand: Sendable {
    case close(StreamError)
}
