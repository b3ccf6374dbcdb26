import NeedletailServer
import NeedletailStorage

/// Opens the server's SQLite database directly, for the account commands. It
/// may be used while the server runs: SQLite's WAL mode and busy timeout let
/// both write in turn.
enum AccountDatabase {
    /// The database of `configuration`'s data directory (created if missing)
    /// and the administration over it. Close the database when done.
    static func open(_ configuration: ServerConfiguration) throws -> (SQLiteDatabase, AccountAdministration) {
        let path = configuration.storage.databasePath
        let database: SQLiteDatabase
        do {
            database = try SQLiteDatabase(path: path)
        } catch {
            throw CommandFailure("The database '\(path)' could not be opened: \(error.underlyingDescription ?? error.description).")
        }
        return (database, AccountAdministration(store: SQLiteAccountStore(database: database), configuration: configuration))
    }
}
