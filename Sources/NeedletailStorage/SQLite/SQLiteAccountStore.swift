import Foundation
internal import GRDB

/// `AccountStore` over the `accounts` table of a `SQLiteDatabase`.
///
/// Writes go through the pool's single writer, each in its own transaction, and
/// return once SQLite has committed (and, with `synchronous = FULL`, synced).
/// Reads use the reader connections and see every write that has returned.
public struct SQLiteAccountStore: AccountStore {
    private let database: SQLiteDatabase

    /// A store over `database`, which must stay open while the store is used.
    public init(database: SQLiteDatabase) {
        self.database = database
    }

    /// Creates an account; see `AccountStore.create(localpart:domain:credentials:)`.
    public func create(
        localpart: String,
        domain: String,
        credentials: StoredCredentials
    ) async throws(StorageError) {
        let createdAt = Date()
        try await database.write { db in
            do {
                try db.execute(
                    sql: """
                        INSERT INTO accounts (domain, localpart, created_at, disabled, \(Self.keyColumns))
                        VALUES (?, ?, ?, ?, \(Self.keyParameters))
                        """,
                    arguments: [domain, localpart, createdAt, credentials.isDisabled]
                        + StatementArguments(Self.keyArguments(credentials))
                )
            } catch let error as DatabaseError where error.extendedResultCode == .SQLITE_CONSTRAINT_UNIQUE {
                throw StorageError.alreadyExists
            }
        }
    }

    /// The stored credentials; see `AccountStore.credentials(localpart:domain:)`.
    public func credentials(localpart: String, domain: String) async throws(StorageError) -> StoredCredentials? {
        try await database.read { db in
            let row = try Row.fetchOne(
                try db.cachedStatement(sql: "SELECT disabled, \(Self.keyColumns) FROM accounts WHERE domain = ? AND localpart = ?"),
                arguments: [domain, localpart]
            )
            return try row.map(Self.credentials(from:))
        }
    }

    /// Replaces the SCRAM keys; see `AccountStore.updateCredentials(localpart:domain:credentials:)`.
    public func updateCredentials(
        localpart: String,
        domain: String,
        credentials: StoredCredentials
    ) async throws(StorageError) {
        try await database.write { db in
            let assignments = Self.keyColumnNames.map { "\($0) = ?" }.joined(separator: ", ")
            try db.execute(
                sql: "UPDATE accounts SET \(assignments) WHERE domain = ? AND localpart = ?",
                arguments: StatementArguments(Self.keyArguments(credentials)) + [domain, localpart]
            )
            if db.changesCount == 0 {
                throw StorageError.notFound
            }
        }
    }

    /// Disables or re-enables logins; see `AccountStore.setDisabled(_:localpart:domain:)`.
    public func setDisabled(_ isDisabled: Bool, localpart: String, domain: String) async throws(StorageError) {
        try await database.write { db in
            try db.execute(
                sql: "UPDATE accounts SET disabled = ? WHERE domain = ? AND localpart = ?",
                arguments: [isDisabled, domain, localpart]
            )
            if db.changesCount == 0 {
                throw StorageError.notFound
            }
        }
    }

    /// Deletes the account and, through `ON DELETE CASCADE`, every row that hangs off it.
    @discardableResult
    public func delete(localpart: String, domain: String) async throws(StorageError) -> Bool {
        try await database.write { db in
            try db.execute(
                sql: "DELETE FROM accounts WHERE domain = ? AND localpart = ?",
                arguments: [domain, localpart]
            )
            return db.changesCount > 0
        }
    }

    /// The domain's localparts; `BINARY` order, which for UTF-8 is code point order.
    public func list(domain: String) async throws(StorageError) -> [String] {
        try await database.read { db in
            try String.fetchAll(
                try db.cachedStatement(sql: "SELECT localpart FROM accounts WHERE domain = ? ORDER BY localpart"),
                arguments: [domain]
            )
        }
    }

    /// The number of accounts on `domain`, or on every domain.
    public func count(domain: String?) async throws(StorageError) -> Int {
        try await database.read { db in
            if let domain {
                try Int.fetchOne(try db.cachedStatement(sql: "SELECT COUNT(*) FROM accounts WHERE domain = ?"), arguments: [domain]) ?? 0
            } else {
                try Int.fetchOne(try db.cachedStatement(sql: "SELECT COUNT(*) FROM accounts")) ?? 0
            }
        }
    }

    /// Records the logout time and status; see `AccountStore.recordLastActivity(localpart:domain:at:status:)`.
    ///
    /// The date is kept to the millisecond (GRDB's text format for dates), which is
    /// finer than XEP-0012's whole seconds.
    public func recordLastActivity(
        localpart: String,
        domain: String,
        at date: Date,
        status: String?
    ) async throws(StorageError) {
        try await database.write { db in
            try db.execute(
                sql: "UPDATE accounts SET last_logout_at = ?, last_status = ? WHERE domain = ? AND localpart = ?",
                arguments: [date, status, domain, localpart]
            )
            if db.changesCount == 0 {
                throw StorageError.notFound
            }
        }
    }

    /// The last logout and its status; see `AccountStore.lastActivity(localpart:domain:)`.
    public func lastActivity(localpart: String, domain: String) async throws(StorageError) -> LastActivity? {
        try await database.read { db in
            let row = try Row.fetchOne(
                try db.cachedStatement(sql: "SELECT last_logout_at, last_status FROM accounts WHERE domain = ? AND localpart = ?"),
                arguments: [domain, localpart]
            )
            guard let row, let date = try row.decode(Date?.self, forColumn: "last_logout_at") else {
                return nil
            }
            return LastActivity(date: date, status: try row.decode(String?.self, forColumn: "last_status"))
        }
    }
}
