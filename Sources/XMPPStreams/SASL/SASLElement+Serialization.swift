import XMPPCore

extension SASLElement {
    /// The element to send, in ``Namespace/sasl``.
    public var element: XMPPElement {
        switch self {
        case .auth(let mechanism, let initialResponse):
            XMPPElement(
                "auth",
                namespace: Namespace.sasl,
                attributes: [XMLAttribute("mechanism", value: mechanism)],
                text: Self.payloadText(initialResponse)
            )
        case .challenge(let data):
            XMPPElement("challenge", namespace: Namespace.sasl, text: Self.payloadText(data.isEmpty ? nil : data))
        case .response(let data):
            XMPPElement("response", namespace: Namespace.sasl, text: Self.payloadText(data.isEmpty ? nil : data))
        case .success(let additionalData):
            XMPPElement("success", namespace: Namespace.sasl, text: Self.payloadText(additionalData))
        case .failure(let failure):
            Self.failureElement(failure)
        case .abort:
            XMPPElement("abort", namespace: Namespace.sasl)
        }
    }

    /// RFC 6120 §6.4.2: no text for no data, `=` for data of zero length, else base 64.
    /// An empty challenge or response is sent as an empty element.
    private static func payloadText(_ data: [UInt8]?) -> String {
        guard let data else { return "" }
        return data.isEmpty ? "=" : Base64.encode(data)
    }

    /// `<failure><condition/><text>...</text></failure>` (RFC 6120 §6.4.5).
    private static func failureElement(_ failure: SASLFailure) -> XMPPElement {
        var element = XMPPElement("failure", namespace: Namespace.sasl)
        element.append(XMPPElement(failure.condition.rawValue, namespace: Namespace.sasl))
        if let text = failure.text, !text.isEmpty {
            element.append(XMPPElement("text", namespace: Namespace.sasl, text: text))
        }
        return element
    }
}
