import XMPPCore

extension SASLElement {
    /// Reads a SASL element.
    ///
    /// Throws the failure a server would answer with:
    /// - `incorrect-encoding` when the character data is not base 64 (RFC 6120
    ///   §6.5.5): any character outside the RFC 4648 §4 alphabet, whitespace and
    ///   line breaks included (RFC 6120 §6.4.2 forbids them), or missing padding;
    /// - `invalid-mechanism` for `<auth/>` without a `mechanism` attribute
    ///   (RFC 6120 §6.5.7: "did not specify a mechanism");
    /// - `malformed-request` for an element that is not one of SASL's, or not in
    ///   the SASL namespace.
    ///
    /// A `<failure/>` with no known condition reads as `not-authorized`, the
    /// condition that fits a refusal whose reason is unknown.
    public init(_ element: XMPPElement) throws(SASLFailure) {
        guard element.namespace == Namespace.sasl else {
            throw SASLFailure(.malformedRequest, text: "not a SASL element")
        }
        switch element.name {
        case "auth":
            guard let mechanism = element[attribute: "mechanism"], !mechanism.isEmpty else {
                throw SASLFailure(.invalidMechanism, text: "no mechanism named")
            }
            self = .auth(mechanism: mechanism, initialResponse: try Self.payload(element))
        case "challenge":
            self = .challenge(try Self.payload(element) ?? [])
        case "response":
            self = .response(try Self.payload(element) ?? [])
        case "success":
            self = .success(additionalData: try Self.payload(element))
        case "failure":
            self = .failure(Self.failure(element))
        case "abort":
            self = .abort
        default:
            throw SASLFailure(.malformedRequest, text: "unknown SASL element")
        }
    }

    /// The payload: `nil` when there is no character data, empty for `=`, else
    /// the decoded base 64 (RFC 6120 §6.4.2).
    private static func payload(_ element: XMPPElement) throws(SASLFailure) -> [UInt8]? {
        let text = element.text
        if text.isEmpty { return nil }
        if text == "=" { return [] }
        guard let bytes = Base64.decode(text) else {
            throw SASLFailure(.incorrectEncoding)
        }
        return bytes
    }

    /// The condition and text of a `<failure/>`.
    private static func failure(_ element: XMPPElement) -> SASLFailure {
        var condition: SASLFailureCondition?
        var text: String?
        for child in element.elements where child.namespace == Namespace.sasl {
            if child.name == "text" {
                text = text ?? child.text
            } else if condition == nil {
                condition = SASLFailureCondition(rawValue: child.name)
            }
        }
        return SASLFailure(condition ?? .notAuthorized, text: text)
    }
}
