import Foundation
import NeedletailStorage
import Testing
import XMPPCore

/// What the `v2-im` schema adds to the conformance suites: migrating a database
/// that already has accounts, and rows that only show through SQL.
@Suite("SQLite IM stores")
struct SQLiteIMStoresTests {
    /// Every table of `v2-im` that holds rows for an account.
    static let tables = ["roster_items", "roster_groups", "subscription_requests", "offline_messages", "account_data"]

    @Test
    func v2MigratesADatabaseThatHasAccounts() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("needletail.sqlite")
        let v1 = try SQLiteDatabase(path: path, configuration: .init(), migrations: Array(SQLiteMigration.all.prefix(1)))
        try await SQLiteAccountStore(database: v1).createAccount(.juliet)
        try v1.close()

        let database = try SQLiteDatabase(path: path)
        #expect(try await database.appliedMigrations() == ["v1-accounts", "v2-im"])
        #expect(try await SQLiteRosterStore(database: database).roster(of: .juliet) == Roster(version: 0, items: []))
        let accounts = SQLiteAccountStore(database: database)
        #expect(try await accounts.lastActivity(localpart: "juliet", domain: "capulet.example") == nil)
        #expect(try await accounts.credentials(localpart: "juliet", domain: "capulet.example") == .fixture(1))
        try database.close()
    }

    @Test
    func deletingAnAccountLeavesNoRowsInAnyTable() async throws {
        let database = try SQLiteDatabase.temporary()
        let accounts = SQLiteAccountStore(database: database)
        try await accounts.createAccount(.juliet)
        try await accounts.createAccount(.nurse)
        for account in [JID.juliet, .nurse] {
            try await SQLiteRosterStore(database: database).put(
                RosterEntry(item: RosterItem(contact: .romeo, groups: ["Friends", "Verona"]), pendingIn: [1]),
                account: account, contact: .romeo
            )
            try await SQLiteOfflineStore(database: database).store([2], for: account, at: Date(), limit: 10)
            try await SQLiteAccountDataStore(database: database).setValue([3], of: account, kind: "vcard", key: "")
        }

        try await accounts.deleteAccount(.juliet)
        for table in Self.tables {
            let expected = table == "roster_groups" ? 2 : 1
            #expect(try await database.fetchInteger("SELECT COUNT(*) FROM \(table)") == expected, "\(table)")
        }
    }

    @Test
    func removingAnItemRemovesItsGroupRows() async throws {
        let database = try SQLiteDatabase.temporary()
        try await SQLiteAccountStore(database: database).createAccount(.juliet)
        let roster = SQLiteRosterStore(database: database)
        try await roster.put(
            RosterEntry(item: RosterItem(contact: .romeo, groups: ["Friends", "Verona"])),
            account: .juliet, contact: .romeo
        )
        #expect(try await database.fetchInteger("SELECT COUNT(*) FROM roster_groups") == 2)
        try await roster.put(RosterEntry(), account: .juliet, contact: .romeo)
        #expect(try await database.fetchInteger("SELECT COUNT(*) FROM roster_groups") == 0)
        #expect(try await database.fetchInteger("SELECT COUNT(*) FROM roster_items") == 0)
    }

    @Test
    func unknownSubscriptionsAreRefusedBySchema() async throws {
        let database = try SQLiteDatabase.temporary()
        try await SQLiteAccountStore(database: database).createAccount(.juliet)
        let error = await #expect(throws: StorageError.self) {
            try await database.execute(
                """
                INSERT INTO roster_items (account_id, contact, subscription)
                SELECT id, 'romeo@montague.example', 'remove' FROM accounts
                """
            )
        }
        #expect(error?.code == .backend)
    }
}
