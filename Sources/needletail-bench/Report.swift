import Foundation
import Histogram

/// How figures are printed: one `key: value` line each, so a script can read them.
enum Report {
    static func line(_ key: String, _ value: String) {
        print("\(key): \(value)")
    }

    /// p50, p90, p99 and max of nanosecond latencies, in milliseconds.
    static func latency(_ key: String, _ histogram: Histogram<UInt64>) {
        guard histogram.totalCount > 0 else {
            line(key, "none recorded")
            return
        }
        func ms(_ nanoseconds: UInt64) -> String { String(format: "%.2f", Double(nanoseconds) / 1_000_000) }
        line(key, "p50 \(ms(histogram.valueAtPercentile(50))) ms, p90 \(ms(histogram.valueAtPercentile(90))) ms, "
            + "p99 \(ms(histogram.valueAtPercentile(99))) ms, max \(ms(histogram.max)) ms")
    }

    static func errors(_ errors: [String: Int]) {
        line("errors", errors.isEmpty ? "none" : errors.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))
    }

    /// The tool's own CPU use over `wallSeconds`.
    static func cpu(since startCPU: Double, wallSeconds: Double) {
        let used = ProcessUsage.cpuSeconds() - startCPU
        line("load tool CPU", String(format: "%.2f s over %.2f s (%.0f%% of one core)", used, wallSeconds, wallSeconds > 0 ? used / wallSeconds * 100 : 0))
    }

    static func number(_ value: Double, digits: Int = 1) -> String {
        String(format: "%.\(digits)f", value)
    }
}
