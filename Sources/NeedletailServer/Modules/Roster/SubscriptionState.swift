import NeedletailStorage

/// The nine subscription states of RFC 6121 Appendix A.1 between the user (the
/// account whose entry it is) and one contact, read from a ``RosterEntry``:
/// the direction is ``RosterItem/subscription``, "Pending Out" is
/// ``RosterItem/pendingOut`` (`ask="subscribe"`), and "Pending In" is a stored
/// ``RosterEntry/pendingIn`` request. A contact that is not in the roster is
/// "None", or "None + Pending In" while its request waits.
///
/// Pre-approval (RFC 6121 §3.4) is not one of the nine states; it is
/// ``RosterItem/preApproved`` beside them.
enum SubscriptionState: Sendable, Hashable, CaseIterable {
    /// Neither side has a subscription or asked for one.
    case none
    /// The user asked to see the contact's presence.
    case noneOut
    /// The contact asked to see the user's presence.
    case noneIn
    /// Both asked, neither answered.
    case noneOutIn
    /// The user sees the contact's presence.
    case to
    /// The user sees the contact's presence; the contact asked to see the user's.
    case toIn
    /// The contact sees the user's presence.
    case from
    /// The contact sees the user's presence; the user asked to see the contact's.
    case fromOut
    /// Both see each other's presence.
    case both

    /// The state an entry is in. Flags that cannot go with the subscription are
    /// read as absent, since the subscription already answers them: a pending
    /// request out with `to` or `both`, a pending request in with `from` or `both`.
    init(_ entry: RosterEntry) {
        let pendingOut = entry.item?.pendingOut ?? false
        let pendingIn = entry.pendingIn != nil
        switch entry.item?.subscription ?? .none {
        case .none:
            switch (pendingOut, pendingIn) {
            case (false, false): self = .none
            case (true, false): self = .noneOut
            case (false, true): self = .noneIn
            case (true, true): self = .noneOutIn
            }
        case .to: self = pendingIn ? .toIn : .to
        case .from: self = pendingOut ? .fromOut : .from
        case .both: self = .both
        }
    }

    /// The `subscription` attribute of the roster item in this state.
    var subscription: RosterItem.Subscription {
        switch self {
        case .none, .noneOut, .noneIn, .noneOutIn: .none
        case .to, .toIn: .to
        case .from, .fromOut: .from
        case .both: .both
        }
    }

    /// Whether the user's request to the contact is unanswered (`ask="subscribe"`).
    var pendingOut: Bool {
        switch self {
        case .noneOut, .noneOutIn, .fromOut: true
        case .none, .noneIn, .to, .toIn, .from, .both: false
        }
    }

    /// Whether the contact's request to the user is unanswered.
    var pendingIn: Bool {
        switch self {
        case .noneIn, .noneOutIn, .toIn: true
        case .none, .noneOut, .to, .from, .fromOut, .both: false
        }
    }

    /// Whether the state needs a roster item: all but "None" and "None + Pending
    /// In" do, since a pending request in is kept outside the roster.
    var needsItem: Bool {
        switch self {
        case .none, .noneIn: false
        case .noneOut, .noneOutIn, .to, .toIn, .from, .fromOut, .both: true
        }
    }
}

extension SubscriptionState: CustomStringConvertible {
    /// The state's name as RFC 6121 Appendix A.1 writes it.
    var description: String {
        switch self {
        case .none: "None"
        case .noneOut: "None + Pending Out"
        case .noneIn: "None + Pending In"
        case .noneOutIn: "None + Pending Out+In"
        case .to: "To"
        case .toIn: "To + Pending In"
        case .from: "From"
        case .fromOut: "From + Pending Out"
        case .both: "Both"
        }
    }
}
