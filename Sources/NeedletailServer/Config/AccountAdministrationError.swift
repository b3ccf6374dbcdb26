import NeedletailStorage

/// Why an account command was refused, as a sentence for the administrator.
/// Never holds a password or key.
public struct AccountAdministrationError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What went wrong, as a closed set callers can switch on.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private enum Base: String, Sendable, Hashable {
            case invalidAddress = "invalid address"
            case domainNotServed = "domain not served"
            case alreadyExists = "already exists"
            case notFound = "not found"
            case unusablePassword = "unusable password"
            case storage = "storage"
        }

        private let base: Base
        private init(_ base: Base) { self.base = base }

        /// The text is not a bare JID with a localpart.
        public static let invalidAddress = Code(.invalidAddress)
        /// The JID's domain is not one of the configuration's domains.
        public static let domainNotServed = Code(.domainNotServed)
        /// The account exists already.
        public static let alreadyExists = Code(.alreadyExists)
        /// There is no such account.
        public static let notFound = Code(.notFound)
        /// The password is refused by its preparation, or credentials cannot be derived.
        public static let unusablePassword = Code(.unusablePassword)
        /// The database failed.
        public static let storage = Code(.storage)

        /// A short name for logs.
        public var description: String { base.rawValue }
    }

    /// What went wrong.
    public let code: Code
    /// A full sentence saying what went wrong and, where it helps, what to do.
    public let message: String

    /// An error with `code`, explained by `message`.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    /// The message.
    public var description: String { message }

    /// The error for a storage failure while doing `action` ("create the account 'a@b'").
    static func storage(_ error: StorageError, while action: String) -> AccountAdministrationError {
        AccountAdministrationError(.storage, "The database could not \(action): \(error.underlyingDescription ?? error.description).")
    }
}
