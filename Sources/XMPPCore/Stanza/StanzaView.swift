/// What ``Message``, ``Presence`` and ``IQ`` share: a typed view over a stanza
/// element, with the common attributes of RFC 6120 §8.1 implemented once here.
///
/// A view holds the element itself, so reading is cheap and anything the view
/// does not model (extension payloads, unknown attributes) survives untouched.
public protocol StanzaView: Sendable, Hashable {
    /// The stanza's element name: `message`, `presence` or `iq`.
    static var elementName: String { get }
    /// The stanza element. Its namespace is the one the stanza arrived in (or will be
    /// sent in): `jabber:client`, `jabber:server` or `jabber:component:accept`.
    var element: XMPPElement { get set }
    /// Wraps `element` if it is this kind of stanza in one of ``Stanza/namespaces``.
    init?(element: XMPPElement)
}

extension StanzaView {
    /// The stanza namespace the element is qualified by.
    public var contentNamespace: String { element.namespace }

    /// The `id` attribute (RFC 6120 §8.1.3); `nil` removes it.
    public var id: String? {
        get { element[attribute: "id"] }
        set { element[attribute: "id"] = newValue }
    }

    /// The `to` attribute as written, unparsed (RFC 6120 §8.1.1); `nil` removes it.
    public var toAttribute: String? {
        get { element[attribute: "to"] }
        set { element[attribute: "to"] = newValue }
    }

    /// The `from` attribute as written, unparsed (RFC 6120 §8.1.2); `nil` removes it.
    public var fromAttribute: String? {
        get { element[attribute: "from"] }
        set { element[attribute: "from"] = newValue }
    }

    /// The `type` attribute as written (RFC 6120 §8.1.4), including values no view recognises.
    public var typeAttribute: String? {
        get { element[attribute: "type"] }
        set { element[attribute: "type"] = newValue }
    }

    /// The stanza's own `xml:lang` (RFC 6120 §8.1.5); absent means the stream's default.
    public var language: String? {
        get { element.language }
        set { element.language = newValue }
    }

    /// The intended recipient (RFC 6120 §8.1.1), or `nil` when absent. Throws when the
    /// attribute is not a valid JID, which a server answers with `jid-malformed`.
    public var to: JID? {
        get throws(JIDError) {
            guard let value = toAttribute else { return nil }
            return try JID(value)
        }
    }

    /// The sender (RFC 6120 §8.1.2), or `nil` when absent. Throws when the attribute
    /// is not a valid JID.
    public var from: JID? {
        get throws(JIDError) {
            guard let value = fromAttribute else { return nil }
            return try JID(value)
        }
    }

    /// Sets the `to` attribute from a JID; `nil` removes it.
    public mutating func setTo(_ jid: JID?) {
        toAttribute = jid?.description
    }

    /// Sets the `from` attribute from a JID; `nil` removes it. Servers stamp this on
    /// everything a client sends (RFC 6120 §8.1.2.1).
    public mutating func setFrom(_ jid: JID?) {
        fromAttribute = jid?.description
    }

    /// True when the stanza is of type `error` (RFC 6120 §8.3), whatever the kind.
    public var isError: Bool { typeAttribute == "error" }

    /// The `<error/>` child of an error stanza, parsed (RFC 6120 §8.3.2).
    public var error: StanzaError? {
        element.firstElement(named: "error", namespace: element.namespace).flatMap(StanzaError.init(element:))
    }

    /// The child elements that are extension payloads: everything not qualified by the
    /// stanza namespace (so not `<body/>`, `<show/>` or `<error/>`), in order.
    public var payloads: [XMPPElement] {
        let namespace = element.namespace
        return element.elements.filter { $0.namespace != namespace }
    }

    /// The first payload qualified by `namespace` (for example ``Namespace/ping``).
    public func payload(in namespace: String) -> XMPPElement? {
        element.firstElement(in: namespace)
    }

    /// The first payload with this name and namespace.
    public func payload(named name: String, namespace: String) -> XMPPElement? {
        element.firstElement(named: name, namespace: namespace)
    }

    /// Every payload qualified by `namespace`, in order.
    public func payloads(in namespace: String) -> [XMPPElement] {
        element.elements.filter { $0.namespace == namespace }
    }
}
