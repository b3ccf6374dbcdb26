/// The defined conditions of a SASL `<failure/>` (RFC 6120 §6.5), named as the
/// RFC names them; the raw value is the element name on the wire.
public enum SASLFailureCondition: String, Sendable, Hashable, CaseIterable {
    /// The initiating entity sent `<abort/>` (RFC 6120 §6.5.1).
    case aborted = "aborted"
    /// The account exists and the credentials are right, but it is disabled (RFC 6120 §6.5.2).
    case accountDisabled = "account-disabled"
    /// The credentials are right but have expired (RFC 6120 §6.5.3).
    case credentialsExpired = "credentials-expired"
    /// The mechanism needs a confidential stream, such as TLS, which this one is not (RFC 6120 §6.5.4).
    case encryptionRequired = "encryption-required"
    /// The base 64 of `<auth/>` or `<response/>` did not decode (RFC 6120 §6.5.5).
    case incorrectEncoding = "incorrect-encoding"
    /// The authorization identity is malformed or not one the authenticated entity may act as (RFC 6120 §6.5.6).
    case invalidAuthzid = "invalid-authzid"
    /// No mechanism was named, or one the receiving entity does not support (RFC 6120 §6.5.7).
    case invalidMechanism = "invalid-mechanism"
    /// The request does not follow the mechanism's syntax, or the exchange's order (RFC 6120 §6.5.8).
    case malformedRequest = "malformed-request"
    /// The mechanism is weaker than server policy permits (RFC 6120 §6.5.9).
    case mechanismTooWeak = "mechanism-too-weak"
    /// The credentials are wrong, or the user unknown; the two are not told apart (RFC 6120 §6.5.10).
    case notAuthorized = "not-authorized"
    /// A temporary error on the receiving entity, such as its storage (RFC 6120 §6.5.11).
    case temporaryAuthFailure = "temporary-auth-failure"
}
