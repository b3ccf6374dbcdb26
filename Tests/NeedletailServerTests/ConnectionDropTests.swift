import Foundation
import Logging
import NIOCore
import NIOPosix
import Testing
import XMPPCore
import XMPPStreams
@testable import NeedletailServer

/// A client that vanishes without closing its stream (a dropped TCP connection)
/// must not leave its session behind.
@Suite("Abrupt connection drops")
struct ConnectionDropTests {
    /// Collects what the server writes, so the test can wait for a phrase.
    final class Collector: ChannelInboundHandler, @unchecked Sendable {
        // Only touched on the channel's event loop, and read there through `contains`.
        typealias InboundIn = ByteBuffer
        var text = ""
        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            text += String(buffer: unwrapInboundIn(data))
        }
    }

    @Test func droppedConnectionUnregistersTheSession() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("needletail-drop-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        // A trusted plaintext listener on loopback, so raw bytes can log in with PLAIN.
        let configuration = ServerConfiguration(
            domains: ["example.com"],
            listeners: [ListenerConfiguration(host: "127.0.0.1", port: 0, tls: .trustedPlaintext)],
            storage: StorageConfiguration(dataDirectory: directory),
            authentication: AuthenticationConfiguration(iterations: 4096), logLevel: .warning)
        let server = try NeedletailServer(configuration: configuration, logger: Logger(label: "test"), tls: nil)
        let port = try #require(try await server.start().first?.port)
        _ = try await AccountAdministration(store: server.accounts, domains: ["example.com"], iterations: 4096)
            .add("juliet@example.com", password: "secret")

        let collector = Collector()
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelInitializer { channel in channel.pipeline.addHandler(collector) }
            .connect(host: "127.0.0.1", port: port).get()
        func send(_ text: String) async throws {
            try await channel.writeAndFlush(channel.allocator.buffer(string: text)).get()
        }
        func waitFor(_ phrase: String) async throws -> Bool {
            for _ in 0..<250 {
                if try await channel.eventLoop.submit({ collector.text.contains(phrase) }).get() { return true }
                try await Task.sleep(for: .milliseconds(20))
            }
            return false
        }
        let header = "<stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' to='example.com' version='1.0'>"
        try await send(header)
        #expect(try await waitFor("PLAIN"))
        try await send("<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>\(Data("\0juliet\0secret".utf8).base64EncodedString())</auth>")
        #expect(try await waitFor("<success"))
        try await send(header + "<iq type='set' id='b'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'><resource>r</resource></bind></iq>")
        #expect(try await waitFor("juliet@example.com/r"))
        #expect(server.registry.count == 1)

        // Gone without </stream:stream>.
        try await channel.close()
        var remaining = server.registry.count
        for _ in 0..<250 where remaining > 0 {
            try await Task.sleep(for: .milliseconds(20))
            remaining = server.registry.count
        }
        #expect(remaining == 0)
        await server.shutdown()
    }
}
