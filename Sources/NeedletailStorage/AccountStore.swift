import Foundation

/// Local accounts: one per localpart and domain, holding SCRAM credentials.
///
/// Localparts and domains are compared exactly as given: callers pass parts that are
/// already prepared (RFC 7622 §3.3 and §3.2), so `Juliet` and `juliet` only meet
/// here if the caller made them equal. Every method completes after the backend has
/// committed, so what a caller acknowledges afterwards is on disk.
///
/// Conforming types are shared across connections and must be safe to call from
/// any task; none blocks the caller's thread (an event loop, in the server).
public protocol AccountStore: Sendable {
    /// Creates an account with the given credentials, `isDisabled` included.
    ///
    /// - Throws: `StorageError.alreadyExists` when the domain has that localpart.
    func create(localpart: String, domain: String, credentials: StoredCredentials) async throws(StorageError)

    /// The account's credentials and disabled state, or `nil` when there is no such account.
    func credentials(localpart: String, domain: String) async throws(StorageError) -> StoredCredentials?

    /// Replaces the account's SCRAM keys with those of `credentials` (a `nil` hash
    /// function is cleared). `credentials.isDisabled` is ignored, so a password
    /// change cannot re-enable an account; use `setDisabled` for that.
    ///
    /// - Throws: `StorageError.notFound` when there is no such account.
    func updateCredentials(localpart: String, domain: String, credentials: StoredCredentials) async throws(StorageError)

    /// Disables or re-enables logins for the account.
    ///
    /// - Throws: `StorageError.notFound` when there is no such account.
    func setDisabled(_ isDisabled: Bool, localpart: String, domain: String) async throws(StorageError)

    /// Deletes the account and everything stored for it. Returns whether it existed.
    @discardableResult
    func delete(localpart: String, domain: String) async throws(StorageError) -> Bool

    /// The localparts of the domain's accounts, sorted by Unicode code point.
    func list(domain: String) async throws(StorageError) -> [String]

    /// The number of accounts on `domain`, or on every domain when it is `nil`.
    func count(domain: String?) async throws(StorageError) -> Int

    /// Records that the account's last available resource went away at `date`,
    /// with the status text of its last presence (XEP-0012 §4).
    ///
    /// - Throws: `StorageError.notFound` when there is no such account.
    func recordLastActivity(localpart: String, domain: String, at date: Date, status: String?) async throws(StorageError)

    /// When the account was last online and its status then; nil when it never
    /// logged out or does not exist.
    func lastActivity(localpart: String, domain: String) async throws(StorageError) -> LastActivity?
}

/// When an account was last online (XEP-0012 §4) and the status it left with.
public struct LastActivity: Sendable, Hashable {
    public var date: Date
    public var status: String?

    public init(date: Date, status: String?) {
        self.date = date
        self.status = status
    }
}

extension AccountStore {
    /// The number of accounts on every domain.
    public func count() async throws(StorageError) -> Int {
        try await count(domain: nil)
    }
}
