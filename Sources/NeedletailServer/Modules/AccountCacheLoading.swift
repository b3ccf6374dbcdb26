import XMPPCore

/// When a module that mirrors an account's stored data in memory for its
/// delivery filter (blocklist, privacy lists) reads it again.
enum AccountCacheLoading {
    /// Whether to read the account's data on preparation: when it is not in
    /// memory, and whenever no other session kept it current (the first session
    /// binding, a stanza for an offline account), since the account may have
    /// been deleted and created again meanwhile.
    static func isNeeded(for account: JID, isLoaded: Bool, router: Router) -> Bool {
        !isLoaded || router.registry.sessions(of: account).count <= 1
    }
}
