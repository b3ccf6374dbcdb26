import NeedletailStorage
import XMPPCore

/// The presence types that manage subscriptions (RFC 6121 §3).
public enum SubscriptionRequest: String, Sendable, CaseIterable {
    /// Asks to see the addressee's presence (§3.1).
    case subscribe
    /// Lets the addressee see the sender's presence (§3.1.5), or approves in advance (§3.4).
    case subscribed
    /// Stops seeing the addressee's presence (§3.3).
    case unsubscribe
    /// Stops the addressee seeing the sender's presence, or refuses its request (§3.2).
    case unsubscribed
}

/// RFC 6121 §3 and Appendix A, run by the server of the account whose entry it is.
///
/// Pure: it reads the stored entry for one contact and says what to store and
/// what to send, and the roster module does the storing (inside
/// ``RosterStore/update(account:contact:itemLimit:_:)``) and the sending. Each
/// entry point is the Appendix A table for its direction and stanza type, one
/// `switch` case per row, with §3.4 pre-approval beside the tables.
///
/// "The user" is the account, "the contact" the other party, whichever side
/// sent the stanza, as in Appendix A.
enum SubscriptionStateMachine {
    /// What the server does with one subscription stanza.
    struct Outcome: Sendable, Equatable {
        /// The entry to store (equal to the input when the state does not change).
        var entry: RosterEntry
        /// Outbound: route the stanza to the contact. Inbound: deliver it to the
        /// user's available resources.
        var forward: Bool
        /// What the server sends the contact on the user's behalf: `subscribed`
        /// when an inbound subscribe arrives while the contact already has From
        /// or Both (§3.1.3), or was pre-approved (§3.4).
        var autoReply: SubscriptionRequest?
        /// Presence the user's server sends the contact after the change, from
        /// each of the user's available resources: available after approving
        /// (§3.1.5), unavailable after the contact lost its subscription (§3.2.2,
        /// §3.3.3).
        var presenceToContact: PresenceToContact?
        /// The roster item before the change, against which ``rosterPush`` is judged.
        let previousItem: RosterItem?

        /// The presence ``presenceToContact`` asks for.
        enum PresenceToContact: Sendable, Equatable {
            /// The current presence of each available resource.
            case available
            /// Presence of type `unavailable` from each available resource.
            case unavailable
        }

        /// Whether the roster item changed, which is when a roster push goes to
        /// the user's interested resources (RFC 6121 §2.1.6). A change to the
        /// pending request in alone is no push: that request is not part of the
        /// roster (Appendix A.1, "None + Pending In").
        var rosterPush: Bool { previousItem != entry.item }

        init(
            before: RosterEntry, after: RosterEntry, forward: Bool, autoReply: SubscriptionRequest? = nil,
            presenceToContact: PresenceToContact? = nil
        ) {
            self.entry = after
            self.forward = forward
            self.autoReply = autoReply
            self.presenceToContact = presenceToContact
            self.previousItem = before.item
        }

        /// The stanza goes no further and nothing changes.
        static func ignored(_ entry: RosterEntry) -> Outcome {
            Outcome(before: entry, after: entry, forward: false)
        }
    }

    /// `entry` moved to `state`, with the item created if the state needs one.
    /// Name, groups and pre-approval are kept, except that a pre-approval is
    /// used up once the contact has From (§3.4). A pending request in that stays
    /// keeps the request stored first; one that starts stores `request`.
    static func entry(
        _ entry: RosterEntry, movedTo state: SubscriptionState, contact: JID, request: [UInt8]? = nil
    ) -> RosterEntry {
        var moved = entry
        if state.needsItem || entry.item != nil {
            var item = entry.item ?? RosterItem(contact: contact.bare)
            item.subscription = state.subscription
            item.pendingOut = state.pendingOut
            if state.subscription == .from || state.subscription == .both {
                item.preApproved = false
            }
            moved.item = item
        }
        assert(!state.pendingIn || entry.pendingIn != nil || request != nil, "Pending In with no request to store")
        moved.pendingIn = state.pendingIn ? (entry.pendingIn ?? request) : nil
        return moved
    }
}
