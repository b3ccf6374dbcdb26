import XMPPCore

/// The server side of a SCRAM exchange (RFC 5802 §5) after the
/// client-first-message, while storage looks up the user's credentials.
struct SCRAMServerAwaitingCredentials {
    let mechanism: SASLMechanism
    let hash: SCRAMHash
    let clientFirst: SCRAMClientFirstMessage
    let identity: JID
    let serverNonce: String

    /// Checks the client-first-message: syntax, the GS2 header's channel binding
    /// flag against the mechanism (RFC 5802 §6), the authzid, and the username.
    init(
        clientFirst bytes: [UInt8],
        mechanism: SASLMechanism,
        hash: SCRAMHash,
        configuration: SASLServerStateMachine.Configuration,
        serverNonce: String
    ) throws(SASLFailure) {
        let message: SCRAMClientFirstMessage
        do {
            message = try SCRAMClientFirstMessage(parsing: bytes)
        } catch {
            throw SASLFailure(.malformedRequest, text: error.reason)
        }
        try Self.checkChannelBindingFlag(message.header.flag, mechanism: mechanism, configuration: configuration)
        guard let identity = configuration.identity(username: message.username) else {
            throw SASLFailure(.notAuthorized)
        }
        if let failure = configuration.authorizationFailure(message.header.authorizationIdentity, for: identity) {
            throw failure
        }
        self.mechanism = mechanism
        self.hash = hash
        self.clientFirst = message
        self.identity = identity
        self.serverNonce = serverNonce
    }

    /// RFC 5802 §6: a -PLUS mechanism needs `p=` with a type the server has; `p=`
    /// on a mechanism without -PLUS fails; `y` while this server offers a -PLUS
    /// mechanism means someone removed it from the offer (a downgrade), so fails.
    private static func checkChannelBindingFlag(
        _ flag: GS2Header.ChannelBindingFlag,
        mechanism: SASLMechanism,
        configuration: SASLServerStateMachine.Configuration
    ) throws(SASLFailure) {
        switch flag {
        case .used(let name):
            guard mechanism.isPlus else {
                throw SASLFailure(.malformedRequest, text: "channel binding requested with a mechanism without -PLUS")
            }
            guard let binding = configuration.channelBinding, name == binding.kind.rawValue else {
                throw SASLFailure(.malformedRequest, text: "unsupported channel binding type")
            }
        case .notSupported, .supportedButNotUsed:
            guard !mechanism.isPlus else {
                throw SASLFailure(.malformedRequest, text: "a -PLUS mechanism requires channel binding")
            }
            if flag == .supportedButNotUsed, configuration.offeredMechanisms.contains(where: \.isPlus) {
                throw SASLFailure(.notAuthorized, text: "channel binding downgrade detected")
            }
        }
    }

    /// The server-first-message for the user's credentials, or for stand-in ones
    /// when the user is unknown, and the state that awaits the client-final-message.
    func credentialsLookedUp(
        _ lookup: SASLCredentialLookup,
        configuration: SASLServerStateMachine.Configuration
    ) throws(SASLFailure) -> (SCRAMServerAwaitingFinal, [UInt8]) {
        let credentials: SCRAMCredentials
        let status: SASLAccountStatus?
        switch lookup {
        case .found(let found, let accountStatus) where found.hash == hash:
            credentials = found
            status = accountStatus
        case .found, .noSuchUser:
            credentials = .unknownUser(
                username: identity.localpart ?? "",
                hash: hash,
                iterations: configuration.unknownUserIterations,
                secret: configuration.unknownUserSecret
            )
            status = nil
        case .temporarilyUnavailable:
            throw SASLFailure(.temporaryAuthFailure)
        }
        let serverFirst = SCRAMServerFirstMessage(
            nonce: clientFirst.nonce + serverNonce,
            salt: credentials.salt,
            iterations: credentials.iterations
        )
        var expectedBinding = Array(clientFirst.headerText.utf8)
        if mechanism.isPlus, let binding = configuration.channelBinding {
            expectedBinding += binding.data
        }
        let next = SCRAMServerAwaitingFinal(
            hash: hash,
            identity: identity,
            credentials: credentials,
            status: status,
            nonce: serverFirst.nonce,
            expectedChannelBinding: expectedBinding,
            authMessagePrefix: clientFirst.bare + "," + serverFirst.text + ","
        )
        return (next, serverFirst.bytes)
    }
}

/// The server side of a SCRAM exchange after the server-first-message.
struct SCRAMServerAwaitingFinal {
    let hash: SCRAMHash
    let identity: JID
    let credentials: SCRAMCredentials
    /// `nil` for an unknown user, who is refused even if the proof were to verify.
    let status: SASLAccountStatus?
    let nonce: String
    let expectedChannelBinding: [UInt8]
    /// `client-first-message-bare + "," + server-first-message + ","`.
    let authMessagePrefix: String

    /// Checks the client-final-message (RFC 5802 §5.1, §6): the nonce, the
    /// channel binding, then the proof; returns the server-final-message.
    /// Every step runs for an unknown user too, so only the outcome differs.
    func clientFinalReceived(_ bytes: [UInt8]) throws(SASLFailure) -> [UInt8] {
        let message: SCRAMClientFinalMessage
        do {
            message = try SCRAMClientFinalMessage(parsing: bytes)
        } catch {
            throw SASLFailure(.malformedRequest, text: error.reason)
        }
        guard message.nonce == nonce else {
            throw SASLFailure(.notAuthorized, text: "nonce mismatch")
        }
        guard message.channelBinding == expectedChannelBinding else {
            throw SASLFailure(.notAuthorized, text: "channel bindings do not match")
        }
        let authMessage = Array((authMessagePrefix + message.withoutProof).utf8)
        let verified = hash.verifyClientProof(message.proof, storedKey: credentials.storedKey, authMessage: authMessage)
        guard verified, let status else {
            throw SASLFailure(.notAuthorized)
        }
        switch status {
        case .active:
            break
        case .disabled:
            throw SASLFailure(.accountDisabled)
        case .credentialsExpired:
            throw SASLFailure(.credentialsExpired)
        }
        let signature = hash.serverSignature(serverKey: credentials.serverKey, authMessage: authMessage)
        return SCRAMServerFinalMessage.verifier(signature).bytes
    }
}
