import Logging
import NIOCore
import NIOPosix
import Synchronization
import Testing
import XMPPCore
@testable import NeedletailServer

/// `limits.max_connections_per_ip`: connections from one address past the limit
/// are refused with `policy-violation` and a log line; closing one makes room.
@Suite("Connections per IP address", .serialized)
struct ConnectionLimitTests {
    @Test func aThousandConnectionsFromOneAddressAreCappedAtTheLimit() async throws {
        let capture = AuditLogTests.Capture()
        let limit = 50
        let server = try await TestServer(logger: capture.logger) { $0.limits.maxConnectionsPerAddress = limit }
        var admitted: [RawStream] = []
        var refused = 0
        var other: [String] = []
        for _ in 0..<1000 {
            let stream = try await RawStream.connect(port: server.startTLSPort)
            let answer = await stream.next { ($0.name == "features" || $0.name == "error") && $0.namespace == Namespace.stream }
            if answer?.name == "features" {
                admitted.append(stream)
                continue
            }
            if let error = answer, error.firstElement(named: "policy-violation", namespace: Namespace.streamErrors) != nil {
                refused += 1
            } else {
                other.append(answer.map { "\($0)" } ?? "nothing")
            }
            await stream.close()
        }
        #expect(admitted.count == limit)
        #expect(refused == 1000 - limit)
        #expect(other.isEmpty, "neither features nor policy-violation: \(other.prefix(3))")
        let refusals = capture.lines.withLock { $0.filter { $0.message.contains("too many from its address") } }
        #expect(refusals.count == 1000 - limit)
        #expect(refusals.first?.metadata["xmpp.peer"]?.description.contains("127.0.0.1") == true)

        // A closed connection frees its place.
        await admitted.removeFirst().close()
        var reopened: XMPPElement?
        for _ in 0..<50 where reopened == nil {
            try await Task.sleep(for: .milliseconds(20))
            let (stream, features) = try await RawStream.open(port: server.startTLSPort)
            reopened = features
            if features != nil { admitted.append(stream) } else { await stream.close() }
        }
        #expect(reopened != nil, "no connection was admitted after one closed")
        for stream in admitted { await stream.close() }
        await server.stop()
    }

    @Test func zeroMeansNoLimit() async throws {
        let server = try await TestServer { $0.limits.maxConnectionsPerAddress = 0 }
        var streams: [RawStream] = []
        for _ in 0..<150 {
            let (stream, features) = try await RawStream.open(port: server.startTLSPort)
            #expect(features != nil)
            streams.append(stream)
        }
        for stream in streams { await stream.close() }
        await server.stop()
    }
}
