import NIOCore
import Synchronization

/// Every open client connection, bound or still negotiating, so that shutdown can
/// tell each one `system-shutdown` (RFC 6120 §4.9.3.20) and wait for them to
/// close, and how many each IP address has open, for the limit per address.
final class ConnectionTracker: Sendable {
    private let state = Mutex(State())

    private struct State {
        var channels: [ObjectIdentifier: (channel: any Channel, address: String?)] = [:]
        var perAddress: [String: Int] = [:]
    }

    /// Takes in a new connection from `address`; false when that address already
    /// has `limit` connections open (0: no limit), and then the connection is
    /// tracked only until it closes, not counted against its address.
    func opened(_ channel: any Channel, address: String?, limit: Int) -> Bool {
        state.withLock { state in
            guard let address else {
                state.channels[ObjectIdentifier(channel)] = (channel, nil)
                return true
            }
            let open = state.perAddress[address, default: 0]
            guard limit == 0 || open < limit else {
                state.channels[ObjectIdentifier(channel)] = (channel, nil)
                return false
            }
            state.perAddress[address] = open + 1
            state.channels[ObjectIdentifier(channel)] = (channel, address)
            return true
        }
    }

    /// Takes in a connection no address limit applies to (server-to-server links).
    func opened(_ channel: any Channel) {
        _ = opened(channel, address: nil, limit: 0)
    }

    func closed(_ channel: any Channel) {
        state.withLock { state in
            guard let (_, address) = state.channels.removeValue(forKey: ObjectIdentifier(channel)), let address else { return }
            let open = state.perAddress[address, default: 1] - 1
            state.perAddress[address] = open > 0 ? open : nil
        }
    }

    /// The number of open connections.
    var count: Int { state.withLock { $0.channels.count } }

    /// The connections counted against `address`.
    func count(from address: String) -> Int { state.withLock { $0.perAddress[address] ?? 0 } }

    /// Sends every connection's handler a command on its own event loop.
    func broadcast(_ command: SessionCommand) {
        for channel in state.withLock({ $0.channels.values.map(\.channel) }) {
            channel.eventLoop.execute {
                channel.pipeline.fireUserInboundEventTriggered(command)
            }
        }
    }
}
