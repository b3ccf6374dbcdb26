/// Tokens that start with '<': tags, the XML declaration, and the constructs
/// RFC 6120 §11 forbids.
extension XMLStreamParser {
    /// Bytes the current token may still take before the element passes its size limit.
    var elementBudget: Int { limits.maxElementBytes - elementBytes }

    @inline(never)
    func elementTooLarge() -> StreamError {
        .policyViolation("element larger than the \(limits.maxElementBytes)-byte limit")
    }

    mutating func markup(_ bytes: UnsafeRawBufferPointer) throws -> Step {
        guard bytes.count >= 2 else { return .needMoreBytes }
        if phase == .ended {
            throw StreamError.notWellFormed("content after the end of the stream")
        }
        switch bytes[1] {
        case XMLCharacters.slash:
            return try endTag(bytes)
        case XMLCharacters.question:
            return try processingInstruction(bytes)
        case XMLCharacters.exclamation:
            return try declarationOrCDATA(bytes)
        default:
            return try startTag(bytes)
        }
    }

    // MARK: Start tags

    private mutating func startTag(_ bytes: UnsafeRawBufferPointer) throws -> Step {
        // Find the closing '>' outside quoted attribute values, resuming where the last search stopped.
        var index = Swift.max(scanOffset, 1)
        var quote = openQuote
        var end = -1
        while index < bytes.count {
            if quote == 0 {
                // Skip eight bytes at a time while none is a quote or '>'.
                while index + 8 <= bytes.count,
                      !XMLCharacters.containsTagDelimiter(bytes.loadUnaligned(fromByteOffset: index, as: UInt64.self)) {
                    index += 8
                }
                guard index < bytes.count else { break }
            }
            let byte = bytes[index]
            if quote != 0 {
                if let close = bytes.firstIndex(of: quote, from: index) {
                    quote = 0
                    index = close + 1
                    continue
                }
                index = bytes.count
                break
            }
            if byte == XMLCharacters.greaterThan {
                end = index
                break
            }
            if byte == XMLCharacters.quote || byte == XMLCharacters.apostrophe {
                quote = byte
            }
            index += 1
        }
        let budget = elementBudget
        guard end >= 0 else {
            if bytes.count > budget { throw elementTooLarge() }
            scanOffset = bytes.count
            openQuote = quote
            return .needMoreBytes
        }
        let length = end + 1
        if length > budget { throw elementTooLarge() }

        let tag = try parseStartTag(bytes, end: end)
        switch (mode, phase) {
        case (.stream, .prolog):
            return .event(consumed: length, .streamOpened(try openStream(bytes, tag)))
        case (_, .ended):
            throw StreamError.notWellFormed("content after the end of the stream")
        case (.stream, .inStream), (.fragments, .prolog), (.fragments, .inStream):
            if open.count >= limits.maxDepth {
                throw StreamError.policyViolation("elements nested deeper than the limit of \(limits.maxDepth)")
            }
            let element = try openElement(bytes, tag)
            elementBytes += length
            if tag.selfClosing {
                return closeElement(element, consumed: length)
            }
            open.append(OpenElement(element: element, prefix: tag.prefixString(bytes)))
            return .consumed(length)
        }
    }

    /// The stream root (RFC 6120 §4.7, §4.8): it must be `stream` in the streams namespace.
    private mutating func openStream(_ bytes: UnsafeRawBufferPointer, _ tag: StartTag) throws -> StreamHeader {
        let element = try openElement(bytes, tag)
        guard element.namespace == Namespace.stream else {
            throw StreamError.invalidNamespace("the stream element must be in \(Namespace.stream)")
        }
        guard element.name == "stream" else {
            throw StreamError.badFormat("the root element must be <stream:stream>")
        }
        var header = StreamHeader(version: nil, contentNamespace: namespaces.defaultNamespace, prefixes: [])
        for attribute in element.attributes {
            switch (attribute.namespace, attribute.name) {
            case ("", "to"): header.to = attribute.value
            case ("", "from"): header.from = attribute.value
            case ("", "id"): header.id = attribute.value
            case ("", "version"): header.version = attribute.value
            case (Namespace.xml, "lang"): header.language = attribute.value
            default: header.otherAttributes.append(attribute)
            }
        }
        header.prefixes = declaredPrefixes(bytes)
        streamLanguage = header.language
        rootPrefix = tag.prefixString(bytes)
        phase = .inStream
        if tag.selfClosing {
            // `<stream:stream/>` opens and closes at once; report the opening, the close follows.
            phase = .ended
            namespaces.pop()
        }
        return header
    }

    /// The prefixes the root itself declared, which stay in scope for the whole stream.
    private func declaredPrefixes(_ bytes: UnsafeRawBufferPointer) -> [NamespaceBinding] {
        Array(namespaces.innermostBindings)
    }

    // MARK: End tags

    private mutating func endTag(_ bytes: UnsafeRawBufferPointer) throws -> Step {
        guard let end = bytes.firstIndex(of: XMLCharacters.greaterThan, from: Swift.max(scanOffset, 2)) else {
            if bytes.count > elementBudget || bytes.count > limits.maxNameBytes + 64 {
                throw StreamError.notWellFormed("end tag is too long")
            }
            scanOffset = bytes.count
            return .needMoreBytes
        }
        let length = end + 1
        let (nameEnd, colon) = try scanName(bytes, from: 2, end: end)
        var index = nameEnd
        while index < end && XMLCharacters.isWhitespace(bytes[index]) { index += 1 }
        guard index == end else { throw StreamError.notWellFormed("malformed end tag") }
        let prefixRange = colon >= 0 ? 2..<colon : 2..<2
        let localRange = colon >= 0 ? (colon + 1)..<nameEnd : 2..<nameEnd

        guard let current = open.popLast() else {
            if mode == .stream, phase == .inStream {
                guard bytes.bytesEqual(prefixRange, rootPrefix), bytes.bytesEqual(localRange, "stream") else {
                    throw StreamError.notWellFormed("end tag does not match <\(rootPrefix.isEmpty ? "" : rootPrefix + ":")stream>")
                }
                phase = .ended
                namespaces.pop()
                return .event(consumed: length, .streamClosed)
            }
            throw StreamError.notWellFormed("end tag without a start tag")
        }
        guard bytes.bytesEqual(localRange, current.element.name), bytes.bytesEqual(prefixRange, current.prefix) else {
            throw StreamError.notWellFormed("end tag does not match <\(current.element.name)>")
        }
        if length > elementBudget { throw elementTooLarge() }
        elementBytes += length
        return closeElement(current.element, consumed: length)
    }

    /// Finishes an element: attaches it to its parent, or emits it when top-level.
    private mutating func closeElement(_ element: XMPPElement, consumed length: Int) -> Step {
        namespaces.pop()
        guard open.isEmpty else {
            appendChild(.element(element))
            return .consumed(length)
        }
        var element = element
        if inheritsStreamLanguage, let streamLanguage, element.language == nil {
            element.language = streamLanguage
        }
        elementBytes = 0
        return .event(consumed: length, .element(element))
    }

    /// Adds a child to the innermost open element.
    mutating func appendChild(_ node: XMPPNode) {
        open[open.count - 1].element.children.append(node)
    }
}
