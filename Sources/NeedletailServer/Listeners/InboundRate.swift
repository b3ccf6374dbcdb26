import NIOCore

/// A token bucket over the bytes a client sends: `bytesPerSecond` sustained,
/// `burst` at once. Reading pauses while the bucket is in debt, so a flooding
/// client is slowed by TCP itself (its data waits in the kernel and then in
/// its own send buffer) instead of being read as fast as it can write.
struct InboundRate {
    let bytesPerSecond: Double
    let burst: Double
    private var tokens: Double
    private var last: NIODeadline

    init(bytesPerSecond: Int, burst: Int, now: NIODeadline = .now()) {
        self.bytesPerSecond = Double(bytesPerSecond)
        self.burst = Double(max(burst, 1))
        self.tokens = Double(max(burst, 1))
        self.last = now
    }

    /// Takes `count` bytes from the bucket; how long reading must pause for the
    /// debt to be paid back, or nil when there is none.
    mutating func take(_ count: Int, now: NIODeadline = .now()) -> TimeAmount? {
        let elapsed = Double((now - last).nanoseconds) / 1_000_000_000
        last = now
        tokens = min(burst, tokens + max(0, elapsed) * bytesPerSecond) - Double(count)
        guard tokens < 0 else { return nil }
        return .nanoseconds(Int64(-tokens / bytesPerSecond * 1_000_000_000))
    }
}
