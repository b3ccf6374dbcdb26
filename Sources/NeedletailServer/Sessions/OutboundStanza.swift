import NIOCore
import XMPPCore

/// A stanza on its way to a client, as stream management keeps it until the
/// client acknowledges it: the bytes another session's routing serialized
/// (shared, not copied), or an element the session's own handler wrote.
enum OutboundStanza: Sendable {
    case bytes(ByteBuffer)
    case element(XMPPElement)

    /// The stanzas as elements again, for routing them elsewhere when the
    /// session ends without the client having acknowledged them. Bytes were
    /// serialized for a client stream, whose default namespace they leave out,
    /// so they are read inside a stream header that declares it.
    static func stanzas(_ items: [OutboundStanza]) -> [Stanza] {
        var parser = XMLStreamParser(mode: .stream, limits: .clientToServer)
        var opened = false
        var stanzas: [Stanza] = []
        for item in items {
            switch item {
            case .element(let element):
                if let stanza = Stanza(element: element) { stanzas.append(stanza) }
            case .bytes(let bytes):
                if !opened {
                    var header = ByteBuffer()
                    header.writeString("<stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' version='1.0'>")
                    parser.append(header)
                    opened = true
                }
                parser.append(bytes)
                while let event = try? parser.next() {
                    if case .element(let element) = event, let stanza = Stanza(element: element) {
                        stanzas.append(stanza)
                    }
                }
            }
        }
        return stanzas
    }
}
