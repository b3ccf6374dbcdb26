// Splitting a JID into its parts (RFC 7622 §3.1) and preparing each part:
// the localpart (§3.3), the domainpart (§3.2, in DomainName.swift) and the
// resourcepart (§3.4). All-ASCII parts, the common case, take a fast path that
// touches no Unicode tables and allocates only the resulting String.

extension JID {
    /// RFC 7622 §3.1: a part is at most 1023 octets (UTF-8) once prepared.
    public static let maximumPartLength = 1023

    /// Localparts and resourceparts longer than this are refused before
    /// preparation, so hostile input costs no more than a scan. Nothing valid is
    /// refused: preparation shrinks them at most threefold (fullwidth forms and
    /// KELVIN SIGN become ASCII, conjoining jamo compose into a syllable).
    /// Domainparts have their own bound, `DomainName.maximumUnpreparedLength`.
    static let maximumUnpreparedPartLength = 4 * maximumPartLength

    /// Parses and normalizes `string`.
    ///
    /// The resourcepart is everything after the first `/`, and the localpart is
    /// everything before the first `@` that precedes that `/` (RFC 7622 §3.1), so
    /// `a@b/c@d/e` has the resourcepart `c@d/e`.
    public init(_ string: String) throws(JIDError) {
        self = try Self.withUTF8(of: string) { bytes throws(JIDError) in
            var domainEnd = bytes.count
            var resourcepart: UnsafeBufferPointer<UInt8>?
            if let slash = bytes.firstIndex(of: UInt8(ascii: "/")) {
                domainEnd = slash
                resourcepart = UnsafeBufferPointer(rebasing: bytes[(slash + 1)...])
            }
            var domainStart = 0
            var localpart: UnsafeBufferPointer<UInt8>?
            if let at = bytes[..<domainEnd].firstIndex(of: UInt8(ascii: "@")) {
                localpart = UnsafeBufferPointer(rebasing: bytes[..<at])
                domainStart = at + 1
            }
            var preparedLocalpart: String?
            if let localpart { preparedLocalpart = try JID.prepareLocalpart(localpart) }
            let preparedDomainpart = try DomainName.prepare(UnsafeBufferPointer(rebasing: bytes[domainStart..<domainEnd]))
            var preparedResourcepart: String?
            if let resourcepart { preparedResourcepart = try JID.prepareResourcepart(resourcepart) }
            return JID(normalizedLocalpart: preparedLocalpart, domainpart: preparedDomainpart, resourcepart: preparedResourcepart)
        }
    }

    /// Builds a JID from its parts, normalizing each.
    ///
    /// Unlike ``init(_:)``, the parts are not split further: a localpart holding
    /// `@` or `/` is refused rather than reinterpreted.
    public init(localpart: String?, domainpart: String, resourcepart: String? = nil) throws(JIDError) {
        var preparedLocalpart: String?
        if let localpart { preparedLocalpart = try Self.withUTF8(of: localpart, Self.prepareLocalpart) }
        let preparedDomainpart = try Self.withUTF8(of: domainpart, DomainName.prepare)
        var preparedResourcepart: String?
        if let resourcepart { preparedResourcepart = try Self.withUTF8(of: resourcepart, Self.prepareResourcepart) }
        self.init(normalizedLocalpart: preparedLocalpart, domainpart: preparedDomainpart, resourcepart: preparedResourcepart)
    }

    /// Runs `body` over the UTF-8 bytes of `string`, which are valid UTF-8.
    static func withUTF8<Result>(
        of string: String,
        _ body: (UnsafeBufferPointer<UInt8>) throws(JIDError) -> Result
    ) throws(JIDError) -> Result {
        var string = string
        return try string.withUTF8 { bytes in
            Swift.Result { () throws(JIDError) in try body(bytes) }
        }.get()
    }

    /// Copies ASCII bytes into a String, lowercasing A-Z if asked.
    static func asciiString(_ bytes: UnsafeBufferPointer<UInt8>, lowercasing: Bool) -> String {
        guard lowercasing else { return String(decoding: bytes, as: UTF8.self) }
        return String(unsafeUninitializedCapacity: bytes.count) { buffer in
            for index in bytes.indices {
                let byte = bytes[index]
                buffer[index] = byte &- UInt8(ascii: "A") < 26 ? byte | 0x20 : byte
            }
            return bytes.count
        }
    }

    // MARK: - Localpart (RFC 7622 §3.3)

    /// Prepares and enforces a localpart with UsernameCaseMapped (RFC 8265 §3.3)
    /// and the characters RFC 7622 §3.3.1 additionally forbids.
    static func prepareLocalpart(_ bytes: UnsafeBufferPointer<UInt8>) throws(JIDError) -> String {
        guard !bytes.isEmpty else { throw JIDError(.emptyLocalpart) }
        guard bytes.count <= maximumUnpreparedPartLength else { throw JIDError(.localpartTooLong) }
        if let prepared = try asciiLocalpart(bytes) { return prepared }
        let prepared: String
        do throws(PRECIS.Violation) {
            prepared = try PRECIS.usernameCaseMapped(String(decoding: bytes, as: UTF8.self))
        } catch {
            throw .localpart(error)
        }
        for scalar in prepared.unicodeScalars where scalar.isASCII && isForbiddenInLocalpart(UInt8(scalar.value)) {
            throw forbiddenInLocalpart(UInt8(scalar.value))
        }
        guard prepared.utf8.count <= maximumPartLength else { throw JIDError(.localpartTooLong) }
        return prepared
    }

    /// The fast path for an all-ASCII localpart, or `nil` if it has other code points.
    /// ASCII is only lowercased; every printable character is PVALID in
    /// IdentifierClass (RFC 8264 §9.11) except the space.
    private static func asciiLocalpart(_ bytes: UnsafeBufferPointer<UInt8>) throws(JIDError) -> String? {
        var hasUppercase = false
        var firstInvalid: UInt8?
        for byte in bytes {
            switch byte {
            case 0x80...: return nil
            case UInt8(ascii: "A")...UInt8(ascii: "Z"): hasUppercase = true
            case 0x21...0x7E where !isForbiddenInLocalpart(byte): continue
            default: if firstInvalid == nil { firstInvalid = byte }
            }
        }
        if let byte = firstInvalid {
            switch byte {
            case 0x20: throw JIDError.localpart(.disallowed(" ", .space))
            case 0x21...0x7E: throw forbiddenInLocalpart(byte)
            default: throw JIDError.localpart(.disallowed(Unicode.Scalar(byte), .control))
            }
        }
        guard bytes.count <= maximumPartLength else { throw JIDError(.localpartTooLong) }
        return asciiString(bytes, lowercasing: hasUppercase)
    }

    /// RFC 7622 §3.3.1: `"`, `&`, `'`, `/`, `:`, `<`, `>` and `@` may not appear in a localpart.
    private static func isForbiddenInLocalpart(_ byte: UInt8) -> Bool {
        switch byte {
        case 0x22, 0x26, 0x27, 0x2F, 0x3A, 0x3C, 0x3E, 0x40: true
        default: false
        }
    }

    @inline(never)
    private static func forbiddenInLocalpart(_ byte: UInt8) -> JIDError {
        let name = JIDError.name(of: Unicode.Scalar(byte))
        return JIDError(.invalidLocalpart("\(name) ('\(Character(Unicode.Scalar(byte)))') may not appear in a localpart (RFC 7622 §3.3.1)"))
    }

    // MARK: - Resourcepart (RFC 7622 §3.4)

    /// Prepares and enforces a resourcepart with OpaqueString (RFC 8265 §4.2).
    static func prepareResourcepart(_ bytes: UnsafeBufferPointer<UInt8>) throws(JIDError) -> String {
        guard !bytes.isEmpty else { throw JIDError(.emptyResourcepart) }
        guard bytes.count <= maximumUnpreparedPartLength else { throw JIDError(.resourcepartTooLong) }
        if let prepared = try asciiResourcepart(bytes) { return prepared }
        let prepared: String
        do throws(PRECIS.Violation) {
            prepared = try PRECIS.opaqueString(String(decoding: bytes, as: UTF8.self))
        } catch {
            throw .resourcepart(error)
        }
        guard prepared.utf8.count <= maximumPartLength else { throw JIDError(.resourcepartTooLong) }
        return prepared
    }

    /// The fast path for an all-ASCII resourcepart, or `nil` if it has other code
    /// points. OpaqueString maps no ASCII and allows all of it but controls.
    private static func asciiResourcepart(_ bytes: UnsafeBufferPointer<UInt8>) throws(JIDError) -> String? {
        var firstControl: UInt8?
        for byte in bytes {
            switch byte {
            case 0x80...: return nil
            case 0x20...0x7E: continue
            default: if firstControl == nil { firstControl = byte }
            }
        }
        if let byte = firstControl {
            throw JIDError.resourcepart(.disallowed(Unicode.Scalar(byte), .control))
        }
        guard bytes.count <= maximumPartLength else { throw JIDError(.resourcepartTooLong) }
        return String(decoding: bytes, as: UTF8.self)
    }
}
