import ArgumentParser
import Histogram

/// The chat scenario with its rate stepped up until messages are lost or p99
/// latency passes a bound: the highest rate sustained.
struct SaturateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "saturate", abstract: "Step the chat rate up until loss or p99 passes the bound.")

    @OptionGroup var target: TargetOptions

    @Option(help: "Sessions that chat.")
    var sessions = 100

    @Option(help: "The first rate, messages per second.")
    var start: Double = 1000

    @Option(help: "Each step multiplies the rate by this.")
    var factor: Double = 1.5

    @Option(help: "Seconds per step.")
    var step: Double = 5

    @Option(help: "The p99 latency bound, milliseconds.")
    var p99Bound: Double = 200

    @Option(help: "Loss allowed, percent.")
    var maxLoss: Double = 0.1

    @Option(help: "Steps at most.")
    var maxSteps = 12

    @Option(help: "Once a step fails, steps that halve the gap between it and the last that held.")
    var refinements = 3

    func run() async throws {
        try target.pin()
        let pool = try await SessionPool.loggedIn(sessions, target: target)
        let chat = try await ChatRun.takeOver(pool.clients)
        Report.line("scenario", "saturate, \(sessions) sessions, from \(Report.number(start, digits: 0)) msgs/s ×\(factor), p99 under \(Report.number(p99Bound, digits: 0)) ms, loss under \(maxLoss)%")
        var rate = start
        var best: ChatRun.Outcome?
        var failed: Double?
        for _ in 0..<maxSteps {
            let outcome = await measure(chat, at: rate)
            guard outcome.held else {
                failed = rate
                break
            }
            best = outcome.outcome
            rate *= factor
        }
        // Between the last rate that held and the first that did not, halve the gap
        // a few times, so the figure does not depend on where the steps happened to fall.
        if var low = best?.rate, var high = failed {
            for _ in 0..<refinements {
                let middle = (low + high) / 2
                let outcome = await measure(chat, at: middle)
                if outcome.held {
                    best = outcome.outcome
                    low = middle
                } else {
                    high = middle
                }
            }
        }
        if let best {
            Report.line("highest sustained rate", "\(Report.number(best.deliveredPerSecond, digits: 0)) msgs/s")
            ChatCommand.print(best)
        } else {
            Report.line("highest sustained rate", "none: the first step did not hold")
        }
        if chat.lostSessions > 0 { Report.line("sessions lost", "\(chat.lostSessions)") }
        await chat.closeAll()
    }

    /// One step at `rate`, printed; whether it held: loss and p99 within bounds
    /// and at least 90% of the rate delivered.
    private func measure(_ chat: ChatRun, at rate: Double) async -> (outcome: ChatRun.Outcome, held: Bool) {
        let cpu = ProcessUsage.cpuSeconds()
        let outcome = await chat.run(rate: rate, seconds: step)
        let p99 = Double(outcome.latency.valueAtPercentile(99)) / 1_000_000
        let held = outcome.loss * 100 <= maxLoss && p99 <= p99Bound && outcome.deliveredPerSecond >= rate * 0.9
        let used = ProcessUsage.cpuSeconds() - cpu
        Report.line("step", "\(Report.number(rate, digits: 0)) msgs/s: delivered \(Report.number(outcome.deliveredPerSecond, digits: 0))/s, "
            + "loss \(Report.number(outcome.loss * 100, digits: 2))%, p99 \(Report.number(p99, digits: 2)) ms, "
            + "load tool CPU \(Report.number(used / max(outcome.seconds, 0.001) * 100, digits: 0))% — \(held ? "held" : "not held")")
        return (outcome, held)
    }
}
