/// The type of a presence stanza (RFC 6121 §4.7.1).
///
/// `available` has no wire value: it is the absence of the `type` attribute.
public enum PresenceType: Sendable, Hashable, CaseIterable {
    /// Available for communication: no `type` attribute.
    case available
    /// No longer available for communication.
    case unavailable
    /// A request to subscribe to the recipient's presence (RFC 6121 §3.1).
    case subscribe
    /// Approval of a subscription request (RFC 6121 §3.1).
    case subscribed
    /// A request to end a subscription (RFC 6121 §3.3).
    case unsubscribe
    /// Denial or cancellation of a subscription (RFC 6121 §3.2).
    case unsubscribed
    /// A server's request for a contact's current presence (RFC 6121 §4.3).
    case probe
    /// An error about presence sent earlier (RFC 6120 §8.3).
    case error

    /// Reads a `type` attribute: `nil` (absent) is `available`; a value RFC 6121 §4.7.1 does
    /// not define (including the literal "available") gives `nil`.
    public init?(attributeValue: String?) {
        switch attributeValue {
        case nil: self = .available
        case "unavailable": self = .unavailable
        case "subscribe": self = .subscribe
        case "subscribed": self = .subscribed
        case "unsubscribe": self = .unsubscribe
        case "unsubscribed": self = .unsubscribed
        case "probe": self = .probe
        case "error": self = .error
        default: return nil
        }
    }

    /// The `type` attribute to write; `nil` for `available`.
    public var attributeValue: String? {
        switch self {
        case .available: nil
        case .unavailable: "unavailable"
        case .subscribe: "subscribe"
        case .subscribed: "subscribed"
        case .unsubscribe: "unsubscribe"
        case .unsubscribed: "unsubscribed"
        case .probe: "probe"
        case .error: "error"
        }
    }
}
