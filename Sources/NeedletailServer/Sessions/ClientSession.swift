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
    let channel: any Channel
    private let presence = Mutex(PresenceState())

    /// What routing needs of a session's presence (RFC 6121 §4.7.2.3, §8.5.2).
    struct PresenceState: Sendable {
        /// Whether the client has sent available presence and not since unavailable.
        var isAvailable = false
        /// The priority of that presence, -128...127.
        var priority: Int8 = 0
    }

    init(jid: JID, id: UInt64, channel: any Channel) {
        self.jid = jid
        self.id = id
        self.channel = channel
    }

    /// Whether the session is available (has sent initial presence).
    public var isAvailable: Bool { presence.withLock { $0.isAvailable } }
    /// The priority of the session's current presence.
    public var priority: Int8 { presence.withLock { $0.priority } }

    /// Records the client's own broadcast presence: available with a priority, or unavailable.
    func presenceChanged(available: Bool, priority: Int8) {
        presence.withLock {
            $0.isAvailable = available
            $0.priority = priority
        }
    }

    /// Writes already-serialized stanza bytes to the client and flushes.
    public func deliver(_ bytes: ByteBuffer) {
        channel.writeAndFlush(bytes, promise: nil)
    }

    /// Serializes `element` for a client stream and writes it.
    public func deliver(_ element: XMPPElement) {
        deliver(element.serialized(context: .clientStream))
    }

    /// Asks the session's handler to end the stream with `error` (a `conflict` when
    /// a new login replaces it, `system-shutdown` when the server stops).
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
