/// The keys RFC 5802 §3 derives from a password, and the signatures made with
/// them. Internal: only ``SCRAMCredentials`` (stored) and the client (live)
/// hold them.
struct SCRAMDerivedKeys: Sendable {
    /// `ClientKey := HMAC(SaltedPassword, "Client Key")`.
    let clientKey: [UInt8]
    /// `StoredKey := H(ClientKey)`.
    let storedKey: [UInt8]
    /// `ServerKey := HMAC(SaltedPassword, "Server Key")`.
    let serverKey: [UInt8]

    /// Runs `SaltedPassword := Hi(Normalize(password), salt, i)` and derives the
    /// keys from it. `password` is already prepared (``PasswordPreparation``).
    init(password: [UInt8], hash: SCRAMHash, salt: [UInt8], iterations: Int) throws(SASLError) {
        let saltedPassword: [UInt8]
        do {
            saltedPassword = try hash.saltedPassword(password, salt: salt, iterations: iterations)
        } catch {
            throw .keyDerivationFailed()
        }
        clientKey = hash.hmac(key: saltedPassword, Array("Client Key".utf8))
        storedKey = hash.hash(clientKey)
        serverKey = hash.hmac(key: saltedPassword, Array("Server Key".utf8))
    }
}

extension SCRAMHash {
    /// `ClientProof := ClientKey XOR HMAC(StoredKey, AuthMessage)` (RFC 5802 §3).
    func clientProof(clientKey: [UInt8], storedKey: [UInt8], authMessage: [UInt8]) -> [UInt8] {
        xor(clientKey, hmac(key: storedKey, authMessage))
    }

    /// `ServerSignature := HMAC(ServerKey, AuthMessage)` (RFC 5802 §3).
    func serverSignature(serverKey: [UInt8], authMessage: [UInt8]) -> [UInt8] {
        hmac(key: serverKey, authMessage)
    }

    /// The server's check of a client proof (RFC 5802 §3): recover
    /// `ClientKey := ClientProof XOR HMAC(StoredKey, AuthMessage)` and compare
    /// `H(ClientKey)` with StoredKey in constant time.
    func verifyClientProof(_ proof: [UInt8], storedKey: [UInt8], authMessage: [UInt8]) -> Bool {
        guard proof.count == byteCount else { return false }
        let clientKey = xor(proof, hmac(key: storedKey, authMessage))
        return constantTimeEquals(hash(clientKey), storedKey)
    }
}
