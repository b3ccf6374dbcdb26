// MARK: - Show, status and priority (RFC 6121 §4.7.2)

extension Presence {
    /// The availability sub-state, `<show/>` (RFC 6121 §4.7.2.1); `nil` when absent or not one
    /// of the four defined values. Setting `nil` removes the element.
    public var show: PresenceShow? {
        get { element.childText("show", namespace: element.namespace).flatMap(PresenceShow.init(rawValue:)) }
        set {
            element.removeElements(named: "show", namespace: element.namespace)
            if let newValue {
                element.append(XMPPElement("show", namespace: element.namespace, text: newValue.rawValue))
            }
        }
    }

    /// The status text in the stanza's default language (RFC 6121 §4.7.2.2): the `<status/>`
    /// without its own `xml:lang` (or with the stanza's), else the first. Setting replaces
    /// that one (or adds it) and keeps the other alternatives; `nil` removes it.
    public var status: String? {
        get { element.localizedText("status", language: nil) }
        set { element.setLocalizedText("status", newValue, language: nil) }
    }

    /// Every `<status/>` alternative; several are allowed only with distinct `xml:lang`s.
    public var statuses: [LocalizedText] {
        get { element.localizedTexts("status") }
        set { element.setLocalizedTexts("status", newValue) }
    }

    /// The status whose effective language (its own `xml:lang`, else the stanza's) is `language`.
    public func status(language: String) -> String? {
        element.localizedText("status", language: language)
    }

    /// Sets (or with `nil` removes) the status whose effective language is `language` (`nil`: the default).
    public mutating func setStatus(_ text: String?, language: String?) {
        element.setLocalizedText("status", text, language: language)
    }

    /// The resource's priority (RFC 6121 §4.7.2.3): 0 when `<priority/>` is absent.
    ///
    /// The value MUST be an integer from -128 to 127; anything else (out of range, not a
    /// number, empty) throws `bad-request` for the caller to reply with.
    public var priority: Int8 {
        get throws(StanzaError) {
            guard let text = element.childText("priority", namespace: element.namespace) else { return 0 }
            // xs:byte: optional sign, decimal digits, surrounding whitespace collapsed.
            let trimmed = text.trimmingXMLWhitespace()
            guard let value = Int8(trimmed) else {
                throw .badRequest("priority '\(text)' is not an integer from -128 to 127")
            }
            return value
        }
    }

    /// Sets `<priority/>`; `nil` removes it (which means 0).
    public mutating func setPriority(_ priority: Int8?) {
        element.removeElements(named: "priority", namespace: element.namespace)
        if let priority {
            element.append(XMPPElement("priority", namespace: element.namespace, text: String(priority)))
        }
    }
}
