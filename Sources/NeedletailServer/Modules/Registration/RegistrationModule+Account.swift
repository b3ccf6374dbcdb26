import Logging
import NeedletailStorage
import XMPPCore

/// What a logged-in account does with `jabber:iq:register`: change its password
/// (XEP-0077 §3.3) or cancel its registration (§3.2).
extension RegistrationModule {
    /// §3.3: `<username/>` (the account's own) and a non-empty `<password/>`
    /// replace the account's SCRAM keys; the sessions stay up.
    static func changePassword(
        _ query: RegistrationQuery, sender: ClientSession, router: Router, iterations: Int
    ) async -> Result<Void, StanzaError> {
        let logger = sessionLogger(router, sender)
        let outcome = await changePassword(
            query, of: sender.jid.bare, confidential: sender.isConfidential, router: router, iterations: iterations)
        switch outcome {
        case .success: logger.info("password changed in band")
        case .failure(let error): logger.info("password change refused", metadata: ["xmpp.error": "\(error)"])
        }
        return outcome
    }

    private static func changePassword(
        _ query: RegistrationQuery, of account: JID, confidential: Bool, router: Router, iterations: Int
    ) async -> Result<Void, StanzaError> {
        // §3.3: a deployment may refuse password changes on a stream that is not encrypted.
        guard confidential else {
            return .failure(.notAuthorized("change your password over TLS"))
        }
        // §3.3: an empty password never replaces the current one.
        guard let (username, password) = query.credentials else {
            return .failure(.badRequest("a password change needs <username/> and a non-empty <password/>"))
        }
        guard let named = try? JID(localpart: username, domainpart: account.domainpart), named == account else {
            return .failure(.notAllowed("only the account's own password can be changed"))
        }
        do {
            try await administration(router, domain: account.domainpart, iterations: iterations)
                .changePassword(of: account, password: password)
            return .success(())
        } catch {
            return .failure(stanzaError(error, logger: router.logger))
        }
    }

    /// §3.2: `<remove/>` alone deletes the account and everything stored for it
    /// (rosters, offline messages, vCard, private storage: the account's rows
    /// cascade), then ends each of its sessions with `<not-authorized/>`, the
    /// requesting one after it has the result.
    static func remove(
        _ query: RegistrationQuery, sender: ClientSession, router: Router, iterations: Int
    ) async -> Result<Void, StanzaError> {
        let account = sender.jid.bare
        let logger = sessionLogger(router, sender)
        guard query.fieldCount == 1 else {
            logger.info("account removal refused: <remove/> was not alone")
            return .failure(.badRequest("<remove/> must be the only element of the query"))
        }
        // As Prosody does: contacts learn the subscriptions are gone (RFC 6121
        // §2.5.2, what removing each roster item would send) before the data goes.
        if let roster = try? await router.storage.rosters.roster(of: account) {
            let subscriptions = Subscriptions(router: router, maxItems: Int.max)
            for item in roster.items {
                _ = try? await subscriptions.remove(item.contact, of: sender)
            }
        }
        do {
            try await administration(router, domain: account.domainpart, iterations: iterations).delete(account)
        } catch {
            let stanzaError = stanzaError(error, logger: logger)
            logger.info("account removal refused", metadata: ["xmpp.error": "\(stanzaError)"])
            return .failure(stanzaError)
        }
        logger.info("account removed in band")
        for session in router.registry.sessions(of: account) {
            session.close(with: StreamError(.notAuthorized, text: "the account has been removed"))
        }
        return .success(())
    }

    /// The router's logger, naming the session that asked.
    private static func sessionLogger(_ router: Router, _ sender: ClientSession) -> Logger {
        var logger = router.logger
        logger[metadataKey: "xmpp.jid"] = "\(sender.jid)"
        return logger
    }
}
