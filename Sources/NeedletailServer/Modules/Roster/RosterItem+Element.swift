import NeedletailStorage
import XMPPCore

extension RosterItem {
    /// The `<item/>` of a roster result or push (RFC 6121 §2.1.2): `ask` for
    /// Pending Out, `approved` for a pre-approval (§3.4), each group once.
    var element: XMPPElement {
        var item = XMPPElement("item", namespace: Namespace.roster, [
            "jid": contact.description, "name": name, "subscription": subscription.rawValue,
            "ask": pendingOut ? "subscribe" : nil, "approved": preApproved ? "true" : nil,
        ])
        for group in groups {
            item.append(XMPPElement("group", namespace: Namespace.roster, text: group))
        }
        return item
    }

    /// A removed item as pushed to clients (RFC 6121 §2.5.2).
    static func removedElement(_ contact: JID) -> XMPPElement {
        XMPPElement("item", namespace: Namespace.roster, ["jid": contact.description, "subscription": "remove"])
    }
}

/// What a client may change of a roster item with a roster set (RFC 6121 §2.3-§2.5):
/// its name and groups, or its removal. The subscription state is the server's.
struct RosterSetRequest: Sendable {
    var contact: JID
    var name: String?
    var groups: [String]
    var isRemoval: Bool

    /// The longest name or group the server keeps, in UTF-8 bytes (the limit a
    /// server may set, RFC 6121 §2.3.3).
    static let maxTextBytes = 1024

    /// Reads a roster set's query, or the error RFC 6121 §2.3.3 names for it.
    init(query: XMPPElement) throws(StanzaError) {
        let items = query.elements(named: "item", namespace: Namespace.roster)
        guard items.count == 1, let item = items.first else {
            throw StanzaError.badRequest("a roster set carries exactly one item")
        }
        guard let raw = item[attribute: "jid"] else {
            throw StanzaError.badRequest("the item has no 'jid'")
        }
        guard let jid = try? JID(raw) else {
            throw StanzaError.jidMalformed("the item's 'jid' is not a valid JID")
        }
        let groups = item.elements(named: "group", namespace: Namespace.roster).map(\.text)
        if Set(groups).count != groups.count {
            throw StanzaError.badRequest("the item names a group twice")
        }
        if groups.contains(where: \.isEmpty) {
            throw StanzaError.notAcceptable("a group name is empty")
        }
        let name = item[attribute: "name"]
        if let name, name.utf8.count > Self.maxTextBytes {
            throw StanzaError.notAcceptable("the name is longer than \(Self.maxTextBytes) bytes")
        }
        if groups.contains(where: { $0.utf8.count > Self.maxTextBytes }) {
            throw StanzaError.notAcceptable("a group name is longer than \(Self.maxTextBytes) bytes")
        }
        // RFC 6121 §2.1.2.5: a client sets only "remove"; other values are the server's and ignored.
        isRemoval = item[attribute: "subscription"] == "remove"
        // Roster items are bare JIDs (RFC 6121 §2.1.2.3); a resource is dropped.
        contact = jid.bare
        self.name = name?.isEmpty == true ? nil : name
        self.groups = groups
    }
}
