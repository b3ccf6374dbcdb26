import XMPPCore

/// One privacy list (XEP-0016 §2.1): named rules, each a ``PrivacyItem``, kept in
/// ascending `order`, so the first item that matches a stanza decides (§2.2 rules
/// 5 and 6).
struct PrivacyList: Sendable, Hashable {
    /// The list's name, unique among the account's lists.
    var name: String
    /// The rules, sorted by ``PrivacyItem/order``; the orders are unique.
    private(set) var items: [PrivacyItem]

    /// A list of `items` in any order; they are sorted here. The caller has
    /// checked that the orders are unique (``init(element:)`` does).
    init(name: String, items: [PrivacyItem]) {
        self.name = name
        self.items = items.sorted { $0.order < $1.order }
    }

    /// What the first matching item says about a stanza of `kind` (nil: a kind
    /// only items without child elements cover) exchanged with `contact`, given
    /// the contact's roster item if any; nil when no item matches, which allows
    /// it (§2.2 rule 7).
    func action(for kind: PrivacyStanzaKind?, contact: JID, roster: PrivacyRosterItem?) -> PrivacyItem.Action? {
        items.first { $0.matches(kind, contact: contact, roster: roster) }?.action
    }
}
