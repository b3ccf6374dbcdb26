import XMPPCore

extension SASLServerStateMachine.Configuration {
    /// The bare JID a SASL username stands for, prepared as a localpart
    /// (UsernameCaseMapped, RFC 7622 §3.3, which replaces SASLprep for XMPP
    /// usernames), or `nil` when it cannot be one. Such a user cannot exist, so
    /// the refusal (`not-authorized`) reveals nothing.
    func identity(username: String) -> JID? {
        try? JID(localpart: username, domainpart: domain.domainpart)
    }

    /// The failure for an authorization identity, or `nil` when there is none or
    /// it names the authenticated account itself (RFC 6120 §6.3.8). Acting as
    /// another entity is not a permission any account has here, so everything
    /// else is `invalid-authzid` (RFC 6120 §6.5.6), including a full JID.
    func authorizationFailure(_ authorizationIdentity: String?, for identity: JID) -> SASLFailure? {
        guard let authorizationIdentity else { return nil }
        guard let requested = try? JID(authorizationIdentity) else {
            return SASLFailure(.invalidAuthzid, text: "the authorization identity is not a JID")
        }
        guard requested == identity else {
            return SASLFailure(.invalidAuthzid, text: "the authorization identity must be your own bare JID")
        }
        return nil
    }
}
