/// One natural-language alternative of a repeatable text child such as a message
/// `<body/>` or `<subject/>` (RFC 6121 §5.2.3, §5.2.4) or a presence `<status/>`
/// (§4.7.2.2).
///
/// Several such children may appear only if each has a distinct `xml:lang`; one
/// without `xml:lang` is in the stanza's language (or the stream's default).
public struct LocalizedText: Sendable, Hashable {
    /// The child's own `xml:lang`, or `nil` when it inherits the stanza's language.
    public var language: String?
    /// The character data.
    public var text: String

    /// Creates an alternative.
    public init(_ text: String, language: String? = nil) {
        self.text = text
        self.language = language
    }
}

// Reading and writing localized children; shared by Message and Presence.
extension XMPPElement {
    /// Every child `name` in this element's own namespace, with its language.
    func localizedTexts(_ name: String) -> [LocalizedText] {
        elements(named: name, namespace: namespace).map { LocalizedText($0.text, language: $0.language) }
    }

    /// The child `name` for `language`: an exact match of its effective language (its own
    /// `xml:lang`, else this element's), compared case-insensitively as BCP 47 tags are;
    /// with `nil`, the one in the stanza's default language, else the first.
    func localizedText(_ name: String, language: String?) -> String? {
        let candidates = elements(named: name, namespace: namespace)
        let stanzaLanguage = self.language
        if let language {
            let wanted = language.lowercased()
            return candidates.first { ($0.language ?? stanzaLanguage)?.lowercased() == wanted }?.text
        }
        let defaultChild = candidates.first { child in
            child.language == nil || child.language?.lowercased() == stanzaLanguage?.lowercased()
        }
        return (defaultChild ?? candidates.first)?.text
    }

    /// Replaces the child `name` whose effective language is `language` (`nil`: the stanza's
    /// default) with `text`, or removes it for `nil`; other alternatives stay. Matching on the
    /// effective language keeps two children from claiming one language (RFC 6121 §5.2.3).
    mutating func setLocalizedText(_ name: String, _ text: String?, language: String?) {
        let stanzaLanguage = self.language?.lowercased()
        let wanted = language?.lowercased() ?? stanzaLanguage
        let namespace = self.namespace
        let index = children.firstIndex { node in
            guard case .element(let child) = node, child.name == name, child.namespace == namespace else {
                return false
            }
            return (child.language?.lowercased() ?? stanzaLanguage) == wanted
        }
        guard let text else {
            if let index { children.remove(at: index) }
            return
        }
        var child = XMPPElement(name, namespace: namespace, text: text)
        child.language = language
        if let index {
            children[index] = .element(child)
        } else {
            append(child)
        }
    }

    /// Replaces every child `name` with `alternatives`, in order.
    mutating func setLocalizedTexts(_ name: String, _ alternatives: [LocalizedText]) {
        removeElements(named: name, namespace: namespace)
        for alternative in alternatives {
            var child = XMPPElement(name, namespace: namespace, text: alternative.text)
            child.language = alternative.language
            append(child)
        }
    }
}
