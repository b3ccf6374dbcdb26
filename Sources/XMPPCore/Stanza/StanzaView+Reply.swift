// MARK: - Replies (RFC 6120 §8.3.1, §8.2.3)

extension StanzaView {
    /// The error reply to this stanza, as RFC 6120 §8.3.1 describes it: the same kind of
    /// stanza in the same namespace, of type `error`, with the same `id`, `to` and `from`
    /// swapped (each omitted if the original had none), the original child elements
    /// when `includingOriginalPayload` (the RFC allows including the original XML so the
    /// sender can inspect it), then the `<error/>` element.
    ///
    /// Returns `nil` when this stanza is itself of type `error`: an entity MUST NOT
    /// respond to an error stanza with another error (§8.3.1), which is what keeps two
    /// entities from bouncing errors at each other forever.
    public func errorReply(_ error: StanzaError, includingOriginalPayload: Bool = true) -> Self? {
        guard !isError else { return nil }
        var reply = self
        reply.element = replyElement(type: "error")
        if includingOriginalPayload {
            // An <error/> the sender put in a stanza that is not an error is not copied:
            // the reply's own must be its only one (§8.3.2), else readers take the sender's.
            for case .element(let child) in element.children where !(child.name == "error" && child.namespace == element.namespace) {
                reply.element.append(child)
            }
        }
        reply.element.append(error.element(namespace: element.namespace))
        return reply
    }

    /// A bare reply element: same name and namespace, `type`, `id` kept, addresses swapped.
    func replyElement(type: String) -> XMPPElement {
        var reply = XMPPElement(element.name, namespace: element.namespace)
        reply[attribute: "type"] = type
        if let id { reply[attribute: "id"] = id }
        if let from = fromAttribute { reply[attribute: "to"] = from }
        if let to = toAttribute { reply[attribute: "from"] = to }
        return reply
    }
}
