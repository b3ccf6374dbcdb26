import Logging
import XMPPCore
import XMPPStreams

/// XEP-0077 In-Band Registration for the server's own accounts, as Prosody's
/// `mod_register` does it. Logged-in users change their password (§3.3) and
/// delete their account with everything stored for it (§3.2) whenever the module
/// is loaded; creating an account before logging in (§3.1) is open only with
/// `allow_registration`, over a confidential stream, and one per interval from an
/// IP address (§8).
///
/// Accounts are made and changed through ``AccountAdministration``, as
/// `needletail user add|passwd|del` do: SCRAM keys only, never the password.
public struct RegistrationModule: ServerModule {
    public static let name = "register"

    /// Whether clients may create accounts before logging in.
    public let allowsRegistration: Bool
    /// The least time between two registrations from one IP address.
    public let interval: Duration
    /// The PBKDF2 iteration count of passwords set in band.
    public let iterations: Int

    public init(allowsRegistration: Bool = false, interval: Duration = .seconds(60), iterations: Int = SCRAMCredentials.defaultIterations) {
        self.allowsRegistration = allowsRegistration
        self.interval = interval
        self.iterations = iterations
    }

    public func register(_ registrar: inout ModuleRegistrar) {
        // §7 (Determining Support): clients learn from disco that passwords can be changed here.
        registrar.feature(Namespace.register)
        let iterations = iterations
        if allowsRegistration {
            // One throttle per loaded module: every connection of this server shares it.
            let throttle = RegistrationThrottle(interval: interval)
            registrar.onRegistration { request, client, router in
                await Self.answerUnauthenticated(request, client: client, router: router, throttle: throttle, iterations: iterations)
            }
        }
        registrar.ownAccountIQ(.get, "query", namespace: Namespace.register) { request, addressee, sender, _ in
            guard Self.isOwnServer(addressee, of: sender) else { return nil }
            return request.result(payload: RegistrationQuery.registered(sender.jid.bare))
        }
        registrar.ownAccountIQ(.set, "query", namespace: Namespace.register) { request, addressee, sender, router in
            guard Self.isOwnServer(addressee, of: sender) else { return nil }
            let query = RegistrationQuery(request.payload)
            let outcome = query.isRemoval
                ? await Self.remove(query, sender: sender, router: router, iterations: iterations)
                : await Self.changePassword(query, sender: sender, router: router, iterations: iterations)
            return Self.reply(to: request, outcome)
        }
    }

    /// Whether a logged-in client asks its own server about its own account: an IQ
    /// to its domain, or with no `to` (XEP-0077 §3.2, §3.3). Other addressees are
    /// not registrations this server keeps (`service-unavailable`).
    static func isOwnServer(_ addressee: IQAddressee, of sender: ClientSession) -> Bool {
        switch addressee {
        case .server(let domain): domain == sender.jid.domain
        case .account(let account): account == sender.jid.bare
        }
    }

    /// The result, or the error without the request's payload: it holds a password
    /// (XEP-0077 §3.3: "SHOULD NOT return the original XML").
    static func reply(to request: IQ, _ outcome: Result<Void, StanzaError>) -> IQ? {
        switch outcome {
        case .success: request.result()
        case .failure(let error): request.errorReply(error, includingOriginalPayload: false)
        }
    }

    /// Accounts of `domain`, with passwords derived with `iterations`; changes are
    /// audited as made in band from `address`.
    static func administration(_ router: Router, domain: String, iterations: Int, address: String? = nil) -> AccountAdministration {
        AccountAdministration(
            store: router.storage.accounts, domains: [domain], iterations: iterations, audit: router.audit,
            actor: .inBand(address: address))
    }

    /// The stanza error for an account operation that failed; storage faults are
    /// logged with the original and become `internal-server-error` (STYLE §2.5).
    static func stanzaError(_ error: AccountAdministrationError, logger: Logger) -> StanzaError {
        switch error.code {
        case .alreadyExists: return .conflict("that username is taken")
        case .notFound: return .registrationRequired("there is no such account")
        case .unusablePassword: return .notAcceptable("that password cannot be used")
        case .invalidAddress, .domainNotServed: return .notAcceptable("that username cannot be used")
        default:
            logger.error("account storage failed", metadata: ["error": "\(error)"])
            return .internalServerError()
        }
    }
}
