import XMPPCore

/// Which stanzas answer an IQ request (RFC 6120 §8.2.3): a `result` or `error`
/// with the request's `id`, from the entity the request was addressed to.
///
/// Matching on the sender as well as the `id` keeps another entity from
/// answering a request in the addressee's name by guessing its `id`. A request
/// without `to` is handled by the user's own server on behalf of the account
/// (RFC 6120 §10.3.3), so its answer comes from the account's bare or full JID,
/// its domain, or carries no `from` at all. Stanzas without `from` can only come
/// from our own server, since it stamps `from` on everything it routes (RFC 6120
/// §8.1.2.1), so they are also accepted for requests addressed to the account or
/// its domain.
enum IQResponseMatching {
    /// Whether `response` answers a request with `id`, sent to `requestTo` (nil:
    /// no `to`) by the session bound as `ownJID`.
    static func isResponse(_ response: IQ, toRequestWithID id: String, to requestTo: JID?, ownJID: JID) -> Bool {
        guard response.id == id, response.type == .result || response.type == .error else { return false }
        let answeredByOwnServer = requestTo.map { isOwnServerOrAccount($0, ownJID: ownJID) } ?? true
        guard let fromAttribute = response.fromAttribute else { return answeredByOwnServer }
        guard let sender = try? JID(fromAttribute) else { return false }
        if let requestTo, sender == requestTo { return true }
        return answeredByOwnServer && isOwnServerOrAccount(sender, ownJID: ownJID)
    }

    /// The account (bare or this resource) or its domain.
    static func isOwnServerOrAccount(_ jid: JID, ownJID: JID) -> Bool {
        jid == ownJID.bare || jid == ownJID || jid == ownJID.domain
    }
}
