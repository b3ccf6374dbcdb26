import Logging
import XMPPCore
import XMPPStreams

extension ServerContext {
    /// Ends a bound session for good, however it ended: out of routing and
    /// resumption, its modules told (contacts get `unavailable`, RFC 6121
    /// §4.5.2), and the stanzas its client did not acknowledge routed as for an
    /// unavailable resource (XEP-0198 §4). Stanzas that still arrive for it
    /// afterwards are routed the same way.
    func end(_ session: ClientSession, unacknowledged: [OutboundStanza], resumptionID: String?) {
        session.end(undeliverable: undeliverableRoute(for: session, priority: session.priority))
        finish(session, unacknowledged: unacknowledged, resumptionID: resumptionID)
    }

    /// A detached session's resumption time ran out, or something (a new login
    /// with its resource, shutdown) ended it before a client came back; nothing
    /// happens if it has been resumed or ended meanwhile.
    func expire(_ session: ClientSession, generation: UInt64) {
        let route = undeliverableRoute(for: session, priority: session.priority)
        let (ended, hibernation) = session.end(undeliverable: route, ifGeneration: generation)
        guard ended, var hibernation else { return }
        logger.info("a detached session ended without being resumed", metadata: [
            "xmpp.jid": "\(session.jid)", "unacknowledged": "\(hibernation.unacknowledged.count + hibernation.arrived.count)",
        ])
        finish(session, unacknowledged: hibernation.unacknowledged.removeAll() + hibernation.arrived, resumptionID: hibernation.id)
    }

    private func finish(_ session: ClientSession, unacknowledged: [OutboundStanza], resumptionID: String?) {
        registry.unregister(session)
        if let resumptionID {
            resumable.remove(id: resumptionID, of: session)
        }
        let router = self.router
        // Read before the modules hear the session ended, which clears its presence.
        let priority = session.priority
        background.run {
            // Stored before contacts hear the session went, so a client that
            // logs in again on that news finds every message waiting, in order.
            if !unacknowledged.isEmpty {
                await router.reroute(OutboundStanza.stanzas(unacknowledged), endedPriority: priority)
            }
            for hook in router.modules.endedHooks {
                await hook(session, router)
            }
        }
    }

    /// Where stanzas still arriving for an ended session go; `priority` is the
    /// session's while it was up, which decided who else got its messages.
    private func undeliverableRoute(for session: ClientSession, priority: Int8) -> UndeliverableStanzas {
        let router = self.router
        let background = self.background
        return { items in
            background.run { await router.reroute(OutboundStanza.stanzas(items), endedPriority: priority) }
        }
    }
}
