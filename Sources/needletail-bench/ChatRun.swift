import Histogram
import NIOCore
import Synchronization
import XMPPClient
import XMPPCore

/// Chat messages between logged-in sessions at a target total rate: each
/// carries the time it was sent, each receiver notes when it arrived, so the
/// run gives delivered messages per second, loss and latency percentiles.
///
/// The sessions log in through `XMPPClient` and are then handed over
/// (`takeOverConnection()`): messages are written from bytes prepared per
/// recipient with only the timestamp filled in, and receivers find the
/// timestamps with a byte scan (``ChatReceiver``). So the tool costs far less
/// per message than the server it loads, and a run's figure is the server's.
final class ChatRun: Sendable {
    private let sessions: [Session]
    /// Each event loop with the sessions on it: a batch of messages goes to a
    /// loop in one task, which writes them from there.
    private let loops: [(loop: any EventLoop, sessions: [Int])]
    private let tally = ChatTally()
    static let bodyPrefix = "bench "
    /// Makes each message about as long as a short real chat line with its markup.
    static let padding = Array((" " + String(repeating: "x", count: 64) + "</body></message>").utf8)

    struct Session: Sendable {
        let channel: any Channel
        /// `<message type='chat' to='…'><body>bench `: everything before the timestamp.
        let messagePrefix: [UInt8]
    }

    /// What one run at one rate measured.
    struct Outcome {
        var rate: Double
        var sent: Int
        var delivered: Int
        var seconds: Double
        var latency: Histogram<UInt64>
        var sendErrors: Int

        var loss: Double { sent > 0 ? Double(sent - delivered) / Double(sent) : 0 }
        var deliveredPerSecond: Double { seconds > 0 ? Double(delivered) / seconds : 0 }

        /// Folds in a later run at the same rate, as if both were one.
        mutating func add(_ other: Outcome) {
            sent += other.sent
            delivered += other.delivered
            seconds += other.seconds
            latency.add(other.latency)
            sendErrors += other.sendErrors
        }
    }

    static func makeHistogram() -> Histogram<UInt64> {
        Histogram(highestTrackableValue: 600_000_000_000, numberOfSignificantValueDigits: .three)
    }

    /// Takes over every client's connection and starts counting what arrives.
    static func takeOver(_ clients: [Int: XMPPClient]) async throws -> ChatRun {
        var sessions: [Session] = []
        for (index, client) in clients.sorted(by: { $0.key < $1.key }) {
            guard let jid = client.boundJID else { throw BenchFailure("session \(index) is not bound") }
            let channel = try await client.takeOverConnection()
            let prefix = "<message type='chat' to='\(escaped(jid.description))'><body>\(bodyPrefix)"
            sessions.append(Session(channel: channel, messagePrefix: Array(prefix.utf8)))
        }
        let run = ChatRun(sessions: sessions)
        for session in sessions {
            try await run.receive(on: session.channel)
        }
        return run
    }

    private init(sessions: [Session]) {
        self.sessions = sessions
        var byLoop: [ObjectIdentifier: (loop: any EventLoop, sessions: [Int])] = [:]
        for (index, session) in sessions.enumerated() {
            byLoop[ObjectIdentifier(session.channel.eventLoop), default: (session.channel.eventLoop, [])].sessions.append(index)
        }
        loops = Array(byLoop.values)
    }

    private func receive(on channel: any Channel) async throws {
        let tally = self.tally
        try await channel.eventLoop.submit {
            try channel.pipeline.syncOperations.addHandler(ChatReceiver(tally: tally))
        }.get()
    }

    /// Sessions whose connection has gone since they were handed over.
    var lostSessions: Int { tally.lostSessions }

    /// Sends at `rate` messages per second in all for `seconds`, from random
    /// sessions to other random sessions, then waits `grace` seconds for stragglers.
    func run(rate: Double, seconds: Double, grace: Double = 2) async -> Outcome {
        tally.reset()
        let total = Int(rate * seconds)
        let start = ProcessUsage.now()
        let tick: UInt64 = 5_000_000  // messages go in 5 ms batches, one task per event loop each
        var sent = 0
        var errors = 0
        var generator = SystemRandomNumberGenerator()
        let count = sessions.count
        while sent < total {
            let elapsed = ProcessUsage.now() - start
            let due = min(total, Int(Double(elapsed + tick) / 1_000_000_000 * rate))
            if due > sent {
                // Pick sender and recipient pairs, grouped by the sender's loop.
                var batches = [[(from: Int, to: Int)]](repeating: [], count: loops.count)
                for _ in sent..<due {
                    let loopIndex = Int.random(in: 0..<loops.count, using: &generator)
                    let members = loops[loopIndex].sessions
                    let from = members[Int.random(in: 0..<members.count, using: &generator)]
                    var to = Int.random(in: 0..<count, using: &generator)
                    if count > 1, to == from { to = (to + 1) % count }
                    batches[loopIndex].append((from, to))
                }
                for (loopIndex, batch) in batches.enumerated() where !batch.isEmpty {
                    loops[loopIndex].loop.execute { [sessions] in
                        for (from, to) in batch { Self.write(to: sessions[to], on: sessions[from].channel) }
                    }
                }
                for batch in batches {
                    for pair in batch where !sessions[pair.from].channel.isActive { errors += 1 }
                }
                sent = due
            }
            let next = start + UInt64(Double(sent) / rate * 1_000_000_000)
            let now = ProcessUsage.now()
            if next > now { try? await Task.sleep(for: .nanoseconds(Int64(next - now))) }
        }
        let sendingSeconds = Double(ProcessUsage.now() - start) / 1_000_000_000
        // Wait for the rest, but not longer than `grace` once all have come.
        let deadline = ProcessUsage.now() + UInt64(grace * 1_000_000_000)
        while tally.count < sent - errors, ProcessUsage.now() < deadline {
            try? await Task.sleep(for: .milliseconds(20))
        }
        let result = tally.snapshot
        return Outcome(rate: rate, sent: sent, delivered: result.count, seconds: sendingSeconds,
                       latency: result.latency, sendErrors: errors)
    }

    /// One message to `recipient`, stamped now, written on `channel` (on its loop).
    private static func write(to recipient: Session, on channel: any Channel) {
        var buffer = channel.allocator.buffer(capacity: recipient.messagePrefix.count + 20 + padding.count)
        buffer.writeBytes(recipient.messagePrefix)
        writeDecimal(ProcessUsage.now(), to: &buffer)
        buffer.writeBytes(padding)
        channel.writeAndFlush(buffer, promise: nil)
    }

    private static func writeDecimal(_ value: UInt64, to buffer: inout ByteBuffer) {
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)  // 24 bytes: room for UInt64's 20 digits
        withUnsafeMutableBytes(of: &digits) { bytes in
            var value = value
            var index = bytes.count
            repeat {
                index -= 1
                bytes[index] = UInt8(truncatingIfNeeded: value % 10) + 0x30
                value /= 10
            } while value > 0
            buffer.writeBytes(UnsafeRawBufferPointer(rebasing: bytes[index...]))
        }
    }

    /// Ends every handed-over stream in order and closes its connection.
    func closeAll() async {
        await withTaskGroup(of: Void.self) { group in
            for session in sessions {
                group.addTask {
                    var end = session.channel.allocator.buffer(capacity: 16)
                    end.writeString("</stream:stream>")
                    try? await session.channel.writeAndFlush(end)
                    try? await session.channel.close()
                }
            }
        }
    }

    /// `text` safe inside a single-quoted XML attribute.
    static func escaped(_ text: String) -> String {
        var result = ""
        for character in text {
            switch character {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case "'": result += "&apos;"
            case "\"": result += "&quot;"
            default: result.append(character)
            }
        }
        return result
    }
}
