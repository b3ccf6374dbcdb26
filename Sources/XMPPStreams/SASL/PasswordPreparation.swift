/// How a password becomes the bytes SCRAM's `Hi()` and PLAIN's comparison use.
///
/// RFC 5802 and RFC 4616 prepare passwords with SASLprep (RFC 4013), which RFC
/// 7613 and then RFC 8265 §4 obsoleted in favour of the PRECIS OpaqueString
/// profile; RFC 8265 §4.2 also asks SASL mechanisms to use it. Both sides apply
/// the same steps, so the client, the server checking PLAIN and the code
/// deriving stored keys at registration all agree. What is done here:
///
/// 1. Additional mapping (RFC 8265 §4.2.1): every non-ASCII space (general
///    category Zs) becomes U+0020.
/// 2. Normalization: Unicode NFC, from the standard library's tables (the same
///    source XMPPCore's JID preparation uses).
/// 3. Validation against the FreeformClass (RFC 8264 §4.3), approximated by
///    general category: letters, marks, numbers, punctuation, symbols and spaces
///    are allowed; controls, format characters (including the join controls
///    FreeformClass allows in a few contexts), private use, unassigned code
///    points, noncharacters, default-ignorable code points, conjoining (Old)
///    Hangul Jamo, and line and paragraph separators are refused.
/// 4. The result must not be empty (RFC 8265 §4.2.3).
///
/// No case mapping and no width mapping: OpaqueString keeps both, so `Pencil`
/// and `pencil` are different passwords.
public enum PasswordPreparation {
    /// The UTF-8 bytes of `password` prepared as described above, or
    /// ``SASLError/Code/unusablePassword`` if the profile refuses it. The error's
    /// detail names the refused code point's position, never the password.
    public static func prepare(_ password: String) throws(SASLError) -> [UInt8] {
        if password.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) {
            // Printable ASCII (RFC 8264 §9.11 ASCII7) is valid and unchanged by every step.
            guard !password.isEmpty else { throw .unusablePassword("the password is empty") }
            return Array(password.utf8)
        }
        var mapped = String.UnicodeScalarView()
        for scalar in password.unicodeScalars {
            mapped.append(scalar.properties.generalCategory == .spaceSeparator ? " " : scalar)
        }
        let normalized = Array(String(mapped)._nfcCodeUnits)
        let prepared = String(decoding: normalized, as: UTF8.self)
        for (position, scalar) in prepared.unicodeScalars.enumerated() where !isAllowed(scalar) {
            throw .unusablePassword("code point \(position + 1) is not allowed by OpaqueString")
        }
        guard !normalized.isEmpty else { throw .unusablePassword("the password is empty") }
        return normalized
    }

    /// FreeformClass validity by general category (RFC 8264 §9: LetterDigits,
    /// OtherLetterDigits, Spaces, Symbols, Punctuation are valid; Controls,
    /// Ignorable, Unassigned and Old Hangul Jamo are not).
    private static func isAllowed(_ scalar: Unicode.Scalar) -> Bool {
        let properties = scalar.properties
        if properties.isNoncharacterCodePoint || properties.isDefaultIgnorableCodePoint { return false }
        if isConjoiningJamo(scalar) { return false }
        switch properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter,
             .nonspacingMark, .spacingMark, .enclosingMark,
             .decimalNumber, .letterNumber, .otherNumber,
             .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation,
             .initialPunctuation, .finalPunctuation, .otherPunctuation,
             .mathSymbol, .currencySymbol, .modifierSymbol, .otherSymbol,
             .spaceSeparator:
            return true
        case .lineSeparator, .paragraphSeparator, .control, .format, .surrogate, .privateUse, .unassigned:
            return false
        @unknown default:
            return false
        }
    }

    /// RFC 8264 §9.9 OldHangulJamo: Hangul_Syllable_Type L, V or T, which are
    /// exactly the conjoining jamo blocks.
    private static func isConjoiningJamo(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x1100...0x11FF, 0xA960...0xA97F, 0xD7B0...0xD7FF: true
        default: false
        }
    }
}
