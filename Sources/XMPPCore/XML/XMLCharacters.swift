/// Byte- and scalar-level rules of XML 1.0 (Fifth Edition) the parser applies:
/// the `Char`, `S`, `NameStartChar` and `NameChar` productions, and strict UTF-8
/// decoding (RFC 3629), which RFC 6120 §11.6 requires of every stream.
enum XMLCharacters {
    // ASCII bytes the tokenizer names.
    static let lessThan: UInt8 = 0x3C, greaterThan: UInt8 = 0x3E, ampersand: UInt8 = 0x26
    static let slash: UInt8 = 0x2F, question: UInt8 = 0x3F, exclamation: UInt8 = 0x21
    static let equals: UInt8 = 0x3D, colon: UInt8 = 0x3A, semicolon: UInt8 = 0x3B, hash: UInt8 = 0x23
    static let quote: UInt8 = 0x22, apostrophe: UInt8 = 0x27, closeBracket: UInt8 = 0x5D, openBracket: UInt8 = 0x5B
    static let space: UInt8 = 0x20, tab: UInt8 = 0x09, lineFeed: UInt8 = 0x0A, carriageReturn: UInt8 = 0x0D
    static let hyphen: UInt8 = 0x2D

    /// `S ::= (#x20 | #x9 | #xD | #xA)+` (XML 1.0 §2.3).
    @inline(__always)
    static func isWhitespace(_ byte: UInt8) -> Bool {
        byte == space || byte == lineFeed || byte == carriageReturn || byte == tab
    }

    /// An ASCII byte that is a legal `Char` needing no decoding or normalization in
    /// character data or attribute values (everything else takes the slow path).
    @inline(__always)
    static func isPlainASCII(_ byte: UInt8) -> Bool {
        byte >= 0x20 && byte < 0x80 && byte != lessThan && byte != ampersand && byte != greaterThan
    }

    /// Whether all eight bytes of `word` are plain ASCII (see ``isPlainASCII(_:)``),
    /// tested at once with the classic SWAR byte tricks: no high bit, no byte below
    /// 0x20, and none equal to '<', '&' or '>'.
    @inline(__always)
    static func isPlainASCIIWord(_ word: UInt64) -> Bool {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        @inline(__always) func hasZeroByte(_ value: UInt64) -> Bool { (value &- ones) & ~value & highs != 0 }
        if word & highs != 0 { return false }
        if (word &- ones &* 0x20) & ~word & highs != 0 { return false } // some byte < 0x20
        return !hasZeroByte(word ^ (ones &* 0x3C)) && !hasZeroByte(word ^ (ones &* 0x26)) && !hasZeroByte(word ^ (ones &* 0x3E))
    }

    /// Whether any of the eight bytes of `word` is '>', '\'' or '"': what ends or
    /// changes the search for the end of a start tag.
    @inline(__always)
    static func containsTagDelimiter(_ word: UInt64) -> Bool {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        @inline(__always) func hasZeroByte(_ value: UInt64) -> Bool { (value &- ones) & ~value & highs != 0 }
        return hasZeroByte(word ^ (ones &* 0x3E)) || hasZeroByte(word ^ (ones &* 0x27)) || hasZeroByte(word ^ (ones &* 0x22))
    }

    /// ASCII letters, '_' (and ':', which the namespace split handles).
    @inline(__always)
    static func isASCIINameStart(_ byte: UInt8) -> Bool {
        let folded = byte | 0x20
        return (folded >= 0x61 && folded <= 0x7A) || byte == 0x5F || byte == colon
    }

    /// ASCII letters, digits, '_', ':', '-', '.'.
    @inline(__always)
    static func isASCIINameChar(_ byte: UInt8) -> Bool {
        isASCIINameStart(byte) || (byte >= 0x30 && byte <= 0x39) || byte == hyphen || byte == 0x2E
    }

    /// `Char` (XML 1.0 §2.2) for a scalar decoded from UTF-8 or a character reference.
    @inline(__always)
    static func isXMLChar(_ scalar: UInt32) -> Bool {
        switch scalar {
        case 0x9, 0xA, 0xD: return true
        case 0x20...0xD7FF, 0xE000...0xFFFD, 0x10000...0x10FFFF: return true
        default: return false
        }
    }

    /// `NameStartChar` (XML 1.0 §2.3) for non-ASCII scalars; ':' is handled by the namespace split.
    static func isNameStart(_ scalar: UInt32) -> Bool {
        if scalar < 0x80 { return isASCIINameStart(UInt8(scalar)) }
        switch scalar {
        case 0xC0...0xD6, 0xD8...0xF6, 0xF8...0x2FF, 0x370...0x37D, 0x37F...0x1FFF, 0x200C...0x200D,
             0x2070...0x218F, 0x2C00...0x2FEF, 0x3001...0xD7FF, 0xF900...0xFDCF, 0xFDF0...0xFFFD, 0x10000...0xEFFFF:
            return true
        default:
            return false
        }
    }

    /// `NameChar` (XML 1.0 §2.3).
    static func isNameChar(_ scalar: UInt32) -> Bool {
        if scalar < 0x80 { return isASCIINameChar(UInt8(scalar)) }
        switch scalar {
        case 0xB7, 0x300...0x36F, 0x203F...0x2040: return true
        default: return isNameStart(scalar)
        }
    }

    /// Decodes one UTF-8 sequence whose lead byte (≥ 0x80) is at `index`, strictly:
    /// no overlongs, no surrogates, nothing past U+10FFFF, no truncation.
    /// Returns nil for invalid UTF-8 (RFC 6120 §4.9.3.22 `unsupported-encoding`).
    @inline(__always)
    static func decodeUTF8(_ bytes: UnsafeRawBufferPointer, at index: Int, end: Int) -> (scalar: UInt32, length: Int)? {
        let lead = bytes[index]
        @inline(__always) func continuation(_ offset: Int, _ low: UInt8 = 0x80, _ high: UInt8 = 0xBF) -> UInt32? {
            guard index + offset < end else { return nil }
            let byte = bytes[index + offset]
            guard byte >= low && byte <= high else { return nil }
            return UInt32(byte & 0x3F)
        }
        switch lead {
        case 0xC2...0xDF:
            guard let c1 = continuation(1) else { return nil }
            return (UInt32(lead & 0x1F) << 6 | c1, 2)
        case 0xE0...0xEF:
            let low: UInt8 = lead == 0xE0 ? 0xA0 : 0x80
            let high: UInt8 = lead == 0xED ? 0x9F : 0xBF
            guard let c1 = continuation(1, low, high), let c2 = continuation(2) else { return nil }
            return (UInt32(lead & 0x0F) << 12 | c1 << 6 | c2, 3)
        case 0xF0...0xF4:
            let low: UInt8 = lead == 0xF0 ? 0x90 : 0x80
            let high: UInt8 = lead == 0xF4 ? 0x8F : 0xBF
            guard let c1 = continuation(1, low, high), let c2 = continuation(2), let c3 = continuation(3) else { return nil }
            return (UInt32(lead & 0x07) << 18 | c1 << 12 | c2 << 6 | c3, 4)
        default:
            return nil
        }
    }
}
