import Testing
import XMPPCore
import XMPPStreams
@testable import NeedletailServer

/// `limits.negotiation_timeout_seconds`: a connection that never finishes
/// negotiating, however slowly it keeps sending, is closed with
/// `connection-timeout` (RFC 6120 §4.9.3.4) once the time is up.
@Suite("Negotiation timeout against slowloris")
struct SlowlorisTests {
    @Test func aConnectionDribblingItsHeaderIsClosedAtTheTimeout() async throws {
        let server = try await TestServer { $0.limits.negotiationTimeoutSeconds = 1 }
        // Half a stream header, then a byte every 100 ms: never a complete header.
        let stream = try await RawStream.connect(port: server.startTLSPort, header: "<stream:stream xmlns='jabber:client' ")
        let clock = ContinuousClock()
        let started = clock.now
        let dribble = Task {
            for _ in 0..<50 {
                try await Task.sleep(for: .milliseconds(100))
                try await stream.send(" ")
            }
        }
        let error = await stream.next { $0.name == "error" && $0.namespace == Namespace.stream }
        dribble.cancel()
        #expect(error?.firstElement(named: "connection-timeout", namespace: Namespace.streamErrors) != nil)
        #expect(clock.now - started < .seconds(4), "the dribble did not extend the timeout")
        await stream.close()
        await server.stop()
    }

    @Test func anAuthenticatedConnectionThatNeverBindsIsClosedToo() async throws {
        let server = try await TestServer(accounts: ["juliet@example.com"]) {
            $0.limits.negotiationTimeoutSeconds = 1
            $0.listeners.append(ListenerConfiguration(host: "127.0.0.1", port: 0, tls: .trustedPlaintext))
        }
        let (stream, features) = try await RawStream.authenticated(port: server.ports[2], as: "juliet")
        #expect(features != nil)
        let error = await stream.next { $0.name == "error" && $0.namespace == Namespace.stream }
        #expect(error?.firstElement(named: "connection-timeout", namespace: Namespace.streamErrors) != nil)
        await stream.close()
        await server.stop()
    }
}
