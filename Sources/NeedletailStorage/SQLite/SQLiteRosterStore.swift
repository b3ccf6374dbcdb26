import Foundation
internal import GRDB
import XMPPCore

/// `RosterStore` over the `roster_items`, `roster_groups` and
/// `subscription_requests` tables and `accounts.roster_version` of a
/// `SQLiteDatabase` (see `SQLiteMigration.v2IM`).
///
/// Every write is one transaction on the pool's single writer, so an update's
/// read, its change and the version bump commit together or not at all.
public struct SQLiteRosterStore: RosterStore {
    private let database: SQLiteDatabase

    /// A store over `database`, which must stay open while the store is used.
    public init(database: SQLiteDatabase) {
        self.database = database
    }

    /// The roster; see `RosterStore.roster(of:)`. Items and version are read in one
    /// transaction, so the version is the one those items belong to.
    public func roster(of account: JID) async throws(StorageError) -> Roster {
        try await database.read { db in
            let (accountID, version) = try Self.account(account, in: db)
            return Roster(version: version, items: try Self.items(ofAccount: accountID, in: db))
        }
    }

    /// One contact's item and pending request; see `RosterStore.entry(of:contact:)`.
    public func entry(of account: JID, contact: JID) async throws(StorageError) -> RosterEntry {
        try await database.read { db in
            let (accountID, _) = try Self.account(account, in: db)
            return try Self.entry(ofAccount: accountID, contact: contact.bare, in: db)
        }
    }

    /// Reads, changes and stores one entry in a single write transaction; see
    /// `RosterStore.update(account:contact:itemLimit:_:)`.
    ///
    /// `change` runs on the writer while it holds the database's write lock, so it
    /// must be quick and must not wait for the store. What it returns is stored
    /// under `contact`: the item's own `contact` is set to it, and its groups are
    /// sorted and made unique, so `after` is exactly what a later read returns.
    public func update(
        account: JID,
        contact: JID,
        itemLimit: Int?,
        _ change: @escaping @Sendable (RosterEntry) -> RosterEntry?
    ) async throws(StorageError) -> RosterUpdate {
        let contact = contact.bare
        return try await database.write { db in
            let (accountID, version) = try Self.account(account, in: db)
            let before = try Self.entry(ofAccount: accountID, contact: contact, in: db)
            guard var after = change(before) else {
                return RosterUpdate(before: before, after: before, version: version)
            }
            after.item = after.item.map { item in
                RosterItem(
                    contact: contact, name: item.name, groups: item.groups, subscription: item.subscription,
                    pendingOut: item.pendingOut, preApproved: item.preApproved
                )
            }

            var newVersion = version
            if after.item != before.item {
                // Only an added item grows the roster: editing or removing one is
                // allowed at the limit, so a full roster can still be tidied.
                if before.item == nil, let itemLimit, try Self.itemCount(ofAccount: accountID, in: db) >= itemLimit {
                    throw StorageError.quotaExceeded
                }
                try Self.store(after.item, ofAccount: accountID, contact: contact, in: db)
                try db.execute(
                    sql: "UPDATE accounts SET roster_version = roster_version + 1 WHERE id = ?",
                    arguments: [accountID]
                )
                newVersion += 1
            }
            if after.pendingIn != before.pendingIn {
                try Self.store(pendingIn: after.pendingIn, ofAccount: accountID, contact: contact, in: db)
            }
            return RosterUpdate(before: before, after: after, version: newVersion)
        }
    }

    /// The pending inbound requests, oldest first; see `RosterStore.pendingRequests(of:)`.
    ///
    /// A request repeated while one is pending replaced the stored stanza but kept
    /// its place: the contact has been waiting since the first.
    public func pendingRequests(of account: JID) async throws(StorageError) -> [(contact: JID, stanza: [UInt8])] {
        try await database.read { db in
            let (accountID, _) = try Self.account(account, in: db)
            let rows = try Row.fetchAll(
                try db.cachedStatement(sql: "SELECT contact, stanza FROM subscription_requests WHERE account_id = ? ORDER BY arrival"),
                arguments: [accountID]
            )
            return try rows.map { row in
                (
                    contact: try JID(row.decode(String.self, forColumn: "contact")),
                    stanza: Array(try row.decode(Data.self, forColumn: "stanza"))
                )
            }
        }
    }

    /// The account's id and roster version.
    ///
    /// - Throws: `StorageError.notFound` when there is no such account.
    private static func account(_ account: JID, in db: Database) throws -> (id: Int64, rosterVersion: Int64) {
        let accountID = try db.existingAccountID(of: account)
        let version = try Int64.fetchOne(
            try db.cachedStatement(sql: "SELECT roster_version FROM accounts WHERE id = ?"),
            arguments: [accountID]
        )
        return (accountID, version ?? 0)
    }
}
