import NIOCore
import Synchronization

/// Every open client connection, bound or still negotiating, so that shutdown can
/// tell each one `system-shutdown` (RFC 6120 §4.9.3.20) and wait for them to close.
final class ConnectionTracker: Sendable {
    private let channels = Mutex<[ObjectIdentifier: any Channel]>([:])

    func opened(_ channel: any Channel) {
        channels.withLock { $0[ObjectIdentifier(channel)] = channel }
    }

    func closed(_ channel: any Channel) {
        channels.withLock { $0[ObjectIdentifier(channel)] = nil }
    }

    /// The number of open connections.
    var count: Int { channels.withLock { $0.count } }

    /// Sends every connection's handler a command on its own event loop.
    func broadcast(_ command: SessionCommand) {
        for channel in channels.withLock({ Array($0.values) }) {
            channel.eventLoop.execute {
                channel.pipeline.fireUserInboundEventTriggered(command)
            }
        }
    }
}
