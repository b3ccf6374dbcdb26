import Histogram
import Synchronization
import XMPPClient
import XMPPCore
import XMPPStreams

/// Logs accounts in the way a client does (connect, TLS, SASL, bind, roster
/// get, initial presence), at an arrival rate, a bounded number at once; keeps
/// the sessions, the connect-to-bound latencies and the errors by kind.
final class SessionPool: Sendable {
    let target: TargetOptions
    /// Each account's SCRAM keys, derived at its first login and reused after.
    let keys: SCRAMKeyCache
    private let state = Mutex(State())

    struct State {
        var clients: [Int: XMPPClient] = [:]
        var latency = Histogram<UInt64>(highestTrackableValue: 600_000_000_000, numberOfSignificantValueDigits: .three)
        var errors: [String: Int] = [:]
        var firstStart: UInt64 = 0
        var lastBound: UInt64 = 0
    }

    /// Whether each login ends with initial presence, as a client's does.
    let sendsPresence: Bool

    init(target: TargetOptions, keys: SCRAMKeyCache = SCRAMKeyCache(), sendsPresence: Bool = true) {
        self.target = target
        self.keys = keys
        self.sendsPresence = sendsPresence
    }

    /// Logs in accounts `range`, starting one every 1/`rate` seconds (nil: as
    /// fast as `concurrency` allows).
    func login(_ range: ClosedRange<Int>, rate: Double?) async {
        let start = ProcessUsage.now()
        state.withLock { $0.firstStart = start }
        await withTaskGroup(of: Void.self) { group in
            var running = 0
            for (offset, index) in range.enumerated() {
                if let rate, rate > 0 {
                    let due = start + UInt64(Double(offset) / rate * 1_000_000_000)
                    let now = ProcessUsage.now()
                    if due > now { try? await Task.sleep(for: .nanoseconds(Int64(due - now))) }
                }
                if running >= target.concurrency {
                    await group.next()
                    running -= 1
                }
                running += 1
                group.addTask { await self.login(index) }
            }
        }
    }

    private func login(_ index: Int) async {
        let begun = ProcessUsage.now()
        do {
            let client = try target.client(index, keys: keys)
            try await client.connect()
            let bound = ProcessUsage.now()
            _ = try await client.iq(IQ(type: .get, id: "", payload: XMPPElement("query", namespace: Namespace.roster)))
            if sendsPresence { try await client.send(Presence()) }
            state.withLock {
                $0.clients[index] = client
                _ = $0.latency.record(bound - begun)
                $0.lastBound = max($0.lastBound, bound)
            }
        } catch {
            let kind = String(describing: error).prefix { $0 != "(" && $0 != ":" }
            state.withLock { $0.errors[String(kind), default: 0] += 1 }
        }
    }

    var clients: [Int: XMPPClient] { state.withLock { $0.clients } }

    /// What the logins gave.
    var report: (established: Int, perSecond: Double, latency: Histogram<UInt64>, errors: [String: Int]) {
        state.withLock { state in
            let seconds = Double(state.lastBound &- state.firstStart) / 1_000_000_000
            let rate = seconds > 0 ? Double(state.clients.count) / seconds : 0
            return (state.clients.count, rate, state.latency, state.errors)
        }
    }

    func closeAll() async {
        let clients = state.withLock { state in
            defer { state.clients = [:] }
            return Array(state.clients.values)
        }
        await withTaskGroup(of: Void.self) { group in
            for client in clients { group.addTask { await client.close() } }
        }
    }

    /// Logs in accounts 1...`count` as fast as allowed; throws when any could not.
    static func loggedIn(_ count: Int, target: TargetOptions) async throws -> SessionPool {
        let pool = SessionPool(target: target)
        await pool.login(1...count, rate: nil)
        guard pool.report.established == count else {
            Report.errors(pool.report.errors)
            throw BenchFailure("only \(pool.report.established) of \(count) sessions logged in")
        }
        return pool
    }
}
