import NeedletailStorage
import XMPPCore

extension SubscriptionStateMachine {
    /// The user's client sent `request` to `contact`; `entry` is the stored entry
    /// for that contact (empty when the contact is not in the roster and has not
    /// asked). RFC 6121 Appendix A.2.
    static func outbound(_ request: SubscriptionRequest, entry: RosterEntry, contact: JID) -> Outcome {
        let state = SubscriptionState(entry)
        switch request {
        case .subscribe: return outboundSubscribe(state, entry: entry, contact: contact)
        case .subscribed: return outboundSubscribed(state, entry: entry, contact: contact)
        case .unsubscribe: return outboundUnsubscribe(state, entry: entry, contact: contact)
        case .unsubscribed: return outboundUnsubscribed(state, entry: entry, contact: contact)
        }
    }

    /// Appendix A.2.1 and §3.1.2: every subscribe is routed, even when the user
    /// already asked or is subscribed, so a request lost on the way can be sent
    /// again and the contact's server can answer for itself. A contact not in the
    /// roster is added with subscription "none" and `ask="subscribe"`.
    private static func outboundSubscribe(_ state: SubscriptionState, entry: RosterEntry, contact: JID) -> Outcome {
        let new: SubscriptionState
        switch state {
        case .none: new = .noneOut
        case .noneIn: new = .noneOutIn
        case .from: new = .fromOut
        case .noneOut, .noneOutIn, .to, .toIn, .fromOut, .both:
            return Outcome(before: entry, after: entry, forward: true)
        }
        return Outcome(before: entry, after: Self.entry(entry, movedTo: new, contact: contact), forward: true)
    }

    /// Appendix A.2.3, §3.1.5 and §3.4.2. Approving a pending request gives the
    /// contact From, clears the request, and is followed by the user's current
    /// presence. With no request to approve, "None", "None + Pending Out" and
    /// "To" (and a contact not in the roster, added with subscription "none")
    /// are pre-approved and the stanza is not routed (§3.4.2 rules 3 and 4);
    /// when the contact already has From it is silently ignored (rule 1).
    private static func outboundSubscribed(_ state: SubscriptionState, entry: RosterEntry, contact: JID) -> Outcome {
        let new: SubscriptionState
        switch state {
        case .noneIn: new = .from
        case .noneOutIn: new = .fromOut
        case .toIn: new = .both
        case .none, .noneOut, .to:
            var preApproved = entry
            var item = entry.item ?? RosterItem(contact: contact.bare)
            item.preApproved = true
            preApproved.item = item
            return Outcome(before: entry, after: preApproved, forward: false)
        case .from, .fromOut, .both:
            return .ignored(entry)
        }
        return Outcome(
            before: entry, after: Self.entry(entry, movedTo: new, contact: contact), forward: true,
            presenceToContact: .available)
    }

    /// Appendix A.2.2 and §3.3.2: every unsubscribe is routed (as Prosody does,
    /// also when there was nothing to cancel); the user loses To and any request
    /// out.
    private static func outboundUnsubscribe(_ state: SubscriptionState, entry: RosterEntry, contact: JID) -> Outcome {
        let new: SubscriptionState
        switch state {
        case .noneOut: new = .none
        case .noneOutIn: new = .noneIn
        case .to: new = .none
        case .toIn: new = .noneIn
        case .fromOut: new = .from
        case .both: new = .from
        case .none, .noneIn, .from:
            return Outcome(before: entry, after: entry, forward: true)
        }
        return Outcome(before: entry, after: Self.entry(entry, movedTo: new, contact: contact), forward: true)
    }

    /// Appendix A.2.4 and §3.2.2: refuses the contact's pending request, or
    /// cancels the contact's From, which is preceded by unavailable presence from
    /// the user's resources (the contact saw them as available). Either way any
    /// pre-approval goes too. In "None", "None + Pending Out" and "To" there is
    /// nothing to cancel: a pre-approval is removed and the stanza not routed
    /// (§3.2.2 rule 2, MUST NOT), and without one the stanza is dropped as
    /// Prosody does (rule 1, SHOULD NOT route).
    private static func outboundUnsubscribed(_ state: SubscriptionState, entry: RosterEntry, contact: JID) -> Outcome {
        var withdrawn = entry
        withdrawn.item?.preApproved = false
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
            return Outcome(before: entry, after: withdrawn, forward: false)
        }
        return Outcome(
            before: entry, after: Self.entry(withdrawn, movedTo: new, contact: contact), forward: true,
            presenceToContact: presence)
    }
}
