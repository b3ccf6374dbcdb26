extension SQLiteMigration {
    /// Every migration of the server's schema, oldest first. Append only.
    package static let all: [SQLiteMigration] = [
        v1Accounts,
        v2IM,
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

    /// What instant messaging keeps per account (RFC 6121, XEP-0160, XEP-0012 and the
    /// small XEPs behind `AccountDataStore`). Every table hangs off `accounts(id)`
    /// with `ON DELETE CASCADE` (`roster_groups` through `roster_items`), so deleting
    /// an account deletes all of it in the same statement; contacts are bare JIDs in their string form (`JID.description`),
    /// which is normalized, so byte comparison (`BINARY`) is JID comparison.
    ///
    /// - `accounts.last_status` is the status text XEP-0012 returns with
    ///   `last_logout_at`.
    /// - `accounts.roster_version` is the RFC 6121 §2.6 version: it lives on the
    ///   account, not on the items, so removing the last item still bumps it, and it
    ///   is bumped in the transaction that changes the item.
    /// - `roster_items` is one row per contact in the roster. `WITHOUT ROWID`: rows
    ///   are small and always looked up by the primary key.
    /// - `roster_groups` is one row per group of an item, rather than the groups
    ///   encoded in one column: a group name is free text, so no separator is safe,
    ///   and the primary key keeps each name once per item. It references the item
    ///   rather than the account, so removing an item removes its groups and no group
    ///   can outlive its item; the item's own cascade reaches it from the account.
    /// - `subscription_requests` holds the pending inbound requests ("Pending In"),
    ///   apart from the roster since a contact can ask without being in it. `arrival`
    ///   is the rowid: SQLite gives a new row one more than the largest rowid, so a
    ///   new request sorts after every request still stored; it is never shown
    ///   outside, so it need not be `AUTOINCREMENT`.
    /// - `offline_messages` ids are `AUTOINCREMENT` because clients may see them
    ///   (XEP-0013 item nodes): a delivered message's id is never handed out again.
    ///   The index serves the per-account reads, counts and removals, oldest first.
    /// - `account_data` holds documents (vCards, private XML, blocklist entries)
    ///   under a kind and a key. It keeps a rowid: a vCard with a photo is far larger
    ///   than the rows `WITHOUT ROWID` suits.
    static let v2IM = SQLiteMigration(
        name: "v2-im",
        sql: """
            ALTER TABLE accounts ADD COLUMN last_status TEXT;
            ALTER TABLE accounts ADD COLUMN roster_version INTEGER NOT NULL DEFAULT 0;

            CREATE TABLE roster_items (
                account_id INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
                contact TEXT NOT NULL,
                name TEXT,
                subscription TEXT NOT NULL CHECK (subscription IN ('none', 'to', 'from', 'both')),
                pending_out BOOLEAN NOT NULL DEFAULT 0,
                pre_approved BOOLEAN NOT NULL DEFAULT 0,
                PRIMARY KEY (account_id, contact)
            ) WITHOUT ROWID;

            CREATE TABLE roster_groups (
                account_id INTEGER NOT NULL,
                contact TEXT NOT NULL,
                name TEXT NOT NULL,
                PRIMARY KEY (account_id, contact, name),
                FOREIGN KEY (account_id, contact) REFERENCES roster_items (account_id, contact) ON DELETE CASCADE
            ) WITHOUT ROWID;

            CREATE TABLE subscription_requests (
                arrival INTEGER PRIMARY KEY,
                account_id INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
                contact TEXT NOT NULL,
                stanza BLOB NOT NULL,
                UNIQUE (account_id, contact)
            );
            CREATE INDEX subscription_requests_account_arrival ON subscription_requests (account_id, arrival);

            CREATE TABLE offline_messages (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                account_id INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
                stanza BLOB NOT NULL,
                stored_at DATETIME NOT NULL
            );
            CREATE INDEX offline_messages_account_id ON offline_messages (account_id, id);

            CREATE TABLE account_data (
                account_id INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
                kind TEXT NOT NULL,
                key TEXT NOT NULL,
                value BLOB NOT NULL,
                PRIMARY KEY (account_id, kind, key)
            );
            """
    )
}
