import XMPPCore

/// The server side of PLAIN (RFC 4616) after the message, while storage looks
/// up the user's credentials. Holds the prepared password until then, and no
/// longer: it is compared by deriving keys from it, never stored.
struct PLAINServerAwaitingCredentials {
    let identity: JID
    private let preparedPassword: [UInt8]

    /// Checks the message: syntax, the username, the authzid (RFC 4616 §2: the
    /// server verifies the authcid's password and that it may act as the authzid).
    init(message bytes: [UInt8], configuration: SASLServerStateMachine.Configuration) throws(SASLFailure) {
        let message: PLAINMessage
        do {
            message = try PLAINMessage(parsing: bytes)
        } catch {
            throw SASLFailure(.malformedRequest, text: error.reason)
        }
        guard let identity = configuration.identity(username: message.username) else {
            throw SASLFailure(.notAuthorized)
        }
        if let failure = configuration.authorizationFailure(message.authorizationIdentity, for: identity) {
            throw failure
        }
        guard let prepared = try? PasswordPreparation.prepare(message.password) else {
            // No stored key can have come from a password the profile refuses.
            throw SASLFailure(.notAuthorized)
        }
        self.identity = identity
        self.preparedPassword = prepared
    }

    /// Verifies the password against the stored keys. An unknown user's password
    /// is run through `Hi()` with stand-in credentials all the same, so the
    /// answer takes as long as for a real user.
    func credentialsLookedUp(
        _ lookup: SASLCredentialLookup,
        configuration: SASLServerStateMachine.Configuration
    ) throws(SASLFailure) {
        switch lookup {
        case .found(let credentials, let status):
            guard credentials.verify(preparedPassword: preparedPassword) else {
                throw SASLFailure(.notAuthorized)
            }
            switch status {
            case .active: return
            case .disabled: throw SASLFailure(.accountDisabled)
            case .credentialsExpired: throw SASLFailure(.credentialsExpired)
            }
        case .noSuchUser:
            let standIn = SCRAMCredentials.unknownUser(
                username: identity.localpart ?? "",
                hash: configuration.plainCredentialsHash,
                iterations: configuration.unknownUserIterations,
                secret: configuration.unknownUserSecret
            )
            _ = standIn.verify(preparedPassword: preparedPassword)
            throw SASLFailure(.notAuthorized)
        case .temporarilyUnavailable:
            throw SASLFailure(.temporaryAuthFailure)
        }
    }
}
