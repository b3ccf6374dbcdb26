/// Bounds the parser enforces on hostile input, each with the stream error it raises.
///
/// RFC 6120 §13.12 asks servers to limit stanza size and XML depth; everything here
/// turns into `policy-violation` with a sentence naming the limit (RFC 6120
/// §4.9.3.14 gives that condition for a peer exceeding a local policy limit).
/// Each bound is inclusive: input exactly at the bound passes, one more fails.
public struct XMLParserLimits: Sendable, Hashable {
    /// Deepest nesting inside one top-level element; the top-level element itself is depth 1.
    public var maxDepth: Int
    /// Attributes on one element, namespace declarations included.
    public var maxAttributes: Int
    /// Bytes in one qualified name (`prefix:local`) of an element or attribute.
    public var maxNameBytes: Int
    /// Bytes of one top-level element, from its `<` to the `>` of its end tag (also bounds the stream header).
    public var maxElementBytes: Int
    /// Raw bytes of one run of character data between two pieces of markup.
    public var maxTextBytes: Int

    /// Defaults suited to client-to-server streams: 256 KiB stanzas, as the issue and Prosody's c2s default.
    public static let clientToServer = XMLParserLimits()
    /// Server-to-server streams carry other servers' larger stanzas (MUC history, PubSub items).
    public static let serverToServer = XMLParserLimits(maxElementBytes: 512 * 1024, maxTextBytes: 512 * 1024)

    /// Creates limits; every value defaults to the client-to-server bound.
    public init(
        maxDepth: Int = 64,
        maxAttributes: Int = 64,
        maxNameBytes: Int = 256,
        maxElementBytes: Int = 256 * 1024,
        maxTextBytes: Int = 256 * 1024
    ) {
        self.maxDepth = maxDepth
        self.maxAttributes = maxAttributes
        self.maxNameBytes = maxNameBytes
        self.maxElementBytes = maxElementBytes
        self.maxTextBytes = maxTextBytes
    }
}
