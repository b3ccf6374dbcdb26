import Foundation
import NeedletailStorage
import Testing

/// What the SQLite schema adds to the conformance suite: columns, constraints and
/// cascades that only show through SQL.
@Suite("SQLiteAccountStore")
struct SQLiteAccountStoreTests {
    let database: SQLiteDatabase
    let store: SQLiteAccountStore

    init() throws {
        database = try SQLiteDatabase.temporary()
        store = SQLiteAccountStore(database: database)
    }

    @Test
    func createRecordsCreationTimeAndNoLogout() async throws {
        let before = Int(Date().timeIntervalSince1970) - 1
        try await store.create(localpart: "juliet", domain: "capulet.example", credentials: .fixture(1))
        let after = Int(Date().timeIntervalSince1970) + 1

        let createdAt = try #require(
            try await database.fetchInteger("SELECT CAST(strftime('%s', created_at) AS INTEGER) FROM accounts")
        )
        #expect((before...after).contains(createdAt))
        #expect(try await database.fetchInteger("SELECT COUNT(*) FROM accounts WHERE last_logout_at IS NULL") == 1)
    }

    @Test
    func keysAreStoredAsBlobsAndNoPasswordColumnExists() async throws {
        try await store.create(localpart: "juliet", domain: "capulet.example", credentials: .fixture(1))
        #expect(
            try await database.fetchInteger(
                """
                SELECT COUNT(*) FROM accounts
                WHERE typeof(sha1_stored_key) = 'blob' AND typeof(sha256_server_key) = 'blob'
                  AND typeof(sha512_salt) = 'blob' AND sha512_iterations = 10000
                """
            ) == 1
        )
        #expect(
            try await database.fetchInteger(
                "SELECT COUNT(*) FROM pragma_table_info('accounts') WHERE name LIKE '%password%'"
            ) == 0
        )
    }

    @Test
    func deletingAnAccountCascadesToTablesThatReferenceIt() async throws {
        try await database.execute(
            """
            CREATE TABLE notes (
                account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
                body TEXT NOT NULL
            );
            """
        )
        try await store.create(localpart: "juliet", domain: "capulet.example", credentials: .fixture(1))
        try await store.create(localpart: "nurse", domain: "capulet.example", credentials: .fixture(2))
        try await database.execute(
            "INSERT INTO notes (account_id, body) SELECT id, 'a note for ' || localpart FROM accounts"
        )

        #expect(try await store.delete(localpart: "juliet", domain: "capulet.example"))
        #expect(try await database.fetchInteger("SELECT COUNT(*) FROM notes") == 1)
        #expect(
            try await database.fetchInteger(
                "SELECT COUNT(*) FROM notes JOIN accounts ON accounts.id = notes.account_id WHERE localpart = 'nurse'"
            ) == 1
        )
    }

    @Test
    func accountIDsAreNeverReused() async throws {
        try await store.create(localpart: "juliet", domain: "capulet.example", credentials: .fixture(1))
        let firstID = try #require(try await database.fetchInteger("SELECT id FROM accounts"))
        try await store.delete(localpart: "juliet", domain: "capulet.example")
        try await store.create(localpart: "juliet", domain: "capulet.example", credentials: .fixture(1))
        let secondID = try #require(try await database.fetchInteger("SELECT id FROM accounts"))
        #expect(secondID > firstID)
    }

    @Test(arguments: [
        SCRAMKeys(salt: [], iterations: 4096, storedKey: [1], serverKey: [2]),
        SCRAMKeys(salt: [1], iterations: 4096, storedKey: [], serverKey: [2]),
        SCRAMKeys(salt: [1], iterations: 4096, storedKey: [1], serverKey: []),
        SCRAMKeys(salt: [1], iterations: 0, storedKey: [1], serverKey: [2]),
        SCRAMKeys(salt: [1], iterations: -1, storedKey: [1], serverKey: [2]),
    ])
    func malformedKeysAreRefused(keys: SCRAMKeys) async throws {
        let error = await #expect(throws: StorageError.self) {
            try await store.create(
                localpart: "juliet", domain: "capulet.example", credentials: StoredCredentials(sha256: keys)
            )
        }
        #expect(error?.code == .backend)
        #expect(try await store.count() == 0)
    }

    @Test
    func partialKeysWrittenBehindTheStoresBackAreRefused() async throws {
        try await store.create(localpart: "juliet", domain: "capulet.example", credentials: .fixture(1))
        let error = await #expect(throws: StorageError.self) {
            try await database.execute("UPDATE accounts SET sha1_server_key = NULL")
        }
        #expect(error?.code == .backend)
        #expect(try await store.credentials(localpart: "juliet", domain: "capulet.example") == .fixture(1))
    }
}
