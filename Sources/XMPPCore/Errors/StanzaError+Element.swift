// MARK: - Wire form (RFC 6120 §8.3.2)

extension StanzaError {
    /// The `<error/>` element in `jabber:client`; use ``element(namespace:)`` for other streams.
    public var element: XMPPElement { element(namespace: Namespace.client) }

    /// The `<error/>` element, qualified by the stanza namespace `namespace` as RFC 6120 §8.3.2
    /// requires: `<error type='…' by='…'>`, the condition in `urn:ietf:params:xml:ns:xmpp-stanzas`,
    /// then the optional `<text xml:lang='…'/>`, then the optional application condition.
    public func element(namespace: String) -> XMPPElement {
        var error = XMPPElement("error", namespace: namespace)
        error[attribute: "type"] = type.rawValue
        if let by {
            error[attribute: "by"] = by.description
        }
        let address = condition.carriesAlternateAddress ? (alternateAddress ?? "") : ""
        error.append(XMPPElement(condition.rawValue, namespace: Namespace.stanzaErrors, text: address))
        if let text {
            var textElement = XMPPElement("text", namespace: Namespace.stanzaErrors, text: text)
            textElement.language = textLanguage
            error.append(textElement)
        }
        if let applicationCondition {
            error.append(applicationCondition)
        }
        return error
    }

    /// Reads a received `<error/>` element (in any stanza namespace).
    ///
    /// An unknown or missing condition reads as `undefined-condition` (RFC 6120 §8.3.3.21), an
    /// unknown or missing type as the condition's default, and a `by` that is not a valid JID
    /// is dropped: a peer's newer or sloppier vocabulary is never lost as a failure. Returns
    /// `nil` only when `element` is not an `<error/>` in a stanza namespace.
    public init?(element: XMPPElement) {
        guard element.name == "error", Stanza.namespaces.contains(element.namespace) else { return nil }
        var condition = Condition.undefinedCondition
        var foundCondition = false
        var alternateAddress: String?
        var text: String?
        var textLanguage: String?
        var application: XMPPElement?
        for child in element.elements {
            if child.namespace == Namespace.stanzaErrors {
                if child.name == "text" {
                    if text == nil {
                        text = child.text
                        textLanguage = child.language
                    }
                } else if !foundCondition {
                    foundCondition = true
                    if let known = Condition(rawValue: child.name) {
                        condition = known
                        if known.carriesAlternateAddress, !child.text.isEmpty { alternateAddress = child.text }
                    }
                }
            } else if application == nil {
                application = child
            }
        }
        let type = element[attribute: "type"].flatMap(ErrorType.init(rawValue:))
        let by = element[attribute: "by"].flatMap { value -> JID? in try? JID(value) }
        self.init(
            condition, type: type, text: text, textLanguage: textLanguage,
            alternateAddress: alternateAddress, applicationCondition: application, by: by)
    }
}
