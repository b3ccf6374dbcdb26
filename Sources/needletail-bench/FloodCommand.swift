import ArgumentParser
import Histogram

/// A victim pair chatting at a modest rate, first alone, then beside a session
/// that floods the same server as fast as its connection takes: the victim's
/// latency both ways, the ratio of the p99s, and what the flood achieved. The
/// figure means most against the server's default limits
/// (`limits.max_bytes_per_second`), which are what hold the flooder back.
struct FloodCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "flood",
        abstract: "Victim chat latency alone, then beside a session that floods the server.")

    @OptionGroup var target: TargetOptions

    @Option(help: "Messages per second between the victim pair (accounts 1 and 2).")
    var rate: Double = 200

    @Option(help: "Seconds each phase measures the victims for.")
    var duration: Double = 10

    @Option(help: "Size of each flood stanza in bytes (a chat message to the flooder itself, account 3).")
    var stanzaBytes = 200

    @Option(help: "Seconds the flood runs before the victims are measured beside it.")
    var leadIn: Double = 2

    /// The issue's target: the victim's p99 beside a flooder under twice its p99 alone.
    static let targetRatio = 2.0

    func run() async throws {
        try target.pin()
        let victims = try await SessionPool.loggedIn(2, target: target)
        let flooderPool = SessionPool(target: target)
        await flooderPool.login(3...3, rate: nil)
        guard let flooderClient = flooderPool.clients[3] else {
            Report.errors(flooderPool.report.errors)
            throw BenchFailure("the flooding session (account 3) did not log in")
        }
        let chat = try await ChatRun.takeOver(victims.clients)
        let flooder = try await Flooder.takeOver(flooderClient, stanzaBytes: stanzaBytes)
        let cpu = ProcessUsage.cpuSeconds()
        let started = ProcessUsage.now()

        let alone = await chat.run(rate: rate, seconds: duration)
        flooder.start()
        let floodBegan = ProcessUsage.now()
        try await Task.sleep(for: .seconds(leadIn))
        let (echoedBefore, measureBegan) = (flooder.echoed, ProcessUsage.now())
        let beside = await chat.run(rate: rate, seconds: duration)
        let now = ProcessUsage.now()
        let measured = Double(now - measureBegan) / 1_000_000_000
        let flooded = Double(now - floodBegan) / 1_000_000_000
        let (written, echoedTotal) = (flooder.written, flooder.echoed)
        let takenIn = Double((echoedTotal - echoedBefore) * flooder.stanzaBytes) / measured
        let flooderConnected = flooder.isConnected
        flooder.stop()

        Report.line("scenario", "flood, victim pair at \(Report.number(rate, digits: 0)) msgs/s for \(Report.number(duration)) s a phase, "
            + "flood stanzas of \(flooder.stanzaBytes) bytes to the flooder itself, \(target.tls.rawValue)")
        Self.print("victim alone", alone)
        Self.print("victim beside flooder", beside)
        let p99Alone = Double(alone.latency.valueAtPercentile(99))
        let p99Beside = Double(beside.latency.valueAtPercentile(99))
        if p99Alone > 0, beside.delivered > 0 {
            let ratio = p99Beside / p99Alone
            Report.line("victim p99 ratio", "\(Report.number(ratio, digits: 2))× (beside flooder ÷ alone; target under "
                + "\(Report.number(Self.targetRatio, digits: 0))×: \(ratio < Self.targetRatio ? "met" : "not met"))")
        } else {
            Report.line("victim p99 ratio", "not measured (nothing delivered)")
        }
        Report.line("flooder achieved", "\(Report.number(takenIn, digits: 0)) bytes/s "
            + "(\(Report.number(takenIn / Double(flooder.stanzaBytes), digits: 0)) stanzas/s) taken in by the server "
            + "while the victims were measured: stanzas it wrote back, \(Report.number(measured)) s")
        Report.line("flooder written", "\(Report.number(Double(written) / flooded, digits: 0)) bytes/s over "
            + "\(Report.number(flooded)) s, accepted by its socket; \((written - echoedTotal * flooder.stanzaBytes) / 1024) KiB "
            + "not taken in yet at the end (in socket buffers)")
        Report.line("flooder connection", flooderConnected ? "open at the end of the flood" : "closed by the server during the flood")
        Report.cpu(since: cpu, wallSeconds: Double(ProcessUsage.now() - started) / 1_000_000_000)
        if chat.lostSessions > 0 { Report.line("sessions lost", "\(chat.lostSessions)") }
        await flooder.close()
        await chat.closeAll()
    }

    private static func print(_ phase: String, _ outcome: ChatRun.Outcome) {
        Report.line("\(phase) delivered", "\(outcome.delivered) of \(outcome.sent) (\(outcome.sendErrors) failed to send, "
            + "loss \(Report.number(outcome.loss * 100, digits: 2))%)")
        Report.latency("\(phase) latency", outcome.latency)
    }
}
