import NeedletailStorage
import XMPPCore

extension PrivacyChange {
    /// Applies `change` to the account's settings, with what it does to presence
    /// already exchanged:
    ///
    /// - a contact subscribed to the user's presence that may no longer see that
    ///   of a session (by the list that applies to the session) gets `unavailable`
    ///   from it, sent while the old lists still let it out (§2.10: the server
    ///   MUST); one that may see it again gets the session's current presence;
    /// - a local contact's presence the user may no longer receive becomes
    ///   `unavailable` for the user's sessions (§2.9: SHOULD); presence it may
    ///   receive again is delivered as it is now. Contacts broadcast to the
    ///   user's bare JID, which the default list judges (see
    ///   ``PrivacyModule/verdict(_:sender:recipient:_:cache:)``), so that is the
    ///   list compared here. Remote contacts' presence is not tracked here.
    func apply(_ change: (inout PrivacySettings) -> Void) async {
        let before = cache.settings(of: account)
        var after = before
        change(&after)
        let sessions = router.registry.sessions(of: account).filter(\.isAvailable)

        var revealedTo: [(session: ClientSession, contact: JID)] = []
        var hidden: [(session: ClientSession, contact: ClientSession)] = []
        var shown: [(session: ClientSession, contact: ClientSession)] = []
        let subscribers = before.roster.filter(\.value.subscription.contactSeesUser).keys
        let publishers = before.roster.filter(\.value.subscription.userSeesContact).keys
            .filter(router.isLocal)
            .flatMap { router.registry.sessions(of: $0).filter(\.isAvailable) }
        for session in sessions {
            let resource = session.jid.resourcepart
            for contact in subscribers {
                switch (before.action(for: .presenceOut, contact: contact, resource: resource),
                        after.action(for: .presenceOut, contact: contact, resource: resource)) {
                case (.allow, .deny):
                    await router.sendPresence(of: session, to: contact, available: false)
                case (.deny, .allow):
                    revealedTo.append((session, contact))
                case (.allow, .allow), (.deny, .deny):
                    break
                }
            }
        }
        for contact in publishers {
            switch (before.action(for: .presenceIn, contact: contact.jid, resource: nil),
                    after.action(for: .presenceIn, contact: contact.jid, resource: nil)) {
            case (.allow, .deny): hidden += sessions.map { ($0, contact) }
            case (.deny, .allow): shown += sessions.map { ($0, contact) }
            case (.allow, .allow), (.deny, .deny): break
            }
        }

        cache.update(account, change)

        for (session, contact) in revealedTo {
            await router.sendPresence(of: session, to: contact)
        }
        for (session, contact) in hidden {
            session.deliver(Presence(type: .unavailable, to: session.jid, from: contact.jid).element)
        }
        for (session, contact) in shown {
            guard var presence = contact.lastPresence else { continue }
            presence.setFrom(contact.jid)
            presence.setTo(session.jid)
            // The contact's own filters still have their say.
            guard router.permits(.presence(presence), from: contact.jid, to: session.jid) else { continue }
            session.deliver(presence.element)
        }
    }
}
