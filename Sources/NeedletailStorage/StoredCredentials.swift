/// An account's credentials as stored: SCRAM keys per hash function, never a
/// password, and whether the account may log in.
///
/// A hash function whose keys are `nil` cannot be offered for that account (an
/// account imported with SHA-1 keys only, say). SASL refuses a disabled account with
/// `<account-disabled/>` (RFC 6120 §6.5.1).
public struct StoredCredentials: Hashable, Sendable {
    /// Keys for SCRAM-SHA-1 (RFC 5802).
    public var sha1: SCRAMKeys?

    /// Keys for SCRAM-SHA-256 (RFC 7677).
    public var sha256: SCRAMKeys?

    /// Keys for SCRAM-SHA-512.
    public var sha512: SCRAMKeys?

    /// Whether logins are refused for this account.
    public var isDisabled: Bool

    /// Credentials with the given keys; enabled unless `isDisabled` says otherwise.
    public init(
        sha1: SCRAMKeys? = nil,
        sha256: SCRAMKeys? = nil,
        sha512: SCRAMKeys? = nil,
        isDisabled: Bool = false
    ) {
        self.sha1 = sha1
        self.sha256 = sha256
        self.sha512 = sha512
        self.isDisabled = isDisabled
    }
}
