/// The availability sub-state of an available presence, `<show/>` (RFC 6121 §4.7.2.1).
/// No `<show/>` means plainly available.
public enum PresenceShow: String, Sendable, Hashable, CaseIterable {
    /// Temporarily away.
    case away
    /// Actively interested in chatting.
    case chat
    /// Busy: do not disturb.
    case dnd
    /// Away for an extended period.
    case xa
}
