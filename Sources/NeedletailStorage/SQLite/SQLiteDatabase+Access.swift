internal import GRDB
import XMPPCore

extension SQLiteDatabase {
    /// Runs `updates` in one transaction on the pool's single writer and returns once
    /// it has committed; a throw rolls everything back. GRDB begins write
    /// transactions `IMMEDIATE`, so a read-modify-write inside `updates` also holds
    /// against another process writing the same file. Every store writes through here
    /// so errors reach callers as `StorageError` the same way.
    func write<T: Sendable>(_ updates: @Sendable (Database) throws -> T) async throws(StorageError) -> T {
        do {
            return try await pool.write(updates)
        } catch {
            throw StorageError(mapping: error)
        }
    }

    /// Runs `value` on a reader connection, in one transaction, so several queries
    /// see one snapshot: every write that has returned, and none half done.
    func read<T: Sendable>(_ value: @Sendable (Database) throws -> T) async throws(StorageError) -> T {
        do {
            return try await pool.read(value)
        } catch {
            throw StorageError(mapping: error)
        }
    }
}

extension Database {
    /// The id of the account `account` names (its localpart and domainpart; a
    /// resource is ignored), or nil: a domain JID names no account. Stores keyed by
    /// a JID start here, so the account lookup is written once.
    func accountID(of account: JID) throws -> Int64? {
        guard let localpart = account.localpart else {
            return nil
        }
        return try Int64.fetchOne(
            try cachedStatement(sql: "SELECT id FROM accounts WHERE domain = ? AND localpart = ?"),
            arguments: [account.domainpart, localpart]
        )
    }

    /// The id of the account `account` names, for writes and for the reads whose
    /// contract is to fail on a missing account.
    ///
    /// - Throws: `StorageError.notFound` when there is no such account.
    func existingAccountID(of account: JID) throws -> Int64 {
        guard let id = try accountID(of: account) else {
            throw StorageError.notFound
        }
        return id
    }
}
