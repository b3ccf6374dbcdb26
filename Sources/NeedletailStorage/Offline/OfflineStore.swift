import Foundation
import XMPPCore

/// A message kept for an account while it had no available resource (XEP-0160).
public struct OfflineMessage: Sendable, Hashable {
    /// Identifies the message for ``OfflineStore/remove(_:of:)``; grows with each stored message.
    public var id: Int64
    /// The serialized message stanza, as it was to be delivered.
    public var stanza: [UInt8]
    /// When the server accepted it, for the XEP-0203 delay stamp.
    public var storedAt: Date

    public init(id: Int64, stanza: [UInt8], storedAt: Date) {
        self.id = id
        self.stanza = stanza
        self.storedAt = storedAt
    }
}

/// Offline message storage (XEP-0160). `account` is a local account's bare JID.
/// Methods complete after the backend has committed.
public protocol OfflineStore: Sendable {
    /// Stores a message for the account.
    ///
    /// - Throws: `StorageError.notFound` when the account does not exist;
    ///   `StorageError.quotaExceeded` when it already has `limit` messages stored.
    func store(_ stanza: [UInt8], for account: JID, at date: Date, limit: Int) async throws(StorageError)

    /// The account's stored messages, oldest first (none for a missing account).
    func messages(of account: JID) async throws(StorageError) -> [OfflineMessage]

    /// Removes the messages with these ids (delivered ones); unknown ids are ignored.
    func remove(_ ids: [Int64], of account: JID) async throws(StorageError)

    /// How many messages the account has stored.
    func count(of account: JID) async throws(StorageError) -> Int
}
