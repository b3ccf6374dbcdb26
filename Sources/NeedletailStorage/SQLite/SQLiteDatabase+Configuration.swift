import Foundation
internal import GRDB

extension SQLiteDatabase {
    /// Tunables for opening the database. The settings that carry durability (WAL,
    /// `synchronous = FULL`, foreign keys) are not tunable.
    public struct Configuration: Sendable, Hashable {
        /// How long a connection waits for a lock held by another connection or
        /// process before failing with `SQLITE_BUSY`.
        public var busyTimeout: Duration

        /// The most reader connections open at once; reads beyond it wait.
        public var maximumReaderCount: Int

        /// A configuration with a 5 second busy timeout and 5 readers.
        public init(busyTimeout: Duration = .seconds(5), maximumReaderCount: Int = 5) {
            self.busyTimeout = busyTimeout
            self.maximumReaderCount = maximumReaderCount
        }

        var grdbConfiguration: GRDB.Configuration {
            var configuration = GRDB.Configuration()
            configuration.label = "needletail.storage"
            configuration.foreignKeysEnabled = true
            let (seconds, attoseconds) = busyTimeout.components
            configuration.busyMode = .timeout(TimeInterval(seconds) + TimeInterval(attoseconds) * 1e-18)
            configuration.maximumReaderCount = max(1, maximumReaderCount)
            configuration.prepareDatabase { db in
                try db.execute(sql: "PRAGMA synchronous = FULL")
            }
            return configuration
        }
    }
}
