import Foundation
import NeedletailStorage
import Testing

@Suite("SQLiteDatabase")
struct SQLiteDatabaseTests {
    @Test
    func freshDatabaseRunsEveryMigration() async throws {
        let database = try SQLiteDatabase.temporary()
        #expect(try await database.appliedMigrations() == ["v1-accounts", "v2-im"])
        #expect(try await database.appliedMigrations() == SQLiteMigration.all.map(\.name))
    }

    @Test
    func migrationNamesAreUnique() {
        let names = SQLiteMigration.all.map(\.name)
        #expect(Set(names).count == names.count)
    }

    @Test
    func reopeningMigratesNothingAndKeepsData() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("needletail.sqlite")

        let first = try SQLiteDatabase(path: path)
        try await SQLiteAccountStore(database: first).create(
            localpart: "juliet", domain: "capulet.example", credentials: .fixture(1)
        )
        try first.close()

        let second = try SQLiteDatabase(path: path)
        #expect(try await second.appliedMigrations() == SQLiteMigration.all.map(\.name))
        let store = SQLiteAccountStore(database: second)
        #expect(try await store.credentials(localpart: "juliet", domain: "capulet.example") == .fixture(1))
        #expect(try await store.count() == 1)
        try second.close()
    }

    @Test
    func writerUsesWALWithFullSyncAndForeignKeys() async throws {
        let database = try SQLiteDatabase.temporary()
        let settings = try await database.effectiveSettings()
        #expect(settings.journalMode == "wal")
        #expect(settings.synchronous == .full)
        #expect(settings.foreignKeys)
        #expect(settings.busyTimeout == .seconds(5))
    }

    @Test
    func settingsSurviveReopen() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("needletail.sqlite")
        try SQLiteDatabase(path: path).close()

        let database = try SQLiteDatabase(path: path, configuration: .init(busyTimeout: .milliseconds(250)))
        let settings = try await database.effectiveSettings()
        #expect(settings.journalMode == "wal")
        #expect(settings.synchronous == .full)
        #expect(settings.busyTimeout == .milliseconds(250))
        try database.close()
    }

    @Test
    func createsMissingDirectoriesForTheOwnerOnly() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("data", "node1", "needletail.sqlite")
        let database = try SQLiteDatabase(path: path)
        defer { try? database.close() }

        #expect(FileManager.default.fileExists(atPath: path))
        let attributes = try FileManager.default.attributesOfItem(atPath: directory.path("data", "node1"))
        let permissions = try #require(attributes[.posixPermissions] as? NSNumber)
        #expect(permissions.intValue & 0o777 == 0o700)
    }

    @Test
    func temporaryDatabaseRemovesItsDirectoryWhenReleased() throws {
        var database: SQLiteDatabase? = try SQLiteDatabase.temporary()
        let directory = try #require(database.map { URL(fileURLWithPath: $0.path).deletingLastPathComponent().path })
        #expect(FileManager.default.fileExists(atPath: directory))
        database = nil
        #expect(!FileManager.default.fileExists(atPath: directory))
    }

    @Test
    func laterMigrationsRunOnAnExistingDatabase() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("needletail.sqlite")
        let first = try SQLiteDatabase(path: path)
        try await SQLiteAccountStore(database: first).create(
            localpart: "juliet", domain: "capulet.example", credentials: .fixture(1)
        )
        try first.close()

        let next = SQLiteMigration(name: "v2-test-notes", sql: "CREATE TABLE notes (body TEXT);")
        let second = try SQLiteDatabase(path: path, configuration: .init(), migrations: SQLiteMigration.all + [next])
        #expect(try await second.appliedMigrations() == SQLiteMigration.all.map(\.name) + ["v2-test-notes"])
        #expect(try await second.fetchInteger("SELECT COUNT(*) FROM notes") == 0)
        #expect(
            try await SQLiteAccountStore(database: second).credentials(localpart: "juliet", domain: "capulet.example")
                == .fixture(1)
        )
        try second.close()
    }

    @Test
    func refusesADatabaseMigratedByANewerServer() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("needletail.sqlite")
        let future = SQLiteMigration(name: "v99-future", sql: "CREATE TABLE future (id INTEGER);")
        try SQLiteDatabase(path: path, configuration: .init(), migrations: SQLiteMigration.all + [future]).close()

        let error = try #require(throws: StorageError.self) {
            _ = try SQLiteDatabase(path: path)
        }
        #expect(error.code == .backend)
        #expect(error.underlyingDescription?.contains("v99-future") == true)
    }

    @Test
    func closedDatabaseFailsWithBackendError() async throws {
        let database = try SQLiteDatabase.temporary()
        let store = SQLiteAccountStore(database: database)
        try database.close()

        let error = await #expect(throws: StorageError.self) {
            try await store.create(localpart: "juliet", domain: "capulet.example", credentials: .fixture(1))
        }
        #expect(error?.code == .backend)
    }
}
