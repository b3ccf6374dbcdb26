import Foundation
internal import GRDB

/// The mapping between `StoredCredentials` and the `accounts` key columns: four
/// columns per hash function, in the order `sha1`, `sha256`, `sha512`.
extension SQLiteAccountStore {
    private static let hashPrefixes = ["sha1", "sha256", "sha512"]

    static let keyColumnNames: [String] = hashPrefixes.flatMap { prefix in
        ["\(prefix)_salt", "\(prefix)_iterations", "\(prefix)_stored_key", "\(prefix)_server_key"]
    }

    static let keyColumns = keyColumnNames.joined(separator: ", ")

    static let keyParameters = Array(repeating: "?", count: keyColumnNames.count).joined(separator: ", ")

    /// The values for `keyColumns`, `NULL` for a hash function without keys.
    static func keyArguments(_ credentials: StoredCredentials) -> [(any DatabaseValueConvertible)?] {
        [credentials.sha1, credentials.sha256, credentials.sha512].flatMap { keys -> [(any DatabaseValueConvertible)?] in
            guard let keys else { return [nil, nil, nil, nil] }
            return [Data(keys.salt), keys.iterations, Data(keys.storedKey), Data(keys.serverKey)]
        }
    }

    /// Credentials from a row holding `disabled` and `keyColumns`.
    static func credentials(from row: Row) throws -> StoredCredentials {
        StoredCredentials(
            sha1: try keys(from: row, prefix: "sha1"),
            sha256: try keys(from: row, prefix: "sha256"),
            sha512: try keys(from: row, prefix: "sha512"),
            isDisabled: try row.decode(Bool.self, forColumn: "disabled")
        )
    }

    private static func keys(from row: Row, prefix: String) throws -> SCRAMKeys? {
        guard let salt = try row.decode(Data?.self, forColumn: "\(prefix)_salt") else {
            return nil
        }
        return SCRAMKeys(
            salt: Array(salt),
            iterations: try row.decode(Int.self, forColumn: "\(prefix)_iterations"),
            storedKey: Array(try row.decode(Data.self, forColumn: "\(prefix)_stored_key")),
            serverKey: Array(try row.decode(Data.self, forColumn: "\(prefix)_server_key"))
        )
    }
}
