import ArgumentParser

/// M sessions chat at a target total rate for a while: delivered messages per
/// second, loss, latency percentiles.
struct ChatCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "chat", abstract: "Chat between M sessions at a target rate.")

    @OptionGroup var target: TargetOptions

    @Option(help: "Sessions that chat.")
    var sessions = 100

    @Option(help: "Messages per second, all senders together.")
    var rate: Double = 1000

    @Option(help: "Seconds to send for.")
    var duration: Double = 10

    func run() async throws {
        try target.pin()
        let pool = try await SessionPool.loggedIn(sessions, target: target)
        let chat = try await ChatRun.takeOver(pool.clients)
        let cpu = ProcessUsage.cpuSeconds()
        let outcome = await chat.run(rate: rate, seconds: duration)
        let cpuWall = outcome.seconds
        Report.line("scenario", "chat, \(sessions) sessions, \(Report.number(rate, digits: 0)) msgs/s for \(Report.number(duration)) s, \(target.tls.rawValue)")
        Self.print(outcome)
        Report.cpu(since: cpu, wallSeconds: cpuWall)
        if chat.lostSessions > 0 { Report.line("sessions lost", "\(chat.lostSessions)") }
        await chat.closeAll()
    }

    static func print(_ outcome: ChatRun.Outcome) {
        Report.line("sent", "\(outcome.sent) (\(outcome.sendErrors) failed to send)")
        Report.line("delivered", "\(outcome.delivered)")
        Report.line("delivered per second", Report.number(outcome.deliveredPerSecond))
        Report.line("loss", Report.number(outcome.loss * 100, digits: 2) + "%")
        Report.latency("latency", outcome.latency)
    }
}
