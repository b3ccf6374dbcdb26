import Histogram
import Synchronization
import XMPPClient
import XMPPCore

/// Chat messages between logged-in sessions at a target total rate: each
/// carries the time it was sent, each receiver notes when it arrived, so the
/// run gives delivered messages per second, loss and latency percentiles.
final class ChatRun: Sendable {
    private let clients: [(index: Int, client: XMPPClient, jid: JID)]
    private let received = Mutex(Received())
    static let prefix = "bench "

    struct Received {
        var count = 0
        var latency = Histogram<UInt64>(highestTrackableValue: 600_000_000_000, numberOfSignificantValueDigits: .three)
    }

    /// What one run at one rate measured.
    struct Outcome {
        var rate: Double
        var sent: Int
        var delivered: Int
        var seconds: Double
        var latency: Histogram<UInt64>
        var sendErrors: Int

        var loss: Double { sent > 0 ? Double(sent - delivered) / Double(sent) : 0 }
        var deliveredPerSecond: Double { seconds > 0 ? Double(delivered) / seconds : 0 }
    }

    init(clients: [Int: XMPPClient]) throws {
        self.clients = try clients.sorted { $0.key < $1.key }.map { index, client in
            guard let jid = client.boundJID else { throw BenchFailure("session \(index) is not bound") }
            return (index, client, jid)
        }
    }

    /// Starts a reader per session; they run until the sessions close.
    func startReceiving() -> Task<Void, Never> {
        let clients = self.clients
        return Task {
            await withTaskGroup(of: Void.self) { group in
                for (_, client, _) in clients {
                    group.addTask { await self.read(client) }
                }
            }
        }
    }

    private func read(_ client: XMPPClient) async {
        for await stanza in client.incoming {
            guard case .message(let message) = stanza, let body = message.body, body.hasPrefix(Self.prefix),
                  let sent = UInt64(body.dropFirst(Self.prefix.count).prefix { $0 != " " })
            else { continue }
            let arrived = ProcessUsage.now()
            received.withLock {
                $0.count += 1
                _ = $0.latency.record(arrived &- sent)
            }
        }
    }

    /// Sends at `rate` messages per second in all for `seconds`, from random
    /// sessions to other random sessions, then waits `grace` seconds for stragglers.
    func run(rate: Double, seconds: Double, grace: Double = 2) async -> Outcome {
        received.withLock { $0 = Received() }
        let total = Int(rate * seconds)
        let start = ProcessUsage.now()
        let tick: UInt64 = 10_000_000  // 10 ms: messages go in small batches, not one timer each
        var sent = 0
        var errors = 0
        var generator = SystemRandomNumberGenerator()
        let padding = String(repeating: "x", count: 64)
        while sent < total {
            let elapsed = ProcessUsage.now() - start
            let due = min(total, Int(Double(elapsed + tick) / 1_000_000_000 * rate))
            while sent < due {
                let from = clients[Int.random(in: 0..<clients.count, using: &generator)]
                var to = clients[Int.random(in: 0..<clients.count, using: &generator)]
                if clients.count > 1, to.index == from.index {
                    to = clients[(clients.firstIndex { $0.index == from.index }! + 1) % clients.count]
                }
                let body = Self.prefix + String(ProcessUsage.now()) + " " + padding
                do {
                    try await from.client.send(Message(type: .chat, to: to.jid, body: body))
                } catch {
                    errors += 1
                }
                sent += 1
            }
            let next = start + UInt64(Double(sent) / rate * 1_000_000_000)
            let now = ProcessUsage.now()
            if next > now { try? await Task.sleep(for: .nanoseconds(Int64(next - now))) }
        }
        let sendingSeconds = Double(ProcessUsage.now() - start) / 1_000_000_000
        // Wait for the rest, but not longer than `grace` once all have come.
        let deadline = ProcessUsage.now() + UInt64(grace * 1_000_000_000)
        while received.withLock({ $0.count }) < sent - errors, ProcessUsage.now() < deadline {
            try? await Task.sleep(for: .milliseconds(20))
        }
        let result = received.withLock { $0 }
        return Outcome(rate: rate, sent: sent, delivered: result.count, seconds: sendingSeconds,
                       latency: result.latency, sendErrors: errors)
    }
}
