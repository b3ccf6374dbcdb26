/// The type of an IQ stanza (RFC 6120 §8.2.3): a request (`get`, `set`) or a
/// response (`result`, `error`). Unlike message and presence, it is required.
public enum IQType: String, Sendable, Hashable, CaseIterable {
    /// A request for information.
    case get
    /// A request that provides data or changes state.
    case set
    /// A successful response to a get or set.
    case result
    /// An error response to a get or set (RFC 6120 §8.3).
    case error

    /// True for `get` and `set`, the types that demand a response (RFC 6120 §8.2.3).
    public var isRequest: Bool { self == .get || self == .set }
}
