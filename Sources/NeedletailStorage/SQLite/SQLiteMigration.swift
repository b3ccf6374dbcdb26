/// One step of the SQLite schema: a name recorded in the version table once the
/// step has run, and the SQL that makes the step.
///
/// Migrations run in order, each in its own transaction, when a database opens.
/// The list is append-only: a released migration is never edited, renamed or
/// removed, since databases in the field have recorded its name and will not run it
/// again. A change is a new migration at the end (`"v2-roster"`, ...).
package struct SQLiteMigration: Sendable {
    /// The name recorded in the version table (GRDB's `grdb_migrations`).
    package let name: String

    /// The statements to execute, separated by semicolons.
    package let sql: String

    /// A migration with the given name and statements.
    package init(name: String, sql: String) {
        self.name = name
        self.sql = sql
    }
}
