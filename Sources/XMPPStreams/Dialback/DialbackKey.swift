import Crypto

/// XEP-0185 dialback keys: `HMAC-SHA256(SHA256(secret), receiving + " " +
/// originating + " " + streamID)` in lowercase hex. The Originating Server sends
/// one in `<db:result/>`; the Authoritative Server, sharing the secret, computes
/// it again to answer `<db:verify/>`; nothing but the secret needs storing.
public struct DialbackSecret: Sendable {
    /// The HMAC key: SHA256(secret) in lowercase hex, as text, the way XEP-0185's
    /// example (and Prosody and ejabberd) use it; kept as bytes because
    /// `SymmetricKey` is not Sendable.
    private let hashedSecret: [UInt8]

    /// A secret from configured or stored bytes; XEP-0185 §3 hashes it first so a
    /// short secret still makes a full-length HMAC key.
    public init(_ secret: [UInt8]) {
        hashedSecret = Array(SHA256.hash(data: secret).lowercaseHex.utf8)
    }

    /// The key for a stream from `originating` to `receiving` with this stream ID.
    public func key(receiving: String, originating: String, streamID: String) -> String {
        let message = Array((receiving + " " + originating + " " + streamID).utf8)
        return HMAC<SHA256>.authenticationCode(for: message, using: SymmetricKey(data: hashedSecret)).lowercaseHex
    }

    /// Whether `candidate` is the key for these names, compared in constant time.
    public func verify(_ candidate: String, receiving: String, originating: String, streamID: String) -> Bool {
        let expected = Array(key(receiving: receiving, originating: originating, streamID: streamID).utf8)
        let given = Array(candidate.utf8)
        guard expected.count == given.count else { return false }
        var difference: UInt8 = 0
        for index in expected.indices {
            difference |= expected[index] ^ given[index]
        }
        return difference == 0
    }
}
