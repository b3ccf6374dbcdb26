import NIOCore
import NIOEmbedded
import NIOSSL
import Synchronization
import XMPPCore
import XMPPStreams
@testable import XMPPClient

/// An ``XMPPClientHandler`` in an `EmbeddedChannel`, with what it reports
/// captured. Use it from one thread (EmbeddedEventLoop's rule): build it, drive
/// it and read it in synchronous code.
final class EmbeddedClient {
    /// Records how the session ended, from the handler's `@Sendable` callback.
    final class EndRecorder: Sendable {
        let reasons = Mutex<[XMPPClientError?]>([])
    }

    let channel = EmbeddedChannel()
    let established: EventLoopPromise<JID>
    let incoming: AsyncStream<Stanza>
    let ends = EndRecorder()

    init(
        tls: XMPPClient.TLSMode = .plaintext, jid: String = "juliet@example.com/balcony",
        password: String = ScriptedServer.password, startTLSContext: NIOSSLContext? = nil
    ) throws {
        let configuration = XMPPClient.Configuration(jid: try JID(jid), password: password, tls: tls)
        let settings = XMPPClientHandler.Settings(
            negotiation: configuration.negotiation, tls: tls, startTLSContext: startTLSContext,
            serverName: configuration.jid.domainpart, timeouts: configuration.timeouts,
            parserLimits: configuration.parserLimits)
        established = channel.eventLoop.makePromise(of: JID.self)
        let (stream, continuation) = AsyncStream.makeStream(of: Stanza.self)
        incoming = stream
        let ends = self.ends
        let handler = XMPPClientHandler(
            settings: settings, established: established, incoming: continuation,
            onEnd: { reason in ends.reasons.withLock { $0.append(reason) } })
        try channel.pipeline.syncOperations.addHandler(handler)
    }

    /// Connects the channel, which makes the handler open the stream.
    func connect() throws {
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 5222)).wait()
    }

    /// Moves bytes between the client and `server` until neither has more to say.
    func exchange(with server: inout ScriptedServer) throws {
        while let written = try channel.readOutbound(as: ByteBuffer.self) {
            let reply = server.receive(written)
            if reply.readableBytes > 0, channel.isActive {
                try channel.writeInbound(reply)
            }
        }
    }

    /// Sends the server's `xml` to the client.
    func receive(_ xml: String) throws {
        var buffer = channel.allocator.buffer(capacity: xml.utf8.count)
        buffer.writeString(xml)
        try channel.writeInbound(buffer)
    }

    /// Everything the client has written since the last read, as text.
    func written() throws -> String {
        var text = ""
        while let buffer = try channel.readOutbound(as: ByteBuffer.self) {
            text += String(buffer: buffer)
        }
        return text
    }

    /// Sends a command down the pipeline, as ``XMPPClient`` does.
    @discardableResult
    func command(_ command: XMPPClientCommand) -> EventLoopFuture<Void> {
        channel.writeAndFlush(command)
    }

    /// The outcome of `future`, if it is complete.
    static func outcome<Value>(_ future: EventLoopFuture<Value>) -> Result<Value, any Error>? {
        var outcome: Result<Value, any Error>?
        future.assumeIsolated().whenComplete { outcome = $0 }
        return outcome
    }

    /// The client error `future` failed with, if it did.
    static func clientError<Value>(_ future: EventLoopFuture<Value>) -> XMPPClientError? {
        guard case .failure(let error)? = outcome(future) else { return nil }
        return error as? XMPPClientError
    }
}
