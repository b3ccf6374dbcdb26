/// Character data, CDATA sections, the XML declaration, and the forbidden
/// constructs: comments, processing instructions and DTDs (RFC 6120 §11.1).
extension XMLStreamParser {
    mutating func characterData(_ bytes: UnsafeRawBufferPointer) throws -> Step {
        let end = bytes.firstIndex(of: XMLCharacters.lessThan, from: scanOffset)
        guard depth > 0 else {
            // Outside any top-level element only whitespace may appear (keepalives,
            // RFC 6120 §4.6.1); it is consumed as it arrives, never buffered.
            let upTo = end ?? bytes.count
            for index in 0..<upTo where !XMLCharacters.isWhitespace(bytes[index]) {
                switch phase {
                case .inStream: throw StreamError.badFormat("character data at the stream level")
                case .prolog: throw StreamError.notWellFormed("character data outside the root element")
                case .ended: throw StreamError.notWellFormed("content after the end of the stream")
                }
            }
            return .consumed(upTo)
        }
        guard let end else {
            try checkTextLength(bytes.count)
            scanOffset = bytes.count
            return .needMoreBytes
        }
        try checkTextLength(end)
        let text = try decodeCharacterData(bytes, 0..<end, isAttributeValue: false)
        appendText(text)
        elementBytes += end
        return .consumed(end)
    }

    private func checkTextLength(_ length: Int) throws {
        if length > limits.maxTextBytes {
            throw StreamError.policyViolation("character data longer than the \(limits.maxTextBytes)-byte limit")
        }
        if length > elementBudget { throw elementTooLarge() }
    }

    /// Adds text to the innermost open element, merging with text already at its end
    /// so text, CDATA and text again read as one node.
    private mutating func appendText(_ text: String) {
        guard !text.isEmpty else { return }
        let last = open.count - 1
        if case .text(let existing) = open[last].element.children.last {
            open[last].element.children[open[last].element.children.count - 1] = .text(existing + text)
        } else {
            appendChild(.text(text))
        }
    }

    // MARK: '<?' and '<!'

    /// `<?`: only the XML declaration, and only at the very start of a stream, is allowed.
    mutating func processingInstruction(_ bytes: UnsafeRawBufferPointer) throws -> Step {
        guard atDocumentStart, depth == 0 else {
            throw StreamError.restrictedXML("processing instructions are not allowed")
        }
        let target = "<?xml"
        let checked = Swift.min(bytes.count, 6)
        guard UnsafeRawBufferPointer(rebasing: bytes[0..<Swift.min(checked, 5)]).elementsEqual(target.utf8.prefix(Swift.min(checked, 5))) else {
            throw StreamError.restrictedXML("processing instructions are not allowed")
        }
        guard bytes.count >= 6 else { return .needMoreBytes }
        guard XMLCharacters.isWhitespace(bytes[5]) else {
            throw StreamError.restrictedXML("processing instructions are not allowed")
        }
        var search = Swift.max(scanOffset, 6)
        while let close = bytes.firstIndex(of: XMLCharacters.greaterThan, from: search) {
            if bytes[close - 1] == XMLCharacters.question {
                try checkDeclaration(UnsafeRawBufferPointer(rebasing: bytes[6..<(close - 1)]))
                return .consumed(close + 1)
            }
            search = close + 1
        }
        if bytes.count > 256 { throw StreamError.notWellFormed("unterminated XML declaration") }
        scanOffset = bytes.count
        return .needMoreBytes
    }

    /// XML 1.0 §2.8 and §4.3.3: version 1.x; an `encoding`, if given, must name UTF-8
    /// (RFC 6120 §11.6 allows no other encoding).
    private func checkDeclaration(_ body: UnsafeRawBufferPointer) throws {
        guard let version = pseudoAttribute("version", in: body), version.first == 0x31, version.count >= 3,
              version[1] == 0x2E else {
            throw StreamError.notWellFormed("XML declaration without version 1.x")
        }
        if let encoding = pseudoAttribute("encoding", in: body) {
            let lowered = encoding.map { $0 | 0x20 }
            guard lowered.elementsEqual("utf-8".utf8) || lowered.elementsEqual("utf8".utf8) else {
                throw StreamError.unsupportedEncoding("only UTF-8 is allowed (RFC 6120 §11.6)")
            }
        }
    }

    /// The quoted value after `name =` in an XML declaration's body, or nil.
    private func pseudoAttribute(_ name: String, in body: UnsafeRawBufferPointer) -> [UInt8]? {
        let key = Array(name.utf8)
        guard body.count > key.count else { return nil }
        var index = 0
        while index + key.count <= body.count {
            if UnsafeRawBufferPointer(rebasing: body[index..<(index + key.count)]).elementsEqual(key) {
                var cursor = index + key.count
                while cursor < body.count && (XMLCharacters.isWhitespace(body[cursor]) || body[cursor] == XMLCharacters.equals) {
                    cursor += 1
                }
                guard cursor < body.count else { return nil }
                let quote = body[cursor]
                guard quote == XMLCharacters.quote || quote == XMLCharacters.apostrophe,
                      let close = body.firstIndex(of: quote, from: cursor + 1) else { return nil }
                return Array(body[(cursor + 1)..<close])
            }
            index += 1
        }
        return nil
    }

    /// `<!`: a CDATA section inside an element; comments and DTDs are refused.
    mutating func declarationOrCDATA(_ bytes: UnsafeRawBufferPointer) throws -> Step {
        guard bytes.count >= 3 else { return .needMoreBytes }
        switch bytes[2] {
        case XMLCharacters.hyphen:
            throw StreamError.restrictedXML("comments are not allowed")
        case XMLCharacters.openBracket:
            break
        case let byte where XMLCharacters.isASCIINameStart(byte):
            throw StreamError.restrictedXML("DTDs and markup declarations are not allowed")
        default:
            throw StreamError.notWellFormed("malformed markup after '<!'")
        }
        let opener = "<![CDATA["
        let checked = Swift.min(bytes.count, 9)
        guard UnsafeRawBufferPointer(rebasing: bytes[0..<checked]).elementsEqual(opener.utf8.prefix(checked)) else {
            throw StreamError.notWellFormed("malformed markup after '<!['")
        }
        guard bytes.count >= 9 else { return .needMoreBytes }
        guard depth > 0 else {
            throw StreamError.badFormat("CDATA section outside any element")
        }
        var search = Swift.max(scanOffset - 2, 9)
        while let close = bytes.firstIndex(of: XMLCharacters.greaterThan, from: search) {
            if close >= 11, bytes[close - 1] == XMLCharacters.closeBracket, bytes[close - 2] == XMLCharacters.closeBracket {
                let contentRange = 9..<(close - 2)
                try checkTextLength(contentRange.count)
                if close + 1 > elementBudget { throw elementTooLarge() }
                let text = try decodeCharacterData(bytes, contentRange, isAttributeValue: false, isCDATA: true)
                appendText(text)
                elementBytes += close + 1
                return .consumed(close + 1)
            }
            search = close + 1
        }
        // The last two bytes may be the start of "]]>", so they do not count yet.
        try checkTextLength(Swift.max(bytes.count - 11, 0))
        scanOffset = bytes.count
        return .needMoreBytes
    }
}
