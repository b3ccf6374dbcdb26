/// The SASL mechanisms Needletail speaks (RFC 6120 §6.3.3), on both sides.
///
/// The raw value is the IANA-registered mechanism name sent in `<mechanism/>`
/// and `<auth mechanism='...'/>`. `allCases` lists them strongest first, which is
/// the order ``offered(tlsActive:channelBindingAvailable:allowed:)`` advertises
/// and clients prefer: channel-bound SCRAM before plain SCRAM (channel binding
/// defeats a man in the middle holding a mis-issued certificate, RFC 5802 §6),
/// larger hashes before smaller, and PLAIN last (RFC 4616 sends the password).
public enum SASLMechanism: String, Sendable, Hashable, CaseIterable {
    /// SCRAM-SHA-512 with channel binding (draft-melnikov-scram-sha-512; RFC 5802 §6).
    case scramSHA512Plus = "SCRAM-SHA-512-PLUS"
    /// SCRAM-SHA-256 with channel binding (RFC 7677 §3, RFC 5802 §6).
    case scramSHA256Plus = "SCRAM-SHA-256-PLUS"
    /// SCRAM-SHA-1 with channel binding (RFC 5802 §6).
    case scramSHA1Plus = "SCRAM-SHA-1-PLUS"
    /// SCRAM-SHA-512 (draft-melnikov-scram-sha-512, same exchange as RFC 5802).
    case scramSHA512 = "SCRAM-SHA-512"
    /// SCRAM-SHA-256 (RFC 7677).
    case scramSHA256 = "SCRAM-SHA-256"
    /// SCRAM-SHA-1 (RFC 5802).
    case scramSHA1 = "SCRAM-SHA-1"
    /// PLAIN (RFC 4616): the password in the clear, so only inside TLS (RFC 6120 §13.8.3).
    case plain = "PLAIN"

    /// The name on the wire, as in `<mechanism>SCRAM-SHA-256</mechanism>`.
    public var wireName: String { rawValue }

    /// The mechanism with this exact wire name; names are case-sensitive
    /// upper-case strings (RFC 4422 §3.1), so `scram-sha-1` is unknown.
    public init?(wireName: String) {
        self.init(rawValue: wireName)
    }

    /// True for the -PLUS variants, which bind the exchange to the TLS channel
    /// and so can only be offered and chosen when binding data exists (RFC 5802 §6).
    public var isPlus: Bool {
        switch self {
        case .scramSHA512Plus, .scramSHA256Plus, .scramSHA1Plus: true
        case .scramSHA512, .scramSHA256, .scramSHA1, .plain: false
        }
    }

    /// Same as ``isPlus``: the mechanism cannot run without channel binding data.
    public var requiresChannelBinding: Bool { isPlus }

    /// True for PLAIN, which reveals the password to anyone who can read the
    /// stream and so needs TLS (RFC 4616 §6, RFC 6120 §6.5.4).
    public var requiresTLS: Bool { self == .plain }

    /// The SCRAM hash, or `nil` for PLAIN.
    public var scramHash: SCRAMHash? {
        switch self {
        case .scramSHA512Plus, .scramSHA512: .sha512
        case .scramSHA256Plus, .scramSHA256: .sha256
        case .scramSHA1Plus, .scramSHA1: .sha1
        case .plain: nil
        }
    }
}
