internal import GRDB

extension SQLiteDatabase {
    /// Executes `sql` (one or more statements) in a write transaction. For tests and
    /// diagnostics inside this package; stores use their own typed queries.
    package func execute(_ sql: String) async throws(StorageError) {
        do {
            try await pool.write { db in
                try db.execute(sql: sql)
            }
        } catch {
            throw StorageError(mapping: error)
        }
    }

    /// The first column of the first row `sql` returns, as an integer, or `nil` for
    /// no row or `NULL`. For tests and diagnostics inside this package.
    package func fetchInteger(_ sql: String) async throws(StorageError) -> Int? {
        do {
            return try await pool.read { db in
                try Int.fetchOne(db, sql: sql)
            }
        } catch {
            throw StorageError(mapping: error)
        }
    }
}
