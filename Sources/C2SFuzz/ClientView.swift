import NIOCore
import XMPPCore

/// The server's output as the client reads it: everything the driver writes
/// goes through a client-side stream parser, so a written element that does
/// not serialize to XML that parses back to the same element, or anything
/// written outside an open stream, is caught where it is written.
struct ClientView {
    /// Generous limits: the server's own output is under test, not the client's patience.
    private var parser = XMLStreamParser(
        mode: .stream, limits: XMLParserLimits(maxDepth: 1024, maxElementBytes: 1 << 22, maxTextBytes: 1 << 22),
        inheritsStreamLanguage: false)
    /// Whether the server's current stream is open for the client: a header was
    /// read and no restart point (`<proceed/>`, `<success/>`) nor the end was.
    private(set) var isOpen = false
    private(set) var isClosed = false
    private var hasRead = false

    /// The server's stream header: after a restart the client reads it with a
    /// fresh parser (RFC 6120 §4.3.3).
    mutating func writeHeader(_ header: StreamHeader) {
        precondition(!isClosed, "a stream header after the closing tag")
        precondition(!isOpen, "a second stream header without a restart")
        if hasRead { parser.reset() }
        hasRead = true
        var bytes = ByteBuffer()
        header.write(into: &bytes)
        parser.append(bytes)
        guard case .streamOpened(let read)? = try? parser.next(), parser.bufferedByteCount == 0 else {
            preconditionFailure("the response header does not parse: \(String(buffer: bytes))")
        }
        precondition(read.to == header.to && read.from == header.from && read.id == header.id
                     && read.version == header.version && read.language == header.language
                     && read.contentNamespace == header.contentNamespace,
                     "the response header reads differently: \(read) from \(header)")
        isOpen = true
    }

    /// An element written on the stream, as the server writes it (unqualified in jabber:client).
    mutating func write(_ element: XMPPElement) {
        precondition(isOpen && !isClosed, "<\(element.name)/> written outside an open stream")
        parser.append(element.serialized(context: .clientStream))
        let read: XMLStreamParser.Event?
        do {
            read = try parser.next()
        } catch {
            preconditionFailure("a written element does not parse (\(error)): \(element)")
        }
        guard case .element(let again)? = read, parser.bufferedByteCount == 0 else {
            preconditionFailure("a written element is not one element: \(element)")
        }
        precondition(again == element, "a written element reads back differently: \(element) as \(again)")
    }

    /// `<proceed/>` or `<success/>` is out: both sides restart, and the client
    /// expects a new header before anything else (RFC 6120 §5.4.3.3, §6.4.6).
    mutating func restart() {
        precondition(isOpen, "a restart outside an open stream")
        isOpen = false
    }

    /// `</stream:stream>`, the last thing written (RFC 6120 §4.4).
    mutating func close() {
        precondition(!isClosed, "a second closing tag")
        precondition(isOpen, "a closing tag with no stream open")
        var bytes = ByteBuffer()
        StreamHeader.writeClose(into: &bytes)
        parser.append(bytes)
        guard case .streamClosed? = try? parser.next() else { preconditionFailure("the closing tag does not close the stream") }
        isClosed = true
    }
}
