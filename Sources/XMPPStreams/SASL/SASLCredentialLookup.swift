/// Storage's answer to ``SASLServerStateMachine/Action/lookUpCredentials(username:hash:)``,
/// fed back with ``SASLServerStateMachine/credentialsLookedUp(_:)``.
public enum SASLCredentialLookup: Sendable, Hashable {
    /// The account exists and has keys for the requested hash. For PLAIN, keys
    /// of any hash will do. The status is acted on only once the credentials
    /// are proven right, so a disabled or expired account is not revealed to
    /// someone without the password.
    case found(SCRAMCredentials, status: SASLAccountStatus = .active)
    /// No such account, or no keys for the requested hash (an account imported
    /// with SHA-1 keys only asked for SHA-256, say). Not told apart from a wrong
    /// password (RFC 6120 §6.5.10).
    case noSuchUser
    /// Storage failed; the exchange ends with `temporary-auth-failure` (RFC 6120 §6.5.11).
    case temporarilyUnavailable
}

/// Whether an account whose credentials are right may log in.
public enum SASLAccountStatus: Sendable, Hashable {
    /// It may.
    case active
    /// It may not: `account-disabled` (RFC 6120 §6.5.2).
    case disabled
    /// Its credentials have expired: `credentials-expired` (RFC 6120 §6.5.3).
    case credentialsExpired
}
