import NIOCore
import Testing
import XMPPCore
import XMPPStreams
@testable import NeedletailServer

/// Failed authentications answered later and later, per address and per account.
@Suite("Authentication throttle")
struct AuthenticationThrottleTests {
    @Test func theDelayDoublesPerFailureUpToTheMaximum() {
        let throttle = AuthenticationThrottle(baseDelay: .milliseconds(250), maximumDelay: .seconds(30))
        let start = NIODeadline.now()
        let delays = (0..<10).map { throttle.failed(address: "192.0.2.1", account: "juliet@example.com", now: start + .seconds(Int64($0))) }
        #expect(Array(delays.prefix(8)) == [250, 500, 1000, 2000, 4000, 8000, 16000, 30000].map { TimeAmount.milliseconds($0) })
        #expect(Array(delays.suffix(2)) == [.seconds(30), .seconds(30)])
        #expect(AuthenticationThrottle(baseDelay: .zero, maximumDelay: .seconds(30)).failed(address: "192.0.2.1", account: nil) == .zero)
    }

    @Test func anAddressAndAnAccountCountApartAndTheWorseDecides() {
        let throttle = AuthenticationThrottle(baseDelay: .milliseconds(100), maximumDelay: .seconds(60))
        let now = NIODeadline.now()
        for index in 0..<4 {
            _ = throttle.failed(address: "192.0.2.\(index)", account: "juliet@example.com", now: now)
        }
        // A fifth address guessing the same account waits as the account's fifth failure.
        #expect(throttle.failed(address: "192.0.2.9", account: "juliet@example.com", now: now) == .milliseconds(1600))
        // The same fresh address guessing another account: that address's second failure.
        #expect(throttle.failed(address: "192.0.2.9", account: "romeo@example.net", now: now) == .milliseconds(200))
    }

    @Test func aSuccessClearsTheAccountButNotTheAddress() {
        let throttle = AuthenticationThrottle(baseDelay: .milliseconds(100), maximumDelay: .seconds(60))
        for _ in 0..<5 { _ = throttle.failed(address: "192.0.2.1", account: "juliet@example.com") }
        throttle.succeeded(account: "juliet@example.com")
        #expect(throttle.failures(account: "juliet@example.com") == 0)
        #expect(throttle.failures(address: "192.0.2.1") == 5)
    }

    @Test func failuresAreForgottenAfterTheWindow() {
        let throttle = AuthenticationThrottle(baseDelay: .milliseconds(100), maximumDelay: .seconds(60), window: .minutes(15))
        let start = NIODeadline.now()
        for _ in 0..<6 { _ = throttle.failed(address: "192.0.2.1", account: "juliet@example.com", now: start) }
        let later = start + .minutes(16)
        #expect(throttle.failures(address: "192.0.2.1", now: later) == 0)
        #expect(throttle.failed(address: "192.0.2.1", account: "juliet@example.com", now: later) == .milliseconds(100))
    }
}

/// A thousand wrong passwords over real connections: each answered later, up to
/// the configured maximum, and the right password still logs in at once.
@Suite("Authentication throttle end to end", .serialized)
struct AuthenticationThrottleEndToEndTests {
    @Test func aThousandWrongPasswordsAreSlowedAndTheRightOneStillWorks() async throws {
        let maximum = 4  // ms, so the test stays short; the doubling is what is checked
        let server = try await TestServer(accounts: ["juliet@example.com"]) {
            $0.listeners.append(ListenerConfiguration(host: "127.0.0.1", port: 0, tls: .trustedPlaintext))
            $0.authentication.failureDelayMilliseconds = 1
            $0.authentication.maxFailureDelayMilliseconds = maximum
        }
        let port = server.ports[2]
        var answered = 0
        var slowest = Duration.zero
        var stream: RawStream?
        while answered < 1000 {
            if stream == nil { stream = try await RawStream.open(port: port).0 }
            let started = ContinuousClock.now
            let success = try await stream!.authenticate("juliet", password: "not it \(answered)")
            #expect(!success)
            let took = ContinuousClock.now - started
            answered += 1
            if answered > 3 { slowest = max(slowest, took) }
            // RFC 6120 §6.4.5: the connection ends after max_retries failures; start another.
            if answered % 3 == 0 {
                await stream?.close()
                stream = nil
            }
        }
        await stream?.close()
        #expect(server.server.authenticationThrottle.failures(account: "juliet@example.com") == 1000)
        #expect(server.server.authenticationThrottle.failures(address: "127.0.0.1") == 1000)
        // Past the first few, every answer waited the maximum (a lower bound only: a slow machine is slower).
        #expect(slowest >= .milliseconds(maximum))

        let (good, _) = try await RawStream.open(port: port)
        #expect(try await good.authenticate("juliet", password: TestServer.password), "the right password was refused")
        #expect(server.server.authenticationThrottle.failures(account: "juliet@example.com") == 0)
        await good.close()
        await server.stop()
    }
}
