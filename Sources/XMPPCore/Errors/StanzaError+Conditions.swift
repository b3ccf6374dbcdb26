// Cold-path constructors, one per defined condition of RFC 6120 §8.3.3, each with
// the condition's default type. Kept out of line: errors are the rare path.
extension StanzaError {
    /// `bad-request` (§8.3.3.1): the stanza is malformed or cannot be processed; type `modify`.
    @inline(never)
    public static func badRequest(_ text: String? = nil) -> StanzaError { StanzaError(.badRequest, text: text) }
    /// `conflict` (§8.3.3.2): a resource or session with the same name or address exists; type `cancel`.
    @inline(never)
    public static func conflict(_ text: String? = nil) -> StanzaError { StanzaError(.conflict, text: text) }
    /// `feature-not-implemented` (§8.3.3.3): the recipient does not implement the feature; type `cancel`.
    @inline(never)
    public static func featureNotImplemented(_ text: String? = nil) -> StanzaError {
        StanzaError(.featureNotImplemented, text: text)
    }
    /// `forbidden` (§8.3.3.4): the sender lacks the permissions (authorization); type `auth`.
    @inline(never)
    public static func forbidden(_ text: String? = nil) -> StanzaError { StanzaError(.forbidden, text: text) }
    /// `gone` (§8.3.3.5): the address is permanently gone; `newAddress` (a URI or IRI) is where
    /// the entity can now be reached, if known; type `cancel`.
    @inline(never)
    public static func gone(newAddress: String? = nil, _ text: String? = nil) -> StanzaError {
        StanzaError(.gone, text: text, alternateAddress: newAddress)
    }
    /// `internal-server-error` (§8.3.3.6): a misconfiguration or internal fault; type `cancel`.
    @inline(never)
    public static func internalServerError(_ text: String? = nil) -> StanzaError {
        StanzaError(.internalServerError, text: text)
    }
    /// `item-not-found` (§8.3.3.7): the addressed JID or requested item does not exist; type `cancel`.
    @inline(never)
    public static func itemNotFound(_ text: String? = nil) -> StanzaError { StanzaError(.itemNotFound, text: text) }
    /// `jid-malformed` (§8.3.3.8): an address violates RFC 7622; type `modify`.
    @inline(never)
    public static func jidMalformed(_ text: String? = nil) -> StanzaError { StanzaError(.jidMalformed, text: text) }
    /// `not-acceptable` (§8.3.3.9): the request does not meet the recipient's criteria; type `modify`.
    @inline(never)
    public static func notAcceptable(_ text: String? = nil) -> StanzaError { StanzaError(.notAcceptable, text: text) }
    /// `not-allowed` (§8.3.3.10): no entity may perform the action; type `cancel`.
    @inline(never)
    public static func notAllowed(_ text: String? = nil) -> StanzaError { StanzaError(.notAllowed, text: text) }
    /// `not-authorized` (§8.3.3.11): credentials are missing or wrong (authentication); type `auth`.
    @inline(never)
    public static func notAuthorized(_ text: String? = nil) -> StanzaError { StanzaError(.notAuthorized, text: text) }
    /// `policy-violation` (§8.3.3.12): a local service policy was violated; type `modify`.
    @inline(never)
    public static func policyViolation(_ text: String? = nil) -> StanzaError {
        StanzaError(.policyViolation, text: text)
    }
    /// `recipient-unavailable` (§8.3.3.13): the recipient is temporarily unavailable; type `wait`.
    @inline(never)
    public static func recipientUnavailable(_ text: String? = nil) -> StanzaError {
        StanzaError(.recipientUnavailable, text: text)
    }
    /// `redirect` (§8.3.3.14): requests go, temporarily, to `alternateAddress` (a URI or IRI); type `modify`.
    @inline(never)
    public static func redirect(to alternateAddress: String?, _ text: String? = nil) -> StanzaError {
        StanzaError(.redirect, text: text, alternateAddress: alternateAddress)
    }
    /// `registration-required` (§8.3.3.15): prior registration is needed; type `auth`.
    @inline(never)
    public static func registrationRequired(_ text: String? = nil) -> StanzaError {
        StanzaError(.registrationRequired, text: text)
    }
    /// `remote-server-not-found` (§8.3.3.16): the remote domain does not exist or cannot be resolved; type `cancel`.
    @inline(never)
    public static func remoteServerNotFound(_ text: String? = nil) -> StanzaError {
        StanzaError(.remoteServerNotFound, text: text)
    }
    /// `remote-server-timeout` (§8.3.3.17): the remote domain could not be reached in time; type `wait`.
    @inline(never)
    public static func remoteServerTimeout(_ text: String? = nil) -> StanzaError {
        StanzaError(.remoteServerTimeout, text: text)
    }
    /// `resource-constraint` (§8.3.3.18): the recipient is busy or out of resources; type `wait`.
    @inline(never)
    public static func resourceConstraint(_ text: String? = nil) -> StanzaError {
        StanzaError(.resourceConstraint, text: text)
    }
    /// `service-unavailable` (§8.3.3.19): the service is not provided; type `cancel`. Also the answer
    /// to an IQ nobody handles (§8.4) and what hides whether an account exists (RFC 6121 §8.5).
    @inline(never)
    public static func serviceUnavailable(_ text: String? = nil) -> StanzaError {
        StanzaError(.serviceUnavailable, text: text)
    }
    /// `subscription-required` (§8.3.3.20): a prior subscription is needed; type `auth`.
    @inline(never)
    public static func subscriptionRequired(_ text: String? = nil) -> StanzaError {
        StanzaError(.subscriptionRequired, text: text)
    }
    /// `undefined-condition` (§8.3.3.21): none of the others; it SHOULD come with an
    /// application-specific condition; type `modify` as in the RFC's example.
    @inline(never)
    public static func undefinedCondition(_ applicationCondition: XMPPElement?, _ text: String? = nil) -> StanzaError {
        StanzaError(.undefinedCondition, text: text, applicationCondition: applicationCondition)
    }
    /// `unexpected-request` (§8.3.3.22): understood but not expected now (out of order); type `wait`.
    @inline(never)
    public static func unexpectedRequest(_ text: String? = nil) -> StanzaError {
        StanzaError(.unexpectedRequest, text: text)
    }
}
