/// A typed view over an `<iq/>` stanza (RFC 6120 §8.2.3): a request that MUST be
/// answered with exactly one `result` or `error` carrying the same `id`.
public struct IQ: StanzaView {
    /// `iq`.
    public static let elementName = "iq"

    /// The stanza element.
    public var element: XMPPElement

    /// Wraps `element` if it is an `<iq/>` in one of ``Stanza/namespaces``. The type, id and
    /// payload rules are not checked here; see ``validationError``.
    public init?(element: XMPPElement) {
        guard element.name == IQ.elementName, Stanza.namespaces.contains(element.namespace) else { return nil }
        self.element = element
    }

    /// Wraps an element already known to be an IQ.
    init(unchecked element: XMPPElement) {
        self.element = element
    }

    /// Builds an IQ stanza with at most one payload.
    public init(
        type: IQType, id: String, to: JID? = nil, from: JID? = nil, payload: XMPPElement? = nil,
        namespace: String = Namespace.client
    ) {
        self.element = XMPPElement(IQ.elementName, namespace: namespace)
        self.type = type
        self.id = id
        setTo(to)
        setFrom(from)
        if let payload { element.append(payload) }
    }

    /// The IQ type; `nil` when the attribute is absent or not one of the four values, which
    /// RFC 6120 §8.2.3 makes an error (`bad-request`, §8.3.3.1). Setting `nil` removes it.
    public var type: IQType? {
        get { typeAttribute.flatMap(IQType.init(rawValue:)) }
        set { typeAttribute = newValue?.rawValue }
    }

    /// False when the `type` attribute is absent or not `get`, `set`, `result` or `error`.
    public var hasValidType: Bool { type != nil }

    /// The request or result payload: the first child element other than the `<error/>` of
    /// the stanza namespace. A get or set carries exactly one (RFC 6120 §8.2.3); a result
    /// zero or one; an error may repeat the request's. Setting replaces every payload
    /// (keeping any `<error/>`); `nil` removes them.
    public var payload: XMPPElement? {
        get {
            let namespace = element.namespace
            return element.elements.first { !($0.name == "error" && $0.namespace == namespace) }
        }
        set {
            let namespace = element.namespace
            element.children.removeAll { node in
                if case .element(let child) = node { return !(child.name == "error" && child.namespace == namespace) }
                return false
            }
            if let newValue { element.children.insert(.element(newValue), at: 0) }
        }
    }

    /// The number of child elements other than the `<error/>` of the stanza namespace.
    public var payloadCount: Int {
        let namespace = element.namespace
        return element.elements.count { !($0.name == "error" && $0.namespace == namespace) }
    }
}
