/// Turning the raw bytes of text and attribute values into strings: UTF-8 and
/// `Char` validation, the five predefined entities and character references
/// (and nothing else: RFC 6120 §11.1), and XML 1.0's line-end (§2.11) and
/// attribute-value (§3.3.3) normalization.
extension XMLStreamParser {
    /// Validates and decodes `bytes[range]`. The common case (plain UTF-8, no
    /// references, no CR) makes the string straight from the bytes.
    mutating func decodeCharacterData(
        _ bytes: UnsafeRawBufferPointer, _ range: Range<Int>, isAttributeValue: Bool, isCDATA: Bool = false
    ) throws -> String {
        var index = range.lowerBound
        let end = range.upperBound
        var needsRewrite = false
        while index < end {
            let byte = bytes[index]
            if XMLCharacters.isPlainASCII(byte) {
                index += 1
                continue
            }
            if byte >= 0x80 {
                guard let (scalar, length) = XMLCharacters.decodeUTF8(bytes, at: index, end: end) else {
                    throw StreamError.unsupportedEncoding("invalid UTF-8")
                }
                guard XMLCharacters.isXMLChar(scalar) else {
                    throw StreamError.notWellFormed("character U+\(String(scalar, radix: 16, uppercase: true)) is not allowed in XML")
                }
                index += length
                continue
            }
            switch byte {
            case XMLCharacters.tab, XMLCharacters.lineFeed:
                if isAttributeValue { needsRewrite = true }
            case XMLCharacters.carriageReturn:
                needsRewrite = true
            case XMLCharacters.ampersand:
                if !isCDATA { needsRewrite = true }
            case XMLCharacters.greaterThan:
                // XML 1.0 §2.4: "]]>" may not appear literally in content.
                if !isAttributeValue, !isCDATA, index >= range.lowerBound + 2,
                   bytes[index - 1] == XMLCharacters.closeBracket, bytes[index - 2] == XMLCharacters.closeBracket {
                    throw StreamError.notWellFormed("']]>' in character data")
                }
            case XMLCharacters.lessThan:
                // Only a CDATA section can hold a literal '<'; text runs end before one.
                guard isCDATA else { throw StreamError.notWellFormed("'<' in an attribute value") }
            default:
                throw StreamError.notWellFormed("control character U+\(String(byte, radix: 16, uppercase: true)) is not allowed in XML")
            }
            index += 1
        }
        let raw = UnsafeRawBufferPointer(rebasing: bytes[range])
        guard needsRewrite else { return String(decoding: raw, as: UTF8.self) }
        return try rewrite(raw, isAttributeValue: isAttributeValue, isCDATA: isCDATA)
    }

    /// The slow path, on bytes already validated: resolves references and normalizes whitespace.
    private mutating func rewrite(_ raw: UnsafeRawBufferPointer, isAttributeValue: Bool, isCDATA: Bool) throws -> String {
        scratch.removeAll(keepingCapacity: true)
        scratch.reserveCapacity(raw.count)
        var index = 0
        while index < raw.count {
            let byte = raw[index]
            switch byte {
            case XMLCharacters.carriageReturn:
                // CR LF and lone CR both become LF (§2.11); in attributes then a space (§3.3.3).
                scratch.append(isAttributeValue ? XMLCharacters.space : XMLCharacters.lineFeed)
                if index + 1 < raw.count && raw[index + 1] == XMLCharacters.lineFeed { index += 1 }
            case XMLCharacters.tab where isAttributeValue, XMLCharacters.lineFeed where isAttributeValue:
                scratch.append(XMLCharacters.space)
            case XMLCharacters.ampersand where !isCDATA:
                index = try appendReference(raw, at: index)
                continue
            default:
                scratch.append(byte)
            }
            index += 1
        }
        return String(decoding: scratch, as: UTF8.self)
    }

    /// Decodes the reference starting at the '&' at `start`; returns the index after its ';'.
    private mutating func appendReference(_ raw: UnsafeRawBufferPointer, at start: Int) throws -> Int {
        guard let semicolon = raw.firstIndex(of: XMLCharacters.semicolon, from: start + 1), semicolon > start + 1 else {
            throw StreamError.notWellFormed("'&' must start a character or entity reference")
        }
        let name = UnsafeRawBufferPointer(rebasing: raw[(start + 1)..<semicolon])
        if name[0] == XMLCharacters.hash {
            let scalar = try characterReference(name)
            appendUTF8(scalar)
            return semicolon + 1
        }
        switch name.count {
        case 2 where name[1] == 0x74 && name[0] == 0x6C: scratch.append(XMLCharacters.lessThan)        // lt
        case 2 where name[1] == 0x74 && name[0] == 0x67: scratch.append(XMLCharacters.greaterThan)     // gt
        case 3 where name.elementsEqual("amp".utf8): scratch.append(XMLCharacters.ampersand)
        case 4 where name.elementsEqual("apos".utf8): scratch.append(XMLCharacters.apostrophe)
        case 4 where name.elementsEqual("quot".utf8): scratch.append(XMLCharacters.quote)
        default:
            // Any other entity would need a DTD to define it: refused, never expanded.
            let isName = name.allSatisfy { $0 >= 0x80 || XMLCharacters.isASCIINameChar($0) }
            if isName {
                throw StreamError.restrictedXML("entity references other than the predefined five are not allowed")
            }
            throw StreamError.notWellFormed("malformed entity reference")
        }
        return semicolon + 1
    }

    /// `&#NNN;` or `&#xHHH;` (XML 1.0 §4.1); the result must be a legal `Char`.
    private func characterReference(_ name: UnsafeRawBufferPointer) throws -> UInt32 {
        var index = 1
        var radix: UInt32 = 10
        if name.count > 1 && name[1] == 0x78 { // 'x'
            radix = 16
            index = 2
        }
        guard index < name.count else { throw StreamError.notWellFormed("empty character reference") }
        var value: UInt32 = 0
        while index < name.count {
            let byte = name[index]
            let digit: UInt32
            switch byte {
            case 0x30...0x39: digit = UInt32(byte - 0x30)
            case 0x61...0x66 where radix == 16: digit = UInt32(byte - 0x61 + 10)
            case 0x41...0x46 where radix == 16: digit = UInt32(byte - 0x41 + 10)
            default: throw StreamError.notWellFormed("malformed character reference")
            }
            value = value * radix + digit
            guard value <= 0x10FFFF else { throw StreamError.notWellFormed("character reference out of range") }
            index += 1
        }
        guard XMLCharacters.isXMLChar(value) else {
            throw StreamError.notWellFormed("character reference to a character XML does not allow")
        }
        return value
    }

    private mutating func appendUTF8(_ scalar: UInt32) {
        switch scalar {
        case 0..<0x80:
            scratch.append(UInt8(scalar))
        case 0x80..<0x800:
            scratch.append(UInt8(0xC0 | (scalar >> 6)))
            scratch.append(UInt8(0x80 | (scalar & 0x3F)))
        case 0x800..<0x10000:
            scratch.append(UInt8(0xE0 | (scalar >> 12)))
            scratch.append(UInt8(0x80 | ((scalar >> 6) & 0x3F)))
            scratch.append(UInt8(0x80 | (scalar & 0x3F)))
        default:
            scratch.append(UInt8(0xF0 | (scalar >> 18)))
            scratch.append(UInt8(0x80 | ((scalar >> 12) & 0x3F)))
            scratch.append(UInt8(0x80 | ((scalar >> 6) & 0x3F)))
            scratch.append(UInt8(0x80 | (scalar & 0x3F)))
        }
    }
}
