import NIOCore

extension XMPPElement {
    /// Writes the element as XML into `buffer`, declaring only the namespaces that
    /// `context` does not already provide: a stanza written on a client stream
    /// carries no `xmlns`, a child in another namespace declares it once.
    ///
    /// Text and attribute values are escaped so that parsing the output gives this
    /// element back exactly (parse → serialize → parse is an identity).
    public func write(into buffer: inout ByteBuffer, context: XMLNamespaceContext = .none) {
        var writer = XMLWriter(prefixes: context.prefixes)
        if namespace != context.defaultNamespace, Stanza.namespaces.contains(namespace),
           Stanza.namespaces.contains(context.defaultNamespace) {
            writer.stanzaNamespaceRewrite = (namespace, context.defaultNamespace)
        }
        writer.write(self, defaultNamespace: context.defaultNamespace, into: &buffer)
    }

    /// The element as XML bytes.
    public func serialized(context: XMLNamespaceContext = .none) -> ByteBuffer {
        var buffer = ByteBufferAllocator().buffer(capacity: 256)
        write(into: &buffer, context: context)
        return buffer
    }

    /// The element as an XML string: for logs, tests and debugging, not the data path.
    public func xmlString(context: XMLNamespaceContext = .none) -> String {
        String(buffer: serialized(context: context))
    }
}

extension XMPPElement: CustomStringConvertible {
    public var description: String { xmlString() }
}

extension StreamHeader {
    /// Writes the opening of a stream: the XML declaration (RFC 6120 §4.7 says it
    /// SHOULD be sent) and the unclosed `<stream:stream ...>` tag.
    public func write(into buffer: inout ByteBuffer, includingDeclaration: Bool = true) {
        if includingDeclaration {
            buffer.writeStaticString("<?xml version='1.0'?>")
        }
        buffer.writeStaticString("<stream:stream")
        let writer = XMLWriter(prefixes: [])
        writer.writeAttribute("xmlns", contentNamespace, into: &buffer)
        for binding in prefixes {
            writer.writeAttribute("xmlns:" + binding.prefix, binding.namespace, into: &buffer)
        }
        if let to { writer.writeAttribute("to", to, into: &buffer) }
        if let from { writer.writeAttribute("from", from, into: &buffer) }
        if let id { writer.writeAttribute("id", id, into: &buffer) }
        if let version { writer.writeAttribute("version", version, into: &buffer) }
        if let language { writer.writeAttribute("xml:lang", language, into: &buffer) }
        for attribute in otherAttributes where attribute.namespace.isEmpty {
            writer.writeAttribute(attribute.name, attribute.value, into: &buffer)
        }
        buffer.writeStaticString(">")
    }

    /// The closing tag of a stream (RFC 6120 §4.4).
    public static func writeClose(into buffer: inout ByteBuffer) {
        buffer.writeStaticString("</stream:stream>")
    }
}

/// The serializer's state while walking a tree: prefixes in scope for
/// namespace-qualified attributes, and a counter to invent new ones.
struct XMLWriter {
    var prefixes: [NamespaceBinding]
    var generatedPrefixes = 0

    /// RFC 6120 §4.8.3: `jabber:client`, `jabber:server` (and a component's
    /// namespace) qualify the same stanzas on different streams; a stanza routed
    /// from one kind of stream to another takes the namespace of the stream it is
    /// written on, it and its children in its namespace (`<body/>`, `<error/>`).
    var stanzaNamespaceRewrite: (from: String, to: String)?

    /// The namespace `element` is written in.
    func namespace(of element: XMPPElement) -> String {
        if let rewrite = stanzaNamespaceRewrite, element.namespace == rewrite.from { return rewrite.to }
        return element.namespace
    }

    mutating func write(_ element: XMPPElement, defaultNamespace: String, into buffer: inout ByteBuffer) {
        buffer.writeStaticString("<")
        var childDefault = defaultNamespace
        var prefix: String?
        let namespace = namespace(of: element)
        if namespace != defaultNamespace {
            if !namespace.isEmpty, let bound = prefixes.last(where: { $0.namespace == namespace }) {
                prefix = bound.prefix
                buffer.writeString(bound.prefix)
                buffer.writeStaticString(":")
                buffer.writeString(element.name)
            } else {
                buffer.writeString(element.name)
                writeAttribute("xmlns", namespace, into: &buffer)
                childDefault = namespace
            }
        } else {
            buffer.writeString(element.name)
        }

        let scopeMark = prefixes.count
        for attribute in element.attributes {
            if attribute.namespace.isEmpty {
                writeAttribute(attribute.name, attribute.value, into: &buffer)
            } else if attribute.namespace == Namespace.xml {
                writeAttribute("xml:" + attribute.name, attribute.value, into: &buffer)
            } else {
                let attributePrefix: String
                if let bound = prefixes.last(where: { $0.namespace == attribute.namespace }) {
                    attributePrefix = bound.prefix
                } else {
                    generatedPrefixes += 1
                    attributePrefix = "ns\(generatedPrefixes)"
                    prefixes.append(NamespaceBinding(prefix: attributePrefix, namespace: attribute.namespace))
                    writeAttribute("xmlns:" + attributePrefix, attribute.namespace, into: &buffer)
                }
                writeAttribute(attributePrefix + ":" + attribute.name, attribute.value, into: &buffer)
            }
        }

        if element.children.isEmpty {
            buffer.writeStaticString("/>")
        } else {
            buffer.writeStaticString(">")
            for child in element.children {
                switch child {
                case .element(let nested):
                    write(nested, defaultNamespace: childDefault, into: &buffer)
                case .text(let text):
                    writeEscaped(text, inAttribute: false, into: &buffer)
                }
            }
            buffer.writeStaticString("</")
            if let prefix {
                buffer.writeString(prefix)
                buffer.writeStaticString(":")
            }
            buffer.writeString(element.name)
            buffer.writeStaticString(">")
        }
        prefixes.removeSubrange(scopeMark...)
    }

    func writeAttribute(_ name: String, _ value: String, into buffer: inout ByteBuffer) {
        buffer.writeStaticString(" ")
        buffer.writeString(name)
        buffer.writeStaticString("='")
        writeEscaped(value, inAttribute: true, into: &buffer)
        buffer.writeStaticString("'")
    }

    /// Writes `string` escaped in one pass: runs of safe bytes are copied whole.
    /// Markup characters become entity references; in attributes, tab, LF and CR
    /// become character references so attribute-value normalization (XML 1.0
    /// §3.3.3) leaves them intact; in text, CR does too (line-end handling, §2.11).
    func writeEscaped(_ string: String, inAttribute: Bool, into buffer: inout ByteBuffer) {
        var string = string
        string.withUTF8 { utf8 in
            var runStart = 0
            for index in 0..<utf8.count {
                let byte = utf8[index]
                let replacement: StaticString
                switch byte {
                case XMLCharacters.lessThan: replacement = "&lt;"
                case XMLCharacters.greaterThan: replacement = "&gt;"
                case XMLCharacters.ampersand: replacement = "&amp;"
                case XMLCharacters.apostrophe where inAttribute: replacement = "&apos;"
                case XMLCharacters.quote where inAttribute: replacement = "&quot;"
                case XMLCharacters.carriageReturn: replacement = "&#13;"
                case XMLCharacters.lineFeed where inAttribute: replacement = "&#10;"
                case XMLCharacters.tab where inAttribute: replacement = "&#9;"
                default: continue
                }
                if index > runStart {
                    buffer.writeBytes(UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: utf8[runStart..<index])))
                }
                buffer.writeStaticString(replacement)
                runStart = index + 1
            }
            if runStart < utf8.count {
                buffer.writeBytes(UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: utf8[runStart..<utf8.count])))
            }
        }
    }
}
