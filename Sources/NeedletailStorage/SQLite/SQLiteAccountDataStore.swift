import Foundation
internal import GRDB
import XMPPCore

/// `AccountDataStore` over the `account_data` table of a `SQLiteDatabase`.
///
/// Kinds and keys are compared byte for byte (`BINARY`), which is also the order
/// `values(of:kind:)` returns: code point order for UTF-8.
public struct SQLiteAccountDataStore: AccountDataStore {
    private let database: SQLiteDatabase

    /// A store over `database`, which must stay open while the store is used.
    public init(database: SQLiteDatabase) {
        self.database = database
    }

    /// The value under `kind` and `key`; nil for a missing account too.
    public func value(of account: JID, kind: String, key: String) async throws(StorageError) -> [UInt8]? {
        try await database.read { db in
            guard let accountID = try db.accountID(of: account) else {
                return nil
            }
            return try Data.fetchOne(
                try db.cachedStatement(sql: "SELECT value FROM account_data WHERE account_id = ? AND kind = ? AND key = ?"),
                arguments: [accountID, kind, key]
            ).map(Array.init)
        }
    }

    /// The keys and values of `kind`, ordered by key; none for a missing account.
    public func values(of account: JID, kind: String) async throws(StorageError) -> [(key: String, value: [UInt8])] {
        try await database.read { db in
            guard let accountID = try db.accountID(of: account) else {
                return []
            }
            let rows = try Row.fetchAll(
                try db.cachedStatement(sql: "SELECT key, value FROM account_data WHERE account_id = ? AND kind = ? ORDER BY key"),
                arguments: [accountID, kind]
            )
            return try rows.map { row in
                (
                    key: try row.decode(String.self, forColumn: "key"),
                    value: Array(try row.decode(Data.self, forColumn: "value"))
                )
            }
        }
    }

    /// Stores or removes one value; see `AccountDataStore.setValue(_:of:kind:key:)`.
    public func setValue(_ value: [UInt8]?, of account: JID, kind: String, key: String) async throws(StorageError) {
        try await setValues([(key: key, value: value)], of: account, kind: kind, removingOthers: false)
    }

    /// Applies the changes in order, in one transaction; see
    /// `AccountDataStore.setValues(_:of:kind:removingOthers:)`. A key given twice
    /// ends with its last value.
    public func setValues(
        _ values: [(key: String, value: [UInt8]?)],
        of account: JID,
        kind: String,
        removingOthers: Bool
    ) async throws(StorageError) {
        try await database.write { db in
            let accountID = try db.existingAccountID(of: account)
            if removingOthers {
                try db.execute(
                    sql: "DELETE FROM account_data WHERE account_id = ? AND kind = ?",
                    arguments: [accountID, kind]
                )
            }
            let upsert = try db.cachedStatement(sql: """
                    INSERT INTO account_data (account_id, kind, key, value) VALUES (?, ?, ?, ?)
                    ON CONFLICT (account_id, kind, key) DO UPDATE SET value = excluded.value
                    """
            )
            let delete = try db.cachedStatement(sql: "DELETE FROM account_data WHERE account_id = ? AND kind = ? AND key = ?"
            )
            for (key, value) in values {
                if let value {
                    try upsert.execute(arguments: [accountID, kind, key, Data(value)])
                } else {
                    try delete.execute(arguments: [accountID, kind, key])
                }
            }
        }
    }
}
