import NIOCore

/// Preparation of a domainpart (RFC 7622 §3.2): an IP literal, or a fully
/// qualified domain name whose labels are LDH labels or U-labels (RFC 5890),
/// stored in U-label form so that `xn--bcher-kva.example` and `bücher.example`
/// are the same domain (RFC 7622 §3.2.2).
enum DomainName {
    /// RFC 1035 §2.3.4 and RFC 5890 §2.3.2.1: a label is at most 63 octets in A-label form.
    static let maximumLabelLength = 63

    /// Domainparts longer than this are refused before preparation. An A-label
    /// is at most 3.5 times as long as its U-label and may be written in
    /// fullwidth forms (three bytes each), so a valid domainpart shrinks at most
    /// 10.5 times.
    static let maximumUnpreparedLength = 11 * JID.maximumPartLength

    /// A label longer than this before mapping cannot be valid: a U-label has at
    /// most 59 code points, each composed from at most four code points of four
    /// bytes (NFC), and an A-label at most 63 fullwidth characters. Checking it
    /// first keeps normalization cheap on hostile input.
    private static let maximumUnpreparedLabelLength = 59 * 4 * 4

    private static let dot = UInt8(ascii: ".")

    /// Prepares the UTF-8 `bytes` of a domainpart, returning its normalized form.
    static func prepare(_ bytes: UnsafeBufferPointer<UInt8>) throws(JIDError) -> String {
        guard !bytes.isEmpty else { throw JIDError(.emptyDomainpart) }
        guard bytes.count <= maximumUnpreparedLength else { throw JIDError(.domainpartTooLong) }
        var text = bytes
        // RFC 7622 §3.2: one trailing label separator is stripped before anything else.
        if text.last == dot {
            text = UnsafeBufferPointer(rebasing: text.dropLast())
            guard !text.isEmpty else { throw .domainpart("it is only a dot") }
        }
        let prepared: String
        if text.first == UInt8(ascii: "[") {
            prepared = try ipv6Literal(text)
        } else if let ascii = try asciiDomain(text) {
            prepared = ascii
        } else {
            prepared = try internationalizedDomain(String(decoding: text, as: UTF8.self))
        }
        guard prepared.utf8.count <= JID.maximumPartLength else { throw JIDError(.domainpartTooLong) }
        return prepared
    }

    // MARK: - ASCII fast path

    /// An all-ASCII domain without A-labels, lowercased; `nil` when the slower
    /// internationalized path must handle it.
    private static func asciiDomain(_ text: UnsafeBufferPointer<UInt8>) throws(JIDError) -> String? {
        var hasUppercase = false
        for byte in text {
            if byte >= 0x80 { return nil }
            if byte &- UInt8(ascii: "A") < 26 { hasUppercase = true }
        }
        var labelCount = 0
        var numericLabelCount = 0
        var lastLabelIsNumeric = false
        var start = 0
        while true {
            let end = text[start...].firstIndex(of: dot) ?? text.count
            switch try checkASCIILabel(UnsafeBufferPointer(rebasing: text[start..<end])) {
            case .aLabel:
                return nil
            case .ldh(let numeric):
                labelCount += 1
                if numeric { numericLabelCount += 1 }
                lastLabelIsNumeric = numeric
            }
            guard end < text.count else { break }
            start = end + 1
        }
        if lastLabelIsNumeric {
            try checkIPv4(String(decoding: text, as: UTF8.self), allLabelsNumeric: numericLabelCount == labelCount)
        }
        return JID.asciiString(text, lowercasing: hasUppercase)
    }

    /// What an ASCII label is, once it has passed the LDH checks.
    private enum ASCIILabel {
        /// A letters-digits-hyphen label; `numeric` when it is digits only.
        case ldh(numeric: Bool)
        /// An `xn--` label, to be decoded.
        case aLabel
    }

    /// RFC 5890 §2.3.1 and RFC 5891 §4.2.3.1: letters, digits and hyphens, no
    /// hyphen at either end, and `--` in positions 3 and 4 only for `xn--`.
    private static func checkASCIILabel(_ label: some Collection<UInt8>) throws(JIDError) -> ASCIILabel {
        guard let first = label.first else {
            throw .domainpart("it has an empty label (two dots in a row, or a leading dot)")
        }
        guard label.count <= maximumLabelLength else {
            throw .domainpart("a label is longer than 63 octets (RFC 1035 §2.3.4)")
        }
        var numeric = true
        var previous: UInt8 = 0
        var offset = 0
        var hyphensAt3And4 = false
        for byte in label {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                break
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"):
                numeric = false
            case UInt8(ascii: "-"):
                numeric = false
                if offset == 3, previous == UInt8(ascii: "-") { hyphensAt3And4 = true }
            default:
                throw invalidCharacter(Unicode.Scalar(byte))
            }
            previous = byte
            offset += 1
        }
        if first == UInt8(ascii: "-") || previous == UInt8(ascii: "-") {
            throw .domainpart("the label '\(String(decoding: label, as: UTF8.self))' starts or ends with a hyphen (RFC 5891 §4.2.3.1)")
        }
        if hyphensAt3And4 {
            let prefix = label.prefix(2).map { $0 | 0x20 }
            guard prefix == [UInt8(ascii: "x"), UInt8(ascii: "n")] else {
                throw .domainpart("the label '\(String(decoding: label, as: UTF8.self))' has '--' in positions 3 and 4, which is reserved for A-labels (RFC 5890 §2.3.1)")
            }
            return .aLabel
        }
        return .ldh(numeric: numeric)
    }

    @inline(never)
    private static func invalidCharacter(_ scalar: Unicode.Scalar) -> JIDError {
        var detail = "\(JIDError.name(of: scalar)) may not appear in a domain name, which has only letters, digits and hyphens"
        if scalar == ":" { detail += " (an IPv6 address must be in brackets)" }
        return .domainpart(detail)
    }

    // MARK: - IP literals (RFC 7622 §3.2.1)

    /// A domain whose last label is all digits must be an IPv4 address, since no
    /// top-level domain is numeric (RFC 3696 §2); checked with `inet_pton`.
    private static func checkIPv4(_ text: String, allLabelsNumeric: Bool) throws(JIDError) {
        guard allLabelsNumeric,
              let address = try? SocketAddress(ipAddress: text, port: 0),
              case .v4 = address
        else {
            throw .domainpart("'\(text)' ends in an all-digit label but is not a valid IPv4 address in dotted-decimal form")
        }
    }

    /// `[IPv6]`, in the canonical textual form (RFC 5952) so equal addresses compare equal.
    private static func ipv6Literal(_ bytes: UnsafeBufferPointer<UInt8>) throws(JIDError) -> String {
        guard bytes.last == UInt8(ascii: "]") else {
            throw .domainpart("it starts with '[' but does not end with ']' (an IPv6 literal is '[address]')")
        }
        let inner = bytes.dropFirst().dropLast()
        // Only hex digits, colons and dots (IPv4-mapped); no zone, no NUL for inet_pton to stop at.
        let plausible = !inner.isEmpty && inner.contains(UInt8(ascii: ":")) && inner.allSatisfy { byte in
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "a")...UInt8(ascii: "f"),
                 UInt8(ascii: "A")...UInt8(ascii: "F"), UInt8(ascii: ":"), UInt8(ascii: "."): true
            default: false
            }
        }
        guard plausible,
              let address = try? SocketAddress(ipAddress: String(decoding: inner, as: UTF8.self), port: 0),
              case .v6 = address,
              let canonical = address.ipAddress
        else {
            throw .domainpart("'\(String(decoding: bytes, as: UTF8.self))' is not a valid IPv6 address literal")
        }
        return "[" + canonical + "]"
    }

    // MARK: - Internationalized domain names

    /// Maps the domain as RFC 5895 §2 describes (lowercase, width mapping, NFC,
    /// IDEOGRAPHIC FULL STOP to '.'), then checks each label: LDH, A-label
    /// (decoded to its U-label) or U-label, and the Bidi Rule for a Bidi domain name.
    private static func internationalizedDomain(_ text: String) throws(JIDError) -> String {
        var mapped: [Unicode.Scalar] = []
        mapped.reserveCapacity(text.utf8.count)
        var unpreparedLabelLength = 0
        for scalar in text.unicodeScalars {
            switch scalar.value {
            case 0x2E, 0x3002, 0xFF0E, 0xFF61:                  // '.' and the dots that map to it
                unpreparedLabelLength = 0
            default:
                unpreparedLabelLength += scalar.utf8.count
                guard unpreparedLabelLength <= maximumUnpreparedLabelLength else {
                    throw .domainpart("a label is longer than 63 octets (RFC 1035 §2.3.4)")
                }
            }
            appendCaseMapped(scalar, to: &mapped)
        }
        mapped = PRECIS.normalizedNFC(PRECIS.widthMapped(mapped)).map { $0 == "\u{3002}" ? "." : $0 }

        var labels: [[Unicode.Scalar]] = []
        var labelCount = 0
        var numericLabelCount = 0
        var lastLabelIsNumeric = false
        for label in mapped.split(separator: ".", omittingEmptySubsequences: false) {
            let label = Array(label)
            labelCount += 1
            lastLabelIsNumeric = false
            if label.allSatisfy(\.isASCII) {
                let bytes = label.map { UInt8($0.value) }
                switch try checkASCIILabel(bytes) {
                case .aLabel:
                    labels.append(try uLabel(fromALabel: bytes))
                case .ldh(let numeric):
                    if numeric { numericLabelCount += 1 }
                    lastLabelIsNumeric = numeric
                    labels.append(label)
                }
            } else {
                try checkULabel(label)
                labels.append(label)
            }
        }
        if lastLabelIsNumeric {
            let text = PRECIS.string(Array(labels.joined(separator: ["."])))
            try checkIPv4(text, allLabelsNumeric: numericLabelCount == labelCount)
        }
        // RFC 5893 §1.4: in a domain name with a right-to-left label, every label obeys the Bidi Rule.
        if labels.contains(where: { BidiRule.containsRightToLeft($0) }) {
            for label in labels {
                if let violation = BidiRule.check(label) {
                    throw .domainpart("the label '\(PRECIS.string(label))' breaks the Bidi Rule: \(violation.explanation)")
                }
            }
        }
        return PRECIS.string(Array(labels.joined(separator: ["."])))
    }

    /// RFC 5895 §2 step 1, lowercasing, but only where it makes a code point
    /// stable under NFKC_Casefold, which IDNA2008 requires (RFC 5892 §2.2): a
    /// stable code point is kept. Cherokee, whose case folding goes to the
    /// capitals, is folded that way (as UTS #46 does), so that preparing a
    /// prepared domain again changes nothing.
    private static func appendCaseMapped(_ scalar: Unicode.Scalar, to mapped: inout [Unicode.Scalar]) {
        let properties = scalar.properties
        guard properties.changesWhenNFKCCaseFolded else {
            mapped.append(scalar)
            return
        }
        if properties.changesWhenLowercased {
            mapped.append(contentsOf: properties.lowercaseMapping.unicodeScalars)
            return
        }
        let uppercase = properties.uppercaseMapping.unicodeScalars
        if properties.changesWhenUppercased, uppercase.allSatisfy({ !$0.properties.changesWhenNFKCCaseFolded }) {
            mapped.append(contentsOf: uppercase)
        } else {
            mapped.append(scalar)
        }
    }

    /// RFC 5891 §5.3-5.4: decodes an A-label and checks that it is the canonical
    /// encoding of a valid U-label.
    private static func uLabel(fromALabel label: [UInt8]) throws(JIDError) -> [Unicode.Scalar] {
        let encoded = label.dropFirst(4)
        let text = String(decoding: label, as: UTF8.self)
        guard let decoded = Punycode.decode(encoded), !decoded.isEmpty else {
            throw .domainpart("the A-label '\(text)' is not valid Punycode (RFC 3492)")
        }
        guard decoded.contains(where: { !$0.isASCII }) else {
            throw .domainpart("the A-label '\(text)' decodes to plain ASCII, which must not be encoded (RFC 5891 §5.4)")
        }
        guard let reencoded = Punycode.encode(decoded), reencoded.elementsEqual(encoded) else {
            throw .domainpart("the A-label '\(text)' is not the canonical encoding of its U-label (RFC 5891 §5.4)")
        }
        guard PRECIS.isNFC(decoded) else {
            throw .domainpart("the A-label '\(text)' decodes to a label that is not in NFC (RFC 5891 §5.4)")
        }
        try checkULabel(decoded)
        return decoded
    }

    /// RFC 5891 §4.2.3 and §5.4: the checks on a U-label, whose code points must
    /// be PVALID, or CONTEXTJ/CONTEXTO with their rule met (RFC 5892).
    private static func checkULabel(_ label: [Unicode.Scalar]) throws(JIDError) {
        // An A-label spends at least one octet per code point after "xn--", so a
        // longer label cannot fit; refusing it first keeps the checks below cheap.
        guard label.count <= maximumLabelLength - 4 else {
            throw .domainpart("a label is longer than 63 octets as an A-label (RFC 5890 §2.3.2.1)")
        }
        let text = PRECIS.string(label)
        let hyphen: Unicode.Scalar = "-"
        if label.first == hyphen || label.last == hyphen {
            throw .domainpart("the label '\(text)' starts or ends with a hyphen (RFC 5891 §4.2.3.1)")
        }
        if label.count >= 4, label[2] == hyphen, label[3] == hyphen {
            throw .domainpart("the label '\(text)' has '--' in positions 3 and 4 (RFC 5891 §4.2.3.1)")
        }
        if let first = label.first {
            switch first.properties.generalCategory {
            case .nonspacingMark, .spacingMark, .enclosingMark:
                throw .domainpart("the label '\(text)' starts with a combining mark (RFC 5891 §4.2.3.2)")
            default:
                break
            }
        }
        var facts: DerivedProperty.StringFacts?
        for index in label.indices {
            let scalar = label[index]
            switch DerivedProperty.idna(scalar) {
            case .valid:
                continue
            case .contextJ, .contextO:
                if !DerivedProperty.contextRuleHolds(in: label, at: index, facts: &facts) {
                    throw .domainpart("\(JIDError.name(of: scalar)) is only allowed in a context that is not met here (RFC 5892 Appendix A)")
                }
            case .unassigned:
                throw .domainpart("\(JIDError.name(of: scalar)) is not assigned in this server's Unicode version (RFC 5892 §2.11)")
            case .disallowed(let category):
                throw .domainpart("\(JIDError.name(of: scalar)) \(category.explanation), which IDNA2008 does not allow in a domain name")
            }
        }
        guard let encoded = Punycode.encode(label), encoded.count + 4 <= maximumLabelLength else {
            throw .domainpart("the label '\(text)' is longer than 63 octets as an A-label (RFC 5890 §2.3.2.1)")
        }
    }
}
