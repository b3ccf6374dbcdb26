/// A XEP-0059 result set management request: the `<set xmlns='http://jabber.org/protocol/rsm'/>`
/// a requester puts inside a query (disco#items, MAM, search) to page through results.
///
/// Kept with the forms as another small, reusable model that many features embed.
public struct ResultSetRequest: Sendable, Hashable {
    /// Where the requested page ends, `<before/>` (XEP-0059 §2.3, §2.5).
    public enum Before: Sendable, Hashable {
        /// An empty `<before/>`: the last page of the result set (XEP-0059 §2.5).
        case lastPage
        /// The page that ends just before the item with this UID (XEP-0059 §2.3).
        case item(String)
    }

    /// The most items to return, `<max/>` (XEP-0059 §2.1); 0 asks for the count only (§2.7).
    public var max: Int?
    /// Return the items that follow the item with this UID, `<after/>` (XEP-0059 §2.2).
    /// Without it (and without ``before`` or ``index``) the page starts at the first item.
    public var after: String?
    /// Return the items before an item, or the last page, `<before/>` (XEP-0059 §2.3, §2.5).
    public var before: Before?
    /// Return the page starting at this position, `<index/>` (XEP-0059 §2.6); UIDs SHOULD be
    /// preferred where possible.
    public var index: Int?

    /// Creates a request.
    public init(max: Int? = nil, after: String? = nil, before: Before? = nil, index: Int? = nil) {
        self.max = max
        self.after = after
        self.before = before
        self.index = index
    }
}

extension ResultSetRequest {
    /// Reads a `<set/>` element. Throws `bad-request` when it is not an RSM `<set/>` or when
    /// `<max/>` or `<index/>` is not a non-negative integer (XEP-0059 §6 types them `xs:int`;
    /// a negative count or position has no meaning).
    public init(element: XMPPElement) throws(StanzaError) {
        guard element.name == "set", element.namespace == Namespace.resultSet else {
            throw .badRequest("expected <set xmlns='\(Namespace.resultSet)'/>, found <\(element.name)/>")
        }
        self.init()
        let namespace = Namespace.resultSet
        max = try ResultSetRequest.nonNegativeInteger(element.childText("max", namespace: namespace), name: "max")
        index = try ResultSetRequest.nonNegativeInteger(element.childText("index", namespace: namespace), name: "index")
        after = element.childText("after", namespace: namespace)
        if let before = element.childText("before", namespace: namespace) {
            self.before = before.isEmpty ? .lastPage : .item(before)
        }
    }

    /// The RSM `<set/>` of the first child of `parent` that is one (for example inside a MAM
    /// `<query/>`), or `nil` when there is none. Throws as ``init(element:)`` does.
    public static func find(in parent: XMPPElement) throws(StanzaError) -> ResultSetRequest? {
        guard let set = parent.firstElement(named: "set", namespace: Namespace.resultSet) else { return nil }
        return try ResultSetRequest(element: set)
    }

    /// The `<set xmlns='http://jabber.org/protocol/rsm'/>` element, children in the order
    /// XEP-0059's examples use: max, then after, before or index.
    public var element: XMPPElement {
        let namespace = Namespace.resultSet
        var set = XMPPElement("set", namespace: namespace)
        if let max {
            set.append(XMPPElement("max", namespace: namespace, text: String(max)))
        }
        if let after {
            set.append(XMPPElement("after", namespace: namespace, text: after))
        }
        switch before {
        case .lastPage:
            set.append(XMPPElement("before", namespace: namespace))
        case .item(let uid):
            set.append(XMPPElement("before", namespace: namespace, text: uid))
        case nil:
            break
        }
        if let index {
            set.append(XMPPElement("index", namespace: namespace, text: String(index)))
        }
        return set
    }

    /// Parses an optional non-negative integer child; `nil` stays `nil`.
    static func nonNegativeInteger(_ text: String?, name: String) throws(StanzaError) -> Int? {
        guard let text else { return nil }
        guard let value = Int32(text.trimmingXMLWhitespace()), value >= 0 else {
            throw .badRequest("RSM <\(name)/> '\(text)' is not a non-negative integer")
        }
        return Int(value)
    }
}
