/// Why a string is not a valid JID. Every reason maps to the `jid-malformed`
/// stanza error (RFC 6120 §8.3.3.8), or to `improper-addressing` / `invalid-from`
/// when it occurs in a stream header or a stanza's addressing.
public struct JIDError: Error, Sendable, Hashable {
    /// What is wrong, by part.
    public enum Reason: Sendable, Hashable {
        /// A `@` is present but nothing precedes it.
        case emptyLocalpart
        /// There is no domainpart, or it is empty.
        case emptyDomainpart
        /// A `/` is present but nothing follows it.
        case emptyResourcepart
        /// The prepared localpart exceeds 1023 octets (RFC 7622 §3.1).
        case localpartTooLong
        /// The prepared domainpart exceeds 1023 octets (RFC 7622 §3.1).
        case domainpartTooLong
        /// The prepared resourcepart exceeds 1023 octets (RFC 7622 §3.1).
        case resourcepartTooLong
        /// The localpart breaks UsernameCaseMapped or RFC 7622 §3.3.1; the string explains how.
        case invalidLocalpart(String)
        /// The domainpart is neither an IP literal nor a valid domain name; the string explains how.
        case invalidDomainpart(String)
        /// The resourcepart breaks OpaqueString; the string explains how.
        case invalidResourcepart(String)
    }

    /// What is wrong.
    public var reason: Reason

    /// Creates an error for `reason`.
    public init(_ reason: Reason) { self.reason = reason }
}

extension JIDError: CustomStringConvertible {
    /// One sentence saying what is wrong and, where it helps, what the rule is.
    public var description: String {
        switch reason {
        case .emptyLocalpart:
            "The localpart is empty: a JID must not have '@' without a localpart before it (RFC 7622 §3.3)."
        case .emptyDomainpart:
            "The domainpart is empty: every JID needs a domain (RFC 7622 §3.2)."
        case .emptyResourcepart:
            "The resourcepart is empty: a JID must not end in '/' without a resourcepart after it (RFC 7622 §3.4)."
        case .localpartTooLong:
            "The localpart is longer than 1023 bytes after preparation (RFC 7622 §3.3)."
        case .domainpartTooLong:
            "The domainpart is longer than 1023 bytes after preparation (RFC 7622 §3.2)."
        case .resourcepartTooLong:
            "The resourcepart is longer than 1023 bytes after preparation (RFC 7622 §3.4)."
        case .invalidLocalpart(let detail):
            "The localpart is invalid: \(detail)."
        case .invalidDomainpart(let detail):
            "The domainpart is invalid: \(detail)."
        case .invalidResourcepart(let detail):
            "The resourcepart is invalid: \(detail)."
        }
    }
}

// Cold-path constructors, kept out of line so the parsing paths stay small.
extension JIDError {
    @inline(never)
    static func localpart(_ violation: PRECIS.Violation) -> JIDError {
        JIDError(.invalidLocalpart(violation.explanation(profile: "a localpart (UsernameCaseMapped, RFC 8265 §3.3)")))
    }

    @inline(never)
    static func resourcepart(_ violation: PRECIS.Violation) -> JIDError {
        JIDError(.invalidResourcepart(violation.explanation(profile: "a resourcepart (OpaqueString, RFC 8265 §4.2)")))
    }

    @inline(never)
    static func domainpart(_ detail: String) -> JIDError {
        JIDError(.invalidDomainpart(detail))
    }

    /// "U+221E INFINITY", the way Unicode names a code point.
    static func name(of scalar: Unicode.Scalar) -> String {
        var hex = String(scalar.value, radix: 16, uppercase: true)
        if hex.utf8.count < 4 { hex = String(repeating: "0", count: 4 - hex.utf8.count) + hex }
        guard let name = scalar.properties.name ?? scalar.properties.nameAlias else { return "U+\(hex)" }
        return "U+\(hex) \(name)"
    }
}

extension PRECIS.Violation {
    /// The reason as a clause, for ``JIDError/description``.
    func explanation(profile: String) -> String {
        switch self {
        case .empty:
            "nothing is left of it after preparation (RFC 8265)"
        case .unstable:
            "preparing it again keeps changing it, so it has no stable form (RFC 8264 §7)"
        case .unassigned(let scalar):
            "\(JIDError.name(of: scalar)) is not assigned in this server's Unicode version (RFC 8264 §9.10)"
        case .disallowed(let scalar, let category):
            "\(JIDError.name(of: scalar)) \(category.explanation), which \(profile) does not allow"
        case .contextRule(let scalar):
            "\(JIDError.name(of: scalar)) is only allowed in a context that is not met here (RFC 5892 Appendix A)"
        case .bidiRule(let violation):
            violation.explanation
        }
    }
}

extension DerivedProperty.DisallowedCategory {
    /// What the code point is, as a verb phrase with the rule that excludes it.
    var explanation: String {
        switch self {
        case .exception: "is excluded by name (RFC 5892 §2.6)"
        case .oldHangulJamo: "is an Old Hangul Jamo; use precomposed Hangul syllables (RFC 5892 §2.9)"
        case .ignorable: "is invisible: default-ignorable, white space or a noncharacter (RFC 8264 §9.13)"
        case .control: "is a control character (RFC 8264 §9.12)"
        case .compatibility: "has a compatibility decomposition (RFC 8264 §9.17)"
        case .otherLetterOrDigit: "is a titlecase letter, number form or enclosing mark (RFC 8264 §9.18)"
        case .space: "is a space (RFC 8264 §9.14)"
        case .symbol: "is a symbol (RFC 8264 §9.15)"
        case .punctuation: "is punctuation (RFC 8264 §9.16)"
        case .unstable: "changes under case folding or compatibility normalization (RFC 5892 §2.2)"
        case .ignorableBlock: "is a musical or symbol-combining character (RFC 5892 §2.4)"
        case .other: "is not a letter, digit or other allowed character"
        }
    }
}

extension BidiRule.Violation {
    /// The broken condition of RFC 5893 §2, as a clause.
    var explanation: String {
        switch self {
        case .firstCharacter(let scalar):
            "text with right-to-left characters must start with a letter, not \(JIDError.name(of: scalar)) (RFC 5893 §2 rule 1)"
        case .disallowedInDirection(let scalar, rightToLeft: true):
            "\(JIDError.name(of: scalar)) cannot appear in right-to-left text (RFC 5893 §2 rule 2)"
        case .disallowedInDirection(let scalar, rightToLeft: false):
            "\(JIDError.name(of: scalar)) cannot appear in left-to-right text that has right-to-left characters (RFC 5893 §2 rule 5)"
        case .lastCharacter(let scalar, rightToLeft: true):
            "right-to-left text cannot end with \(JIDError.name(of: scalar)) (RFC 5893 §2 rule 3)"
        case .lastCharacter(let scalar, rightToLeft: false):
            "left-to-right text that has right-to-left characters cannot end with \(JIDError.name(of: scalar)) (RFC 5893 §2 rule 6)"
        case .mixedNumbers:
            "right-to-left text cannot mix European and Arabic-Indic digits (RFC 5893 §2 rule 4)"
        }
    }
}
