import Foundation
internal import GRDB

/// The server's embedded database: one SQLite file opened through a GRDB
/// `DatabasePool`, built once at startup and shared by every SQLite store.
///
/// Opening it sets up what DESIGN.md (Storage) asks of the file:
/// - WAL journal mode, so readers never wait for the writer;
/// - `synchronous = FULL`, so a commit returns only after the WAL is synced: what
///   the server acknowledges after a write is on disk, power loss included (in WAL
///   mode `NORMAL` may lose the last commits);
/// - foreign keys enforced, which is what makes `ON DELETE CASCADE` remove an
///   account's rows everywhere;
/// - a busy timeout, so another process on the same file (`needletail user add`
///   while the server runs) waits for the lock instead of failing at once;
/// - the schema created or brought up to date by `SQLiteMigration.all`.
///
/// GRDB runs every statement on its own dispatch queues; store methods suspend
/// rather than block, so they may be awaited from anywhere. Opening and `close()`
/// are synchronous and belong to startup and shutdown, not to an event loop.
public final class SQLiteDatabase: Sendable {
    /// The database file's path, as given.
    public let path: String

    /// The connections: one writer, several readers, each on its own queue.
    let pool: DatabasePool

    /// For a temporary database, the directory to remove when it is released.
    private let temporaryDirectory: String?

    /// Opens the database at `path`, creating the file and its directory if needed,
    /// and migrates it to the current schema.
    ///
    /// A directory created here is readable by its owner only (0700): the file holds
    /// credentials. An existing directory is left as it is.
    ///
    /// - Throws: `StorageError.backend` when the file cannot be opened or migrated,
    ///   or when a newer server has already migrated it (see `SQLiteMigration`).
    public convenience init(path: String, configuration: Configuration = Configuration()) throws(StorageError) {
        try self.init(path: path, configuration: configuration, migrations: SQLiteMigration.all)
    }

    /// Opens the database at `path` with an explicit list of migrations, so tests can
    /// play a newer server or hang extra tables off the schema.
    package convenience init(
        path: String,
        configuration: Configuration,
        migrations: [SQLiteMigration]
    ) throws(StorageError) {
        try self.init(path: path, configuration: configuration, migrations: migrations, temporaryDirectory: nil)
    }

    private init(
        path: String,
        configuration: Configuration,
        migrations: [SQLiteMigration],
        temporaryDirectory: String?
    ) throws(StorageError) {
        self.path = path
        self.temporaryDirectory = temporaryDirectory
        do {
            try Self.createParentDirectory(of: path)
            let pool = try DatabasePool(path: path, configuration: configuration.grdbConfiguration)
            // GRDB's WAL setup runs after `prepareDatabase` and sets the writer to
            // `synchronous = NORMAL`; the writer is the connection that commits, so it
            // is put back to FULL here, once, before anything is written.
            try pool.writeWithoutTransaction { db in
                try db.execute(sql: "PRAGMA synchronous = FULL")
            }
            try Self.migrate(pool, with: migrations)
            self.pool = pool
        } catch {
            throw StorageError(mapping: error)
        }
    }

    deinit {
        if let temporaryDirectory {
            try? pool.close()
            try? FileManager.default.removeItem(atPath: temporaryDirectory)
        }
    }

    /// Opens a fresh database in a new directory under the system's temporary
    /// directory, with the same settings as a real one (WAL needs a file, so there is
    /// no in-memory variant). The directory is removed when the value is released.
    /// For tests.
    public static func temporary(configuration: Configuration = Configuration()) throws(StorageError) -> SQLiteDatabase {
        let directory = URL(fileURLWithPath: NSTemporaryDirectory(), isDirectory: true)
            .appendingPathComponent("needletail-\(UUID().uuidString)", isDirectory: true)
        let path = directory.appendingPathComponent("needletail.sqlite").path
        return try SQLiteDatabase(
            path: path,
            configuration: configuration,
            migrations: SQLiteMigration.all,
            temporaryDirectory: directory.path
        )
    }

    /// Closes every connection, after operations in progress finish. Later calls on
    /// this database or its stores throw `StorageError.backend`. Storage stops last
    /// at shutdown, after sessions have written what they must.
    public func close() throws(StorageError) {
        do {
            try pool.close()
        } catch {
            throw StorageError(mapping: error)
        }
    }

    /// The names of the migrations applied to this file, in the order they ran.
    public func appliedMigrations() async throws(StorageError) -> [String] {
        do {
            return try await pool.read { db in
                try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations ORDER BY rowid")
            }
        } catch {
            throw StorageError(mapping: error)
        }
    }

    private static func createParentDirectory(of path: String) throws {
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent().path
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue {
            return
        }
        try FileManager.default.createDirectory(
            atPath: directory,
            withIntermediateDirectories: true,
            attributes: [.posixPermissions: 0o700]
        )
    }

    private static func migrate(_ pool: DatabasePool, with migrations: [SQLiteMigration]) throws {
        var migrator = DatabaseMigrator()
        for migration in migrations {
            let sql = migration.sql
            migrator.registerMigration(migration.name) { db in
                try db.execute(sql: sql)
            }
        }
        // A file migrated by a newer server has tables this one does not know how to
        // keep consistent (it would delete an account and leave the new rows behind
        // if they lacked a cascade, say), so it is refused rather than used.
        let unknown = try pool.read { db in
            try migrator.appliedIdentifiers(db).subtracting(migrations.map(\.name)).sorted()
        }
        if !unknown.isEmpty {
            throw StorageError.backend(
                "the database was migrated by a newer server (unknown migrations: \(unknown.joined(separator: ", ")))"
            )
        }
        try migrator.migrate(pool)
    }
}
