import XMPPCore

/// One contact in an account's roster (RFC 6121 §2.1.2): the contact's bare JID,
/// the user's name and groups for it, and the subscription state between them
/// (RFC 6121 Appendix A) apart from a pending inbound request, which is not part
/// of the roster and lives in ``RosterEntry/pendingIn``.
public struct RosterItem: Sendable, Hashable {
    /// The `subscription` attribute (RFC 6121 §2.1.2.5).
    public enum Subscription: String, Sendable, Hashable, CaseIterable {
        /// Neither side sees the other's presence.
        case none
        /// The user sees the contact's presence.
        case to
        /// The contact sees the user's presence.
        case from
        /// Both see each other's presence.
        case both
    }

    /// The contact's bare JID.
    public var contact: JID
    /// The user's name for the contact, if any.
    public var name: String?
    /// The groups the user put the contact in, each once, sorted.
    public var groups: [String]
    /// The subscription state.
    public var subscription: Subscription
    /// The user asked to see the contact's presence and the contact has not
    /// answered: `ask="subscribe"` (RFC 6121 §2.1.2.2), "Pending Out".
    public var pendingOut: Bool
    /// The user approved the contact's future request in advance (RFC 6121 §3.4).
    public var preApproved: Bool

    /// An item with the given fields; the groups are sorted and made unique.
    public init(
        contact: JID, name: String? = nil, groups: [String] = [], subscription: Subscription = .none,
        pendingOut: Bool = false, preApproved: Bool = false
    ) {
        self.contact = contact
        self.name = name
        self.groups = Array(Set(groups)).sorted()
        self.subscription = subscription
        self.pendingOut = pendingOut
        self.preApproved = preApproved
    }
}

/// Everything stored between an account and one contact: the roster item, if the
/// contact is in the roster, and the contact's unanswered subscription request, if
/// any ("Pending In"), kept as the serialized presence stanza so it can be
/// delivered again, status text and all, at the user's next login (RFC 6121 §3.1.3).
public struct RosterEntry: Sendable, Hashable {
    /// The roster item, or nil when the contact is not in the roster.
    public var item: RosterItem?
    /// The serialized inbound `subscribe` presence awaiting the user's answer.
    public var pendingIn: [UInt8]?

    public init(item: RosterItem? = nil, pendingIn: [UInt8]? = nil) {
        self.item = item
        self.pendingIn = pendingIn
    }

    /// Neither a roster item nor a pending request: nothing is stored.
    public var isEmpty: Bool { item == nil && pendingIn == nil }
}

/// An account's roster as a client sees it, with its version (RFC 6121 §2.6).
public struct Roster: Sendable, Hashable {
    /// The version; it grows with every change to an item, starting at 0.
    public var version: Int64
    /// The items, ordered by contact JID.
    public var items: [RosterItem]

    public init(version: Int64, items: [RosterItem]) {
        self.version = version
        self.items = items
    }
}

/// The result of ``RosterStore/update(account:contact:itemLimit:_:)``.
public struct RosterUpdate: Sendable, Hashable {
    /// The entry before the change.
    public var before: RosterEntry
    /// The entry as stored now.
    public var after: RosterEntry
    /// The roster version after the change: one more than before when the roster
    /// item changed (added, edited or removed), unchanged otherwise.
    public var version: Int64

    public init(before: RosterEntry, after: RosterEntry, version: Int64) {
        self.before = before
        self.after = after
        self.version = version
    }

    /// Whether the roster item changed, which is when clients get a roster push.
    public var itemChanged: Bool { before.item != after.item }
}

extension RosterItem.Subscription {
    /// The contact sees the user's presence: From or Both.
    public var contactSeesUser: Bool { self == .from || self == .both }
    /// The user sees the contact's presence: To or Both.
    public var userSeesContact: Bool { self == .to || self == .both }
}
