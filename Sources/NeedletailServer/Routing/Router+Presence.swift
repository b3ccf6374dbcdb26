import XMPPCore

extension Router {
    /// A session's current presence, or `unavailable` when `available` is false,
    /// from its full JID to `contact`: what follows a subscription granted or
    /// cancelled, a contact blocked or unblocked, a privacy list changed. Nothing
    /// when the session is not available.
    public func sendPresence(of session: ClientSession, to contact: JID, available: Bool = true) async {
        guard let current = session.lastPresence else { return }
        var presence = available ? current : Presence(type: .unavailable)
        presence.setFrom(session.jid)
        presence.setTo(contact)
        await send(.presence(presence))
    }
}
