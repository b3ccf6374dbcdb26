import Synchronization

/// The keys a SCRAM client derived from a password, kept for the next login:
/// what real clients do (RFC 5802 §5.1 notes a client may cache the salted
/// password), so the costly `Hi()` runs once per account and salt rather than
/// at every connection. Keyed by username, hash, salt and iteration count; a
/// new salt or count from the server (a password change) derives afresh.
/// Shared by the sessions of one password, safe from any thread.
public final class SCRAMKeyCache: Sendable {
    struct Key: Hashable {
        var username: String
        var hash: SCRAMHash
        var salt: [UInt8]
        var iterations: Int
    }

    private let keys = Mutex<[Key: SCRAMDerivedKeys]>([:])

    public init() {}

    /// The number of key sets held.
    public var count: Int { keys.withLock { $0.count } }

    /// The keys for these parameters, derived with `derive` the first time.
    func keys(for key: Key, derive: () throws(SASLError) -> SCRAMDerivedKeys) throws(SASLError) -> SCRAMDerivedKeys {
        if let cached = keys.withLock({ $0[key] }) { return cached }
        let derived = try derive()
        keys.withLock { $0[key] = derived }
        return derived
    }
}
