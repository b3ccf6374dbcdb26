/// The opening `<stream:stream>` tag of an XML stream (RFC 6120 §4.7).
public struct StreamHeader: Sendable, Hashable {
    /// `to`: the receiving entity's domain in an initial header (§4.7.2).
    public var to: String?
    /// `from`: the sender's JID or domain (§4.7.1).
    public var from: String?
    /// `id`: the stream ID, present in response headers (§4.7.3).
    public var id: String?
    /// `version`: "1.0" for RFC 6120 streams; absent on pre-1.0 peers (§4.7.5).
    public var version: String?
    /// `xml:lang`: the default language of human-readable text on the stream (§4.7.4).
    public var language: String?
    /// The default namespace declared on the stream element: the content namespace
    /// (`jabber:client`, `jabber:server`, ...); empty when none was declared.
    public var contentNamespace: String
    /// Prefixed namespace declarations on the stream element (`stream`, `db`, ...), in order.
    public var prefixes: [NamespaceBinding]
    /// Any other attributes, kept so nothing the peer said is lost.
    public var otherAttributes: [XMLAttribute]

    /// Creates a header.
    public init(
        to: String? = nil, from: String? = nil, id: String? = nil, version: String? = "1.0",
        language: String? = nil, contentNamespace: String,
        prefixes: [NamespaceBinding] = [NamespaceBinding(prefix: "stream", namespace: Namespace.stream)],
        otherAttributes: [XMLAttribute] = []
    ) {
        self.to = to
        self.from = from
        self.id = id
        self.version = version
        self.language = language
        self.contentNamespace = contentNamespace
        self.prefixes = prefixes
        self.otherAttributes = otherAttributes
    }

    /// The namespaces in scope for elements written on this stream: what the
    /// serializer may use without declaring again.
    public var namespaceContext: XMLNamespaceContext {
        XMLNamespaceContext(defaultNamespace: contentNamespace, prefixes: prefixes)
    }
}

/// A prefix bound to a namespace name by an `xmlns:prefix` declaration.
public struct NamespaceBinding: Sendable, Hashable {
    public var prefix: String
    public var namespace: String

    public init(prefix: String, namespace: String) {
        self.prefix = prefix
        self.namespace = namespace
    }
}

/// The namespaces already declared where an element is written: its parent's
/// default namespace and the prefixes in scope. The serializer declares only what
/// differs from this.
public struct XMLNamespaceContext: Sendable, Hashable {
    public var defaultNamespace: String
    public var prefixes: [NamespaceBinding]

    public init(defaultNamespace: String = "", prefixes: [NamespaceBinding] = []) {
        self.defaultNamespace = defaultNamespace
        self.prefixes = prefixes
    }

    /// A standalone document: nothing declared.
    public static let none = XMLNamespaceContext()
    /// Inside a client stream: `jabber:client` default, `stream:` bound.
    public static let clientStream = XMLNamespaceContext(
        defaultNamespace: Namespace.client, prefixes: [NamespaceBinding(prefix: "stream", namespace: Namespace.stream)])
    /// Inside a server-to-server stream: `jabber:server` default, `stream:` bound.
    public static let serverStream = XMLNamespaceContext(
        defaultNamespace: Namespace.server, prefixes: [NamespaceBinding(prefix: "stream", namespace: Namespace.stream)])
    /// Inside a server-to-server stream whose header also binds `db:` (XEP-0220
    /// writes dialback elements with that prefix).
    public static let serverStreamWithDialback = XMLNamespaceContext(
        defaultNamespace: Namespace.server, prefixes: [
            NamespaceBinding(prefix: "stream", namespace: Namespace.stream),
            NamespaceBinding(prefix: "db", namespace: Namespace.dialback),
        ])
}
