import XMPPCore

/// Rosters and pending subscription requests of local accounts (RFC 6121 §2, §3).
///
/// `account` is always a local account's bare JID, `contact` a bare JID. Every
/// method throws `StorageError.notFound` when the account does not exist, and
/// completes after the backend has committed, so a roster push or IQ result sent
/// afterwards describes what is on disk. Deleting the account deletes its roster.
public protocol RosterStore: Sendable {
    /// The roster items and the roster version.
    func roster(of account: JID) async throws(StorageError) -> Roster

    /// The entry for one contact (empty when nothing is stored).
    func entry(of account: JID, contact: JID) async throws(StorageError) -> RosterEntry

    /// Reads the entry for `contact`, passes it to `change`, and stores what it
    /// returns, all in one transaction, so concurrent updates of the same entry
    /// (a client's roster set racing an inbound subscription) never lose one
    /// another. An empty entry deletes what was stored. `change` returning nil
    /// changes nothing.
    ///
    /// The version is bumped once when the roster item changed.
    ///
    /// - Throws: `StorageError.quotaExceeded` when the change would add a roster
    ///   item to a roster that already has `itemLimit` items (nil: no limit);
    ///   nothing is stored then.
    func update(
        account: JID, contact: JID, itemLimit: Int?, _ change: @escaping @Sendable (RosterEntry) -> RosterEntry?
    ) async throws(StorageError) -> RosterUpdate

    /// The pending inbound subscription requests (serialized presence stanzas), in
    /// the order they arrived, with the contact each came from.
    func pendingRequests(of account: JID) async throws(StorageError) -> [(contact: JID, stanza: [UInt8])]
}
