import Logging
import NIOCore
import Synchronization
import Testing
import XMPPClient
import XMPPCore
@testable import NeedletailServer

/// `limits.max_bytes_per_second`: a token bucket per client.
@Suite("Incoming rate per client")
struct InboundRateTests {
    @Test func aBurstIsFreeAndDebtIsPaidBackAtTheRate() {
        let start = NIODeadline.now()
        var rate = InboundRate(bytesPerSecond: 1000, burst: 1000, now: start)
        #expect(rate.take(1000, now: start) == nil, "the burst is free")
        #expect(rate.take(500, now: start) == .milliseconds(500))
        // Half a second later the debt is paid, and nothing more has accrued.
        #expect(rate.take(0, now: start + .milliseconds(500)) == nil)
        #expect(rate.take(250, now: start + .milliseconds(500)) == .milliseconds(250))
        // Idle time refills the bucket, but never past the burst.
        #expect(rate.take(1000, now: start + .seconds(60)) == nil)
        #expect(rate.take(1, now: start + .seconds(60)) != nil)
    }
}

@Suite("Incoming rate end to end", .serialized)
struct InboundRateEndToEndTests {
    /// A client sending far past its rate is slowed, not disconnected, and every
    /// stanza it sent arrives, in order.
    @Test func aFloodingSessionIsPausedAndEverythingArrivesInOrder() async throws {
        let capture = AuditLogTests.Capture()
        let rate = 256 * 1024
        let server = try await TestServer(accounts: ["juliet@example.com", "romeo@example.net"], logger: capture.logger) {
            $0.limits.maxIncomingBytesPerSecond = rate
            $0.logLevel = .notice
        }
        let romeo = try await Online.connect(server, "romeo@example.net/orchard")
        let juliet = try await server.connected("juliet@example.com/balcony")
        // Juliet writes everything at once, faster than any client library would send it.
        let flood = try await juliet.takeOverConnection()
        let padding = String(repeating: "x", count: 5000)
        let count = 300  // about 1.5 MB: the burst and some five seconds at the rate
        var bytes = flood.allocator.buffer(capacity: count * 5100)
        for index in 0..<count {
            bytes.writeString("<message type='chat' to='romeo@example.net/orchard'><body>\(index) \(padding)</body></message>")
        }
        let sent = bytes.readableBytes
        let started = ContinuousClock.now
        try await flood.writeAndFlush(bytes)
        var received: [Int] = []
        while received.count < count, let message = await romeo.inbox.message(within: .seconds(20)) {
            if let body = message.body, let index = Int(body.prefix { $0 != " " }) { received.append(index) }
        }
        let took = ContinuousClock.now - started
        #expect(received == Array(0..<count), "messages lost or out of order")
        #expect(flood.isActive, "the flooding session was disconnected")
        #expect(server.server.registry.sessions(of: try JID("juliet@example.com")).count == 1)
        // Past the burst, the rest was read at the rate, but for the last read, whose
        // debt is paid after it (TLS hands up to 256 KiB at once). A lower bound, so a
        // slow machine only passes more easily.
        let secondsAtTheRate = Double(sent - rate - 256 * 1024) / Double(rate)
        #expect(took >= .milliseconds(Int64(secondsAtTheRate * 900)))
        let pauses = capture.lines.withLock { $0.filter { $0.message.hasPrefix("reading paused") } }
        #expect(pauses.count == 1, "one notice per connection")
        #expect(pauses.first?.metadata["xmpp.jid"]?.description.hasPrefix("juliet@example.com") == true)
        var end = flood.allocator.buffer(capacity: 16)
        end.writeString("</stream:stream>")
        try? await flood.writeAndFlush(end)
        try? await flood.close()
        await romeo.close()
        await server.stop()
    }
}
