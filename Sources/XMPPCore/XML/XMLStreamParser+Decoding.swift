/// Turning the raw bytes of text and attribute values into strings: UTF-8 and
/// `Char` validation, the five predefined entities and character references
/// (and nothing else: RFC 6120 §11.1), and XML 1.0's line-end (§2.11) and
/// attribute-value (§3.3.3) normalization.
extension XMLStreamParser {
    /// Validates and decodes `bytes[range]` in one pass, writing straight into the new
    /// string's storage: runs of bytes that need nothing are copied whole, references
    /// and line ends are rewritten in place. Decoding only shrinks (a reference is
    /// longer than the character it stands for, CR LF becomes one byte), so the
    /// input's length is enough capacity.
    func decodeCharacterData(
        _ bytes: UnsafeRawBufferPointer, _ range: Range<Int>, isAttributeValue: Bool, isCDATA: Bool = false
    ) throws -> String {
        var failure: StreamError?
        let result = String(unsafeUninitializedCapacity: range.count) { output in
            do {
                return try Self.decode(bytes, range, into: output, isAttributeValue: isAttributeValue, isCDATA: isCDATA)
            } catch {
                failure = error as? StreamError ?? StreamError.notWellFormed("malformed character data")
                return 0
            }
        }
        if let failure { throw failure }
        return result
    }

    private static func decode(
        _ bytes: UnsafeRawBufferPointer, _ range: Range<Int>, into output: UnsafeMutableBufferPointer<UInt8>,
        isAttributeValue: Bool, isCDATA: Bool
    ) throws -> Int {
        var written = 0
        var index = range.lowerBound
        var runStart = index
        let end = range.upperBound
        @inline(__always) func flushRun() {
            let length = index - runStart
            if length > 0 {
                UnsafeMutableRawPointer(output.baseAddress! + written).copyMemory(from: bytes.baseAddress! + runStart, byteCount: length)
                written += length
            }
        }
        @inline(__always) func emit(_ byte: UInt8) {
            output[written] = byte
            written += 1
        }
        while index < end {
            // Eight plain ASCII bytes at a time: the bulk of every stanza's text.
            while index + 8 <= end, XMLCharacters.isPlainASCIIWord(bytes.loadUnaligned(fromByteOffset: index, as: UInt64.self)) {
                index += 8
            }
            guard index < end else { break }
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
                guard isAttributeValue else { index += 1; continue }
                // Attribute-value normalization (XML 1.0 §3.3.3).
                flushRun()
                emit(XMLCharacters.space)
                index += 1
                runStart = index
            case XMLCharacters.carriageReturn:
                // CR LF and lone CR both become LF (§2.11); in attributes then a space (§3.3.3).
                flushRun()
                emit(isAttributeValue ? XMLCharacters.space : XMLCharacters.lineFeed)
                index += index + 1 < end && bytes[index + 1] == XMLCharacters.lineFeed ? 2 : 1
                runStart = index
            case XMLCharacters.ampersand:
                guard !isCDATA else { index += 1; continue }
                flushRun()
                let (scalar, next) = try reference(bytes, at: index, end: end)
                written += writeUTF8(scalar, into: output, at: written)
                index = next
                runStart = index
            case XMLCharacters.greaterThan:
                // XML 1.0 §2.4: "]]>" may not appear literally in content.
                if !isAttributeValue, !isCDATA, index >= range.lowerBound + 2,
                   bytes[index - 1] == XMLCharacters.closeBracket, bytes[index - 2] == XMLCharacters.closeBracket {
                    throw StreamError.notWellFormed("']]>' in character data")
                }
                index += 1
            case XMLCharacters.lessThan:
                // Only a CDATA section can hold a literal '<'; text runs end before one.
                guard isCDATA else { throw StreamError.notWellFormed("'<' in an attribute value") }
                index += 1
            default:
                throw StreamError.notWellFormed("control character U+\(String(byte, radix: 16, uppercase: true)) is not allowed in XML")
            }
        }
        flushRun()
        return written
    }

    /// Decodes the reference starting at the '&' at `start`: the character it stands
    /// for and the index after its ';'.
    private static func reference(_ raw: UnsafeRawBufferPointer, at start: Int, end: Int) throws -> (UInt32, Int) {
        let bounded = UnsafeRawBufferPointer(rebasing: raw[..<end])
        guard let semicolon = bounded.firstIndex(of: XMLCharacters.semicolon, from: start + 1), semicolon > start + 1 else {
            throw StreamError.notWellFormed("'&' must start a character or entity reference")
        }
        let name = UnsafeRawBufferPointer(rebasing: raw[(start + 1)..<semicolon])
        if name[0] == XMLCharacters.hash {
            return (try characterReference(name), semicolon + 1)
        }
        switch name.count {
        case 2 where name[0] == 0x6C && name[1] == 0x74: return (UInt32(XMLCharacters.lessThan), semicolon + 1)   // lt
        case 2 where name[0] == 0x67 && name[1] == 0x74: return (UInt32(XMLCharacters.greaterThan), semicolon + 1) // gt
        case 3 where name[0] == 0x61 && name[1] == 0x6D && name[2] == 0x70: // amp
            return (UInt32(XMLCharacters.ampersand), semicolon + 1)
        case 4 where name[0] == 0x61 && name[1] == 0x70 && name[2] == 0x6F && name[3] == 0x73: // apos
            return (UInt32(XMLCharacters.apostrophe), semicolon + 1)
        case 4 where name[0] == 0x71 && name[1] == 0x75 && name[2] == 0x6F && name[3] == 0x74: // quot
            return (UInt32(XMLCharacters.quote), semicolon + 1)
        default:
            // Any other entity would need a DTD to define it: refused, never expanded.
            let isName = name.allSatisfy { $0 >= 0x80 || XMLCharacters.isASCIINameChar($0) }
            if isName {
                throw StreamError.restrictedXML("entity references other than the predefined five are not allowed")
            }
            throw StreamError.notWellFormed("malformed entity reference")
        }
    }

    /// `&#NNN;` or `&#xHHH;` (XML 1.0 §4.1); the result must be a legal `Char`.
    private static func characterReference(_ name: UnsafeRawBufferPointer) throws -> UInt32 {
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

    /// Writes `scalar` as UTF-8 at `offset`; returns the byte count.
    private static func writeUTF8(_ scalar: UInt32, into output: UnsafeMutableBufferPointer<UInt8>, at offset: Int) -> Int {
        switch scalar {
        case 0..<0x80:
            output[offset] = UInt8(scalar)
            return 1
        case 0x80..<0x800:
            output[offset] = UInt8(0xC0 | (scalar >> 6))
            output[offset + 1] = UInt8(0x80 | (scalar & 0x3F))
            return 2
        case 0x800..<0x10000:
            output[offset] = UInt8(0xE0 | (scalar >> 12))
            output[offset + 1] = UInt8(0x80 | ((scalar >> 6) & 0x3F))
            output[offset + 2] = UInt8(0x80 | (scalar & 0x3F))
            return 3
        default:
            output[offset] = UInt8(0xF0 | (scalar >> 18))
            output[offset + 1] = UInt8(0x80 | ((scalar >> 12) & 0x3F))
            output[offset + 2] = UInt8(0x80 | ((scalar >> 6) & 0x3F))
            output[offset + 3] = UInt8(0x80 | (scalar & 0x3F))
            return 4
        }
    }
}
