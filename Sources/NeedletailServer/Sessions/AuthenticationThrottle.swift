import NIOCore
import Synchronization

/// Slows password guessing: each failed authentication is answered later the
/// more failures its IP address or its account has had recently, doubling from
/// `baseDelay` per failure up to `maximumDelay`. A success clears the account's
/// count (not the address's, or one valid account would let an address go on
/// guessing others at full speed); counts are forgotten `window` after their
/// last failure. Together with the connection limit per address, a guesser gets
/// a handful of tries a minute instead of thousands a second, and the owner of
/// an account that is being guessed still logs in at once with the right password.
final class AuthenticationThrottle: Sendable {
    let baseDelay: TimeAmount
    let maximumDelay: TimeAmount
    let window: TimeAmount
    private let state = Mutex(State())

    private struct State {
        var byAddress: [String: Failures] = [:]
        var byAccount: [String: Failures] = [:]
    }

    struct Failures {
        var count: Int
        var last: NIODeadline
    }

    /// At most this many addresses and accounts are remembered each; past it the
    /// forgotten ones are dropped first (`window` after their last failure).
    static let rememberedLimit = 100_000

    init(baseDelay: TimeAmount, maximumDelay: TimeAmount, window: TimeAmount = .minutes(15)) {
        self.baseDelay = baseDelay
        self.maximumDelay = maximumDelay
        self.window = window
    }

    /// Records a failure from `address` for `account` (either may be unknown) and
    /// returns how long to wait before answering it.
    func failed(address: String?, account: String?, now: NIODeadline = .now()) -> TimeAmount {
        let count = state.withLock { state in
            var worst = 0
            if let address { worst = max(worst, Self.record(&state.byAddress, address, now: now, window: window)) }
            if let account { worst = max(worst, Self.record(&state.byAccount, account, now: now, window: window)) }
            return worst
        }
        return delay(afterFailures: count)
    }

    /// The account logged in: its earlier failures no longer count.
    func succeeded(account: String) {
        state.withLock { _ = $0.byAccount.removeValue(forKey: account) }
    }

    /// The failures counted now for an address or an account.
    func failures(address: String? = nil, account: String? = nil, now: NIODeadline = .now()) -> Int {
        state.withLock { state in
            let fromAddress = address.flatMap { state.byAddress[$0] }.map { now - $0.last < window ? $0.count : 0 } ?? 0
            let fromAccount = account.flatMap { state.byAccount[$0] }.map { now - $0.last < window ? $0.count : 0 } ?? 0
            return max(fromAddress, fromAccount)
        }
    }

    /// `baseDelay` for the first failure, doubled for each after it, at most `maximumDelay`.
    func delay(afterFailures count: Int) -> TimeAmount {
        guard count > 0, baseDelay.nanoseconds > 0 else { return .zero }
        let doublings = min(count - 1, 40)
        let (scaled, overflow) = baseDelay.nanoseconds.multipliedReportingOverflow(by: Int64(1) << doublings)
        return overflow ? maximumDelay : .nanoseconds(min(scaled, maximumDelay.nanoseconds))
    }

    private static func record(_ table: inout [String: Failures], _ key: String, now: NIODeadline, window: TimeAmount) -> Int {
        if table.count >= rememberedLimit {
            table = table.filter { now - $0.value.last < window }
            // Still full: a guesser from more places than this is remembered. Start over.
            if table.count >= rememberedLimit { table.removeAll(keepingCapacity: true) }
        }
        var entry = table[key].flatMap { now - $0.last < window ? $0 : nil } ?? Failures(count: 0, last: now)
        entry.count += 1
        entry.last = now
        table[key] = entry
        return entry.count
    }
}
