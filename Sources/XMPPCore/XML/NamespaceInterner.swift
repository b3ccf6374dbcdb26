/// Reuses one `String` per namespace name seen on a stream, so a namespace
/// declared on every stanza (`urn:xmpp:receipts`, ...) costs a hash and a byte
/// comparison instead of a heap allocation each time.
///
/// Bounded: after `capacity` distinct names, new ones are no longer remembered,
/// so a peer inventing namespaces cannot grow it.
struct NamespaceInterner {
    private var known: [UInt64: String]
    private let capacity: Int

    static let wellKnown: [String] = [
        Namespace.client, Namespace.server, Namespace.stream, Namespace.streamErrors, Namespace.stanzaErrors,
        Namespace.tls, Namespace.sasl, Namespace.bind, Namespace.session, Namespace.roster, Namespace.framing,
        Namespace.component, Namespace.dataForms, Namespace.resultSet, Namespace.discoInfo, Namespace.discoItems,
        Namespace.delay, Namespace.ping, Namespace.dialback, Namespace.streamManagement,
        "jabber:iq:version", "jabber:iq:last", "jabber:iq:private", "jabber:iq:privacy", "jabber:iq:register",
        "vcard-temp", "vcard-temp:x:update", "http://jabber.org/protocol/caps", "http://jabber.org/protocol/chatstates",
        "urn:xmpp:receipts", "urn:xmpp:carbons:2", "urn:xmpp:forward:0", "urn:xmpp:mam:2", "urn:xmpp:chat-markers:0",
        "urn:xmpp:sid:0", "urn:xmpp:hints", "urn:xmpp:time", "urn:xmpp:blocking", "urn:xmpp:csi:0",
        "http://jabber.org/protocol/muc", "http://jabber.org/protocol/muc#user", "http://jabber.org/protocol/pubsub",
        "http://jabber.org/protocol/pubsub#event", "http://jabber.org/protocol/xhtml-im", "http://www.w3.org/1999/xhtml",
    ]

    /// The shared table of well-known names every parser starts from.
    private static let wellKnownTable: [UInt64: String] = {
        var table: [UInt64: String] = [:]
        for name in wellKnown {
            var name = name
            table[name.withUTF8 { hash(UnsafeRawBufferPointer($0)) }] = name
        }
        return table
    }()

    init(capacity: Int = 128) {
        self.known = Self.wellKnownTable
        self.capacity = capacity
    }

    /// The shared string for these bytes, creating and remembering it if new.
    mutating func intern(_ bytes: UnsafeRawBufferPointer) -> String {
        let key = Self.hash(bytes)
        if let candidate = known[key] {
            if bytes.bytesEqual(candidate) { return candidate }
            // A hash collision: correct, just not shared.
            return String(decoding: bytes, as: UTF8.self)
        }
        let string = String(decoding: bytes, as: UTF8.self)
        if known.count < capacity { known[key] = string }
        return string
    }

    /// FNV-1a, 64-bit: cheap for the short strings namespaces are.
    @inline(__always)
    static func hash(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes {
            hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3
        }
        return hash
    }
}
