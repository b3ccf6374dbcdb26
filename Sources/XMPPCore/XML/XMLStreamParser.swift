import NIOCore

/// An incremental, restricted-XML parser for XMPP streams (RFC 6120 §4, §11).
///
/// Feed it bytes as they arrive, split anywhere, and pull events: the stream
/// header, each complete top-level element as an ``XMPPElement``, and the stream
/// end. It works token by token: a token (tag, run of text, CDATA section) is
/// parsed once all its bytes are buffered, and the search for its end resumes
/// where it stopped, so drip-fed input costs linear time and the same events
/// come out whatever the split.
///
/// It refuses what RFC 6120 §11 forbids (comments, processing instructions other
/// than a leading XML declaration, DTDs, entity references beyond the five
/// predefined ones) with `restricted-xml`, malformed XML with `not-well-formed`,
/// invalid UTF-8 with `unsupported-encoding`, unbound prefixes with
/// `bad-namespace-prefix`, and anything past ``XMLParserLimits`` with
/// `policy-violation`. Nothing is ever expanded, so entity bombs cannot exist.
/// After an error every further call throws the same error.
///
/// The parser belongs to one connection and its event loop; it is not `Sendable`.
public struct XMLStreamParser {
    /// What the input is.
    public enum Mode: Sendable, Hashable {
        /// An XMPP stream over TCP: a `<stream:stream>` root whose children are the top-level elements.
        case stream
        /// Standalone elements with no root, one after another: RFC 7395 WebSocket
        /// frames, stored XML, tests.
        case fragments
    }

    /// What the parser yields.
    public enum Event: Sendable, Hashable {
        case streamOpened(StreamHeader)
        case element(XMPPElement)
        case streamClosed
    }

    /// The input mode, fixed at creation.
    public let mode: Mode
    /// The bounds enforced; may be changed between events (e.g. after authentication).
    public var limits: XMLParserLimits
    /// Whether top-level elements without `xml:lang` get the stream header's value.
    /// RFC 6120 §4.7.4: the receiving entity SHOULD add the stream's language to
    /// stanzas that lack one when routing them, so the recipient knows it.
    public var inheritsStreamLanguage: Bool

    var input = ByteBuffer()
    /// How far the search for the current token's end has got, from the reader index.
    var scanOffset = 0
    /// The quote character open at `scanOffset` while scanning a start tag, or 0.
    var openQuote: UInt8 = 0
    var phase = Phase.prolog
    /// True until the first token is consumed: only there may an XML declaration stand.
    var atDocumentStart = true
    /// Elements being built; `open[0]` is the top-level element.
    var open: [OpenElement] = []
    var namespaces = NamespaceScope()
    var interner = NamespaceInterner()
    /// Bytes already consumed of the current top-level element (or of the stream header).
    var elementBytes = 0
    var streamLanguage: String?
    /// The prefix the stream root was written with, which its end tag must repeat.
    var rootPrefix = ""
    var failure: StreamError?
    /// Reused space for the attributes of the tag being parsed.
    var rawAttributes: [RawAttribute] = []

    enum Phase: Equatable {
        /// Before the root (stream mode) or between top-level elements (fragments mode).
        case prolog
        /// Inside the stream root (stream mode only).
        case inStream
        /// After `</stream:stream>`: only whitespace may follow.
        case ended
    }

    struct OpenElement {
        var element: XMPPElement
        var prefix: String
    }

    /// What ``input`` holds once everything is consumed: one empty buffer for every parser.
    private static let noBytes = ByteBuffer()

    /// Creates a parser.
    public init(mode: Mode = .stream, limits: XMLParserLimits = .clientToServer, inheritsStreamLanguage: Bool = true) {
        self.mode = mode
        self.limits = limits
        self.inheritsStreamLanguage = inheritsStreamLanguage
        rawAttributes.reserveCapacity(8)
    }

    /// Appends received bytes. Call ``next()`` until it returns nil to read the events they complete.
    public mutating func append(_ bytes: ByteBuffer) {
        if input.readableBytes == 0 {
            // Common case: everything before was consumed; adopt the new buffer without copying.
            input = bytes
        } else {
            var bytes = bytes
            if input.readerIndex > 64 * 1024 && input.readerIndex > input.readableBytes {
                input.discardReadBytes()
            }
            input.writeBuffer(&bytes)
        }
    }

    /// Appends received bytes given as a collection (tests, fuzzing).
    public mutating func append<Bytes: Sequence>(contentsOf bytes: Bytes) where Bytes.Element == UInt8 {
        input.writeBytes(bytes)
    }

    /// Bytes received but not yet consumed by an event. After `<starttls/>` this must
    /// be zero: RFC 6120 §5.4.3.3 allows no plaintext past the point of the TLS upgrade.
    public var bufferedByteCount: Int { input.readableBytes }

    /// Consumes whitespace buffered between top-level elements. A client may follow
    /// `<starttls/>` with a newline in the same packet; that is not data (RFC 6120
    /// §4.6.1 whitespace), so it must not count against the STARTTLS rule.
    public mutating func discardBufferedWhitespace() {
        guard depth == 0 else { return }
        let count = input.withUnsafeReadableBytes { bytes in
            bytes.prefix(while: XMLCharacters.isWhitespace).count
        }
        input.moveReaderIndex(forwardBy: count)
    }

    /// Starts a new stream on the same connection, after TLS or SASL success (RFC 6120
    /// §4.3.3): forgets the old stream's state. Bytes already buffered are kept, as
    /// they belong to the new stream.
    public mutating func reset() {
        scanOffset = 0
        openQuote = 0
        phase = .prolog
        atDocumentStart = true
        open.removeAll(keepingCapacity: true)
        namespaces.reset()
        elementBytes = 0
        streamLanguage = nil
        rootPrefix = ""
        failure = nil
    }

    /// The next event the buffered bytes complete, or nil when more bytes are needed.
    public mutating func next() throws(StreamError) -> Event? {
        if let failure { throw failure }
        guard input.readableBytes > 0 else { return nil }
        do {
            let view = input
            let (consumed, event) = try view.withUnsafeReadableBytes { bytes in try self.run(bytes) }
            input.moveReaderIndex(forwardBy: consumed)
            if input.readableBytes == 0 {
                // Let go of the adopted buffer rather than clear() it: clearing a buffer
                // the channel (or TLS) still shares allocates a fresh one of the same
                // capacity on every read, and an idle session would keep it.
                input = Self.noBytes
            }
            return event
        } catch let error as StreamError {
            failure = error
            throw error
        } catch {
            let wrapped = StreamError(.internalServerError, text: "parser failure")
            failure = wrapped
            throw wrapped
        }
    }

    /// The result of looking at the bytes from the start of a token onwards.
    enum Step {
        case needMoreBytes
        /// A UTF-8 byte order mark, which leaves the document start where it was.
        case byteOrderMark
        case consumed(Int)
        case event(consumed: Int, Event)
    }

    /// Handles tokens until one completes an event or the bytes run out, all under
    /// one pointer to the buffer; returns how many bytes were consumed.
    private mutating func run(_ all: UnsafeRawBufferPointer) throws -> (Int, Event?) {
        var offset = 0
        while offset < all.count {
            switch try step(UnsafeRawBufferPointer(rebasing: all[offset...])) {
            case .needMoreBytes:
                return (offset, nil)
            case .byteOrderMark:
                offset += 3
            case .consumed(let count):
                offset += count
                tokenFinished()
            case .event(let count, let event):
                offset += count
                tokenFinished()
                return (offset, event)
            }
        }
        return (offset, nil)
    }

    private mutating func tokenFinished() {
        scanOffset = 0
        openQuote = 0
        atDocumentStart = false
    }

    /// Decides what the token at the start of `bytes` is and handles it once complete.
    private mutating func step(_ bytes: UnsafeRawBufferPointer) throws -> Step {
        if atDocumentStart, bytes[0] == 0xFE || bytes[0] == 0xFF || bytes[0] == 0x00 {
            // A UTF-16 or UTF-32 byte order mark, or the zero byte their '<' starts with:
            // a stream in another encoding, which RFC 6120 §4.9.3.22 and §11.6 name.
            throw StreamError.unsupportedEncoding("only UTF-8 is allowed (RFC 6120 §11.6)")
        }
        if atDocumentStart, bytes[0] == 0xEF {
            // A UTF-8 byte order mark may precede the document (XML 1.0 §4.3.3).
            guard bytes.count >= 3 else { return .needMoreBytes }
            guard bytes[1] == 0xBB, bytes[2] == 0xBF else {
                throw StreamError.notWellFormed("content before the root element")
            }
            return .byteOrderMark
        }
        if bytes[0] == XMLCharacters.lessThan {
            return try markup(bytes)
        }
        return try characterData(bytes)
    }

    /// Whether the parser is inside a top-level element.
    var depth: Int { open.count }
}
