/// Reuses one `String` per namespace name seen on a stream, so a namespace
/// declared on every stanza (`urn:xmpp:receipts`, ...) costs a byte comparison
/// instead of a heap allocation each time.
///
/// Bounded: after `capacity` distinct names, new ones are no longer remembered,
/// so a peer inventing namespaces cannot grow it.
struct NamespaceInterner {
    private var known: [String]
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

    init(capacity: Int = 128) {
        self.known = Self.wellKnown
        self.capacity = capacity
    }

    /// The shared string for these bytes, creating and remembering it if new.
    mutating func intern(_ bytes: UnsafeRawBufferPointer) -> String {
        for candidate in known where candidate.utf8.count == bytes.count && candidate.utf8.elementsEqual(bytes) {
            return candidate
        }
        let string = String(decoding: bytes, as: UTF8.self)
        if known.count < capacity { known.append(string) }
        return string
    }
}
