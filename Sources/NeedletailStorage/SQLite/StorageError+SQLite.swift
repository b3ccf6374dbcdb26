internal import GRDB

extension StorageError {
    /// Wraps whatever GRDB, SQLite or Foundation threw as a backend error, keeping
    /// a `StorageError` thrown from inside a database closure as it is.
    ///
    /// GRDB leaves statement arguments out of its error descriptions unless
    /// `publicStatementArguments` is set (it is not), so no key material reaches the
    /// description.
    init(mapping error: any Error) {
        if let error = error as? StorageError {
            self = error
        } else {
            self = .backend(String(describing: error))
        }
    }
}
