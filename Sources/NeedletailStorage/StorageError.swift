/// An error from a store.
///
/// Callers map it to a stanza or stream error at one boundary (the SASL driver, an
/// IQ handler) and log the original there; stores never build XMPP errors
/// themselves. `alreadyExists` usually becomes `<conflict/>`, `notFound`
/// `<item-not-found/>`, and `backend` `<internal-server-error/>` (RFC 6120 §8.3.3).
///
/// The shape follows the house style for public errors: a `code` that can grow
/// without breaking callers, plus the detail that goes with it.
public struct StorageError: Error, Hashable, Sendable {
    /// What went wrong, as a closed set of conditions callers can switch on.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: Hashable, Sendable {
            case alreadyExists
            case notFound
            case quotaExceeded
            case backend
        }

        private let base: Base

        private init(_ base: Base) {
            self.base = base
        }

        /// The item to create exists already (an account with that localpart on that domain).
        public static let alreadyExists = Code(.alreadyExists)

        /// The item to change does not exist.
        public static let notFound = Code(.notFound)

        /// The change would pass a per-account limit (roster size, offline queue).
        public static let quotaExceeded = Code(.quotaExceeded)

        /// The database failed: I/O, a constraint, a closed pool, a cancelled task.
        public static let backend = Code(.backend)

        /// The code's name, as used in log lines.
        public var description: String {
            switch base {
            case .alreadyExists: "alreadyExists"
            case .notFound: "notFound"
            case .quotaExceeded: "quotaExceeded"
            case .backend: "backend"
            }
        }
    }

    /// What went wrong.
    public let code: Code

    /// For `backend` errors, the underlying error as the backend described it; for
    /// the other codes, `nil`. Meant for logs, never for a peer: it can name tables
    /// and SQL.
    public let underlyingDescription: String?

    private init(code: Code, underlyingDescription: String?) {
        self.code = code
        self.underlyingDescription = underlyingDescription
    }

    /// The item to create exists already.
    @inline(never)
    public static var alreadyExists: StorageError {
        StorageError(code: .alreadyExists, underlyingDescription: nil)
    }

    /// The item to change does not exist.
    @inline(never)
    public static var notFound: StorageError {
        StorageError(code: .notFound, underlyingDescription: nil)
    }

    /// The change would pass a per-account limit.
    @inline(never)
    public static var quotaExceeded: StorageError {
        StorageError(code: .quotaExceeded, underlyingDescription: nil)
    }

    /// The database failed; `description` is the underlying error's text, for logs.
    @inline(never)
    public static func backend(_ description: String) -> StorageError {
        StorageError(code: .backend, underlyingDescription: description)
    }
}

extension StorageError: CustomStringConvertible {
    /// The code, and for backend errors the underlying description.
    public var description: String {
        if let underlyingDescription {
            return "StorageError.\(code): \(underlyingDescription)"
        }
        return "StorageError.\(code)"
    }
}
