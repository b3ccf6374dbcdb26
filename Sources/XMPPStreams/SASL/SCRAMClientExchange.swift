/// The client side of a SCRAM exchange (RFC 5802 §5) after the
/// client-first-message. Holds the prepared password only until the
/// server-first-message gives the salt; afterwards only the expected signature.
struct SCRAMClientAwaitingServerFirst {
    let hash: SCRAMHash
    let clientFirst: SCRAMClientFirstMessage
    /// Channel binding data to append to the GS2 header (empty without -PLUS).
    let channelBindingData: [UInt8]
    let maximumIterations: Int
    private let preparedPassword: [UInt8]
    let keyCache: SCRAMKeyCache?

    init(
        hash: SCRAMHash,
        clientFirst: SCRAMClientFirstMessage,
        channelBindingData: [UInt8],
        preparedPassword: [UInt8],
        maximumIterations: Int,
        keyCache: SCRAMKeyCache? = nil
    ) {
        self.keyCache = keyCache
        self.hash = hash
        self.clientFirst = clientFirst
        self.channelBindingData = channelBindingData
        self.preparedPassword = preparedPassword
        self.maximumIterations = maximumIterations
    }

    /// Checks the server-first-message and computes the client-final-message.
    ///
    /// The combined nonce must start with the client's and add to it (RFC 5802
    /// §5.1); the iteration count must be at least 4096 (RFC 7677 §4: a lower one
    /// suggests a man in the middle making the proof cheap to attack offline) and
    /// at most the configured maximum.
    func serverFirstReceived(_ bytes: [UInt8]) throws(SASLError) -> (SCRAMClientAwaitingServerFinal, [UInt8]) {
        let serverFirst: SCRAMServerFirstMessage
        do {
            serverFirst = try SCRAMServerFirstMessage(parsing: bytes)
        } catch {
            throw .malformedServerMessage(error.reason)
        }
        guard serverFirst.nonce.utf8.starts(with: clientFirst.nonce.utf8), serverFirst.nonce.utf8.count > clientFirst.nonce.utf8.count else {
            throw .malformedServerMessage("the server nonce does not extend the client nonce")
        }
        guard serverFirst.iterations >= SCRAMCredentials.minimumIterations else {
            throw .iterationCountTooLow(serverFirst.iterations)
        }
        guard serverFirst.iterations <= maximumIterations else {
            throw .iterationCountTooHigh(serverFirst.iterations, maximum: maximumIterations)
        }
        let derive = { () throws(SASLError) -> SCRAMDerivedKeys in
            try SCRAMDerivedKeys(password: preparedPassword, hash: hash, salt: serverFirst.salt, iterations: serverFirst.iterations)
        }
        let keys: SCRAMDerivedKeys
        if let keyCache {
            let key = SCRAMKeyCache.Key(username: clientFirst.username, hash: hash, salt: serverFirst.salt, iterations: serverFirst.iterations)
            keys = try keyCache.keys(for: key, derive: derive)
        } else {
            keys = try derive()
        }
        let clientFinal = SCRAMClientFinalMessage(
            channelBinding: Array(clientFirst.headerText.utf8) + channelBindingData,
            nonce: serverFirst.nonce
        )
        let authMessage = Array("\(clientFirst.bare),\(serverFirst.text),\(clientFinal.withoutProof)".utf8)
        let proof = hash.clientProof(clientKey: keys.clientKey, storedKey: keys.storedKey, authMessage: authMessage)
        let next = SCRAMClientAwaitingServerFinal(
            expectedSignature: hash.serverSignature(serverKey: keys.serverKey, authMessage: authMessage)
        )
        return (next, clientFinal.bytes(proof: proof))
    }
}

/// The client side of a SCRAM exchange after the client-final-message.
struct SCRAMClientAwaitingServerFinal {
    let expectedSignature: [UInt8]

    /// Checks the server-final-message: `v=` must carry the ServerSignature
    /// (RFC 5802 §3: this proves the server knows the credentials); `e=` is the
    /// server's refusal.
    func serverFinalReceived(_ bytes: [UInt8]) throws(SASLError) {
        let serverFinal: SCRAMServerFinalMessage
        do {
            serverFinal = try SCRAMServerFinalMessage(parsing: bytes)
        } catch {
            throw .malformedServerMessage(error.reason)
        }
        switch serverFinal {
        case .error(let value):
            throw .serverError(value)
        case .verifier(let signature):
            guard constantTimeEquals(signature, expectedSignature) else {
                throw .serverVerificationFailed("the server signature does not match")
            }
        }
    }
}
