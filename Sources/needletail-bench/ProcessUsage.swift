import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// What the load tool reads about processes: its own CPU time (so a run shows
/// the tool was not the bottleneck), a server's resident memory from /proc (all
/// its processes: ejabberd's Erlang VM and its helpers count together), and
/// pinning itself to one CPU.
enum ProcessUsage {
    /// User plus system CPU seconds this process has used.
    static func cpuSeconds() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        func seconds(_ time: timeval) -> Double { Double(time.tv_sec) + Double(time.tv_usec) / 1_000_000 }
        return seconds(usage.ru_utime) + seconds(usage.ru_stime)
    }

    /// A monotonic timestamp in nanoseconds, the same clock for every task here.
    static func now() -> UInt64 {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return UInt64(time.tv_sec) * 1_000_000_000 + UInt64(time.tv_nsec)
    }

    /// Restricts this process to `cpu`: every thread it has now (sched_setaffinity(2)
    /// on each of /proc/self/task), and so every thread they start later.
    static func pin(toCPU cpu: Int) throws {
        // Glibc declares it only under _GNU_SOURCE, which Swift's import does not set.
        typealias SetAffinity = @convention(c) (pid_t, Int, UnsafeRawPointer) -> Int32
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "sched_setaffinity") else {
            throw BenchFailure("sched_setaffinity is not available")
        }
        let setAffinity = unsafeBitCast(symbol, to: SetAffinity.self)
        var mask = [UInt64](repeating: 0, count: 16)  // a cpu_set_t: 1024 CPUs
        guard cpu >= 0, cpu < 1024 else { throw BenchFailure("no CPU \(cpu)") }
        mask[cpu / 64] |= 1 << UInt64(cpu % 64)
        let threads = ((try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/task")) ?? []).compactMap { pid_t($0) }
        for thread in threads.isEmpty ? [0] : threads {
            let result = mask.withUnsafeBytes { setAffinity(thread, $0.count, $0.baseAddress!) }
            guard result == 0 else {
                throw BenchFailure("cannot pin to CPU \(cpu): \(String(cString: strerror(errno)))")
            }
        }
    }

    /// Resident memory in bytes of `pid` and all its descendants (VmRSS in
    /// /proc/PID/status), nil when `pid` is not running.
    static func residentBytes(ofTree pid: Int32) -> Int? {
        var parents: [Int32: Int32] = [:]
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        for entry in entries {
            guard let child = Int32(entry),
                  let stat = try? String(contentsOfFile: "/proc/\(entry)/stat", encoding: .utf8),
                  let close = stat.lastIndex(of: ")")
            else { continue }
            // "pid (comm) state ppid ...": the command may hold spaces, so read after its ')'.
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            if fields.count > 1, let parent = Int32(fields[1]) { parents[child] = parent }
        }
        guard parents[pid] != nil else { return nil }
        var tree: Set<Int32> = [pid]
        var grew = true
        while grew {
            grew = false
            for (child, parent) in parents where tree.contains(parent) && !tree.contains(child) {
                tree.insert(child)
                grew = true
            }
        }
        return tree.reduce(0) { $0 + (residentBytes(of: $1) ?? 0) }
    }

    private static func residentBytes(of pid: Int32) -> Int? {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return nil }
        for line in status.split(separator: "\n") where line.hasPrefix("VmRSS:") {
            let kilobytes = line.split(separator: " ").dropFirst().first.flatMap { Int($0) }
            return kilobytes.map { $0 * 1024 }
        }
        return nil
    }
}

/// A run that could not be done, in a sentence.
struct BenchFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
