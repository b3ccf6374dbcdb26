internal import GRDB

extension SQLiteDatabase {
    /// SQLite's `synchronous` setting (https://sqlite.org/pragma.html#pragma_synchronous).
    public enum SynchronousMode: Int, Sendable, Hashable {
        /// No syncs: a crash of the machine can lose or corrupt recent commits.
        case off = 0
        /// In WAL mode, syncs at checkpoints only: power loss can lose recent commits.
        case normal = 1
        /// Syncs the WAL at every commit: a commit that returned survives power loss.
        case full = 2
        /// As `full`, plus a sync of the directory after a rollback journal is deleted.
        case extra = 3
    }

    /// The settings in force on the writer connection, read back from SQLite rather
    /// than from the configuration, for startup logs, `needletail check` and tests.
    public struct EffectiveSettings: Sendable, Hashable {
        /// The journal mode, in SQLite's spelling: `"wal"` here.
        public var journalMode: String

        /// How hard a commit syncs.
        public var synchronous: SynchronousMode

        /// Whether foreign keys (and so cascading deletes) are enforced.
        public var foreignKeys: Bool

        /// How long the connection waits for a lock, in whole milliseconds.
        public var busyTimeout: Duration
    }

    /// Reads the writer connection's journal mode, `synchronous`, foreign key and
    /// busy timeout settings from SQLite.
    public func effectiveSettings() async throws(StorageError) -> EffectiveSettings {
        do {
            let (journalMode, synchronous, foreignKeys, busyTimeout) = try await pool.writeWithoutTransaction { db in
                (
                    try String.fetchOne(db, sql: "PRAGMA journal_mode") ?? "",
                    try Int.fetchOne(db, sql: "PRAGMA synchronous") ?? -1,
                    try Bool.fetchOne(db, sql: "PRAGMA foreign_keys") ?? false,
                    try Int.fetchOne(db, sql: "PRAGMA busy_timeout") ?? 0
                )
            }
            guard let mode = SynchronousMode(rawValue: synchronous) else {
                throw StorageError.backend("unknown synchronous setting \(synchronous)")
            }
            return EffectiveSettings(
                journalMode: journalMode,
                synchronous: mode,
                foreignKeys: foreignKeys,
                busyTimeout: .milliseconds(busyTimeout)
            )
        } catch {
            throw StorageError(mapping: error)
        }
    }
}
