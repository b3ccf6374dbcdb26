/// A XEP-0059 result set management response: the `<set xmlns='http://jabber.org/protocol/rsm'/>`
/// a responder adds to a page of results to say where the page sits in the full set.
public struct ResultSetResponse: Sendable, Hashable {
    /// The UID of the first item in the page, `<first/>`; absent for an empty page (XEP-0059 §2.2).
    public var first: String?
    /// The position of the first item in the full set, `<first index='…'/>`; it SHOULD be present
    /// and may be approximate (XEP-0059 §2.2).
    public var firstIndex: Int?
    /// Whether ``firstIndex`` is exact, the `exact-index` attribute (XEP-0059 §2.2); `nil` when
    /// absent, which signals neither.
    public var isFirstIndexExact: Bool?
    /// The UID of the last item in the page, `<last/>`; absent for an empty page.
    public var last: String?
    /// The number of items in the full set, `<count/>`; it may be approximate (XEP-0059 §2.2).
    public var count: Int?
    /// Whether ``count`` is exact, the `exact` attribute (XEP-0059 §2.2); `nil` when absent.
    public var isCountExact: Bool?

    /// Creates a response. For an empty page give no `first` and `last` (XEP-0059 §2.2).
    public init(
        first: String? = nil, firstIndex: Int? = nil, isFirstIndexExact: Bool? = nil,
        last: String? = nil, count: Int? = nil, isCountExact: Bool? = nil
    ) {
        self.first = first
        self.firstIndex = firstIndex
        self.isFirstIndexExact = isFirstIndexExact
        self.last = last
        self.count = count
        self.isCountExact = isCountExact
    }
}

extension ResultSetResponse {
    /// Reads a `<set/>` element. Throws `bad-request` when it is not an RSM `<set/>` or when
    /// `<count/>` or the `index` of `<first/>` is not a non-negative integer. An `exact` or
    /// `exact-index` that is not an XML Schema boolean reads as absent.
    public init(element: XMPPElement) throws(StanzaError) {
        guard element.name == "set", element.namespace == Namespace.resultSet else {
            throw .badRequest("expected <set xmlns='\(Namespace.resultSet)'/>, found <\(element.name)/>")
        }
        self.init()
        let namespace = Namespace.resultSet
        if let firstElement = element.firstElement(named: "first", namespace: namespace) {
            first = firstElement.text
            firstIndex = try ResultSetRequest.nonNegativeInteger(firstElement[attribute: "index"], name: "first index")
            isFirstIndexExact = firstElement[attribute: "exact-index"].flatMap(DataFormField.parseBoolean)
        }
        last = element.childText("last", namespace: namespace)
        if let countElement = element.firstElement(named: "count", namespace: namespace) {
            count = try ResultSetRequest.nonNegativeInteger(countElement.text, name: "count")
            isCountExact = countElement[attribute: "exact"].flatMap(DataFormField.parseBoolean)
        }
    }

    /// The RSM `<set/>` of the first child of `parent` that is one, or `nil` when there is none.
    public static func find(in parent: XMPPElement) throws(StanzaError) -> ResultSetResponse? {
        guard let set = parent.firstElement(named: "set", namespace: Namespace.resultSet) else { return nil }
        return try ResultSetResponse(element: set)
    }

    /// The `<set xmlns='http://jabber.org/protocol/rsm'/>` element: first, last, count.
    public var element: XMPPElement {
        let namespace = Namespace.resultSet
        var set = XMPPElement("set", namespace: namespace)
        if let first {
            var firstElement = XMPPElement("first", namespace: namespace, text: first)
            firstElement[attribute: "index"] = firstIndex.map { String($0) }
            firstElement[attribute: "exact-index"] = isFirstIndexExact.map { String($0) }
            set.append(firstElement)
        }
        if let last {
            set.append(XMPPElement("last", namespace: namespace, text: last))
        }
        if let count {
            var countElement = XMPPElement("count", namespace: namespace, text: String(count))
            countElement[attribute: "exact"] = isCountExact.map { String($0) }
            set.append(countElement)
        }
        return set
    }
}
