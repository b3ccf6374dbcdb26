/// Any of the three stanza kinds of RFC 6120 §8: what a session hands the router
/// for each top-level element that is not stream management or negotiation.
public enum Stanza: Sendable, Hashable {
    /// A `<message/>`.
    case message(Message)
    /// A `<presence/>`.
    case presence(Presence)
    /// An `<iq/>`.
    case iq(IQ)

    /// The namespaces stanzas are qualified by: `jabber:client` (RFC 6120 §4.8.3),
    /// `jabber:server` (the same section) and `jabber:component:accept` (XEP-0114).
    public static let namespaces: Set<String> = [Namespace.client, Namespace.server, Namespace.component]

    /// Recognises `<message/>`, `<presence/>` or `<iq/>` in one of ``namespaces``; `nil`
    /// for anything else (another top-level element, or a stanza name in a foreign namespace).
    public init?(element: XMPPElement) {
        guard Stanza.namespaces.contains(element.namespace) else { return nil }
        switch element.name {
        case Message.elementName: self = .message(Message(unchecked: element))
        case Presence.elementName: self = .presence(Presence(unchecked: element))
        case IQ.elementName: self = .iq(IQ(unchecked: element))
        default: return nil
        }
    }

    /// The stanza element.
    public var element: XMPPElement {
        switch self {
        case .message(let message): message.element
        case .presence(let presence): presence.element
        case .iq(let iq): iq.element
        }
    }

    /// The `id` attribute, whatever the kind.
    public var id: String? {
        switch self {
        case .message(let message): message.id
        case .presence(let presence): presence.id
        case .iq(let iq): iq.id
        }
    }

    /// The raw `to` attribute, whatever the kind.
    public var toAttribute: String? { element[attribute: "to"] }

    /// The raw `from` attribute, whatever the kind.
    public var fromAttribute: String? { element[attribute: "from"] }

    /// Sets or removes `from`, whatever the kind: what a server stamps (RFC 6120 §8.1.2.1).
    public mutating func setFrom(_ jid: JID?) {
        switch self {
        case .message(var message):
            message.setFrom(jid)
            self = .message(message)
        case .presence(var presence):
            presence.setFrom(jid)
            self = .presence(presence)
        case .iq(var iq):
            iq.setFrom(jid)
            self = .iq(iq)
        }
    }

    /// True when the stanza is of type `error`.
    public var isError: Bool {
        switch self {
        case .message(let message): message.isError
        case .presence(let presence): presence.isError
        case .iq(let iq): iq.isError
        }
    }

    /// The error reply of RFC 6120 §8.3.1 for any kind; `nil` for an error stanza.
    /// See ``StanzaView/errorReply(_:includingOriginalPayload:)``.
    public func errorReply(_ error: StanzaError, includingOriginalPayload: Bool = true) -> Stanza? {
        switch self {
        case .message(let message):
            message.errorReply(error, includingOriginalPayload: includingOriginalPayload).map(Stanza.message)
        case .presence(let presence):
            presence.errorReply(error, includingOriginalPayload: includingOriginalPayload).map(Stanza.presence)
        case .iq(let iq):
            iq.errorReply(error, includingOriginalPayload: includingOriginalPayload).map(Stanza.iq)
        }
    }
}
