/// What a server stores to verify one SCRAM hash's logins, and never the
/// password (RFC 5802 §3): the salt and iteration count given to `Hi()`,
/// `StoredKey = H(ClientKey)` and `ServerKey = HMAC(SaltedPassword, "Server Key")`.
///
/// An account keeps one of these per ``SCRAMHash``, each with its own salt.
/// StoredKey and ServerKey let whoever holds them impersonate the server to the
/// user, so `description` leaves them out.
public struct SCRAMCredentials: Sendable, Hashable {
    /// RFC 7677 §4: "the iteration count ... SHOULD be at least 4096"; refused below.
    public static let minimumIterations = 4096
    /// The iteration count ``derive(password:hash:iterations:)`` uses unless told
    /// otherwise: above the floor, and the cost of one login is still milliseconds.
    public static let defaultIterations = 10_000
    /// Salt length ``derive(password:hash:iterations:)`` draws: 16 random bytes,
    /// the size RFC 5802 §5's example shows and NIST SP 800-132 asks as a minimum.
    public static let saltByteCount = 16

    /// The hash these keys belong to.
    public let hash: SCRAMHash
    /// The salt, sent to the client in the server-first-message.
    public let salt: [UInt8]
    /// The iteration count of `Hi()`, at least ``minimumIterations``.
    public let iterations: Int
    /// `H(ClientKey)`, against which a client proof is checked.
    public let storedKey: [UInt8]
    /// `HMAC(SaltedPassword, "Server Key")`, which signs the server-final-message.
    public let serverKey: [UInt8]

    /// Credentials as loaded from storage, checked: a non-empty salt, at least
    /// ``minimumIterations`` iterations, and keys of the hash's output length.
    public init(hash: SCRAMHash, salt: [UInt8], iterations: Int, storedKey: [UInt8], serverKey: [UInt8]) throws(SASLError) {
        guard iterations >= Self.minimumIterations else { throw .iterationCountTooLow(iterations) }
        guard !salt.isEmpty else { throw .invalidCredentials("empty salt") }
        guard storedKey.count == hash.byteCount, serverKey.count == hash.byteCount else {
            throw .invalidCredentials("keys must be \(hash.byteCount) bytes for \(hash.rawValue)")
        }
        self.init(unchecked: hash, salt: salt, iterations: iterations, storedKey: storedKey, serverKey: serverKey)
    }

    /// Credentials built internally from values known to be consistent.
    init(unchecked hash: SCRAMHash, salt: [UInt8], iterations: Int, storedKey: [UInt8], serverKey: [UInt8]) {
        self.hash = hash
        self.salt = salt
        self.iterations = iterations
        self.storedKey = storedKey
        self.serverKey = serverKey
    }
}

extension SCRAMCredentials {
    /// Derives credentials from a password with a fresh random salt
    /// (RFC 5802 §3). The password is prepared with OpaqueString
    /// (``PasswordPreparation``) and dropped; only the keys are kept.
    ///
    /// Throws ``SASLError/Code/iterationCountTooLow`` below
    /// ``minimumIterations`` and ``SASLError/Code/unusablePassword`` when the
    /// password preparation refuses it.
    public static func derive(
        password: String,
        hash: SCRAMHash,
        iterations: Int = defaultIterations
    ) throws(SASLError) -> SCRAMCredentials {
        try derive(password: password, hash: hash, salt: randomBytes(count: saltByteCount), iterations: iterations)
    }

    /// Derives credentials with the given salt: for importing known test vectors
    /// (RFC 5802 §5, RFC 7677 §3). Use ``derive(password:hash:iterations:)`` for
    /// new accounts, so that no two accounts or hashes share a salt.
    public static func derive(
        password: String,
        hash: SCRAMHash,
        salt: [UInt8],
        iterations: Int
    ) throws(SASLError) -> SCRAMCredentials {
        guard iterations >= minimumIterations else { throw .iterationCountTooLow(iterations) }
        guard !salt.isEmpty else { throw .invalidCredentials("empty salt") }
        let keys = try SCRAMDerivedKeys(password: PasswordPreparation.prepare(password), hash: hash, salt: salt, iterations: iterations)
        return SCRAMCredentials(unchecked: hash, salt: salt, iterations: iterations, storedKey: keys.storedKey, serverKey: keys.serverKey)
    }

    /// Whether `password` is the one these credentials were derived from: the
    /// StoredKey it gives is compared in constant time. Costs one `Hi()`. Used
    /// for PLAIN (RFC 4616), whose server sees the password.
    public func verify(password: String) -> Bool {
        guard let prepared = try? PasswordPreparation.prepare(password) else { return false }
        return verify(preparedPassword: prepared)
    }

    /// ``verify(password:)`` for a password already prepared.
    func verify(preparedPassword: [UInt8]) -> Bool {
        guard let keys = try? SCRAMDerivedKeys(password: preparedPassword, hash: hash, salt: salt, iterations: iterations) else {
            return false
        }
        return constantTimeEquals(keys.storedKey, storedKey)
    }
}

extension SCRAMCredentials: CustomStringConvertible, CustomDebugStringConvertible {
    /// The hash, iteration count and salt length; the keys are redacted.
    public var description: String {
        "SCRAMCredentials(\(hash.rawValue), iterations: \(iterations), salt: \(salt.count) bytes, keys: redacted)"
    }

    /// Same as ``description``.
    public var debugDescription: String { description }
}
