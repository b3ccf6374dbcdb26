import Logging
import NeedletailStorage
import XMPPCore

/// XEP-0077 §3.1: a client that has not logged in asks for the form, then sends a
/// username and password; the account is created on its stream's domain and the
/// client then authenticates as usual on the same stream.
extension RegistrationModule {
    static func answerUnauthenticated(
        _ request: IQ, client: UnauthenticatedClient, router: Router, throttle: RegistrationThrottle, iterations: Int
    ) async -> IQ {
        guard request.type == .set else {
            return request.result(payload: RegistrationQuery.form)
        }
        let query = RegistrationQuery(request.payload)
        let outcome = await create(query, client: client, router: router, throttle: throttle, iterations: iterations)
        switch outcome {
        case .success(let account):
            client.logger.info("account registered in band", metadata: ["xmpp.account": "\(account)"])
            return request.result()
        case .failure(let error):
            client.logger.info("registration refused", metadata: [
                "xmpp.error": "\(error)", "xmpp.username": "\(query.username ?? "-")",
            ])
            return reply(to: request, .failure(error)) ?? request.result()
        }
    }

    /// Creates the account the query asks for: `not-acceptable` for a missing
    /// username or password (§3.1) or a username that is no valid localpart (RFC
    /// 7622 §3.3), `resource-constraint` while the address must wait, `conflict`
    /// for a username that is taken (§3.1).
    private static func create(
        _ query: RegistrationQuery, client: UnauthenticatedClient, router: Router, throttle: RegistrationThrottle,
        iterations: Int
    ) async -> Result<JID, StanzaError> {
        guard !query.isRemoval else {
            // §3.2: only a registered (logged-in) entity can cancel a registration.
            return .failure(.unexpectedRequest("log in to remove an account"))
        }
        guard let (username, password) = query.credentials else {
            return .failure(.notAcceptable("a username and a password are required"))
        }
        guard let account = try? JID(localpart: username, domainpart: client.domain.domainpart) else {
            return .failure(.notAcceptable("that username is not a valid JID localpart"))
        }
        // A taken username is refused before keys are derived: a failed registration
        // does not count against the address, so it must not cost much either.
        do {
            if try await router.storage.accounts.credentials(localpart: account.localpart ?? "", domain: account.domainpart) != nil {
                return .failure(.conflict("that username is taken"))
            }
        } catch {
            client.logger.error("account storage failed", metadata: ["error": "\(error)"])
            return .failure(.internalServerError())
        }
        guard let claim = throttle.claim(client.address ?? "unknown") else {
            let seconds = throttle.interval.components.seconds
            return .failure(.resourceConstraint("only one account may be registered from an address every \(seconds) seconds"))
        }
        do {
            try await administration(router, domain: client.domain.domainpart, iterations: iterations, address: client.address)
                .add(account, password: password)
            return .success(account)
        } catch {
            throttle.release(claim)
            return .failure(stanzaError(error, logger: client.logger))
        }
    }
}
