/// An XML element as XMPP uses it: a namespace-qualified name, attributes and
/// ordered children (elements and text).
///
/// This is the owned tree the parser produces and the serializer writes. It is a
/// plain value: copies are cheap (arrays and strings are copy-on-write) and it is
/// `Sendable`, so a stanza can cross from one session's event loop to another's.
///
/// Namespace declarations are not attributes here: the parser resolves them into
/// `namespace` (of elements and attributes) and the serializer writes the fewest
/// declarations that reproduce them.
public struct XMPPElement: Sendable, Hashable {
    /// The local name, without any prefix.
    public var name: String
    /// The namespace name the element is in; empty for no namespace.
    public var namespace: String
    /// Attributes in document order.
    public var attributes: [XMLAttribute]
    /// Child elements and text in document order. Adjacent text is one node.
    public var children: [XMPPNode]

    /// Creates an element.
    @inlinable
    public init(_ name: String, namespace: String, attributes: [XMLAttribute] = [], children: [XMPPNode] = []) {
        self.name = name
        self.namespace = namespace
        self.attributes = attributes
        self.children = children
    }

    /// Creates an element whose only child is `text` (omitted when empty).
    @inlinable
    public init(_ name: String, namespace: String, attributes: [XMLAttribute] = [], text: String) {
        self.init(name, namespace: namespace, attributes: attributes, children: text.isEmpty ? [] : [.text(text)])
    }
}

/// One attribute. Unqualified attributes (the usual case) have an empty namespace;
/// `xml:lang` is in ``Namespace/xml``.
public struct XMLAttribute: Sendable, Hashable {
    public var name: String
    public var namespace: String
    public var value: String

    @inlinable
    public init(_ name: String, namespace: String = "", value: String) {
        self.name = name
        self.namespace = namespace
        self.value = value
    }
}

/// A child of an element: another element, or character data.
public enum XMPPNode: Sendable, Hashable {
    case element(XMPPElement)
    case text(String)
}

// MARK: - Reading

extension XMPPElement {
    /// The value of the unqualified attribute `name`; setting `nil` removes it.
    @inlinable
    public subscript(attribute name: String) -> String? {
        get { self[attribute: name, namespace: ""] }
        set { self[attribute: name, namespace: ""] = newValue }
    }

    /// The value of the attribute `name` in `namespace`; setting `nil` removes it.
    @inlinable
    public subscript(attribute name: String, namespace namespace: String) -> String? {
        get {
            for attribute in attributes where attribute.name == name && attribute.namespace == namespace {
                return attribute.value
            }
            return nil
        }
        set {
            if let index = attributes.firstIndex(where: { $0.name == name && $0.namespace == namespace }) {
                if let newValue {
                    attributes[index].value = newValue
                } else {
                    attributes.remove(at: index)
                }
            } else if let newValue {
                attributes.append(XMLAttribute(name, namespace: namespace, value: newValue))
            }
        }
    }

    /// `xml:lang` of this element itself (not inherited).
    public var language: String? {
        get { self[attribute: "lang", namespace: Namespace.xml] }
        set { self[attribute: "lang", namespace: Namespace.xml] = newValue }
    }

    /// The child elements, in order, skipping text.
    public var elements: [XMPPElement] {
        children.compactMap { node in
            if case .element(let element) = node { return element }
            return nil
        }
    }

    /// The first child element with this name and namespace (`nil` namespace: any).
    @inlinable
    public func firstElement(named name: String, namespace: String? = nil) -> XMPPElement? {
        for case .element(let child) in children where child.name == name && (namespace == nil || child.namespace == namespace) {
            return child
        }
        return nil
    }

    /// The first child element in `namespace`, whatever its name: how a stanza's payload is found.
    @inlinable
    public func firstElement(in namespace: String) -> XMPPElement? {
        for case .element(let child) in children where child.namespace == namespace {
            return child
        }
        return nil
    }

    /// All child elements with this name and namespace (`nil` namespace: any).
    public func elements(named name: String, namespace: String? = nil) -> [XMPPElement] {
        children.compactMap { node in
            if case .element(let child) = node, child.name == name, namespace == nil || child.namespace == namespace {
                return child
            }
            return nil
        }
    }

    /// The element's direct character data, concatenated. Setting replaces every
    /// text child with one (none when empty) and keeps child elements.
    public var text: String {
        get {
            var result = ""
            for case .text(let text) in children {
                result += text
            }
            return result
        }
        set {
            children.removeAll { if case .text = $0 { return true } else { return false } }
            if !newValue.isEmpty {
                children.insert(.text(newValue), at: 0)
            }
        }
    }

    /// The text of the first child element with this name and namespace, if that child exists.
    public func childText(_ name: String, namespace: String? = nil) -> String? {
        firstElement(named: name, namespace: namespace)?.text
    }
}

// MARK: - Building

extension XMPPElement {
    /// Appends a child element.
    @inlinable
    public mutating func append(_ element: XMPPElement) {
        children.append(.element(element))
    }

    /// Appends character data, merging it with a text node already at the end.
    public mutating func append(text: String) {
        guard !text.isEmpty else { return }
        if case .text(let existing) = children.last {
            children[children.count - 1] = .text(existing + text)
        } else {
            children.append(.text(text))
        }
    }

    /// Removes every child element with this name and namespace.
    public mutating func removeElements(named name: String, namespace: String? = nil) {
        children.removeAll { node in
            if case .element(let child) = node {
                return child.name == name && (namespace == nil || child.namespace == namespace)
            }
            return false
        }
    }

    /// Returns a copy with the attribute set (or removed, for `nil`): for building in one expression.
    public func setting(_ attribute: String, to value: String?) -> XMPPElement {
        var copy = self
        copy[attribute: attribute] = value
        return copy
    }

    /// Returns a copy with `element` appended: for building in one expression.
    public func appending(_ element: XMPPElement) -> XMPPElement {
        var copy = self
        copy.append(element)
        return copy
    }
}
