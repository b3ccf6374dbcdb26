/// Builds an element's children declaratively:
///
///     let message = XMPPElement("message", namespace: Namespace.client, ["to": "romeo@example.net", "type": "chat"]) {
///         XMPPElement("body", namespace: Namespace.client, text: "Wherefore art thou?")
///         if let thread { XMPPElement("thread", namespace: Namespace.client, text: thread) }
///     }
///
/// Elements become child elements and strings become text.
@resultBuilder
public enum XMPPElementBuilder {
    public static func buildExpression(_ element: XMPPElement) -> [XMPPNode] { [.element(element)] }
    public static func buildExpression(_ text: String) -> [XMPPNode] { text.isEmpty ? [] : [.text(text)] }
    public static func buildExpression(_ nodes: [XMPPNode]) -> [XMPPNode] { nodes }
    public static func buildExpression(_ elements: [XMPPElement]) -> [XMPPNode] { elements.map(XMPPNode.element) }
    public static func buildBlock(_ parts: [XMPPNode]...) -> [XMPPNode] { parts.flatMap { $0 } }
    public static func buildOptional(_ part: [XMPPNode]?) -> [XMPPNode] { part ?? [] }
    public static func buildEither(first part: [XMPPNode]) -> [XMPPNode] { part }
    public static func buildEither(second part: [XMPPNode]) -> [XMPPNode] { part }
    public static func buildArray(_ parts: [[XMPPNode]]) -> [XMPPNode] { parts.flatMap { $0 } }
}

extension XMPPElement {
    /// Creates an element from unqualified attributes in the order given (a `nil`
    /// value leaves the attribute out, for optional `to`, `from`, `id`) and children
    /// built with ``XMPPElementBuilder``.
    public init(
        _ name: String, namespace: String, _ attributes: KeyValuePairs<String, String?>,
        @XMPPElementBuilder children: () -> [XMPPNode] = { [] }
    ) {
        var list: [XMLAttribute] = []
        list.reserveCapacity(attributes.count)
        for (attributeName, value) in attributes {
            if let value { list.append(XMLAttribute(attributeName, value: value)) }
        }
        self.init(name, namespace: namespace, attributes: list, children: children())
    }

    /// Creates an element without attributes whose children are built with ``XMPPElementBuilder``.
    public init(_ name: String, namespace: String, @XMPPElementBuilder children: () -> [XMPPNode]) {
        self.init(name, namespace: namespace, attributes: [], children: children())
    }
}
