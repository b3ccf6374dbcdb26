import Foundation
internal import GRDB
import XMPPCore

/// `OfflineStore` over the `offline_messages` table of a `SQLiteDatabase`.
///
/// Ids come from `AUTOINCREMENT`, so they grow across the whole database and a
/// removed message's id is never handed out again. Dates are kept to the
/// millisecond (GRDB's text format for dates), finer than XEP-0203 needs.
public struct SQLiteOfflineStore: OfflineStore {
    private let database: SQLiteDatabase

    /// A store over `database`, which must stay open while the store is used.
    public init(database: SQLiteDatabase) {
        self.database = database
    }

    /// Stores a message; see `OfflineStore.store(_:for:at:limit:)`. The count and
    /// the insert are one transaction, so concurrent stores cannot pass `limit`.
    public func store(_ stanza: [UInt8], for account: JID, at date: Date, limit: Int) async throws(StorageError) {
        try await database.write { db in
            let accountID = try db.existingAccountID(of: account)
            let count = try Int.fetchOne(
                try db.cachedStatement(sql: "SELECT COUNT(*) FROM offline_messages WHERE account_id = ?"),
                arguments: [accountID]
            ) ?? 0
            if count >= limit {
                throw StorageError.quotaExceeded
            }
            try db.execute(
                sql: "INSERT INTO offline_messages (account_id, stanza, stored_at) VALUES (?, ?, ?)",
                arguments: [accountID, Data(stanza), date]
            )
        }
    }

    /// The stored messages, oldest first; see `OfflineStore.messages(of:)`.
    public func messages(of account: JID) async throws(StorageError) -> [OfflineMessage] {
        try await database.read { db in
            guard let accountID = try db.accountID(of: account) else {
                return []
            }
            let rows = try Row.fetchAll(
                try db.cachedStatement(sql: "SELECT id, stanza, stored_at FROM offline_messages WHERE account_id = ? ORDER BY id"),
                arguments: [accountID]
            )
            return try rows.map { row in
                OfflineMessage(
                    id: try row.decode(Int64.self, forColumn: "id"),
                    stanza: Array(try row.decode(Data.self, forColumn: "stanza")),
                    storedAt: try row.decode(Date.self, forColumn: "stored_at")
                )
            }
        }
    }

    /// Removes the given messages of this account; see `OfflineStore.remove(_:of:)`.
    /// An id of another account's message is ignored like an unknown one.
    ///
    /// - Throws: `StorageError.notFound` when the account does not exist, as for
    ///   every write.
    public func remove(_ ids: [Int64], of account: JID) async throws(StorageError) {
        try await database.write { db in
            let accountID = try db.existingAccountID(of: account)
            // One cached statement per id rather than one `IN (...)` list, which
            // would need chunking under SQLite's limit on bound parameters.
            let delete = try db.cachedStatement(sql: "DELETE FROM offline_messages WHERE account_id = ? AND id = ?")
            for id in ids {
                try delete.execute(arguments: [accountID, id])
            }
        }
    }

    /// How many messages are stored; 0 for a missing account.
    public func count(of account: JID) async throws(StorageError) -> Int {
        try await database.read { db in
            guard let accountID = try db.accountID(of: account) else {
                return 0
            }
            return try Int.fetchOne(
                try db.cachedStatement(sql: "SELECT COUNT(*) FROM offline_messages WHERE account_id = ?"),
                arguments: [accountID]
            ) ?? 0
        }
    }
}
