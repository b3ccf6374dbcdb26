import NeedletailStorage
import XMPPCore

extension PrivacyItem {
    /// Parses an `<item/>` (XEP-0016 §2.1 and its schema): `action` and `order`
    /// required, `type` optional with a `value` fitting it, child elements from
    /// the four stanza kinds.
    init(element: XMPPElement) throws(StanzaError) {
        guard let action = element[attribute: "action"].flatMap(Action.init(rawValue:)) else {
            throw StanzaError.badRequest("an item's 'action' is 'allow' or 'deny'")
        }
        // xs:unsignedInt: a non-negative integer that fits 32 bits.
        guard let order = element[attribute: "order"].flatMap({ UInt32($0) }) else {
            throw StanzaError.badRequest("an item's 'order' is a non-negative integer")
        }
        let value = element[attribute: "value"]
        let subject: Subject
        switch element[attribute: "type"] {
        case nil:
            subject = .everyone
        case "jid":
            guard let jid = value.flatMap({ try? JID($0) }) else {
                throw StanzaError.badRequest("a 'jid' item's value is a JID")
            }
            subject = .jid(jid)
        case "group":
            guard let group = value, !group.isEmpty else {
                throw StanzaError.badRequest("a 'group' item names a group")
            }
            subject = .group(group)
        case "subscription":
            guard let subscription = value.flatMap(RosterItem.Subscription.init(rawValue:)) else {
                throw StanzaError.badRequest("a 'subscription' item's value is both, to, from or none")
            }
            subject = .subscription(subscription)
        default:
            throw StanzaError.badRequest("an item's 'type' is jid, group or subscription")
        }
        var kinds: Set<PrivacyStanzaKind> = []
        for child in element.elements {
            guard child.namespace == Namespace.privacy, let kind = PrivacyStanzaKind(rawValue: child.name) else {
                throw StanzaError.badRequest("an item's children are message, iq, presence-in or presence-out")
            }
            kinds.insert(kind)
        }
        self.init(subject: subject, action: action, order: order, kinds: kinds)
    }

    /// The `<item/>` as clients read it back.
    var element: XMPPElement {
        let (type, value): (String?, String?) = switch subject {
        case .everyone: (nil, nil)
        case .jid(let jid): ("jid", jid.description)
        case .group(let group): ("group", group)
        case .subscription(let subscription): ("subscription", subscription.rawValue)
        }
        return XMPPElement("item", namespace: Namespace.privacy, [
            "type": type, "value": value, "action": action.rawValue, "order": String(order),
        ]) {
            PrivacyStanzaKind.allCases.filter(kinds.contains).map { XMPPElement($0.rawValue, namespace: Namespace.privacy) }
        }
    }

    /// The roster group the item names, if it is a group item.
    var group: String? {
        if case .group(let group) = subject { return group }
        return nil
    }
}
