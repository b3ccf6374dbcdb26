extension SQLiteMigration {
    /// Every migration of the server's schema, oldest first. Append only.
    package static let all: [SQLiteMigration] = [
        v1Accounts,
    ]

    /// Accounts, stored as SCRAM keys and never as a password (DESIGN.md, Storage).
    ///
    /// - `id` is `AUTOINCREMENT` so a deleted account's id is never handed to a new
    ///   account: tables added later hang off it with `ON DELETE CASCADE`, and
    ///   anything still holding an old id must not find a stranger behind it.
    /// - Localpart and domain are compared byte for byte (`BINARY`): callers pass
    ///   prepared JID parts (RFC 7622), and the unique index is also the index for
    ///   listing and counting a domain's accounts.
    /// - Each hash function's four columns are all `NULL`, or all set: non-empty
    ///   blobs and a positive iteration count (RFC 5802 §2.2).
    /// - `last_logout_at` is for XEP-0012 (Last Activity).
    static let v1Accounts = SQLiteMigration(
        name: "v1-accounts",
        sql: """
            CREATE TABLE accounts (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                domain TEXT NOT NULL,
                localpart TEXT NOT NULL,
                created_at DATETIME NOT NULL,
                disabled BOOLEAN NOT NULL DEFAULT 0,
                last_logout_at DATETIME,
                sha1_salt BLOB,
                sha1_iterations INTEGER,
                sha1_stored_key BLOB,
                sha1_server_key BLOB,
                sha256_salt BLOB,
                sha256_iterations INTEGER,
                sha256_stored_key BLOB,
                sha256_server_key BLOB,
                sha512_salt BLOB,
                sha512_iterations INTEGER,
                sha512_stored_key BLOB,
                sha512_server_key BLOB,
                CHECK ((sha1_salt IS NULL AND sha1_iterations IS NULL
                        AND sha1_stored_key IS NULL AND sha1_server_key IS NULL)
                    OR (typeof(sha1_salt) = 'blob' AND length(sha1_salt) > 0
                        AND typeof(sha1_iterations) = 'integer' AND sha1_iterations > 0
                        AND typeof(sha1_stored_key) = 'blob' AND length(sha1_stored_key) > 0
                        AND typeof(sha1_server_key) = 'blob' AND length(sha1_server_key) > 0)),
                CHECK ((sha256_salt IS NULL AND sha256_iterations IS NULL
                        AND sha256_stored_key IS NULL AND sha256_server_key IS NULL)
                    OR (typeof(sha256_salt) = 'blob' AND length(sha256_salt) > 0
                        AND typeof(sha256_iterations) = 'integer' AND sha256_iterations > 0
                        AND typeof(sha256_stored_key) = 'blob' AND length(sha256_stored_key) > 0
                        AND typeof(sha256_server_key) = 'blob' AND length(sha256_server_key) > 0)),
                CHECK ((sha512_salt IS NULL AND sha512_iterations IS NULL
                        AND sha512_stored_key IS NULL AND sha512_server_key IS NULL)
                    OR (typeof(sha512_salt) = 'blob' AND length(sha512_salt) > 0
                        AND typeof(sha512_iterations) = 'integer' AND sha512_iterations > 0
                        AND typeof(sha512_stored_key) = 'blob' AND length(sha512_stored_key) > 0
                        AND typeof(sha512_server_key) = 'blob' AND length(sha512_server_key) > 0))
            );
            CREATE UNIQUE INDEX accounts_domain_localpart ON accounts (domain, localpart);
            """
    )
}
