/// Why a certificate or key could not be loaded, generated, or used for a domain.
///
/// `reason` is a clause starting in lower case ("the certificate file 'x' does
/// not exist"), so callers can place it in their own sentence (the configuration
/// check prefixes the key it came from); `description` is the stand-alone
/// sentence. Neither ever holds key material.
public struct CertificateError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What went wrong, as a closed set callers can switch on.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private enum Base: String, Sendable, Hashable {
            case fileUnreadable = "file unreadable"
            case malformed = "malformed"
            case keyMismatch = "key mismatch"
            case expired = "expired"
            case notYetValid = "not yet valid"
            case domainNotCovered = "domain not covered"
            case chainOutOfOrder = "chain out of order"
            case unsupportedDomain = "unsupported domain"
            case unknownDomain = "unknown domain"
            case generationFailed = "generation failed"
            case writeFailed = "write failed"
            case contextFailed = "context failed"
        }

        private let base: Base
        private init(_ base: Base) { self.base = base }

        /// A file does not exist or cannot be read.
        public static let fileUnreadable = Code(.fileUnreadable)
        /// A file holds no PEM certificate or key, or one that cannot be parsed.
        public static let malformed = Code(.malformed)
        /// The private key is not the one of the leaf certificate.
        public static let keyMismatch = Code(.keyMismatch)
        /// The leaf certificate's validity ended.
        public static let expired = Code(.expired)
        /// The leaf certificate's validity has not started.
        public static let notYetValid = Code(.notYetValid)
        /// The leaf certificate names other domains only.
        public static let domainNotCovered = Code(.domainNotCovered)
        /// A certificate of the chain is not issued by the one after it.
        public static let chainOutOfOrder = Code(.chainOutOfOrder)
        /// The domain cannot be written into a certificate (it is not ASCII).
        public static let unsupportedDomain = Code(.unsupportedDomain)
        /// The domain is not one the configuration serves.
        public static let unknownDomain = Code(.unknownDomain)
        /// swift-certificates or swift-crypto failed to build a certificate.
        public static let generationFailed = Code(.generationFailed)
        /// A file could not be written to the data directory.
        public static let writeFailed = Code(.writeFailed)
        /// NIOSSL refused the certificate and key.
        public static let contextFailed = Code(.contextFailed)

        /// A short name for logs.
        public var description: String { base.rawValue }
    }

    /// What went wrong.
    public let code: Code
    /// The explanation as a clause that starts in lower case and has no final period.
    public let reason: String

    /// An error with `code`, explained by `reason` (a clause, lower case first, no final period).
    public init(_ code: Code, _ reason: String) {
        self.code = code
        self.reason = reason
    }

    /// The reason as a sentence.
    public var description: String {
        reason.prefix(1).uppercased() + reason.dropFirst() + "."
    }
}
