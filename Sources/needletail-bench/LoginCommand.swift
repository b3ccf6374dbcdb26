import ArgumentParser
import XMPPStreams

/// N sessions log in at an arrival rate: sessions established per second,
/// connect-to-bound latency, errors by kind.
struct LoginCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "login", abstract: "Log N accounts in and time it.")

    @OptionGroup var target: TargetOptions

    @Option(help: "Accounts to log in (numbered from 1).")
    var sessions = 100

    @Option(help: "Sessions started per second; 0 starts them as fast as --concurrency allows.")
    var rate: Double = 0

    @Flag(help: "With SCRAM, measure first logins: no earlier unmeasured login caches each account's keys, as a returning client has them.")
    var cold = false

    func run() async throws {
        try target.pin()
        let keys = SCRAMKeyCache()
        if target.mechanism == .scramSHA1, !cold {
            // A returning client has its keys: one unmeasured login per account derives them.
            let warmup = SessionPool(target: target, keys: keys)
            await warmup.login(1...sessions, rate: nil)
            await warmup.closeAll()
        }
        let cpu = ProcessUsage.cpuSeconds()
        let started = ProcessUsage.now()
        let pool = SessionPool(target: target, keys: keys)
        await pool.login(1...sessions, rate: rate > 0 ? rate : nil)
        let wall = Double(ProcessUsage.now() - started) / 1_000_000_000
        let report = pool.report
        let keysNote = target.mechanism == .plain ? "" : cold ? ", keys derived at each login" : ", keys kept from an earlier login"
        Report.line("scenario", "login, \(sessions) sessions, \(target.tls.rawValue), \(target.mechanism.rawValue)\(keysNote)")
        Report.line("established", "\(report.established) of \(sessions)")
        Report.line("sessions per second", Report.number(report.perSecond))
        Report.latency("connect to bound", report.latency)
        Report.errors(report.errors)
        Report.cpu(since: cpu, wallSeconds: wall)
        await pool.closeAll()
        if report.established < sessions { throw ExitCode(1) }
    }
}
