extension SCRAMCredentials {
    /// Stand-in credentials for a user who does not exist, so that the exchange
    /// runs on exactly as for a real one and fails only at the proof (RFC 5802
    /// §9 on not revealing whether a user exists; Prosody and ejabberd do the
    /// same).
    ///
    /// The salt is derived from the username and a server secret with
    /// HMAC-SHA-256, so asking twice gives the same salt, as a real account
    /// would, and nobody without the secret can tell it from a random one. The
    /// keys are derived the same way; no password gives them, so the proof never
    /// verifies (and the state machine refuses an unknown user regardless).
    static func unknownUser(username: String, hash: SCRAMHash, iterations: Int, secret: [UInt8]) -> SCRAMCredentials {
        func derive(_ label: String, count: Int) -> [UInt8] {
            var output: [UInt8] = []
            var block: UInt8 = 0
            while output.count < count {
                block &+= 1
                let input = Array("needletail-scram-\(label)\u{0}\(hash.rawValue)\u{0}".utf8) + Array(username.utf8) + [block]
                output += SCRAMHash.sha256.hmac(key: secret, input)
            }
            return Array(output.prefix(count))
        }
        return SCRAMCredentials(
            unchecked: hash,
            salt: derive("salt", count: saltByteCount),
            iterations: max(iterations, minimumIterations),
            storedKey: derive("stored-key", count: hash.byteCount),
            serverKey: derive("server-key", count: hash.byteCount)
        )
    }
}
