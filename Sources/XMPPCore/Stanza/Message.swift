/// A typed view over a `<message/>` stanza (RFC 6120 §8.2.1, RFC 6121 §5).
public struct Message: StanzaView {
    /// `message`.
    public static let elementName = "message"

    /// The stanza element.
    public var element: XMPPElement

    /// Wraps `element` if it is a `<message/>` in one of ``Stanza/namespaces``.
    public init?(element: XMPPElement) {
        guard element.name == Message.elementName, Stanza.namespaces.contains(element.namespace) else { return nil }
        self.element = element
    }

    /// Wraps an element already known to be a message.
    init(unchecked element: XMPPElement) {
        self.element = element
    }

    /// Builds a message. A `nil` type writes no `type` attribute, which means `normal`.
    public init(
        type: MessageType? = nil, id: String? = nil, to: JID? = nil, from: JID? = nil,
        body: String? = nil, namespace: String = Namespace.client
    ) {
        self.element = XMPPElement(Message.elementName, namespace: namespace)
        self.id = id
        setTo(to)
        setFrom(from)
        if let type { self.type = type }
        if let body { self.body = body }
    }

    /// The message type. Absent or not one of the defined values reads as `normal`:
    /// RFC 6121 §5.2.2 says a message with no type, or with a type the recipient does not
    /// understand, MUST be treated as `normal`. ``hasValidType`` tells the two apart.
    public var type: MessageType {
        get { typeAttribute.flatMap(MessageType.init(rawValue:)) ?? .normal }
        set { typeAttribute = newValue.rawValue }
    }

    /// False when the `type` attribute is present but not a value RFC 6121 §5.2.2 defines.
    public var hasValidType: Bool {
        typeAttribute.map { MessageType(rawValue: $0) != nil } ?? true
    }
}
