import Foundation
import Logging
import NIOCore
import Synchronization
import Testing
import XMPPClient
import XMPPCore
import XMPPStreams
@testable import NeedletailServer

/// `limits.max_outgoing_buffer_bytes`: a client that stops reading while stanzas
/// keep coming is disconnected, with a log line, instead of the server holding
/// everything for it.
@Suite("Slow readers", .serialized)
struct SlowReaderTests {
    @Test func aClientThatStopsReadingIsDisconnectedAtTheLimit() async throws {
        let capture = AuditLogTests.Capture()
        let server = try await TestServer(accounts: ["juliet@example.com", "romeo@example.net"], logger: capture.logger) {
            $0.listeners.append(ListenerConfiguration(host: "127.0.0.1", port: 0, tls: .trustedPlaintext))
            $0.limits.maxStanzaBytes = 65536
            $0.limits.maxOutgoingBufferBytes = 131_072
        }
        // Romeo logs in by hand, binds, and then reads nothing more.
        let header = RawStream.header.replacingOccurrences(of: "example.com", with: "example.net")
        let (romeo, _) = try await RawStream.open(port: server.ports[2], header: header)
        #expect(try await romeo.authenticate("romeo", password: TestServer.password))
        // The restarted stream and the bind go out at once (RawStream's reader does
        // not follow a stream restart, so the bind is seen in the registry).
        try await romeo.send(header)
        try await romeo.send("<iq type='set' id='b1'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'><resource>orchard</resource></bind></iq>")
        let account = try JID("romeo@example.net")
        for _ in 0..<250 where server.server.registry.sessions(of: account).isEmpty {
            try await Task.sleep(for: .milliseconds(20))
        }
        try #require(server.server.registry.sessions(of: account).count == 1, "romeo did not bind")
        try await romeo.channel.setOption(.autoRead, value: false)

        let juliet = try await server.connected("juliet@example.com/balcony")
        let body = String(repeating: "wherefore art thou ", count: 500)  // about 9.5 KB
        let to = try JID("romeo@example.net/orchard")
        var sent = 0
        // The kernel's socket buffers take a few MB first; past them the server's
        // own buffer fills and crosses the limit.
        while sent < 5000, !server.server.registry.sessions(of: account).isEmpty {
            try await juliet.send(Message(type: .chat, to: to, body: body))
            sent += 1
        }
        for _ in 0..<100 where !server.server.registry.sessions(of: account).isEmpty {
            try await Task.sleep(for: .milliseconds(20))
        }
        #expect(server.server.registry.sessions(of: account).isEmpty, "the session that does not read is still there after \(sent) messages")
        let lines = capture.lines.withLock { $0.filter { $0.message.contains("reads too slowly") } }
        #expect(lines.count == 1)
        #expect(lines.first?.metadata["xmpp.jid"]?.description.hasPrefix("romeo@example.net") == true)
        // Juliet's own session is untouched.
        #expect(juliet.terminationError == nil)
        #expect(server.server.registry.sessions(of: try JID("juliet@example.com")).count == 1)
        await romeo.close()
        await juliet.close()
        await server.stop()
    }
}
