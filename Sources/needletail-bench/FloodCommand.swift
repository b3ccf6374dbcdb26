import ArgumentParser
import Histogram

/// A victim pair chatting at a modest rate, alone and then beside a session
/// that floods the same server as fast as its connection takes: the victim's
/// latency both ways, the ratio of the p99s, and what the flood achieved. The
/// figure means most against the server's default limits
/// (`limits.max_bytes_per_second`), which are what hold the flooder back.
///
/// The two phases alternate for `--rounds` rounds, each flood drained from the
/// socket buffers before the next quiet phase, so that drift on a shared
/// machine falls on both sides alike.
struct FloodCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "flood",
        abstract: "Victim chat latency alone, then beside a session that floods the server.")

    @OptionGroup var target: TargetOptions

    @Option(help: "Messages per second between the victim pair (accounts 1 and 2).")
    var rate: Double = 200

    @Option(help: "Seconds each phase of a round measures the victims for.")
    var duration: Double = 10

    @Option(help: "Rounds of a quiet phase then a flooded one.")
    var rounds = 1

    @Option(help: "Size of each flood stanza in bytes (a chat message to the flooder itself, account 3).")
    var stanzaBytes = 200

    @Option(help: "Seconds the flood runs before the victims are measured beside it.")
    var leadIn: Double = 2

    @Option(help: "Seconds to wait at most, after a flooded phase, for the server to take in what the flooder wrote.")
    var drainLimit: Double = 60

    /// The issue's target: the victim's p99 beside a flooder under twice its p99 alone.
    static let targetRatio = 2.0

    func validate() throws {
        guard rounds > 0, rate > 0, duration > 0 else { throw ValidationError("--rounds, --rate and --duration must be above 0") }
    }

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

        var alone: ChatRun.Outcome?
        var beside: ChatRun.Outcome?
        var takenIn = 0  // flood stanzas the server took in while the victims were measured
        var measured = 0.0
        var written = 0  // bytes the flooder's socket accepted, and over how long
        var flooded = 0.0
        var undrained = 0
        for round in 1...rounds {
            let quiet = await chat.run(rate: rate, seconds: duration)
            let writtenBefore = flooder.written
            let floodBegan = ProcessUsage.now()
            flooder.start()
            try await Task.sleep(for: .seconds(leadIn))
            let (echoedBefore, measureBegan) = (flooder.echoed, ProcessUsage.now())
            let loud = await chat.run(rate: rate, seconds: duration)
            let now = ProcessUsage.now()
            takenIn += flooder.echoed - echoedBefore
            measured += Double(now - measureBegan) / 1_000_000_000
            written += flooder.written - writtenBefore
            flooded += Double(now - floodBegan) / 1_000_000_000
            alone.add(quiet)
            beside.add(loud)
            guard flooder.isConnected else { break }
            if round < rounds, !(await flooder.stopAndDrain(limit: drainLimit)) { undrained += 1 }
        }
        let flooderConnected = flooder.isConnected
        flooder.stop()
        guard let alone, let beside else { return }

        Report.line("scenario", "flood, victim pair at \(Report.number(rate, digits: 0)) msgs/s, \(rounds) round\(rounds == 1 ? "" : "s") "
            + "of \(Report.number(duration)) s alone then \(Report.number(duration)) s beside a flooder, "
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
        let bytesTakenIn = Double(takenIn * flooder.stanzaBytes) / measured
        Report.line("flooder achieved", "\(Report.number(bytesTakenIn, digits: 0)) bytes/s "
            + "(\(Report.number(Double(takenIn) / measured, digits: 0)) stanzas/s) taken in by the server "
            + "while the victims were measured (the stanzas it wrote back, over \(Report.number(measured)) s)")
        Report.line("flooder written", "\(Report.number(Double(written) / flooded, digits: 0)) bytes/s accepted by its socket "
            + "over \(Report.number(flooded)) s of flood; \((flooder.written - flooder.echoed * flooder.stanzaBytes) / 1024) KiB "
            + "not taken in at the end (in socket buffers)")
        if undrained > 0 { Report.line("flood not drained", "\(undrained) time\(undrained == 1 ? "" : "s") within \(Report.number(drainLimit, digits: 0)) s") }
        Report.line("flooder connection", flooderConnected ? "open at the end" : "closed by the server during a flood")
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

private extension Optional<ChatRun.Outcome> {
    /// The first outcome, or the runs so far with `next` folded in.
    mutating func add(_ next: ChatRun.Outcome) {
        if case .some(var outcome) = self {
            outcome.add(next)
            self = outcome
        } else {
            self = next
        }
    }
}
