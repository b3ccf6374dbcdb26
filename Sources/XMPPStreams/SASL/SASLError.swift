/// An error from the SASL layer that is not a `<failure/>` this side sends: a
/// refused credential or password, a certificate that gives no channel binding,
/// or, on the client, an exchange that went wrong (the server refused, or its
/// messages or signature do not hold up).
///
/// As in swift-nio-ssh, ``Code`` is a struct over a private enum, so codes can be
/// added without breaking the API. `detail` is for logs and never holds
/// credentials or SASL payloads.
public struct SASLError: Error, Sendable, Hashable {
    /// What went wrong.
    public var code: Code
    /// The server's `<failure/>`, for ``Code/authenticationFailed`` only.
    public var failure: SASLFailure?
    /// A short explanation for logs.
    public var detail: String

    private init(_ code: Code, failure: SASLFailure? = nil, detail: String) {
        self.code = code
        self.failure = failure
        self.detail = detail
    }

    /// The kinds of ``SASLError``.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private enum Base: String, Sendable, Hashable {
            case iterationCountTooLow = "iteration count too low"
            case iterationCountTooHigh = "iteration count too high"
            case invalidCredentials = "invalid credentials"
            case unusablePassword = "unusable password"
            case keyDerivationFailed = "key derivation failed"
            case malformedCertificate = "malformed certificate"
            case unsupportedSignatureAlgorithm = "unsupported certificate signature algorithm"
            case invalidIdentity = "invalid identity"
            case noAcceptableMechanism = "no acceptable mechanism"
            case authenticationFailed = "authentication failed"
            case malformedServerMessage = "malformed server message"
            case serverVerificationFailed = "server verification failed"
            case serverError = "server error"
            case unexpectedMessage = "unexpected message"
        }

        private let base: Base
        private init(_ base: Base) { self.base = base }

        /// Fewer than 4096 iterations (RFC 7677 §4), when creating credentials or
        /// in a server-first-message (a sign of a downgrade by a man in the middle).
        public static let iterationCountTooLow = Code(.iterationCountTooLow)
        /// A server-first-message asks for more iterations than the client allows.
        public static let iterationCountTooHigh = Code(.iterationCountTooHigh)
        /// Stored keys of the wrong length for their hash, or an empty salt.
        public static let invalidCredentials = Code(.invalidCredentials)
        /// The password is refused by its preparation (OpaqueString, RFC 8265 §4.2).
        public static let unusablePassword = Code(.unusablePassword)
        /// PBKDF2 failed inside the crypto library.
        public static let keyDerivationFailed = Code(.keyDerivationFailed)
        /// The certificate's DER could not be read far enough to find its signature algorithm.
        public static let malformedCertificate = Code(.malformedCertificate)
        /// The certificate's signature algorithm gives no `tls-server-end-point` hash (RFC 5929 §4.1).
        public static let unsupportedSignatureAlgorithm = Code(.unsupportedSignatureAlgorithm)
        /// The username or authorization identity is empty or holds NUL, which no
        /// mechanism can carry (RFC 4616 §2, RFC 5802 §7).
        public static let invalidIdentity = Code(.invalidIdentity)
        /// The server offers no mechanism the client both allows and can run.
        public static let noAcceptableMechanism = Code(.noAcceptableMechanism)
        /// The server sent `<failure/>`; see ``SASLError/failure``.
        public static let authenticationFailed = Code(.authenticationFailed)
        /// A server message breaks the mechanism's syntax or the client's nonce (RFC 5802 §7).
        public static let malformedServerMessage = Code(.malformedServerMessage)
        /// The server's signature is missing or wrong (RFC 5802 §3): the server does
        /// not know the credentials, so it must not be trusted even after `<success/>`.
        public static let serverVerificationFailed = Code(.serverVerificationFailed)
        /// The server-final-message carried `e=` (RFC 5802 §7).
        public static let serverError = Code(.serverError)
        /// A server message arrived that the exchange does not allow at this point.
        public static let unexpectedMessage = Code(.unexpectedMessage)

        /// A short name for logs.
        public var description: String { base.rawValue }
    }
}

extension SASLError {
    @inline(never)
    static func iterationCountTooLow(_ iterations: Int) -> SASLError {
        SASLError(.iterationCountTooLow, detail: "\(iterations) iterations; at least \(SCRAMCredentials.minimumIterations) required")
    }

    @inline(never)
    static func iterationCountTooHigh(_ iterations: Int, maximum: Int) -> SASLError {
        SASLError(.iterationCountTooHigh, detail: "\(iterations) iterations; at most \(maximum) allowed")
    }

    @inline(never)
    static func invalidCredentials(_ detail: String) -> SASLError {
        SASLError(.invalidCredentials, detail: detail)
    }

    @inline(never)
    static func unusablePassword(_ detail: String) -> SASLError {
        SASLError(.unusablePassword, detail: detail)
    }

    @inline(never)
    static func keyDerivationFailed() -> SASLError {
        SASLError(.keyDerivationFailed, detail: "PBKDF2 failed")
    }

    @inline(never)
    static func malformedCertificate(_ detail: String) -> SASLError {
        SASLError(.malformedCertificate, detail: detail)
    }

    @inline(never)
    static func unsupportedSignatureAlgorithm(_ detail: String) -> SASLError {
        SASLError(.unsupportedSignatureAlgorithm, detail: detail)
    }

    @inline(never)
    static func invalidIdentity(_ detail: String) -> SASLError {
        SASLError(.invalidIdentity, detail: detail)
    }

    @inline(never)
    static func noAcceptableMechanism(offered: [String]) -> SASLError {
        SASLError(.noAcceptableMechanism, detail: "offered: \(offered.joined(separator: " "))")
    }

    @inline(never)
    static func authenticationFailed(_ failure: SASLFailure) -> SASLError {
        SASLError(.authenticationFailed, failure: failure, detail: failure.description)
    }

    @inline(never)
    static func malformedServerMessage(_ detail: String) -> SASLError {
        SASLError(.malformedServerMessage, detail: detail)
    }

    @inline(never)
    static func serverVerificationFailed(_ detail: String) -> SASLError {
        SASLError(.serverVerificationFailed, detail: detail)
    }

    @inline(never)
    static func serverError(_ value: String) -> SASLError {
        SASLError(.serverError, detail: "e=\(value)")
    }

    @inline(never)
    static func unexpectedMessage(_ detail: String) -> SASLError {
        SASLError(.unexpectedMessage, detail: detail)
    }
}

extension SASLError: CustomStringConvertible {
    /// The code and the detail.
    public var description: String { "\(code): \(detail)" }
}
