import NeedletailStorage
import XMPPCore
import XMPPStreams

/// What `needletail user add|passwd|del|list` do, apart from the command line:
/// accounts of the configured domains, stored as SCRAM credentials for SHA-1,
/// SHA-256 and SHA-512 (salt, iteration count, StoredKey and ServerKey each,
/// RFC 5802 §3), never as a password.
///
/// Addresses are bare JIDs, normalized as the server compares them (RFC 7622):
/// `Juliet@Example.COM` and `juliet@example.com` are one account.
public struct AccountAdministration: Sendable {
    /// Where accounts are kept.
    public let store: any AccountStore
    /// The domains accounts may be created on, normalized.
    public let domains: [String]
    /// The PBKDF2 iteration count given to new and changed passwords.
    public let iterations: Int
    /// Where each change is recorded, and as whose.
    let audit: AuditLog
    let actor: AuditLog.Actor

    /// Administration of `store` for `domains`, deriving keys with `iterations`;
    /// changes are audited as made by `actor`.
    public init(
        store: any AccountStore, domains: [String], iterations: Int, audit: AuditLog = .off,
        actor: AuditLog.Actor = .commandLine
    ) {
        self.store = store
        self.domains = domains
        self.iterations = iterations
        self.audit = audit
        self.actor = actor
    }

    /// Administration of `store` with the domains and iteration count of
    /// `configuration`, audited as the command line.
    public init(store: any AccountStore, configuration: ServerConfiguration) {
        self.init(
            store: store, domains: configuration.domains, iterations: configuration.authentication.iterations,
            audit: .make(enabled: configuration.auditEnabled), actor: .commandLine)
    }

    /// Creates the account `address` with `password`; returns its normalized bare JID.
    @discardableResult
    public func add(_ address: String, password: String) async throws(AccountAdministrationError) -> JID {
        try await add(validatedAccount(address), password: password)
    }

    /// Creates the account `account` (a bare JID on a served domain) with `password`;
    /// returns it. What the command line and in-band registration (XEP-0077) share.
    @discardableResult
    public func add(_ account: JID, password: String) async throws(AccountAdministrationError) -> JID {
        let jid = try validated(account)
        let credentials = try Self.credentials(password: password, iterations: iterations)
        do {
            try await store.create(localpart: jid.localpart ?? "", domain: jid.domainpart, credentials: credentials)
        } catch where error.code == .alreadyExists {
            throw AccountAdministrationError(.alreadyExists, "The account '\(jid)' already exists; use 'needletail user passwd \(jid)' to change its password.")
        } catch {
            throw .storage(error, while: "create the account '\(jid)'")
        }
        audit.accountCreated(jid, by: actor)
        return jid
    }

    /// Replaces the password of the account `address`; returns its normalized bare JID.
    /// A disabled account stays disabled.
    @discardableResult
    public func changePassword(_ address: String, password: String) async throws(AccountAdministrationError) -> JID {
        try await changePassword(of: validatedAccount(address), password: password)
    }

    /// Replaces the password of `account` (a bare JID on a served domain); returns it.
    @discardableResult
    public func changePassword(of account: JID, password: String) async throws(AccountAdministrationError) -> JID {
        let jid = try validated(account)
        let credentials = try Self.credentials(password: password, iterations: iterations)
        do {
            try await store.updateCredentials(localpart: jid.localpart ?? "", domain: jid.domainpart, credentials: credentials)
        } catch where error.code == .notFound {
            throw Self.noSuchAccount(jid)
        } catch {
            throw .storage(error, while: "change the password of '\(jid)'")
        }
        audit.passwordChanged(jid, by: actor)
        return jid
    }

    /// Deletes the account `address` and everything stored for it; returns its
    /// normalized bare JID.
    @discardableResult
    public func delete(_ address: String) async throws(AccountAdministrationError) -> JID {
        try await delete(validatedAccount(address))
    }

    /// Deletes `account` (a bare JID on a served domain) and everything stored for
    /// it (SQLite cascades to rosters, offline messages and account data); returns it.
    @discardableResult
    public func delete(_ account: JID) async throws(AccountAdministrationError) -> JID {
        let jid = try validated(account)
        let existed: Bool
        do {
            existed = try await store.delete(localpart: jid.localpart ?? "", domain: jid.domainpart)
        } catch {
            throw .storage(error, while: "delete the account '\(jid)'")
        }
        guard existed else { throw Self.noSuchAccount(jid) }
        audit.accountRemoved(jid, by: actor)
        return jid
    }

    /// The bare JIDs of the accounts on `domain`, or on every configured domain
    /// when it is `nil`, domain by domain in configuration order.
    public func list(domain: String? = nil) async throws(AccountAdministrationError) -> [JID] {
        let listed = try domain.map { domain throws(AccountAdministrationError) in [try servedDomain(domain)] } ?? domains
        var accounts: [JID] = []
        for domain in listed {
            let localparts: [String]
            do {
                localparts = try await store.list(domain: domain)
            } catch {
                throw .storage(error, while: "list the accounts of '\(domain)'")
            }
            for localpart in localparts {
                if let jid = try? JID(localpart: localpart, domainpart: domain) {
                    accounts.append(jid)
                }
            }
        }
        return accounts
    }

    /// SCRAM credentials for every hash Needletail speaks, each with its own
    /// random salt, derived from `password` with `iterations` (RFC 5802 §3,
    /// RFC 7677). The password goes no further than this function.
    public static func credentials(password: String, iterations: Int) throws(AccountAdministrationError) -> StoredCredentials {
        func keys(_ hash: SCRAMHash) throws(AccountAdministrationError) -> SCRAMKeys {
            do {
                let derived = try SCRAMCredentials.derive(password: password, hash: hash, iterations: iterations)
                return SCRAMKeys(salt: derived.salt, iterations: derived.iterations, storedKey: derived.storedKey, serverKey: derived.serverKey)
            } catch where error.code == .unusablePassword {
                throw AccountAdministrationError(.unusablePassword, "The password cannot be used: \(error.detail).")
            } catch where error.code == .iterationCountTooLow {
                throw AccountAdministrationError(.unusablePassword, "The iteration count \(iterations) is below the \(SCRAMCredentials.minimumIterations) RFC 7677 §4 asks for; raise 'authentication.iterations'.")
            } catch {
                throw AccountAdministrationError(.unusablePassword, "Credentials could not be derived from the password: \(error.detail).")
            }
        }
        return StoredCredentials(sha1: try keys(.sha1), sha256: try keys(.sha256), sha512: try keys(.sha512))
    }

    /// `address` as a normalized bare JID with a localpart on a served domain;
    /// what every other method checks first, for callers that want to check it
    /// before asking for a password.
    public func validatedAccount(_ address: String) throws(AccountAdministrationError) -> JID {
        let jid: JID
        do {
            jid = try JID(address)
        } catch {
            throw AccountAdministrationError(.invalidAddress, "'\(address)' is not a valid JID: \(ServerConfiguration.lowercasingFirst(error.description))")
        }
        return try validated(jid)
    }

    /// `jid` if it is a bare JID with a localpart on a served domain.
    private func validated(_ jid: JID) throws(AccountAdministrationError) -> JID {
        guard jid.localpart != nil else {
            throw AccountAdministrationError(.invalidAddress, "'\(jid)' has no localpart; give the account as user@\(jid.domainpart).")
        }
        guard jid.resourcepart == nil else {
            throw AccountAdministrationError(.invalidAddress, "'\(jid)' has a resource; give the bare JID '\(jid.bare)'.")
        }
        _ = try servedDomain(jid.domainpart)
        return jid
    }

    /// `domain`, normalized, if it is served.
    private func servedDomain(_ domain: String) throws(AccountAdministrationError) -> String {
        let normalized = ConfigurationDecoder.normalizedDomain(domain)
        guard domains.contains(normalized) else {
            throw AccountAdministrationError(
                .domainNotServed,
                "The domain '\(normalized)' is not served by this configuration (\(ConfigWording.list(domains.map { "'\($0)'" }))); add it to 'domains' first."
            )
        }
        return normalized
    }

    private static func noSuchAccount(_ jid: JID) -> AccountAdministrationError {
        AccountAdministrationError(.notFound, "There is no account '\(jid)'.")
    }
}
