import XMPPCore

/// What a receiving entity offers in `<stream:features/>` (RFC 6120 §4.3.2), in the
/// order it offers them. Each stage of negotiation offers a different set.
public struct StreamFeatures: Sendable, Hashable {
    /// STARTTLS (RFC 6120 §5.4.1); `required` marks TLS mandatory-to-negotiate.
    public var startTLS: StartTLSOffer?
    /// SASL mechanism names in preference order (RFC 6120 §6.4.1).
    public var mechanisms: [String]
    /// Resource binding (RFC 6120 §7.4).
    public var bind: Bool
    /// Further features contributed by modules (session, stream management, CSI, ...),
    /// appended as given.
    public var extensions: [XMPPElement]

    /// How STARTTLS is offered.
    public enum StartTLSOffer: Sendable, Hashable {
        case optional, required
    }

    public init(startTLS: StartTLSOffer? = nil, mechanisms: [String] = [], bind: Bool = false, extensions: [XMPPElement] = []) {
        self.startTLS = startTLS
        self.mechanisms = mechanisms
        self.bind = bind
        self.extensions = extensions
    }

    /// The `<stream:features/>` element.
    public var element: XMPPElement {
        var features = XMPPElement("features", namespace: Namespace.stream)
        if let startTLS {
            var offer = XMPPElement("starttls", namespace: Namespace.tls)
            if startTLS == .required { offer.append(XMPPElement("required", namespace: Namespace.tls)) }
            features.append(offer)
        }
        if !mechanisms.isEmpty {
            var list = XMPPElement("mechanisms", namespace: Namespace.sasl)
            for mechanism in mechanisms {
                list.append(XMPPElement("mechanism", namespace: Namespace.sasl, text: mechanism))
            }
            features.append(list)
        }
        if bind {
            features.append(XMPPElement("bind", namespace: Namespace.bind))
        }
        for extensionElement in extensions {
            features.append(extensionElement)
        }
        return features
    }

    /// Reads a received `<stream:features/>` (the client side of negotiation).
    public init?(element: XMPPElement) {
        guard element.name == "features", element.namespace == Namespace.stream else { return nil }
        self.init()
        for child in element.elements {
            switch (child.namespace, child.name) {
            case (Namespace.tls, "starttls"):
                startTLS = child.firstElement(named: "required", namespace: Namespace.tls) == nil ? .optional : .required
            case (Namespace.sasl, "mechanisms"):
                mechanisms = child.elements(named: "mechanism", namespace: Namespace.sasl).map(\.text)
            case (Namespace.bind, "bind"):
                bind = true
            default:
                extensions.append(child)
            }
        }
    }
}
