import ArgumentParser

/// N bound sessions held idle: the server's resident memory before and after,
/// per session.
struct IdleCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "idle", abstract: "Hold N idle sessions and measure the server's memory per session.")

    @OptionGroup var target: TargetOptions

    @Option(help: "Sessions to hold.")
    var sessions = 100

    @Option(help: "Seconds to hold them once all are up.")
    var hold: Double = 5

    func run() async throws {
        try target.pin()
        let cpu = ProcessUsage.cpuSeconds()
        let started = ProcessUsage.now()
        let before = target.serverPID.flatMap(ProcessUsage.residentBytes(ofTree:))
        let pool = SessionPool(target: target)
        await pool.login(1...sessions, rate: nil)
        try await Task.sleep(for: .seconds(hold))
        let after = target.serverPID.flatMap(ProcessUsage.residentBytes(ofTree:))
        let report = pool.report
        Report.line("scenario", "idle, \(sessions) sessions held \(Report.number(hold)) s, \(target.tls.rawValue)")
        Report.line("established", "\(report.established) of \(sessions)")
        if let before, let after {
            Report.line("server memory", "\(before / 1024) KiB before, \(after / 1024) KiB after")
            let perSession = report.established > 0 ? Double(after - before) / Double(report.established) / 1024 : 0
            Report.line("memory per session", "\(Report.number(perSession)) KiB")
        } else {
            Report.line("server memory", "not read (give --server-pid)")
        }
        Report.errors(report.errors)
        let wall = Double(ProcessUsage.now() - started) / 1_000_000_000
        Report.cpu(since: cpu, wallSeconds: wall)
        await pool.closeAll()
        if report.established < sessions { throw ExitCode(1) }
    }
}
