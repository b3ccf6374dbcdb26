import ArgumentParser
import XMPPStreams

/// Sessions come and go for a while (log in, bind, roster, presence, then an
/// orderly close), batch after batch, and the server's resident memory is read
/// before and after: memory a session leaves behind once gone shows as growth.
struct ChurnCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "churn",
        abstract: "Connect and close sessions in batches for a while; the server's memory before and after.")

    @OptionGroup var target: TargetOptions

    @Option(help: "Sessions over the whole run, warm-up not counted.")
    var sessions = 10_000

    @Option(help: "Sessions up at once: accounts 1 to this log in, then all close (under limits.max_connections_per_ip, default 100).")
    var batch = 50

    @Option(help: "Seconds the run is spread over; batches start evenly in it (or as soon as the last is done).")
    var duration: Double = 300

    @Option(help: "Batches connected and closed before the first memory reading, so allocator warm-up is not counted.")
    var warmupBatches = 1

    @Option(help: "Seconds each batch stays up, once all of it is logged in, before it closes.")
    var hold: Double = 0

    @Flag(inversion: .prefixedNo, help: "Send initial presence at each login, as a client does (--no-presence: to tell what the presence path keeps).")
    var presence = true

    @Option(help: "Seconds to wait after the last close (and after warm-up) before reading memory.")
    var settle: Double = 5

    /// The issue's target: memory after the run within 10% of before.
    static let targetGrowth = 0.10

    func validate() throws {
        guard target.serverPID != nil else { throw ValidationError("churn reads the server's memory: give --server-pid") }
        guard batch > 0, sessions > 0 else { throw ValidationError("--batch and --sessions must be at least 1") }
    }

    func run() async throws {
        try target.pin()
        guard let pid = target.serverPID else { return }
        // Each account's SCRAM keys derived once, as a returning client keeps them.
        let keys = SCRAMKeyCache()
        var errors: [String: Int] = [:]
        for _ in 0..<warmupBatches {
            _ = await cycle(batch, keys: keys, pid: pid, errors: &errors)
        }
        let warmupErrors = errors.values.reduce(0, +)
        errors = [:]
        try await Task.sleep(for: .seconds(settle))
        guard let before = ProcessUsage.residentBytes(ofTree: pid) else { throw BenchFailure("no process \(pid)") }

        let cpu = ProcessUsage.cpuSeconds()
        let start = ProcessUsage.now()
        let batches = (sessions + batch - 1) / batch
        var done = 0
        var peak = before
        for index in 0..<batches {
            let due = start + UInt64(Double(index) / Double(batches) * duration * 1_000_000_000)
            let now = ProcessUsage.now()
            if due > now { try await Task.sleep(for: .nanoseconds(Int64(due - now))) }
            let size = min(batch, sessions - index * batch)
            let (established, resident) = await cycle(size, keys: keys, pid: pid, errors: &errors)
            done += established
            peak = max(peak, resident ?? 0)
            // A reading each tenth of the run: steady growth is a leak, a plateau is the allocator.
            if (index + 1) % max(1, batches / 10) == 0, let resident {
                Report.line("memory with batch \(index + 1) up", "\(resident / 1024) KiB, \(done) sessions done")
            }
        }
        let wall = Double(ProcessUsage.now() - start) / 1_000_000_000
        try await Task.sleep(for: .seconds(settle))
        guard let after = ProcessUsage.residentBytes(ofTree: pid) else { throw BenchFailure("the server (\(pid)) is gone") }

        let growth = Double(after) / Double(before) - 1
        Report.line("scenario", "churn, \(sessions) sessions in batches of \(batch) over \(Report.number(duration, digits: 0)) s, each up \(Report.number(hold)) s\(presence ? "" : ", no presence"), "
            + "\(target.tls.rawValue), \(target.mechanism.rawValue)")
        Report.line("warm-up", "\(warmupBatches) batch\(warmupBatches == 1 ? "" : "es") of \(batch) connected and closed before the first reading, "
            + "then \(Report.number(settle)) s (\(warmupErrors) errors)")
        Report.line("sessions done", "\(done) of \(sessions) in \(Report.number(wall)) s (\(Report.number(Double(done) / max(wall, 0.001))) per second)")
        Report.errors(errors)
        Report.line("server memory", "\(before / 1024) KiB before, \(after / 1024) KiB after (\(Report.number(settle)) s after the last close), "
            + "\(peak / 1024) KiB at most with a batch up")
        Report.line("memory after ÷ before", "\(Report.number(Double(after) / Double(before), digits: 3)) (target within "
            + "\(Report.number(Self.targetGrowth * 100, digits: 0))%: \(abs(growth) <= Self.targetGrowth ? "met" : "not met"))")
        Report.cpu(since: cpu, wallSeconds: wall)
        if done < sessions { throw ExitCode(1) }
    }

    /// Logs `count` sessions in (accounts 1 to `count`), reads the server's memory
    /// while they are up, closes them all; how many were established, and the reading.
    private func cycle(_ count: Int, keys: SCRAMKeyCache, pid: Int32, errors: inout [String: Int]) async -> (Int, Int?) {
        let pool = SessionPool(target: target, keys: keys, sendsPresence: presence)
        await pool.login(1...count, rate: nil)
        if hold > 0 { try? await Task.sleep(for: .seconds(hold)) }
        let resident = ProcessUsage.residentBytes(ofTree: pid)
        let report = pool.report
        errors.merge(report.errors, uniquingKeysWith: +)
        await pool.closeAll()
        return (report.established, resident)
    }
}
