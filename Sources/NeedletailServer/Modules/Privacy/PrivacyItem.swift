import NeedletailStorage
import XMPPCore

/// One rule of a privacy list (XEP-0016 §2.1).
struct PrivacyItem: Sendable, Hashable {
    /// Whom the rule is about: the `type` and `value` attributes.
    enum Subject: Sendable, Hashable {
        /// `type='jid'`: addresses the JID matches (§2.1, ``JIDPattern``).
        case jid(JID)
        /// `type='group'`: contacts in this roster group.
        case group(String)
        /// `type='subscription'`: contacts with this subscription; `none` includes
        /// those not in the roster at all.
        case subscription(RosterItem.Subscription)
        /// No `type`: everyone, the "fall-through" case.
        case everyone
    }

    /// The `action` attribute.
    enum Action: String, Sendable, Hashable {
        case allow
        case deny
    }

    var subject: Subject
    var action: Action
    /// The `order` attribute, an `xs:unsignedInt` unique in the list.
    var order: UInt32
    /// The stanza kinds the item covers (its child elements); empty covers every
    /// stanza, subscriptions and probes included (§2.11).
    var kinds: Set<PrivacyStanzaKind>

    /// Whether the item decides a stanza of `kind` exchanged with `contact`.
    func matches(_ kind: PrivacyStanzaKind?, contact: JID, roster: PrivacyRosterItem?) -> Bool {
        if kinds.isEmpty || kind.map(kinds.contains) == true {
            switch subject {
            case .everyone: return true
            case .jid(let jid): return JIDPattern.matches(jid, contact)
            case .group(let group): return roster?.groups.contains(group) == true
            case .subscription(let subscription): return (roster?.subscription ?? .none) == subscription
            }
        }
        return false
    }
}

/// What privacy lists need of a roster item: its subscription and groups.
struct PrivacyRosterItem: Sendable, Hashable {
    var subscription: RosterItem.Subscription
    var groups: Set<String>

    init(_ item: RosterItem) {
        subscription = item.subscription
        groups = Set(item.groups)
    }

    init(subscription: RosterItem.Subscription, groups: Set<String> = []) {
        self.subscription = subscription
        self.groups = groups
    }
}
