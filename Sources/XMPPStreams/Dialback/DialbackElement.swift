import XMPPCore

/// The two dialback elements of XEP-0220 §2: `<db:result/>` (the Originating
/// Server's key, and the Receiving Server's verdict) and `<db:verify/>` (the
/// Receiving Server asking the Authoritative Server, and its answer).
public struct DialbackElement: Sendable, Hashable {
    public enum Kind: String, Sendable, Hashable {
        case result
        case verify
    }

    /// The `type` of an answer (XEP-0220 §2.1.3, §2.4).
    public enum Verdict: String, Sendable, Hashable {
        case valid
        case invalid
        case error
    }

    public var kind: Kind
    /// The sending domain.
    public var from: String
    /// The receiving domain.
    public var to: String
    /// The stream ID (`<db:verify/>` only): the stream the key was made for.
    public var id: String?
    /// The key (requests), nil in answers.
    public var key: String?
    /// The answer, nil in requests.
    public var verdict: Verdict?
    /// With `.error`, the stanza error the answering server gave (§2.4).
    public var error: StanzaError?

    public init(
        _ kind: Kind, from: String, to: String, id: String? = nil, key: String? = nil, verdict: Verdict? = nil,
        error: StanzaError? = nil
    ) {
        self.kind = kind
        self.from = from
        self.to = to
        self.id = id
        self.key = key
        self.verdict = verdict
        self.error = error
    }

    /// Reads a dialback element; nil when it is not one or lacks what §2 requires
    /// (`from` and `to` always; `id` on verify; a key or a known type).
    public init?(element: XMPPElement) {
        guard element.namespace == Namespace.dialback, let kind = Kind(rawValue: element.name),
              let from = element[attribute: "from"], let to = element[attribute: "to"]
        else { return nil }
        self.kind = kind
        self.from = from
        self.to = to
        self.id = element[attribute: "id"]
        if kind == .verify, id == nil { return nil }
        if let type = element[attribute: "type"] {
            guard let verdict = Verdict(rawValue: type) else { return nil }
            self.verdict = verdict
            self.key = nil
            // The <error/> is unprefixed inside <db:result/>: in the stream's namespace (§2.4).
            self.error = element.firstElement(named: "error").flatMap(StanzaError.init(element:))
        } else {
            let key = String(element.text.trimmingXMLWhitespace())
            guard !key.isEmpty else { return nil }
            self.key = key
            self.verdict = nil
            self.error = nil
        }
    }

    /// The element as sent.
    public var element: XMPPElement {
        var element = XMPPElement(kind.rawValue, namespace: Namespace.dialback, [
            "from": from, "to": to, "id": id, "type": verdict?.rawValue,
        ])
        if let key {
            element.append(text: key)
        }
        if let error {
            element.append(error.element(namespace: Namespace.server))
        }
        return element
    }
}
