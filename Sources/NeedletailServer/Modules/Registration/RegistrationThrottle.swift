import Synchronization

/// XEP-0077 §8 asks servers to guard against bots creating accounts en masse:
/// like Prosody's `min_seconds_between_registrations`, an IP address may register
/// one account per interval. Kept in memory and shared by every connection (the
/// registration module's handler holds the one instance); a restart forgets it.
final class RegistrationThrottle: Sendable {
    /// A registration in progress from `address`: kept when it succeeds, given
    /// back with ``release(_:)`` when it fails, so a taken username costs nothing.
    struct Claim: Sendable {
        let address: String
        let at: ContinuousClock.Instant
        let previous: ContinuousClock.Instant?
    }

    /// When each address last registered an account.
    private let lastRegistration = Mutex<[String: ContinuousClock.Instant]>([:])
    let interval: Duration

    /// Past this many addresses, those whose interval has passed are forgotten.
    private static let pruneThreshold = 1024

    /// A throttle allowing one registration per `interval` from an address; zero
    /// (or less) lets every registration through.
    init(interval: Duration) {
        self.interval = interval
    }

    /// Claims a registration for `address` at `now`, or nil when its last one was
    /// less than the interval ago.
    func claim(_ address: String, now: ContinuousClock.Instant = .now) -> Claim? {
        guard interval > .zero else { return Claim(address: address, at: now, previous: nil) }
        return lastRegistration.withLock { last in
            if let previous = last[address], now - previous < interval {
                return nil
            }
            if last.count >= Self.pruneThreshold {
                last = last.filter { now - $0.value < interval }
            }
            let claim = Claim(address: address, at: now, previous: last[address])
            last[address] = now
            return claim
        }
    }

    /// Gives back a claim whose registration failed, unless a later one replaced it.
    func release(_ claim: Claim) {
        guard interval > .zero else { return }
        lastRegistration.withLock { last in
            guard last[claim.address] == claim.at else { return }
            last[claim.address] = claim.previous
        }
    }
}
