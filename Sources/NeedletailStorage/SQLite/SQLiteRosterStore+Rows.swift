import Foundation
internal import GRDB
import XMPPCore

/// The mapping between roster entries and rows: one `roster_items` row per item,
/// one `roster_groups` row per group, one `subscription_requests` row per pending
/// request. Contacts are keyed by their bare JID's string form.
extension SQLiteRosterStore {
    /// The account's items, ordered by contact, with their groups.
    static func items(ofAccount accountID: Int64, in db: Database) throws -> [RosterItem] {
        var groups: [String: [String]] = [:]
        let groupRows = try Row.fetchCursor(
            try db.cachedStatement(sql: "SELECT contact, name FROM roster_groups WHERE account_id = ?"),
            arguments: [accountID]
        )
        while let row = try groupRows.next() {
            groups[try row.decode(String.self, forColumn: "contact"), default: []]
                .append(try row.decode(String.self, forColumn: "name"))
        }
        let rows = try Row.fetchAll(
            try db.cachedStatement(sql: """
                SELECT contact, name, subscription, pending_out, pre_approved FROM roster_items
                WHERE account_id = ? ORDER BY contact
                """),
            arguments: [accountID]
        )
        return try rows.map { row in
            let contact = try row.decode(String.self, forColumn: "contact")
            return try item(from: row, contact: JID(contact), groups: groups[contact] ?? [])
        }
    }

    /// What is stored between the account and `contact`.
    static func entry(ofAccount accountID: Int64, contact: JID, in db: Database) throws -> RosterEntry {
        let key: [any DatabaseValueConvertible] = [accountID, contact.description]
        var entry = RosterEntry()
        if let row = try Row.fetchOne(
            try db.cachedStatement(sql: """
                SELECT name, subscription, pending_out, pre_approved FROM roster_items
                WHERE account_id = ? AND contact = ?
                """),
            arguments: StatementArguments(key)
        ) {
            let groups = try String.fetchAll(
                try db.cachedStatement(sql: "SELECT name FROM roster_groups WHERE account_id = ? AND contact = ?"),
                arguments: StatementArguments(key)
            )
            entry.item = try item(from: row, contact: contact, groups: groups)
        }
        entry.pendingIn = try Data.fetchOne(
            try db.cachedStatement(sql: "SELECT stanza FROM subscription_requests WHERE account_id = ? AND contact = ?"),
            arguments: StatementArguments(key)
        ).map(Array.init)
        return entry
    }

    /// How many items the account's roster holds.
    static func itemCount(ofAccount accountID: Int64, in db: Database) throws -> Int {
        try Int.fetchOne(try db.cachedStatement(sql: "SELECT COUNT(*) FROM roster_items WHERE account_id = ?"), arguments: [accountID]) ?? 0
    }

    /// Stores `item` for `contact`, replacing the stored item and its groups; nil
    /// deletes the item, and its groups with it through their cascade.
    static func store(_ item: RosterItem?, ofAccount accountID: Int64, contact: JID, in db: Database) throws {
        let contact = contact.description
        guard let item else {
            return try deleteRows(from: "roster_items", ofAccount: accountID, contact: contact, in: db)
        }
        // An upsert, not `INSERT OR REPLACE`: replacing deletes the old row first,
        // and that delete would cascade to the groups.
        try db.execute(
            sql: """
                INSERT INTO roster_items (account_id, contact, name, subscription, pending_out, pre_approved)
                VALUES (?, ?, ?, ?, ?, ?)
                ON CONFLICT (account_id, contact) DO UPDATE SET
                    name = excluded.name, subscription = excluded.subscription,
                    pending_out = excluded.pending_out, pre_approved = excluded.pre_approved
                """,
            arguments: [accountID, contact, item.name, item.subscription.rawValue, item.pendingOut, item.preApproved]
        )
        try deleteRows(from: "roster_groups", ofAccount: accountID, contact: contact, in: db)
        let insertGroup = try db.cachedStatement(sql: "INSERT INTO roster_groups (account_id, contact, name) VALUES (?, ?, ?)"
        )
        for group in item.groups {
            try insertGroup.execute(arguments: [accountID, contact, group])
        }
    }

    /// Stores the pending request from `contact`, or deletes it for nil. A request
    /// that replaces a pending one keeps its `arrival`.
    static func store(pendingIn stanza: [UInt8]?, ofAccount accountID: Int64, contact: JID, in db: Database) throws {
        let contact = contact.description
        guard let stanza else {
            return try deleteRows(from: "subscription_requests", ofAccount: accountID, contact: contact, in: db)
        }
        try db.execute(
            sql: """
                INSERT INTO subscription_requests (account_id, contact, stanza) VALUES (?, ?, ?)
                ON CONFLICT (account_id, contact) DO UPDATE SET stanza = excluded.stanza
                """,
            arguments: [accountID, contact, Data(stanza)]
        )
    }

    /// Deletes the rows `table` holds between the account and `contact`; the three
    /// roster tables are keyed the same way.
    private static func deleteRows(
        from table: String, ofAccount accountID: Int64, contact: String, in db: Database
    ) throws {
        try db.execute(
            sql: "DELETE FROM \(table) WHERE account_id = ? AND contact = ?",
            arguments: [accountID, contact]
        )
    }

    /// An item from a row holding `name`, `subscription`, `pending_out` and `pre_approved`.
    private static func item(from row: Row, contact: JID, groups: [String]) throws -> RosterItem {
        let subscription = try row.decode(String.self, forColumn: "subscription")
        guard let subscription = RosterItem.Subscription(rawValue: subscription) else {
            throw StorageError.backend("unknown roster subscription \(subscription)")
        }
        return RosterItem(
            contact: contact,
            name: try row.decode(String?.self, forColumn: "name"),
            groups: groups,
            subscription: subscription,
            pendingOut: try row.decode(Bool.self, forColumn: "pending_out"),
            preApproved: try row.decode(Bool.self, forColumn: "pre_approved")
        )
    }
}
