import XMPPCore

/// XEP-0077 In-Band Registration in negotiation: before authentication a client
/// may ask for the registration form and create an account (§3.1), the one kind
/// of stanza accepted then, where registration is open and the stream
/// confidential; the driver answers, and the client then authenticates as usual.
extension ServerNegotiationStateMachine {
    /// The driver answered a ``Action/register(_:domain:)`` request: the reply goes
    /// out unless the stream ended meanwhile. After a registration the client
    /// authenticates as usual on the same stream (XEP-0077 §3.1.1).
    public mutating func registrationAnswered(_ reply: IQ) -> Action {
        guard case .authenticating = state else { return .wait }
        return .send(reply.element)
    }

    /// A `jabber:iq:register` get or set to the stream's domain (or with no `to`),
    /// the one kind of stanza accepted before authentication (XEP-0077 §3.1.1).
    func registrationRequest(_ element: XMPPElement, context: Context) -> IQ? {
        guard element.namespace == Namespace.client, let iq = IQ(element: element), iq.type?.isRequest == true,
              iq.payload(named: "query", namespace: Namespace.register) != nil
        else { return nil }
        if let to = iq.toAttribute {
            guard let addressee = try? JID(to), addressee == context.domain else { return nil }
        }
        return iq
    }

    /// Hands a registration request to the driver, or refuses it: registration is
    /// closed, the stream is not confidential (XEP-0077 §8: the password travels
    /// in the request), or the request breaks RFC 6120 §8.2.3. Never echoes the
    /// request, which holds a password.
    func registrationRequested(_ request: IQ, context: Context) -> Action {
        let refusal: StanzaError
        if let invalid = request.validationError {
            refusal = invalid
        } else if !configuration.offersRegistration {
            refusal = .notAllowed("in-band registration is not enabled on this server")
        } else if !isConfidential(context) {
            refusal = .notAllowed("register over TLS")
        } else {
            return .register(request, domain: context.domain)
        }
        guard let reply = request.errorReply(refusal, includingOriginalPayload: false) else { return .wait }
        return .refuseRegistration(reply.element, refusal)
    }

    /// XEP-0077 §4: `<register/>` while registration is open, on a confidential
    /// stream only, where the password a registration carries is safe (§8).
    func registrationFeature(_ context: Context) -> [XMPPElement] {
        guard configuration.offersRegistration, isConfidential(context) else { return [] }
        return [XMPPElement("register", namespace: Namespace.registerFeature)]
    }
}
