import NIOCore
import XMPPCore

/// Elements kept in storage as bytes: a stanza stored offline, a pending
/// subscription request, a vCard. Serialized with every namespace declared, so
/// each value stands alone, and parsed back with the same restricted-XML parser
/// (and limits) as the wire, so a damaged value is refused, not trusted.
extension XMPPElement {
    /// The element as standalone XML bytes.
    var storedBytes: [UInt8] {
        var buffer = serialized(context: .none)
        return buffer.readBytes(length: buffer.readableBytes) ?? []
    }

    /// Parses an element stored with ``storedBytes``; nil when the bytes are not one element.
    init?(storedBytes bytes: [UInt8]) {
        var parser = XMLStreamParser(mode: .fragments, limits: .storedElement)
        parser.append(contentsOf: bytes)
        guard case .element(let element)? = try? parser.next() else { return nil }
        self = element
    }
}

extension XMLParserLimits {
    /// Stored elements were written by this server under the wire limits; a
    /// vCard with an avatar is the largest (XEP-0153 photos are inline).
    static let storedElement = XMLParserLimits(maxElementBytes: 1 << 20, maxTextBytes: 1 << 20)
}
