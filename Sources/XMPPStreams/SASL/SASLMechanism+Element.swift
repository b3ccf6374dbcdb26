import XMPPCore

extension SASLMechanism {
    /// `<mechanisms xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>` listing `mechanisms`
    /// in the given order, for `<stream:features/>` (RFC 6120 §6.4.1).
    public static func mechanismsElement(_ mechanisms: some Sequence<SASLMechanism>) -> XMPPElement {
        XMPPElement(
            "mechanisms",
            namespace: Namespace.sasl,
            children: mechanisms.map { .element(XMPPElement("mechanism", namespace: Namespace.sasl, text: $0.wireName)) }
        )
    }

    /// The names listed in a `<mechanisms/>` element, in order, including
    /// mechanisms this library does not know, with surrounding XML whitespace
    /// removed. Empty when `element` is not SASL's `<mechanisms/>`.
    public static func offeredNames(in element: XMPPElement) -> [String] {
        guard element.name == "mechanisms", element.namespace == Namespace.sasl else { return [] }
        return element.elements(named: "mechanism", namespace: Namespace.sasl).compactMap { mechanism in
            let name = trimmingXMLWhitespace(mechanism.text)
            return name.isEmpty ? nil : name
        }
    }
}

/// `text` without leading and trailing XML whitespace (XML 1.0 §2.3: space, tab, CR, LF).
private func trimmingXMLWhitespace(_ text: String) -> String {
    let isWhitespace: (Unicode.Scalar) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\r" || $0 == "\n" }
    let scalars = text.unicodeScalars
    guard let first = scalars.firstIndex(where: { !isWhitespace($0) }),
          let last = scalars.lastIndex(where: { !isWhitespace($0) })
    else { return "" }
    return String(scalars[first...last])
}
