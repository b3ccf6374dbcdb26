import XMPPCore

/// The receiving entity's side of one SASL exchange (RFC 6120 §6.4, RFC 4422
/// §3), sans-I/O: it is told what arrived and returns what to do.
///
/// The driver (the c2s negotiation machine) creates one per `<auth/>`, feeds it
/// the client's elements and storage's answers, and performs each ``Action``.
/// After ``Action/sendSuccess(authenticated:additionalData:)`` or
/// ``Action/sendFailure(_:)`` the exchange is over; a retry after a failure
/// (RFC 6120 §6.4.5, whose count the driver limits) gets a new machine.
///
/// Users who do not exist are not revealed (RFC 6120 §6.5.10, RFC 5802 §9):
/// storage is asked either way, a SCRAM exchange for an unknown user continues
/// with a salt derived from the username and
/// ``Configuration/unknownUserSecret`` (stable, like a real one) and the
/// configured iteration count, PLAIN runs the same key derivation, and both
/// end in the same `not-authorized` as a wrong password. An account's disabled
/// or expired status is reported only after its password is proven.
///
/// Nothing a client sends can trap: every unexpected element or payload ends
/// the exchange with the matching RFC 6120 §6.5 condition.
public struct SASLServerStateMachine: Sendable {
    /// What the driver does next.
    public enum Action: Sendable, Hashable {
        /// Send `<challenge/>` with these bytes (empty for an empty challenge).
        case sendChallenge([UInt8])
        /// Ask storage for the credentials of this prepared username (the
        /// localpart of the JID it will authenticate as) for this hash, then call
        /// ``SASLServerStateMachine/credentialsLookedUp(_:)``.
        case lookUpCredentials(username: String, hash: SCRAMHash)
        /// Send `<success/>` with the additional data, if any (for SCRAM, the
        /// server-final-message; RFC 6120 §6.3.10); the stream is authenticated as
        /// this bare JID and is restarted (RFC 6120 §6.4.6).
        case sendSuccess(authenticated: JID, additionalData: [UInt8]?)
        /// Send `<failure/>` (RFC 6120 §6.4.5); the exchange is over.
        case sendFailure(SASLFailure)
        /// Nothing to do: an answer from storage for an exchange already ended
        /// (the client aborted while it was pending).
        case wait
    }

    private enum State: Sendable {
        case awaitingAuth
        /// `<auth/>` came without an initial response; an empty challenge went out (RFC 6120 §6.4.2).
        case awaitingInitialResponse(SASLMechanism)
        case awaitingSCRAMCredentials(SCRAMServerAwaitingCredentials)
        case awaitingPLAINCredentials(PLAINServerAwaitingCredentials)
        case awaitingClientFinal(SCRAMServerAwaitingFinal)
        case finished
    }

    private let configuration: Configuration
    private let serverNonce: String
    private var state: State = .awaitingAuth

    /// A machine for one exchange, with a fresh random server nonce.
    public init(configuration: Configuration) {
        self.init(configuration: configuration, serverNonce: SCRAMSyntax.randomNonce())
    }

    /// A machine with a given server nonce part, for reproducing known exchanges
    /// in tests (RFC 5802 §5). It must be unique per exchange and made of
    /// printable ASCII other than `,` (RFC 5802 §7); otherwise a random one is used.
    public init(configuration: Configuration, serverNonce: String) {
        self.configuration = configuration
        self.serverNonce = SCRAMSyntax.isValidNonce(serverNonce) ? serverNonce : SCRAMSyntax.randomNonce()
    }

    /// True once success or failure has been returned.
    public var isFinished: Bool {
        if case .finished = state { return true }
        return false
    }

    /// A SASL element from the client: parses it and dispatches to
    /// ``authReceived(mechanism:initialResponse:)``, ``responseReceived(_:)`` or
    /// ``abortReceived()``. An element that does not parse, or that only a
    /// server sends, fails the exchange (`incorrect-encoding`,
    /// `invalid-mechanism` or `malformed-request`).
    public mutating func elementReceived(_ element: XMPPElement) -> Action {
        let parsed: SASLElement
        do {
            parsed = try SASLElement(element)
        } catch {
            return fail(error)
        }
        switch parsed {
        case .auth(let mechanism, let initialResponse):
            return authReceived(mechanism: mechanism, initialResponse: initialResponse)
        case .response(let data):
            return responseReceived(data)
        case .abort:
            return abortReceived()
        case .challenge, .success, .failure:
            return fail(SASLFailure(.malformedRequest, text: "only a server sends this element"))
        }
    }

    /// `<auth mechanism='...'>` (RFC 6120 §6.4.2). The mechanism must be one this
    /// stream offers; otherwise the condition says why (RFC 6120 §6.5):
    /// `invalid-mechanism` for a name we do not support or a -PLUS variant
    /// without channel binding, `encryption-required` for PLAIN without TLS,
    /// `mechanism-too-weak` for one server policy does not allow.
    public mutating func authReceived(mechanism name: String, initialResponse: [UInt8]?) -> Action {
        guard case .awaitingAuth = state else {
            return fail(SASLFailure(.malformedRequest, text: "an exchange is already in progress"))
        }
        guard let mechanism = SASLMechanism(wireName: name) else {
            return fail(SASLFailure(.invalidMechanism))
        }
        guard configuration.offeredMechanisms.contains(mechanism) else {
            if !configuration.allowedMechanisms.contains(mechanism) {
                return fail(SASLFailure(.mechanismTooWeak))
            }
            if mechanism.requiresTLS, !configuration.tlsActive {
                return fail(SASLFailure(.encryptionRequired))
            }
            return fail(SASLFailure(.invalidMechanism, text: "no channel binding on this stream"))
        }
        guard let initialResponse else {
            state = .awaitingInitialResponse(mechanism)
            return .sendChallenge([])
        }
        return initialResponseReceived(initialResponse, mechanism: mechanism)
    }

    /// `<response/>` (RFC 6120 §6.4.3): the initial response after an empty
    /// challenge, or SCRAM's client-final-message.
    public mutating func responseReceived(_ data: [UInt8]) -> Action {
        switch state {
        case .awaitingInitialResponse(let mechanism):
            return initialResponseReceived(data, mechanism: mechanism)
        case .awaitingClientFinal(let exchange):
            do {
                let serverFinal = try exchange.clientFinalReceived(data)
                state = .finished
                return .sendSuccess(authenticated: exchange.identity, additionalData: serverFinal)
            } catch {
                return fail(error)
            }
        case .awaitingAuth, .awaitingSCRAMCredentials, .awaitingPLAINCredentials, .finished:
            return fail(SASLFailure(.malformedRequest, text: "unexpected response"))
        }
    }

    /// `<abort/>` (RFC 6120 §6.4.4): the server answers `<failure><aborted/></failure>`.
    public mutating func abortReceived() -> Action {
        switch state {
        case .awaitingAuth, .awaitingInitialResponse, .awaitingSCRAMCredentials, .awaitingPLAINCredentials,
             .awaitingClientFinal:
            return fail(SASLFailure(.aborted))
        case .finished:
            return fail(SASLFailure(.malformedRequest, text: "the exchange is over"))
        }
    }

    /// Storage's answer to ``Action/lookUpCredentials(username:hash:)``.
    public mutating func credentialsLookedUp(_ lookup: SASLCredentialLookup) -> Action {
        switch state {
        case .awaitingSCRAMCredentials(let exchange):
            do {
                let (next, serverFirst) = try exchange.credentialsLookedUp(lookup, configuration: configuration)
                state = .awaitingClientFinal(next)
                return .sendChallenge(serverFirst)
            } catch {
                return fail(error)
            }
        case .awaitingPLAINCredentials(let exchange):
            do {
                try exchange.credentialsLookedUp(lookup, configuration: configuration)
                state = .finished
                return .sendSuccess(authenticated: exchange.identity, additionalData: nil)
            } catch {
                return fail(error)
            }
        case .awaitingAuth, .awaitingInitialResponse, .awaitingClientFinal, .finished:
            return .wait
        }
    }

    private mutating func initialResponseReceived(_ data: [UInt8], mechanism: SASLMechanism) -> Action {
        do {
            if let hash = mechanism.scramHash {
                let exchange = try SCRAMServerAwaitingCredentials(
                    clientFirst: data,
                    mechanism: mechanism,
                    hash: hash,
                    configuration: configuration,
                    serverNonce: serverNonce
                )
                state = .awaitingSCRAMCredentials(exchange)
                return .lookUpCredentials(username: exchange.identity.localpart ?? "", hash: hash)
            } else {
                let exchange = try PLAINServerAwaitingCredentials(message: data, configuration: configuration)
                state = .awaitingPLAINCredentials(exchange)
                return .lookUpCredentials(username: exchange.identity.localpart ?? "", hash: configuration.plainCredentialsHash)
            }
        } catch {
            return fail(error)
        }
    }

    private mutating func fail(_ failure: SASLFailure) -> Action {
        state = .finished
        return .sendFailure(failure)
    }
}
