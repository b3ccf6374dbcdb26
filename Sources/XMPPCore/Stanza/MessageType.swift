/// The `type` of a message stanza (RFC 6121 §5.2.2).
public enum MessageType: String, Sendable, Hashable, CaseIterable {
    /// A standalone message, outside any one-to-one or group conversation; the default.
    case normal
    /// A message in a one-to-one conversation.
    case chat
    /// A message in a multi-user chat (XEP-0045).
    case groupchat
    /// An alert or notification to which no reply is expected.
    case headline
    /// An error about a message sent earlier (RFC 6120 §8.3).
    case error
}
