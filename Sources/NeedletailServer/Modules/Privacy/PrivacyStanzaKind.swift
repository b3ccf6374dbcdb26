import XMPPCore

/// What a stanza is to a privacy list (XEP-0016 §2.1): the four kinds an item's
/// child elements name. Anything else (outbound messages and IQs, subscription
/// stanzas, probes) is matched only by items without child elements (§2.11).
enum PrivacyStanzaKind: String, Sendable, Hashable, CaseIterable {
    case message
    case iq
    case presenceIn = "presence-in"
    case presenceOut = "presence-out"

    /// The kind of `stanza` seen from the list owner's side, or nil for the
    /// stanzas only "block everything" items cover. Presence notifications are
    /// available and unavailable presence only (§2, the note before §2.1).
    init?(_ stanza: Stanza, _ direction: DeliveryDirection) {
        switch (stanza, direction) {
        case (.message, .inbound): self = .message
        case (.iq, .inbound): self = .iq
        case (.presence(let presence), _):
            guard presence.type == .available || presence.type == .unavailable else { return nil }
            self = direction == .inbound ? .presenceIn : .presenceOut
        case (.message, .outbound), (.iq, .outbound): return nil
        }
    }
}
