import XMPPCore

extension PrivacyList {
    /// Parses the `<list/>` of a list set with its items (XEP-0016 §2.1, §2.6):
    /// `bad-request` for a missing name, an item XEP-0016 rules out, or two items
    /// with the same order.
    init(element: XMPPElement) throws(StanzaError) {
        guard let name = element[attribute: "name"], !name.isEmpty else {
            throw StanzaError.badRequest("a list needs a name")
        }
        var items: [PrivacyItem] = []
        for child in element.elements {
            guard child.name == "item", child.namespace == Namespace.privacy else {
                throw StanzaError.badRequest("a list holds only items")
            }
            items.append(try PrivacyItem(element: child))
        }
        // §2.1: "unique among all items in the list", else bad-request.
        guard Set(items.map(\.order)).count == items.count else {
            throw StanzaError.badRequest("two items have the same order")
        }
        self.init(name: name, items: items)
    }

    /// The list as a get result and storage have it: items in order.
    var element: XMPPElement {
        XMPPElement("list", namespace: Namespace.privacy, ["name": name]) {
            items.map(\.element)
        }
    }

    /// Parses a list stored with ``element``; nil when the bytes are damaged.
    init?(storedBytes bytes: [UInt8]) {
        guard let element = XMPPElement(storedBytes: bytes), let list = try? PrivacyList(element: element) else { return nil }
        self = list
    }
}
