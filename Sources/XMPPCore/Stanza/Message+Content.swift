// MARK: - Body, subject and thread (RFC 6121 §5.2.3 – §5.2.5)

extension Message {
    /// The body in the stanza's default language: the `<body/>` without its own `xml:lang`
    /// (or with the stanza's), else the first one. Setting replaces that one (or adds it) and
    /// keeps the other alternatives; `nil` removes it.
    public var body: String? {
        get { element.localizedText("body", language: nil) }
        set { element.setLocalizedText("body", newValue, language: nil) }
    }

    /// Every `<body/>` alternative; RFC 6121 §5.2.3 allows several only with distinct `xml:lang`s.
    public var bodies: [LocalizedText] {
        get { element.localizedTexts("body") }
        set { element.setLocalizedTexts("body", newValue) }
    }

    /// The body whose effective language (its own `xml:lang`, else the stanza's) is `language`.
    public func body(language: String) -> String? {
        element.localizedText("body", language: language)
    }

    /// Sets (or with `nil` removes) the body whose effective language is `language` (`nil`: the default).
    public mutating func setBody(_ text: String?, language: String?) {
        element.setLocalizedText("body", text, language: language)
    }

    /// The subject in the stanza's default language (RFC 6121 §5.2.4); see ``body``.
    public var subject: String? {
        get { element.localizedText("subject", language: nil) }
        set { element.setLocalizedText("subject", newValue, language: nil) }
    }

    /// Every `<subject/>` alternative (RFC 6121 §5.2.4).
    public var subjects: [LocalizedText] {
        get { element.localizedTexts("subject") }
        set { element.setLocalizedTexts("subject", newValue) }
    }

    /// The subject whose effective language is `language`.
    public func subject(language: String) -> String? {
        element.localizedText("subject", language: language)
    }

    /// Sets (or with `nil` removes) the subject whose effective language is `language` (`nil`: the default).
    public mutating func setSubject(_ text: String?, language: String?) {
        element.setLocalizedText("subject", text, language: language)
    }

    /// The conversation identifier, `<thread/>` (RFC 6121 §5.2.5); `nil` removes it (and its parent).
    public var thread: String? {
        get { element.childText("thread", namespace: element.namespace) }
        set {
            let parent = parentThread
            element.removeElements(named: "thread", namespace: element.namespace)
            guard let newValue else { return }
            var thread = XMPPElement("thread", namespace: element.namespace, text: newValue)
            thread[attribute: "parent"] = parent
            element.append(thread)
        }
    }

    /// The `parent` attribute of `<thread/>`: the thread this one was forked from (RFC 6121 §5.2.5).
    /// Setting it has no effect while there is no thread.
    public var parentThread: String? {
        get { element.firstElement(named: "thread", namespace: element.namespace)?[attribute: "parent"] }
        set {
            let namespace = element.namespace
            guard let index = element.children.firstIndex(where: { node in
                if case .element(let child) = node { return child.name == "thread" && child.namespace == namespace }
                return false
            }), case .element(var thread) = element.children[index] else { return }
            thread[attribute: "parent"] = newValue
            element.children[index] = .element(thread)
        }
    }
}
