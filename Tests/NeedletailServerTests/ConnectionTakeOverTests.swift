import NIOCore
import Synchronization
import Testing
import XMPPClient
import XMPPCore

/// `XMPPClient.takeOverConnection()`: after login the caller drives the stream
/// with its own bytes over the same connection (TLS kept), as the load tool does.
@Suite("XMPPClient hands its connection over", .serialized)
struct ConnectionTakeOverTests {
    @Test func rawBytesFlowBothWaysOverTheHandedOverTLSStream() async throws {
        let server = try await TestServer(accounts: ["juliet@example.com", "romeo@example.net"])
        let juliet = try await server.connected("juliet@example.com/balcony")
        let julietInbox = Inbox(juliet)
        let romeo = try await server.connected("romeo@example.net/orchard")
        let romeoJID = try #require(romeo.boundJID)

        let channel = try await romeo.takeOverConnection()
        let bytes = RawBytes()
        try await channel.eventLoop.submit {
            try channel.pipeline.syncOperations.addHandler(bytes)
        }.get()
        // The client is ended in order, and says so.
        await #expect(throws: XMPPClientError.self) {
            try await romeo.send(Message(type: .chat, to: try JID("juliet@example.com"), body: "through the client"))
        }
        #expect(romeo.terminationError == nil)
        for await _ in romeo.incoming {}  // finished

        // Inbound: the server's bytes reach the new handler, decrypted.
        try await juliet.send(Message(type: .chat, to: romeoJID, body: "wherefore art thou"))
        #expect(await bytes.waitFor("wherefore art thou"), "the message to the handed-over session did not arrive")

        // Outbound: bytes written on the channel are the session's stanzas.
        var message = channel.allocator.buffer(capacity: 128)
        message.writeString("<message type='chat' to='juliet@example.com/balcony'><body>raw bytes</body></message>")
        try await channel.writeAndFlush(message)
        let received = try #require(await julietInbox.message(where: { $0.body == "raw bytes" }), "juliet got nothing")
        #expect(received.fromAttribute == romeoJID.description)

        // The caller ends the stream; the server answers with its own end.
        var end = channel.allocator.buffer(capacity: 16)
        end.writeString("</stream:stream>")
        try await channel.writeAndFlush(end)
        #expect(await bytes.waitFor("</stream:stream>"), "the server did not close the stream")
        try? await channel.closeFuture.get()
        await juliet.close()
        await server.stop()
    }

    @Test func aSessionThatIsNotEstablishedCannotBeHandedOver() async throws {
        let server = try await TestServer(accounts: ["juliet@example.com"])
        let client = try server.client("juliet@example.com")
        await #expect(throws: XMPPClientError.self) { _ = try await client.takeOverConnection() }
        await server.stop()
    }
}

/// Collects the text of everything the channel reads.
private final class RawBytes: ChannelInboundHandler, Sendable {
    typealias InboundIn = ByteBuffer
    private let text = Mutex("")

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let buffer = unwrapInboundIn(data)
        text.withLock { $0 += String(buffer: buffer) }
    }

    func waitFor(_ fragment: String, within timeout: Duration = .seconds(5)) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if text.withLock({ $0.contains(fragment) }) { return true }
            try? await Task.sleep(for: .milliseconds(10))
        }
        return false
    }
}
