/// What a server keeps for one SCRAM hash function (RFC 5802 §3, RFC 7677): enough
/// to verify a client proof and to sign the server's answer, but not the password.
///
/// The keys are derived elsewhere (XMPPStreams, from the password at registration or
/// password change) and handed to the store as bytes; storage does no cryptography.
/// Salt and keys are non-empty; a store refuses empty ones with a backend error.
/// `description` leaves the keys and salt out so the value can be logged safely.
public struct SCRAMKeys: Hashable, Sendable {
    /// The salt given to `Hi()`, sent to the client in the server-first-message.
    public var salt: [UInt8]

    /// The iteration count given to `Hi()` (RFC 5802 §2.2); positive.
    public var iterations: Int

    /// `H(ClientKey)`, against which the client proof is checked (RFC 5802 §3).
    public var storedKey: [UInt8]

    /// `HMAC(SaltedPassword, "Server Key")`, which signs the server-final-message.
    public var serverKey: [UInt8]

    /// Keys for one hash function, as derived by the SCRAM code.
    public init(salt: [UInt8], iterations: Int, storedKey: [UInt8], serverKey: [UInt8]) {
        self.salt = salt
        self.iterations = iterations
        self.storedKey = storedKey
        self.serverKey = serverKey
    }
}

extension SCRAMKeys: CustomStringConvertible, CustomDebugStringConvertible {
    /// The iteration count and lengths only: StoredKey and ServerKey are
    /// password-equivalent for impersonating the server, so they never reach a log.
    public var description: String {
        "SCRAMKeys(iterations: \(iterations), salt: \(salt.count) bytes, keys: redacted)"
    }

    /// Same as `description`.
    public var debugDescription: String { description }
}
