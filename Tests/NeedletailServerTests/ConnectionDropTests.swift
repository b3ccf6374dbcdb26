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
@Suite("Connection ends: abrupt drops and closing handshakes")
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

    /// A server with a trusted plaintext listener on loopback, so raw bytes can log
    /// in with PLAIN, and a raw connection bound as juliet@example.com/r.
    struct RawSession {
        let server: NeedletailServer
        let channel: any Channel
        let collector: Collector
        let directory: String

        static func open() async throws -> RawSession {
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("needletail-raw-\(UUID().uuidString)").path
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
            let session = RawSession(server: server, channel: channel, collector: collector, directory: directory)
            let header = "<stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' to='example.com' version='1.0'>"
            try await session.send(header)
            #expect(try await session.waitFor("PLAIN"))
            try await session.send("<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>\(Data("\0juliet\0secret".utf8).base64EncodedString())</auth>")
            #expect(try await session.waitFor("<success"))
            try await session.send(header + "<iq type='set' id='b'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'><resource>r</resource></bind></iq>")
            #expect(try await session.waitFor("juliet@example.com/r"))
            return session
        }

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

        func finish() async {
            await server.shutdown()
            try? FileManager.default.removeItem(atPath: directory)
        }
    }

    @Test func droppedConnectionUnregistersTheSession() async throws {
        let raw = try await RawSession.open()
        #expect(raw.server.registry.count == 1)
        // Gone without </stream:stream>.
        try await raw.channel.close()
        var remaining = raw.server.registry.count
        for _ in 0..<250 where remaining > 0 {
            try await Task.sleep(for: .milliseconds(20))
            remaining = raw.server.registry.count
        }
        #expect(remaining == 0)
        await raw.finish()
    }

    @Test func serverWaitsForThePeersClosingTagAfterAStreamError() async throws {
        let raw = try await RawSession.open()
        // A forged 'from' is an invalid-from stream error (RFC 6120 §8.1.2.1).
        try await raw.send("<message from='romeo@example.com/x' to='juliet@example.com'><body>x</body></message>")
        #expect(try await raw.waitFor("invalid-from"))
        #expect(try await raw.waitFor("</stream:stream>"))
        // RFC 6120 §4.4: the server keeps the connection until our closing tag (or
        // a timeout of 2 s, so this checks at once rather than after a pause a
        // loaded machine could stretch past it).
        #expect(raw.channel.isActive)
        #expect(raw.server.registry.count == 0)
        try await raw.send("</stream:stream>")
        try await raw.channel.closeFuture.get()
        #expect(!raw.channel.isActive)
        await raw.finish()
    }
}
