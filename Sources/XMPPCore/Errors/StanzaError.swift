/// A stanza-level error (RFC 6120 §8.3): recoverable, it is sent back as the
/// `<error/>` child of an error reply and the stream stays open.
///
/// Modules answer with one of these (`.error(StanzaError)`), the router turns
/// unhandled requests into `service-unavailable` (RFC 6120 §8.4), and clients
/// read them from stanzas of type `error`.
public struct StanzaError: Error, Sendable, Hashable {
    /// The defined conditions of RFC 6120 §8.3.3, named as the RFC names them.
    public enum Condition: String, Sendable, Hashable, CaseIterable {
        /// §8.3.3.1: the stanza is malformed or cannot be processed.
        case badRequest = "bad-request"
        /// §8.3.3.2: a resource or session with the same name or address already exists.
        case conflict = "conflict"
        /// §8.3.3.3: the recipient does not implement the feature the stanza uses.
        case featureNotImplemented = "feature-not-implemented"
        /// §8.3.3.4: the sender lacks the permissions for the action (authorization).
        case forbidden = "forbidden"
        /// §8.3.3.5: the recipient is permanently gone; the error may carry its new address.
        case gone = "gone"
        /// §8.3.3.6: a misconfiguration or internal fault prevents processing.
        case internalServerError = "internal-server-error"
        /// §8.3.3.7: the addressed JID or the requested item does not exist.
        case itemNotFound = "item-not-found"
        /// §8.3.3.8: an address violates the rules of RFC 7622.
        case jidMalformed = "jid-malformed"
        /// §8.3.3.9: the request does not meet the recipient's criteria.
        case notAcceptable = "not-acceptable"
        /// §8.3.3.10: no entity may perform the action.
        case notAllowed = "not-allowed"
        /// §8.3.3.11: credentials are missing or wrong (authentication).
        case notAuthorized = "not-authorized"
        /// §8.3.3.12: a local service policy was violated.
        case policyViolation = "policy-violation"
        /// §8.3.3.13: the recipient is temporarily unavailable.
        case recipientUnavailable = "recipient-unavailable"
        /// §8.3.3.14: requests go, temporarily, to another address the error carries.
        case redirect = "redirect"
        /// §8.3.3.15: prior registration is needed.
        case registrationRequired = "registration-required"
        /// §8.3.3.16: the remote domain does not exist or cannot be resolved.
        case remoteServerNotFound = "remote-server-not-found"
        /// §8.3.3.17: the remote domain was resolved but could not be reached in time.
        case remoteServerTimeout = "remote-server-timeout"
        /// §8.3.3.18: the recipient is busy or out of resources.
        case resourceConstraint = "resource-constraint"
        /// §8.3.3.19: the recipient does not provide the service.
        case serviceUnavailable = "service-unavailable"
        /// §8.3.3.20: a prior subscription is needed.
        case subscriptionRequired = "subscription-required"
        /// §8.3.3.21: none of the others; used with an application-specific condition.
        case undefinedCondition = "undefined-condition"
        /// §8.3.3.22: understood, but not expected at this time (out of order).
        case unexpectedRequest = "unexpected-request"
    }

    /// The error types of RFC 6120 §8.3.2: what the sender may do about the error.
    public enum ErrorType: String, Sendable, Hashable, CaseIterable {
        /// Retry after providing credentials.
        case auth
        /// Do not retry: the error cannot be remedied.
        case cancel
        /// Proceed: the condition was only a warning.
        case `continue`
        /// Retry after changing the data sent.
        case modify
        /// Retry after waiting: the error is temporary.
        case wait
    }

    /// The defined condition.
    public var condition: Condition
    /// The error type; ``Condition/defaultType`` unless the caller chose another.
    public var type: ErrorType
    /// Human-readable text (RFC 6120 §8.3.2), sent in a `<text/>` child; optional, and never a
    /// substitute for the condition.
    public var text: String?
    /// The `xml:lang` of ``text``; RFC 6120 §8.3.2 says the `<text/>` element SHOULD carry one.
    public var textLanguage: String?
    /// For `gone` and `redirect`, the URI or IRI of the new address, sent as the condition element's
    /// character data (RFC 6120 §8.3.3.5, §8.3.3.14). Ignored for other conditions.
    public var alternateAddress: String?
    /// An application-specific condition element (RFC 6120 §8.3.2), sent after the text.
    public var applicationCondition: XMPPElement?
    /// The entity that generated the error: the `by` attribute (RFC 6120 §8.3.2), optional.
    public var by: JID?

    /// Creates a stanza error; `type` defaults to the condition's ``Condition/defaultType``.
    public init(
        _ condition: Condition,
        type: ErrorType? = nil,
        text: String? = nil,
        textLanguage: String? = "en",
        alternateAddress: String? = nil,
        applicationCondition: XMPPElement? = nil,
        by: JID? = nil
    ) {
        self.condition = condition
        self.type = type ?? condition.defaultType
        self.text = text
        self.textLanguage = text == nil ? nil : textLanguage
        self.alternateAddress = alternateAddress
        self.applicationCondition = applicationCondition
        self.by = by
    }
}

extension StanzaError.Condition {
    /// The error type RFC 6120 §8.3.3 associates with the condition.
    ///
    /// Where the definition allows two types, the first it names is used
    /// (feature-not-implemented: "cancel" or "modify"; policy-violation: "modify" or
    /// "wait"; unexpected-request: "wait" or "modify", although the RFC's example
    /// uses "modify"). undefined-condition allows any type; its example uses "modify".
    public var defaultType: StanzaError.ErrorType {
        switch self {
        case .badRequest: .modify
        case .conflict: .cancel
        case .featureNotImplemented: .cancel
        case .forbidden: .auth
        case .gone: .cancel
        case .internalServerError: .cancel
        case .itemNotFound: .cancel
        case .jidMalformed: .modify
        case .notAcceptable: .modify
        case .notAllowed: .cancel
        case .notAuthorized: .auth
        case .policyViolation: .modify
        case .recipientUnavailable: .wait
        case .redirect: .modify
        case .registrationRequired: .auth
        case .remoteServerNotFound: .cancel
        case .remoteServerTimeout: .wait
        case .resourceConstraint: .wait
        case .serviceUnavailable: .cancel
        case .subscriptionRequired: .auth
        case .undefinedCondition: .modify
        case .unexpectedRequest: .wait
        }
    }

    /// True for the conditions whose element carries a new address as character data
    /// (`gone`, RFC 6120 §8.3.3.5, and `redirect`, §8.3.3.14).
    public var carriesAlternateAddress: Bool {
        self == .gone || self == .redirect
    }
}

extension StanzaError: CustomStringConvertible {
    /// The condition, its type, any new address and the text, for logs.
    public var description: String {
        var result = "\(condition.rawValue) (\(type.rawValue))"
        if let alternateAddress, condition.carriesAlternateAddress { result += " → \(alternateAddress)" }
        if let text { result += ": \(text)" }
        return result
    }
}
