import XMPPCore

/// The initiating entity's side of one SASL exchange (RFC 6120 §6.4), sans-I/O:
/// the client library and the load tool drive it with what the server sends.
///
/// ``start(offeredMechanisms:)`` picks the strongest mechanism both sides allow
/// and returns `<auth/>` with the initial response; each challenge, success and
/// failure then gives the next ``Action``. For SCRAM the server's signature is
/// verified before ``Action/authenticated`` (RFC 5802 §3): a server that cannot
/// sign, even one that sends `<success/>`, is reported as
/// ``SASLError/Code/serverVerificationFailed`` and must not be trusted.
public struct SASLClientStateMachine: Sendable {
    /// What the driver does next.
    public enum Action: Sendable, Hashable {
        /// Send `<auth mechanism='...'>` with this initial response (RFC 6120 §6.4.2).
        case sendAuth(mechanism: SASLMechanism, initialResponse: [UInt8])
        /// Send `<response/>` with these bytes (empty for an empty response).
        case sendResponse([UInt8])
        /// Send `<abort/>` (RFC 6120 §6.4.4); the server's failure follows.
        case sendAbort
        /// Authentication succeeded and the server proved itself; restart the stream (RFC 6120 §6.4.6).
        case authenticated(SASLMechanism)
        /// The exchange failed; the driver reports the error and closes or retries.
        case fail(SASLError)
        /// Nothing to do (a message crossing an abort).
        case wait
    }

    private enum State: Sendable {
        case initial(Configuration)
        case awaitingServerFirst(SCRAMClientAwaitingServerFirst, SASLMechanism)
        case awaitingServerFinal(SCRAMClientAwaitingServerFinal, SASLMechanism)
        /// PLAIN, or SCRAM whose server-final-message came in a challenge: only `<success/>` is left.
        case awaitingSuccess(SASLMechanism)
        case aborting
        case finished
    }

    private let clientNonce: String
    private var state: State

    /// A machine for one exchange, with a fresh random client nonce.
    public init(configuration: Configuration) {
        self.init(configuration: configuration, clientNonce: SCRAMSyntax.randomNonce())
    }

    /// A machine with a given client nonce, for reproducing known exchanges in
    /// tests (RFC 5802 §5). It must be unique per exchange and made of printable
    /// ASCII other than `,` (RFC 5802 §7); otherwise a random one is used.
    public init(configuration: Configuration, clientNonce: String) {
        self.clientNonce = SCRAMSyntax.isValidNonce(clientNonce) ? clientNonce : SCRAMSyntax.randomNonce()
        self.state = .initial(configuration)
    }

    /// Chooses a mechanism from the names in the server's `<mechanisms/>`
    /// (``SASLMechanism/preferred(offered:allowed:tlsActive:channelBindingAvailable:)``)
    /// and returns `<auth/>` with its initial response.
    public mutating func start(offeredMechanisms: [String]) -> Action {
        guard case .initial(let configuration) = state else {
            return fail(.unexpectedMessage("the exchange has already started"))
        }
        guard let mechanism = SASLMechanism.preferred(
            offered: offeredMechanisms,
            allowed: configuration.allowedMechanisms,
            tlsActive: configuration.tlsActive,
            channelBindingAvailable: configuration.channelBinding != nil
        ) else {
            return fail(.noAcceptableMechanism(offered: offeredMechanisms))
        }
        guard !configuration.username.isEmpty, !configuration.username.utf8.contains(0),
              configuration.authorizationIdentity.map({ !$0.isEmpty && !$0.utf8.contains(0) }) ?? true
        else {
            return fail(.invalidIdentity("empty or containing NUL"))
        }
        let password: [UInt8]
        do {
            password = try PasswordPreparation.prepare(configuration.password)
        } catch {
            return fail(error)
        }
        guard let hash = mechanism.scramHash else {
            state = .awaitingSuccess(mechanism)
            let message = PLAINMessage.bytes(
                authorizationIdentity: configuration.authorizationIdentity,
                username: configuration.username,
                preparedPassword: password
            )
            return .sendAuth(mechanism: mechanism, initialResponse: message)
        }
        let clientFirst = SCRAMClientFirstMessage(
            header: GS2Header(
                flag: Self.channelBindingFlag(mechanism: mechanism, configuration: configuration, offered: offeredMechanisms),
                authorizationIdentity: configuration.authorizationIdentity
            ),
            username: configuration.username,
            nonce: clientNonce
        )
        let exchange = SCRAMClientAwaitingServerFirst(
            hash: hash,
            clientFirst: clientFirst,
            channelBindingData: mechanism.isPlus ? configuration.channelBinding?.data ?? [] : [],
            preparedPassword: password,
            maximumIterations: configuration.maximumIterations,
            keyCache: configuration.keyCache
        )
        state = .awaitingServerFirst(exchange, mechanism)
        return .sendAuth(mechanism: mechanism, initialResponse: clientFirst.bytes)
    }

    /// RFC 5802 §6: `p=` for a -PLUS mechanism; `y` when the client could bind but
    /// the server offered no -PLUS mechanism at all (so a server that did offer
    /// one detects the downgrade); `n` otherwise.
    private static func channelBindingFlag(
        mechanism: SASLMechanism,
        configuration: Configuration,
        offered: [String]
    ) -> GS2Header.ChannelBindingFlag {
        if mechanism.isPlus, let binding = configuration.channelBinding {
            return .used(binding.kind.rawValue)
        }
        let serverOffersPlus = offered.contains { SASLMechanism(wireName: $0)?.isPlus == true }
        return configuration.channelBinding != nil && !serverOffersPlus ? .supportedButNotUsed : .notSupported
    }

    /// A SASL element from the server: parses it and dispatches to
    /// ``challengeReceived(_:)``, ``successReceived(additionalData:)`` or
    /// ``failureReceived(_:)``. An element that does not parse, or that only a
    /// client sends, fails with ``SASLError/Code/malformedServerMessage`` or
    /// ``SASLError/Code/unexpectedMessage``.
    public mutating func elementReceived(_ element: XMPPElement) -> Action {
        let parsed: SASLElement
        do {
            parsed = try SASLElement(element)
        } catch {
            return fail(.malformedServerMessage("unreadable SASL element: \(error.condition.rawValue)"))
        }
        switch parsed {
        case .challenge(let data):
            return challengeReceived(data)
        case .success(let additionalData):
            return successReceived(additionalData: additionalData)
        case .failure(let failure):
            return failureReceived(failure)
        case .auth, .response, .abort:
            return fail(.unexpectedMessage("only a client sends this element"))
        }
    }

    /// `<challenge/>`: SCRAM's server-first-message, or its server-final-message
    /// sent as a challenge (answered with an empty response, then `<success/>`
    /// must follow).
    public mutating func challengeReceived(_ data: [UInt8]) -> Action {
        switch state {
        case .awaitingServerFirst(let exchange, let mechanism):
            do {
                let (next, clientFinal) = try exchange.serverFirstReceived(data)
                state = .awaitingServerFinal(next, mechanism)
                return .sendResponse(clientFinal)
            } catch {
                return fail(error)
            }
        case .awaitingServerFinal(let exchange, let mechanism):
            do {
                try exchange.serverFinalReceived(data)
                state = .awaitingSuccess(mechanism)
                return .sendResponse([])
            } catch {
                return fail(error)
            }
        case .aborting:
            return .wait
        case .initial, .awaitingSuccess, .finished:
            return fail(.unexpectedMessage("unexpected challenge"))
        }
    }

    /// `<success/>` with its additional data (RFC 6120 §6.3.10). For SCRAM it must
    /// carry a valid server-final-message unless one already came in a challenge.
    public mutating func successReceived(additionalData: [UInt8]?) -> Action {
        switch state {
        case .awaitingServerFinal(let exchange, let mechanism):
            guard let additionalData else {
                return fail(.serverVerificationFailed("success without the server signature"))
            }
            do {
                try exchange.serverFinalReceived(additionalData)
            } catch {
                return fail(error)
            }
            state = .finished
            return .authenticated(mechanism)
        case .awaitingSuccess(let mechanism):
            state = .finished
            return .authenticated(mechanism)
        case .awaitingServerFirst:
            return fail(.serverVerificationFailed("success before the server proved itself"))
        case .aborting:
            return fail(.unexpectedMessage("success after abort"))
        case .initial, .finished:
            return fail(.unexpectedMessage("unexpected success"))
        }
    }

    /// `<failure/>` (RFC 6120 §6.4.5): ends the exchange with
    /// ``SASLError/Code/authenticationFailed`` carrying the server's condition.
    public mutating func failureReceived(_ failure: SASLFailure) -> Action {
        fail(.authenticationFailed(failure))
    }

    /// Gives up on the exchange: send `<abort/>`; the server answers with
    /// `<failure><aborted/></failure>` (RFC 6120 §6.4.4).
    public mutating func abort() -> Action {
        switch state {
        case .awaitingServerFirst, .awaitingServerFinal, .awaitingSuccess:
            state = .aborting
            return .sendAbort
        case .initial, .aborting, .finished:
            return .wait
        }
    }

    private mutating func fail(_ error: SASLError) -> Action {
        state = .finished
        return .fail(error)
    }
}
