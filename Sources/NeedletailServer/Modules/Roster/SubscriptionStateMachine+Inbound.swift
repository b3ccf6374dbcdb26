import NeedletailStorage
import XMPPCore

extension SubscriptionStateMachine {
    /// `request` arrived from `contact` for the user; `entry` is the stored entry
    /// for that contact, and `stanza` the request's serialized form, stored as
    /// the pending request for an inbound subscribe. RFC 6121 Appendix A.3.
    static func inbound(_ request: SubscriptionRequest, entry: RosterEntry, contact: JID, stanza: [UInt8]) -> Outcome {
        let state = SubscriptionState(entry)
        switch request {
        case .subscribe: return inboundSubscribe(state, entry: entry, contact: contact, stanza: stanza)
        case .subscribed: return inboundSubscribed(state, entry: entry, contact: contact)
        case .unsubscribe: return inboundUnsubscribe(state, entry: entry, contact: contact)
        case .unsubscribed: return inboundUnsubscribed(state, entry: entry, contact: contact)
        }
    }

    /// Appendix A.3.1, §3.1.3 and §3.4.
    ///
    /// - A contact that already has From is answered `subscribed` by the server
    ///   and the request is not delivered (§3.1.3, MUST). Prosody also sends the
    ///   user's current presence then, since the contact has evidently lost its
    ///   state; so do we.
    /// - A pre-approved contact ("None", "None + Pending Out", "To" with
    ///   ``RosterItem/preApproved``) is approved by the server (§3.1.3 and §3.4,
    ///   SHOULD): it gets From, the `subscribed` reply and the user's presence,
    ///   exactly as if the user had approved (§3.1.5), and the request is not
    ///   delivered.
    /// - Otherwise the request is stored as Pending In and delivered. A second
    ///   request while one is pending is not delivered and the first one stays
    ///   stored, as in Prosody (§3.1.3: store only one, SHOULD).
    private static func inboundSubscribe(
        _ state: SubscriptionState, entry: RosterEntry, contact: JID, stanza: [UInt8]
    ) -> Outcome {
        let pending: SubscriptionState
        let approved: SubscriptionState
        switch state {
        case .none: (pending, approved) = (.noneIn, .from)
        case .noneOut: (pending, approved) = (.noneOutIn, .fromOut)
        case .to: (pending, approved) = (.toIn, .both)
        case .noneIn, .noneOutIn, .toIn:
            return .ignored(entry)
        case .from, .fromOut, .both:
            return Outcome(
                before: entry, after: entry, forward: false, autoReply: .subscribed, presenceToContact: .available)
        }
        if entry.item?.preApproved == true {
            return Outcome(
                before: entry, after: Self.entry(entry, movedTo: approved, contact: contact), forward: false,
                autoReply: .subscribed, presenceToContact: .available)
        }
        return Outcome(
            before: entry, after: Self.entry(entry, movedTo: pending, contact: contact, request: stanza),
            forward: true)
    }

    /// Appendix A.3.3 and §3.1.6: an approval counts only while the user's
    /// request is pending; it then gives the user To. Any other approval is
    /// silently ignored: not delivered, no change, no push.
    private static func inboundSubscribed(_ state: SubscriptionState, entry: RosterEntry, contact: JID) -> Outcome {
        let new: SubscriptionState
        switch state {
        case .noneOut: new = .to
        case .noneOutIn: new = .toIn
        case .fromOut: new = .both
        case .none, .noneIn, .to, .toIn, .from, .both:
            return .ignored(entry)
        }
        return Outcome(before: entry, after: Self.entry(entry, movedTo: new, contact: contact), forward: true)
    }

    /// Appendix A.3.2 and §3.3.3: the contact withdraws its pending request
    /// (which is removed, with no push since it was not in the roster) or gives
    /// up its From, after which the user's resources send it unavailable
    /// presence (§3.3.3 step 3). Either way the stanza is delivered, as the
    /// table says and Prosody and ejabberd do. No `unsubscribed` goes back:
    /// §3.3.3 asks for none and Prosody sends none (ejabberd, keeping RFC 3921
    /// §9's "SHOULD auto-reply", does).
    private static func inboundUnsubscribe(_ state: SubscriptionState, entry: RosterEntry, contact: JID) -> Outcome {
        let new: SubscriptionState
        let presence: Outcome.PresenceToContact?
        switch state {
        case .noneIn: (new, presence) = (.none, nil)
        case .noneOutIn: (new, presence) = (.noneOut, nil)
        case .toIn: (new, presence) = (.to, nil)
        case .from: (new, presence) = (.none, .unavailable)
        case .fromOut: (new, presence) = (.noneOut, .unavailable)
        case .both: (new, presence) = (.to, .unavailable)
        case .none, .noneOut, .to:
            return .ignored(entry)
        }
        return Outcome(
            before: entry, after: Self.entry(entry, movedTo: new, contact: contact), forward: true,
            presenceToContact: presence)
    }

    /// Appendix A.3.4 and §3.2.3: the contact refuses the user's pending request
    /// or cancels the user's To. When the user had neither, the stanza is
    /// silently ignored.
    private static func inboundUnsubscribed(_ state: SubscriptionState, entry: RosterEntry, contact: JID) -> Outcome {
        let new: SubscriptionState
        switch state {
        case .noneOut: new = .none
        case .noneOutIn: new = .noneIn
        case .to: new = .none
        case .toIn: new = .noneIn
        case .fromOut: new = .from
        case .both: new = .from
        case .none, .noneIn, .from:
            return .ignored(entry)
        }
        return Outcome(before: entry, after: Self.entry(entry, movedTo: new, contact: contact), forward: true)
    }
}
