import NIOCore
import XMPPCore

/// What a stream handler writes (client or server stream): elements serialized
/// into one buffer as they are made, then written and flushed once per read
/// batch (STYLE.md §2.3), and the closing tag last.
///
/// The buffer goes with each flush and the next is made by the first write
/// after it, so an idle session holds none.
struct StreamWriter {
    private var buffer = ByteBuffer()
    private var hasPending = false
    /// What the stream declares, so stanzas are written unqualified in it.
    let namespaces: XMLNamespaceContext

    init(namespaces: XMLNamespaceContext) {
        self.namespaces = namespaces
    }

    mutating func write(_ element: XMPPElement) {
        element.write(into: &buffer, context: namespaces)
        hasPending = true
    }

    /// Writes a stanza kept for stream management again (a resumption's resend).
    mutating func write(_ stanza: OutboundStanza) {
        switch stanza {
        case .element(let element):
            write(element)
        case .bytes(let bytes):
            buffer.writeImmutableBuffer(bytes)
            hasPending = true
        }
    }

    mutating func write(_ header: StreamHeader) {
        header.write(into: &buffer)
        hasPending = true
    }

    /// Writes what is buffered and flushes; nothing when nothing is.
    mutating func flush(_ context: ChannelHandlerContext) {
        guard hasPending else { return }
        hasPending = false
        context.writeAndFlush(NIOAny(buffer), promise: nil)
        buffer = ByteBuffer()
    }

    /// Adds our closing tag (RFC 6120 §4.4) and writes everything; the future
    /// completes once it is out. Nothing may follow.
    mutating func writeClose(_ context: ChannelHandlerContext) -> EventLoopFuture<Void> {
        StreamHeader.writeClose(into: &buffer)
        hasPending = false
        let written = context.writeAndFlush(NIOAny(buffer))
        buffer = ByteBuffer()
        return written
    }
}
