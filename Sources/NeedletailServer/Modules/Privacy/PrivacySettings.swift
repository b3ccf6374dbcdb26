import NeedletailStorage
import XMPPCore

/// An account's privacy lists as the filter and the IQ handlers see them: the
/// lists, the default, the active list of each session that set one, and the
/// roster facts group and subscription items match against. A value, so a
/// change can be tried on a copy to see what it does before it is made.
struct PrivacySettings: Sendable, Hashable {
    /// A session's active list (XEP-0016 §2.3), tied to the session that set it
    /// so a later session with the same resource does not inherit it.
    struct ActiveList: Sendable, Hashable {
        var session: UInt64
        var name: String
    }

    var lists: [String: PrivacyList] = [:]
    /// The default list's name (§2.5), always one of ``lists``.
    var defaultName: String?
    /// Active lists by the resource of the session that set them.
    var active: [String: ActiveList] = [:]
    /// Roster items by contact bare JID.
    var roster: [JID: PrivacyRosterItem] = [:]
    /// Whether ``roster`` was read from storage. An account without lists has no
    /// use for it, so it is read only once the account has one (or sets one).
    var hasRoster = false

    /// The name of the list that applies to the session with this resource: its
    /// active list, else the default (§2.2 rules 1 and 2); nil resource: the
    /// account as a whole, which is the default.
    func appliedName(resource: String?) -> String? {
        if let resource, let active = active[resource] { return active.name }
        return defaultName
    }

    /// What the list that applies to `resource` says about a stanza of `kind`
    /// exchanged with `contact`; `.allow` when no list applies or no item
    /// matches (§2.2 rules 3 and 7).
    func action(for kind: PrivacyStanzaKind?, contact: JID, resource: String?) -> PrivacyItem.Action {
        guard let name = appliedName(resource: resource), let list = lists[name] else { return .allow }
        return list.action(for: kind, contact: contact, roster: roster[contact.bare]) ?? .allow
    }

    /// Whether the list `name` applies to a connected resource other than
    /// `sender`, among the account's `resources` (§2.2 rule 11, §2.5, §2.8).
    func isApplied(_ name: String, beyond sender: String, resources: some Sequence<String>) -> Bool {
        resources.contains { $0 != sender && appliedName(resource: $0) == name }
    }

    /// The roster groups the account has, which group items must name (§2.1).
    var rosterGroups: Set<String> {
        roster.values.reduce(into: []) { $0.formUnion($1.groups) }
    }

    /// Takes in a roster change (§2.2 rule 9).
    mutating func rosterChanged(_ contact: JID, _ item: RosterItem?) {
        roster[contact.bare] = item.map(PrivacyRosterItem.init)
    }

    /// Replaces what storage holds, keeping the active lists of sessions still
    /// bound whose list is still there. A nil roster was not read (no lists).
    mutating func reload(lists: [PrivacyList], defaultName: String?, roster: [RosterItem]?) {
        self.lists = Dictionary(lists.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        self.defaultName = defaultName.flatMap { self.lists[$0] == nil ? nil : $0 }
        if let roster { takeRoster(roster) }
        active = active.filter { self.lists[$0.value.name] != nil }
    }

    /// Takes in the roster as storage holds it.
    mutating func takeRoster(_ items: [RosterItem]) {
        roster = Dictionary(items.map { ($0.contact.bare, PrivacyRosterItem($0)) }, uniquingKeysWith: { first, _ in first })
        hasRoster = true
    }

    /// Removes the list `name` and whatever named it (the default, the sender's
    /// active list): what a list removal does once no other resource uses it (§2.8).
    mutating func removeList(_ name: String) {
        lists[name] = nil
        if defaultName == name { defaultName = nil }
        active = active.filter { $0.value.name != name }
    }
}
