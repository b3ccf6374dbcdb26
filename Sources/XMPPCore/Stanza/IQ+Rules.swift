// MARK: - IQ semantics (RFC 6120 §8.2.3)

extension IQ {
    /// The error to answer this IQ with when it breaks RFC 6120 §8.2.3, or `nil` when it
    /// follows the rules. All give `bad-request` (§8.3.3.1):
    ///
    /// - the `id` attribute is REQUIRED (rule 1);
    /// - the `type` attribute is REQUIRED and must be one of the four values (rule 2);
    /// - a `get` or `set` MUST contain exactly one child element (rule 5), the payload that
    ///   names the semantics of the request;
    /// - a `result` contains zero or one child element (rule 6).
    ///
    /// An IQ of type `error` always gives `nil`: it must not be answered with an error (§8.3.1).
    public var validationError: StanzaError? {
        guard let type else {
            if let value = typeAttribute { return .badRequest("iq type '\(value)' is not get, set, result or error") }
            return .badRequest("iq without a type")
        }
        switch type {
        case .error:
            return nil
        case .get, .set:
            guard id != nil else { return .badRequest("iq without an id") }
            let count = payloadCount
            if count != 1 {
                return .badRequest(
                    "an iq of type \(type.rawValue) must contain exactly one child element, not \(count)")
            }
            return nil
        case .result:
            guard id != nil else { return .badRequest("iq without an id") }
            if payloadCount > 1 {
                return .badRequest("an iq of type result contains at most one child element")
            }
            return nil
        }
    }

    /// The `result` reply to this request (RFC 6120 §8.2.3): type `result`, the same `id`,
    /// `to` and `from` swapped (each omitted if absent here), and `payload` if given.
    ///
    /// Meant for requests (`get`, `set`); RFC 6120 §8.2.3 forbids answering a result or
    /// error, so the router delivers only requests to handlers.
    public func result(payload: XMPPElement? = nil) -> IQ {
        var reply = IQ(unchecked: replyElement(type: IQType.result.rawValue))
        if let payload { reply.element.append(payload) }
        return reply
    }
}
