import XMPPCore
import XMPPStreams

/// The accounts the in-memory "storage" knows, all with the password `secret`
/// on `example.com`, so an input can log in with PLAIN
/// (`AGFsaWNlAHNlY3JldA==` is `\0alice\0secret`) and reach the established
/// phase. The other names reach the other answers storage can give.
enum TestAccounts {
    static let domain = "example.com"
    /// Hosted besides ``domain``, so a restart to the other domain can be tried.
    static let otherDomain = "example.net"
    static let password = "secret"
    /// The one account that may log in.
    static let active = "alice"

    /// Keys per hash, derived once per process: `Hi()` is the slowest part of a
    /// run, and a fixed salt keeps runs reproducible. 4096 iterations is the
    /// floor ``SCRAMCredentials`` accepts (RFC 7677 §4).
    static let credentials: [SCRAMHash: SCRAMCredentials] = {
        var keys: [SCRAMHash: SCRAMCredentials] = [:]
        for hash in SCRAMHash.allCases {
            keys[hash] = try! SCRAMCredentials.derive(
                password: password, hash: hash, salt: Array("needletail-fuzz".utf8), iterations: SCRAMCredentials.minimumIterations)
        }
        return keys
    }()

    /// What storage answers for `username` at `domain`: alice is active;
    /// `disabled` and `expired` have the same password but may not log in
    /// (RFC 6120 §6.5.2, §6.5.3); `down` is a storage failure; anyone else
    /// does not exist.
    static func lookup(username: String, domain: String, hash: SCRAMHash) -> SASLCredentialLookup {
        guard domain == Self.domain || domain == otherDomain, let keys = credentials[hash] else { return .noSuchUser }
        switch username {
        case active: return .found(keys)
        case "disabled": return .found(keys, status: .disabled)
        case "expired": return .found(keys, status: .credentialsExpired)
        case "down": return .temporarilyUnavailable
        default: return .noSuchUser
        }
    }
}
