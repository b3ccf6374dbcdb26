import Crypto
import _CryptoExtras

/// The hash function a SCRAM mechanism is built on (RFC 5802 §2.2: `H`, `HMAC`
/// and `Hi`, which is PBKDF2 with HMAC-`H`).
public enum SCRAMHash: String, Sendable, Hashable, CaseIterable {
    /// SHA-1, for SCRAM-SHA-1 (RFC 5802). Weak as a general hash but still sound
    /// inside HMAC and PBKDF2, which is all SCRAM uses it for.
    case sha1 = "SHA-1"
    /// SHA-256, for SCRAM-SHA-256 (RFC 7677).
    case sha256 = "SHA-256"
    /// SHA-512, for SCRAM-SHA-512.
    case sha512 = "SHA-512"

    /// The output length of `H` in bytes: the length of StoredKey, ServerKey and
    /// the client proof.
    public var byteCount: Int {
        switch self {
        case .sha1: Insecure.SHA1.byteCount
        case .sha256: SHA256.byteCount
        case .sha512: SHA512.byteCount
        }
    }

    /// `H(data)` (RFC 5802 §2.2).
    func hash(_ data: [UInt8]) -> [UInt8] {
        switch self {
        case .sha1: Array(Insecure.SHA1.hash(data: data))
        case .sha256: Array(SHA256.hash(data: data))
        case .sha512: Array(SHA512.hash(data: data))
        }
    }

    /// `HMAC(key, data)` (RFC 5802 §2.2, RFC 2104).
    func hmac(key: [UInt8], _ data: [UInt8]) -> [UInt8] {
        let key = SymmetricKey(data: key)
        return switch self {
        case .sha1: Array(HMAC<Insecure.SHA1>.authenticationCode(for: data, using: key))
        case .sha256: Array(HMAC<SHA256>.authenticationCode(for: data, using: key))
        case .sha512: Array(HMAC<SHA512>.authenticationCode(for: data, using: key))
        }
    }

    /// `Hi(password, salt, i)`, which RFC 5802 §2.2 defines as PBKDF2 (RFC 8018)
    /// with HMAC-`H` and an output of one block. `_CryptoExtras` refuses fewer
    /// than 210,000 rounds through its checked entry point; SCRAM's floor is 4096
    /// (RFC 7677 §4), enforced by ``SCRAMCredentials`` and the client, so the
    /// unchecked entry point is used here.
    func saltedPassword(_ password: [UInt8], salt: [UInt8], iterations: Int) throws -> [UInt8] {
        let function: KDF.Insecure.PBKDF2.HashFunction = switch self {
        case .sha1: .insecureSHA1
        case .sha256: .sha256
        case .sha512: .sha512
        }
        let key = try KDF.Insecure.PBKDF2.deriveKey(
            from: password,
            salt: salt,
            using: function,
            outputByteCount: byteCount,
            unsafeUncheckedRounds: iterations
        )
        return key.withUnsafeBytes { Array($0) }
    }
}
