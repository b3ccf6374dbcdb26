/// Reading a complete start tag: its name, its attributes, and the namespace
/// processing of XML Namespaces 1.0 (declarations, prefix resolution, duplicates).
extension XMLStreamParser {
    /// Where a start tag's name lies in the token.
    struct StartTag {
        var nameRange: Range<Int>
        /// Index of the ':' in the name, or -1.
        var colon: Int
        var selfClosing: Bool

        func prefixString(_ bytes: UnsafeRawBufferPointer) -> String {
            colon < 0 ? "" : String(decoding: UnsafeRawBufferPointer(rebasing: bytes[nameRange.lowerBound..<colon]), as: UTF8.self)
        }
    }

    /// An attribute as written, before namespace processing. Plain indices, so the
    /// reused array of them costs no reference counting.
    struct RawAttribute {
        enum Kind { case ordinary, defaultDeclaration, prefixDeclaration }
        var nameRange: Range<Int>
        var colon: Int
        var valueRange: Range<Int>
        var kind: Kind

        var localRange: Range<Int> { colon < 0 ? nameRange : (colon + 1)..<nameRange.upperBound }
        var prefixRange: Range<Int> { colon < 0 ? nameRange.lowerBound..<nameRange.lowerBound : nameRange.lowerBound..<colon }

        init(nameRange: Range<Int>, colon: Int, valueRange: Range<Int>, in bytes: UnsafeRawBufferPointer) {
            self.nameRange = nameRange
            self.colon = colon
            self.valueRange = valueRange
            @inline(__always) func isXMLNS(_ range: Range<Int>) -> Bool {
                range.count == 5 && bytes[range.lowerBound] == 0x78 && bytes[range.lowerBound + 1] == 0x6D
                    && bytes[range.lowerBound + 2] == 0x6C && bytes[range.lowerBound + 3] == 0x6E && bytes[range.lowerBound + 4] == 0x73
            }
            if colon < 0 {
                kind = isXMLNS(nameRange) ? .defaultDeclaration : .ordinary
            } else {
                kind = isXMLNS(nameRange.lowerBound..<colon) ? .prefixDeclaration : .ordinary
            }
        }
    }

    /// Scans an XML `Name` (XML 1.0 §2.3) that is also a valid QName (one optional
    /// ':' not at either end). Returns where it ends and where its ':' is (-1 if none).
    func scanName(_ bytes: UnsafeRawBufferPointer, from start: Int, end: Int) throws -> (end: Int, colon: Int) {
        var index = start
        var colon = -1
        while index < end {
            let byte = bytes[index]
            let isStart = index == start || index == colon + 1
            if byte < 0x80 {
                if byte == XMLCharacters.colon {
                    guard colon < 0, index != start else { throw StreamError.notWellFormed("malformed qualified name") }
                    colon = index
                    index += 1
                    continue
                }
                let valid = isStart ? XMLCharacters.isASCIINameStart(byte) : XMLCharacters.isASCIINameChar(byte)
                guard valid else { break }
                index += 1
            } else {
                guard let (scalar, length) = XMLCharacters.decodeUTF8(bytes, at: index, end: end) else {
                    throw StreamError.unsupportedEncoding("invalid UTF-8 in a name")
                }
                let valid = isStart ? XMLCharacters.isNameStart(scalar) : XMLCharacters.isNameChar(scalar)
                guard valid else { throw StreamError.notWellFormed("character not allowed in a name") }
                index += length
            }
        }
        guard index > start else { throw StreamError.notWellFormed("expected a name") }
        guard colon != index - 1 else { throw StreamError.notWellFormed("malformed qualified name") }
        if index - start > limits.maxNameBytes {
            throw StreamError.policyViolation("name longer than the \(limits.maxNameBytes)-byte limit")
        }
        return (index, colon)
    }

    /// Reads the start tag `bytes[0...end]` (which ends in '>') into a `StartTag` and `rawAttributes`.
    mutating func parseStartTag(_ bytes: UnsafeRawBufferPointer, end: Int) throws -> StartTag {
        let (nameEnd, colon) = try scanName(bytes, from: 1, end: end)
        var tag = StartTag(nameRange: 1..<nameEnd, colon: colon, selfClosing: false)
        rawAttributes.removeAll(keepingCapacity: true)
        var index = nameEnd
        while true {
            let whitespaceStart = index
            while index < end && XMLCharacters.isWhitespace(bytes[index]) { index += 1 }
            if index == end { break }
            if bytes[index] == XMLCharacters.slash {
                guard index + 1 == end else { throw StreamError.notWellFormed("'/' inside a start tag") }
                tag.selfClosing = true
                break
            }
            guard index > whitespaceStart else {
                throw StreamError.notWellFormed("attributes must be separated by whitespace")
            }
            let (attributeNameEnd, attributeColon) = try scanName(bytes, from: index, end: end)
            var cursor = attributeNameEnd
            while cursor < end && XMLCharacters.isWhitespace(bytes[cursor]) { cursor += 1 }
            guard cursor < end, bytes[cursor] == XMLCharacters.equals else {
                throw StreamError.notWellFormed("attribute without '=' and a value")
            }
            cursor += 1
            while cursor < end && XMLCharacters.isWhitespace(bytes[cursor]) { cursor += 1 }
            guard cursor < end, bytes[cursor] == XMLCharacters.quote || bytes[cursor] == XMLCharacters.apostrophe else {
                throw StreamError.notWellFormed("attribute value must be quoted")
            }
            let quote = bytes[cursor]
            guard let close = bytes.firstIndex(of: quote, from: cursor + 1), close < end else {
                throw StreamError.notWellFormed("unterminated attribute value")
            }
            if rawAttributes.count == limits.maxAttributes {
                throw StreamError.policyViolation("more than \(limits.maxAttributes) attributes on one element")
            }
            rawAttributes.append(RawAttribute(
                nameRange: index..<attributeNameEnd, colon: attributeColon, valueRange: (cursor + 1)..<close, in: bytes))
            index = close + 1
        }
        return tag
    }

    /// Applies namespace processing to the parsed tag and builds the element. Opens
    /// a namespace scope, which the caller closes with the element.
    mutating func openElement(_ bytes: UnsafeRawBufferPointer, _ tag: StartTag) throws -> XMPPElement {
        // Literal duplicates (XML 1.0 §3.1 "Unique Att Spec"), declarations included.
        let count = rawAttributes.count
        if count > 1 {
            for first in 0..<(count - 1) {
                let name = rawAttributes[first].nameRange
                for second in (first + 1)..<count where rawAttributes[second].nameRange.count == name.count {
                    if memcmpEqual(bytes, name, rawAttributes[second].nameRange) {
                        throw StreamError.notWellFormed("duplicate attribute")
                    }
                }
            }
        }

        namespaces.push()
        var hasOrdinaryAttributes = false
        for index in 0..<count {
            let attribute = rawAttributes[index]
            switch attribute.kind {
            case .defaultDeclaration:
                let value = try namespaceName(bytes, attribute.valueRange)
                guard value != Namespace.xml, value != Namespace.xmlns else {
                    throw StreamError.notWellFormed("reserved namespace name declared as default")
                }
                namespaces.declareDefault(value)
            case .prefixDeclaration:
                let value = try namespaceName(bytes, attribute.valueRange)
                let isXMLPrefix = bytes.bytesEqual(attribute.localRange, "xml")
                // XML Namespaces 1.0 §3: prefixes cannot be undeclared; `xml` and `xmlns` are reserved.
                guard !value.isEmpty else { throw StreamError.notWellFormed("a prefix cannot be bound to the empty namespace") }
                guard !bytes.bytesEqual(attribute.localRange, "xmlns"), value != Namespace.xmlns,
                      isXMLPrefix == (value == Namespace.xml) else {
                    throw StreamError.notWellFormed("reserved prefix or namespace misused")
                }
                if !isXMLPrefix {
                    let prefix = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[attribute.localRange]), as: UTF8.self)
                    namespaces.bind(prefix, to: value)
                }
            case .ordinary:
                hasOrdinaryAttributes = true
            }
        }

        let name = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[tag.colon < 0 ? tag.nameRange : (tag.colon + 1)..<tag.nameRange.upperBound]), as: UTF8.self)
        let namespace: String
        if tag.colon < 0 {
            namespace = namespaces.defaultNamespace
        } else {
            let prefix = UnsafeRawBufferPointer(rebasing: bytes[tag.nameRange.lowerBound..<tag.colon])
            guard !prefix.elementsEqual("xmlns".utf8), let resolved = namespaces.resolve(prefix: prefix) else {
                throw StreamError.badNamespacePrefix("undeclared namespace prefix on <\(name)>")
            }
            namespace = resolved
        }

        var element = XMPPElement(name, namespace: namespace)
        guard hasOrdinaryAttributes else { return element }
        element.attributes.reserveCapacity(count)
        for index in 0..<count where rawAttributes[index].kind == .ordinary {
            let attribute = rawAttributes[index]
            let localName = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[attribute.localRange]), as: UTF8.self)
            var attributeNamespace = ""
            if attribute.colon >= 0 {
                guard let resolved = namespaces.resolve(prefix: UnsafeRawBufferPointer(rebasing: bytes[attribute.prefixRange])) else {
                    throw StreamError.badNamespacePrefix("undeclared namespace prefix on attribute '\(localName)'")
                }
                attributeNamespace = resolved
                // XML Namespaces 1.0 §6.3: no two attributes with the same expanded name.
                for other in element.attributes where other.name == localName && other.namespace == resolved {
                    _ = other
                    throw StreamError.notWellFormed("duplicate attribute")
                }
            }
            let value = try decodeCharacterData(bytes, attribute.valueRange, isAttributeValue: true)
            element.attributes.append(XMLAttribute(localName, namespace: attributeNamespace, value: value))
        }
        return element
    }

    /// A namespace declaration's value, shared through the interner.
    private mutating func namespaceName(_ bytes: UnsafeRawBufferPointer, _ range: Range<Int>) throws -> String {
        let raw = UnsafeRawBufferPointer(rebasing: bytes[range])
        if raw.allSatisfy(XMLCharacters.isPlainASCII) {
            return interner.intern(raw)
        }
        return try decodeCharacterData(bytes, range, isAttributeValue: true)
    }

    private func memcmpEqual(_ bytes: UnsafeRawBufferPointer, _ first: Range<Int>, _ second: Range<Int>) -> Bool {
        var index = 0
        while index < first.count {
            if bytes[first.lowerBound + index] != bytes[second.lowerBound + index] { return false }
            index += 1
        }
        return true
    }
}
