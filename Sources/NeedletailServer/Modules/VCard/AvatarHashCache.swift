import Synchronization
import XMPPCore

/// The stored avatar hash of accounts with sessions, so that a presence
/// broadcast (every one, not only the first) adds it without a storage read.
/// Filled at the first presence of an account, replaced when its vCard is set
/// here, and forgotten when its last session ends.
final class AvatarHashCache: Sendable {
    /// An account's entry: the hash, or nil when it has no vCard hash stored.
    private let hashes = Mutex<[JID: [UInt8]?]>([:])

    /// The known hash of `account`: `.some(nil)` when it is known to have none,
    /// nil when it is not loaded.
    func hash(of account: JID) -> [UInt8]?? {
        hashes.withLock { $0[account] }
    }

    func set(_ hash: [UInt8]?, for account: JID) {
        hashes.withLock { $0[account] = .some(hash) }
    }

    func forget(_ account: JID) {
        hashes.withLock { _ = $0.removeValue(forKey: account) }
    }
}
