import Synchronization

/// Tasks started on behalf of connections that are gone or going (the
/// `unavailable` broadcast of an ended session, offline storage of what its
/// client had not acknowledged), counted so shutdown can wait for them before
/// it closes storage: what the server took responsibility for is not lost
/// because the process stopped first.
final class BackgroundWork: Sendable {
    private let running = Mutex(0)

    func run(_ work: @escaping @Sendable () async -> Void) {
        running.withLock { $0 += 1 }
        Task {
            await work()
            running.withLock { $0 -= 1 }
        }
    }

    /// Returns once nothing runs, or at `deadline`.
    func drain(until deadline: ContinuousClock.Instant) async {
        while running.withLock({ $0 }) > 0, ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(10))
        }
    }
}
