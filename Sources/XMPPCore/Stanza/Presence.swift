/// A typed view over a `<presence/>` stanza (RFC 6120 §8.2.2, RFC 6121 §4).
public struct Presence: StanzaView {
    /// `presence`.
    public static let elementName = "presence"

    /// The stanza element.
    public var element: XMPPElement

    /// Wraps `element` if it is a `<presence/>` in one of ``Stanza/namespaces``.
    public init?(element: XMPPElement) {
        guard element.name == Presence.elementName, Stanza.namespaces.contains(element.namespace) else { return nil }
        self.element = element
    }

    /// Wraps an element already known to be a presence.
    init(unchecked element: XMPPElement) {
        self.element = element
    }

    /// Builds a presence stanza.
    public init(
        type: PresenceType = .available, id: String? = nil, to: JID? = nil, from: JID? = nil,
        namespace: String = Namespace.client
    ) {
        self.element = XMPPElement(Presence.elementName, namespace: namespace)
        self.id = id
        setTo(to)
        setFrom(from)
        self.type = type
    }

    /// The presence type: `available` when the attribute is absent, `nil` when it holds a
    /// value RFC 6121 §4.7.1 does not define. RFC 6121 gives no fallback for such a value, so
    /// it is invalid; RFC 6120 §8.3.3.1 names `bad-request` for an unrecognised type (see
    /// ``validationError``). Setting `available` or `nil` removes the attribute.
    public var type: PresenceType? {
        get { PresenceType(attributeValue: typeAttribute) }
        set { typeAttribute = newValue?.attributeValue }
    }

    /// False when the `type` attribute holds a value RFC 6121 §4.7.1 does not define.
    public var hasValidType: Bool { type != nil }

    /// The error to answer this presence with when it is malformed, or `nil` when it is
    /// acceptable: an unrecognised type (RFC 6120 §8.3.3.1) or a priority that is not an
    /// integer in -128...127 (RFC 6121 §4.7.2.3) give `bad-request`. Always `nil` for an
    /// error stanza, which must not be answered with an error (RFC 6120 §8.3.1).
    public var validationError: StanzaError? {
        guard !isError else { return nil }
        guard hasValidType else {
            return .badRequest("presence type '\(typeAttribute ?? "")' is not defined")
        }
        do {
            _ = try priority
        } catch {
            return error
        }
        return nil
    }
}
