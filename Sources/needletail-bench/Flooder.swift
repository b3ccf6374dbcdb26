import NIOCore
import Synchronization
import XMPPClient
import XMPPCore

/// One logged-in session that sends as fast as its connection takes: chat
/// messages to its own full JID, so the server reads, parses, routes and writes
/// back every one, as a misbehaving client would make it do. The stanzas that
/// come back are the flood the server actually took in; what was written is
/// only what the kernel accepted, much of which may still wait in socket
/// buffers while the server's `limits.max_bytes_per_second` holds reading back.
///
/// Written raw over the handed-over connection, like ``ChatRun``, so the tool's
/// cost per byte stays far below the server's.
final class Flooder: Sendable {
    private let channel: any Channel
    private let counts = FloodCounts()
    /// The flood's unit of writing: as many stanzas as fit in about 16 KiB (at
    /// least one), written again and again (a `ByteBuffer` write shares storage).
    private let chunk: ByteBuffer
    let stanzaBytes: Int
    /// The filler bytes in each stanza's body: what comes back is counted in
    /// them, since the server adds a `from` to each stanza it writes back.
    private let fillerPerStanza: Int
    /// The body's filler byte: in no JID the server makes, nor in any markup.
    static let filler: UInt8 = UInt8(ascii: "~")

    /// Takes over `client`'s connection; the flood starts with ``start()``.
    static func takeOver(_ client: XMPPClient, stanzaBytes: Int) async throws -> Flooder {
        guard let jid = client.boundJID else { throw BenchFailure("the flooding session is not bound") }
        let channel = try await client.takeOverConnection()
        let (stanza, filler) = Self.stanza(to: jid.description, bytes: stanzaBytes)
        var filling = channel.allocator.buffer(capacity: max(stanza.count, 16 * 1024))
        repeat { filling.writeBytes(stanza) } while filling.readableBytes + stanza.count <= 16 * 1024
        let chunk = filling
        let flooder = Flooder(channel: channel, chunk: chunk, stanzaBytes: stanza.count, fillerPerStanza: filler)
        let counts = flooder.counts
        try await channel.eventLoop.submit {
            try channel.pipeline.syncOperations.addHandler(FloodHandler(counts: counts, chunk: chunk))
        }.get()
        return flooder
    }

    private init(channel: any Channel, chunk: ByteBuffer, stanzaBytes: Int, fillerPerStanza: Int) {
        self.channel = channel
        self.chunk = chunk
        self.stanzaBytes = stanzaBytes
        self.fillerPerStanza = fillerPerStanza
    }

    /// `<message type='chat' to='…'><body>~~~…</body></message>`, padded to about
    /// `bytes` in all, and how many filler bytes it holds. The body holds no chat
    /// marker, so victims never count it.
    private static func stanza(to jid: String, bytes: Int) -> ([UInt8], Int) {
        let head = "<message type='chat' to='\(ChatRun.escaped(jid))'><body>"
        let tail = "</body></message>"
        let padding = max(1, bytes - head.utf8.count - tail.utf8.count)
        let filler = String(repeating: Character(Unicode.Scalar(Self.filler)), count: padding)
        return (Array((head + filler + tail).utf8), padding)
    }

    /// Starts writing, from the connection's event loop, whenever it is writable.
    func start() {
        counts.flooding.store(true, ordering: .relaxed)
        channel.pipeline.fireUserInboundEventTriggered(FloodHandler.Start())
    }

    /// Stops writing; what is buffered still goes out.
    func stop() {
        counts.flooding.store(false, ordering: .relaxed)
    }

    /// Stops writing and waits until the server has taken in all that was
    /// written, at most `limit` seconds, so what is measured next runs with no
    /// flood left in the socket buffers. Whether it drained.
    func stopAndDrain(limit: Double) async -> Bool {
        stop()
        let deadline = ProcessUsage.now() + UInt64(limit * 1_000_000_000)
        while echoed * stanzaBytes < written {
            guard ProcessUsage.now() < deadline, channel.isActive else { return false }
            try? await Task.sleep(for: .milliseconds(100))
        }
        return true
    }

    /// Bytes handed to the connection so far.
    var written: Int { counts.written.load(ordering: .relaxed) }
    /// Flood stanzas the server has written back so far: the ones it took in.
    var echoed: Int { counts.echoedFiller.load(ordering: .relaxed) / fillerPerStanza }
    /// Whether the server has closed the flooder's connection.
    var isConnected: Bool { channel.isActive }

    /// Ends the stream and closes the connection.
    func close() async {
        stop()
        var end = channel.allocator.buffer(capacity: 16)
        end.writeString("</stream:stream>")
        try? await channel.writeAndFlush(end)
        try? await channel.close()
    }
}

/// What the flooder's handler counts, read from outside its event loop.
private final class FloodCounts: Sendable {
    let flooding = Atomic<Bool>(false)
    let written = Atomic<Int>(0)
    let echoedFiller = Atomic<Int>(0)
}

/// Fills the connection up to NIO's high watermark while flooding, again each
/// time it drains to the low one, and counts the filler in what comes back.
private final class FloodHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    /// The event that starts the flood on the handler's own loop.
    struct Start {}

    private let counts: FloodCounts
    private let chunk: ByteBuffer
    /// A flush inside `fill` can report the connection writable again, which
    /// calls `fill` from within itself; the outer loop goes on instead.
    private var filling = false

    init(counts: FloodCounts, chunk: ByteBuffer) {
        self.counts = counts
        self.chunk = chunk
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is Start { fill(context) } else { context.fireUserInboundEventTriggered(event) }
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        fill(context)
        context.fireChannelWritabilityChanged()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let filler = unwrapInboundIn(data).withUnsafeReadableBytes { bytes in
            bytes.reduce(0) { $1 == Flooder.filler ? $0 + 1 : $0 }
        }
        counts.echoedFiller.add(filler, ordering: .relaxed)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }

    private func fill(_ context: ChannelHandlerContext) {
        guard !filling, counts.flooding.load(ordering: .relaxed) else { return }
        filling = true
        defer { filling = false }
        var handed = 0
        while context.channel.isActive, context.channel.isWritable {
            context.write(wrapOutboundOut(chunk), promise: nil)
            handed += chunk.readableBytes
            // isWritable changes only once the write is flushed toward the socket.
            if handed >= 64 * 1024 {
                context.flush()
                counts.written.add(handed, ordering: .relaxed)
                handed = 0
            }
        }
        context.flush()
        counts.written.add(handed, ordering: .relaxed)
    }
}
