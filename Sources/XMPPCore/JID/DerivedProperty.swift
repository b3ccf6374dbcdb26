// The per-code-point derivations of RFC 8264 §8 (PRECIS IdentifierClass and
// FreeformClass) and RFC 5892 §3 (IDNA2008), and the contextual rules both share
// (RFC 5892 Appendix A). See PRECIS.swift for what is derived rather than looked up.

/// What a string class says about one code point.
enum DerivedProperty: Sendable, Equatable {
    /// Allowed anywhere (PVALID, or FREE_PVAL in FreeformClass).
    case valid
    /// Allowed only where the ZWNJ/ZWJ rule holds (RFC 5892 Appendix A.1, A.2).
    case contextJ
    /// Allowed only where the code point's own rule holds (RFC 5892 Appendix A.3-A.9).
    case contextO
    /// Not assigned in the Unicode version of the standard library's tables.
    case unassigned
    /// Never allowed; the category says which rule excludes it.
    case disallowed(DisallowedCategory)

    /// The rule of RFC 8264 §9 or RFC 5892 §2 that disallows a code point.
    enum DisallowedCategory: Sendable, Equatable {
        case exception              // RFC 5892 §2.6, RFC 8264 §9.6
        case oldHangulJamo          // RFC 5892 §2.9, RFC 8264 §9.9
        case ignorable              // RFC 8264 §9.13 PrecisIgnorableProperties, RFC 5892 §2.3
        case control                // RFC 8264 §9.12
        case compatibility          // RFC 8264 §9.17 HasCompat
        case otherLetterOrDigit     // RFC 8264 §9.18 (Lt, Nl, No, Me)
        case space                  // RFC 8264 §9.14
        case symbol                 // RFC 8264 §9.15
        case punctuation            // RFC 8264 §9.16
        case unstable               // RFC 5892 §2.2: changes under NFKC and case folding
        case ignorableBlock         // RFC 5892 §2.4: combining marks for symbols, musical notation
        case other                  // no category allows it (line separators, format, private use...)
    }

    /// The PRECIS class a profile builds on.
    enum StringClass: Sendable {
        case identifier, freeform
    }

    // MARK: - Derivations

    /// RFC 8264 §8: the derived property of `scalar` in `stringClass`.
    static func precis(_ scalar: Unicode.Scalar, in stringClass: StringClass) -> DerivedProperty {
        if let exception = exception(scalar) { return exception }
        let value = scalar.value
        if value >= 0x21, value <= 0x7E { return .valid }                         // ASCII7, §9.11
        let properties = scalar.properties
        let category = properties.generalCategory
        if category == .unassigned, !properties.isNoncharacterCodePoint { return .unassigned }
        if properties.isJoinControl { return .contextJ }
        if UnicodeTables.contains(UnicodeTables.oldHangulJamo, value) { return .disallowed(.oldHangulJamo) }
        if properties.isDefaultIgnorableCodePoint || properties.isNoncharacterCodePoint {
            return .disallowed(.ignorable)
        }
        if category == .control { return .disallowed(.control) }
        let freeform = stringClass == .freeform
        if hasCompatibilityDecomposition(scalar) { return freeform ? .valid : .disallowed(.compatibility) }
        switch category {
        case .lowercaseLetter, .uppercaseLetter, .otherLetter, .decimalNumber, .modifierLetter,
             .nonspacingMark, .spacingMark:
            return .valid
        case .titlecaseLetter, .letterNumber, .otherNumber, .enclosingMark:
            return freeform ? .valid : .disallowed(.otherLetterOrDigit)
        case .spaceSeparator:
            return freeform ? .valid : .disallowed(.space)
        case .mathSymbol, .currencySymbol, .modifierSymbol, .otherSymbol:
            return freeform ? .valid : .disallowed(.symbol)
        case .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation,
             .initialPunctuation, .finalPunctuation, .otherPunctuation:
            return freeform ? .valid : .disallowed(.punctuation)
        default:
            return .disallowed(.other)
        }
    }

    /// RFC 5892 §3: the IDNA2008 derived property of `scalar` in a U-label.
    static func idna(_ scalar: Unicode.Scalar) -> DerivedProperty {
        if let exception = exception(scalar) { return exception }
        let value = scalar.value
        let properties = scalar.properties
        if properties.generalCategory == .unassigned, !properties.isNoncharacterCodePoint { return .unassigned }
        switch value {
        case 0x2D, 0x30...0x39, 0x61...0x7A: return .valid                      // LDH, §2.5
        default: break
        }
        if properties.isJoinControl { return .contextJ }
        if properties.changesWhenNFKCCaseFolded { return .disallowed(.unstable) }
        if properties.isDefaultIgnorableCodePoint || properties.isWhitespace || properties.isNoncharacterCodePoint {
            return .disallowed(.ignorable)
        }
        switch value {
        case 0x20D0...0x20FF, 0x1D100...0x1D1FF, 0x1D200...0x1D24F: return .disallowed(.ignorableBlock)
        default: break
        }
        if UnicodeTables.contains(UnicodeTables.oldHangulJamo, value) { return .disallowed(.oldHangulJamo) }
        switch properties.generalCategory {
        case .lowercaseLetter, .uppercaseLetter, .otherLetter, .decimalNumber, .modifierLetter,
             .nonspacingMark, .spacingMark:
            return .valid
        default:
            return .disallowed(.other)
        }
    }

    /// RFC 5892 §2.6, shared by PRECIS (RFC 8264 §9.6).
    private static func exception(_ scalar: Unicode.Scalar) -> DerivedProperty? {
        switch scalar.value {
        case 0x00DF, 0x03C2, 0x06FD, 0x06FE, 0x0F0B, 0x3007:
            .valid
        case 0x00B7, 0x0375, 0x05F3, 0x05F4, 0x30FB, 0x0660...0x0669, 0x06F0...0x06F9:
            .contextO
        case 0x0640, 0x07FA, 0x302E, 0x302F, 0x3031...0x3035, 0x303B:
            .disallowed(.exception)
        default:
            nil
        }
    }

    /// HasCompat (RFC 8264 §9.17): toNFKC(cp) != cp, for a code point already in NFC.
    ///
    /// The result of NFKC_Casefold is always in NFKC, so a code point with a
    /// compatibility decomposition always has `changesWhenNFKCCaseFolded`; one
    /// that does not change under case folding changes under NFKC_Casefold only
    /// because of such a decomposition (or because it is default-ignorable, which
    /// the derivation excludes earlier). The few that change under both are listed.
    static func hasCompatibilityDecomposition(_ scalar: Unicode.Scalar) -> Bool {
        let properties = scalar.properties
        guard properties.changesWhenNFKCCaseFolded else { return false }
        guard properties.changesWhenCaseFolded else { return true }
        return UnicodeTables.contains(UnicodeTables.caseFoldingAndCompatibility, scalar.value)
    }

    // MARK: - Contextual rules (RFC 5892 Appendix A)

    /// Facts about a whole string that the KATAKANA MIDDLE DOT and Arabic-Indic
    /// digit rules ask for, computed once so that checking every code point of a
    /// hostile string stays linear.
    struct StringFacts {
        var hasHiraganaKatakanaOrHan = false
        var hasArabicIndicDigit = false
        var hasExtendedArabicIndicDigit = false

        init(_ scalars: [Unicode.Scalar]) {
            for scalar in scalars {
                switch scalar.value {
                case 0x0660...0x0669: hasArabicIndicDigit = true
                case 0x06F0...0x06F9: hasExtendedArabicIndicDigit = true
                case 0x30FB: break
                case let value where value >= 0x2E80:
                    if UnicodeTables.contains(UnicodeTables.hiraganaKatakanaHan, value) { hasHiraganaKatakanaOrHan = true }
                default: break
                }
            }
        }
    }

    /// Whether the CONTEXTJ or CONTEXTO code point at `index` satisfies its rule;
    /// `facts` is filled in on first use.
    static func contextRuleHolds(in scalars: [Unicode.Scalar], at index: Int, facts: inout StringFacts?) -> Bool {
        let scalar = scalars[index]
        let before: Unicode.Scalar? = index > 0 ? scalars[index - 1] : nil
        let after: Unicode.Scalar? = index + 1 < scalars.count ? scalars[index + 1] : nil
        switch scalar.value {
        case 0x200C:                                                    // A.1 ZERO WIDTH NON-JOINER
            if let before, before.properties.canonicalCombiningClass == .virama { return true }
            return zeroWidthNonJoinerJoins(scalars, at: index)
        case 0x200D:                                                    // A.2 ZERO WIDTH JOINER
            guard let before else { return false }
            return before.properties.canonicalCombiningClass == .virama
        case 0x00B7:                                                    // A.3 MIDDLE DOT, l·l (Catalan)
            return before == "l" && after == "l"
        case 0x0375:                                                    // A.4 GREEK KERAIA
            guard let after else { return false }
            return UnicodeTables.contains(UnicodeTables.greek, after.value)
        case 0x05F3, 0x05F4:                                            // A.5, A.6 HEBREW GERESH, GERSHAYIM
            guard let before else { return false }
            return UnicodeTables.contains(UnicodeTables.hebrew, before.value)
        case 0x30FB:                                                    // A.7 KATAKANA MIDDLE DOT
            let known = facts ?? StringFacts(scalars)
            facts = known
            return known.hasHiraganaKatakanaOrHan
        case 0x0660...0x0669:                                           // A.8 ARABIC-INDIC DIGITS
            let known = facts ?? StringFacts(scalars)
            facts = known
            return !known.hasExtendedArabicIndicDigit
        case 0x06F0...0x06F9:                                           // A.9 EXTENDED ARABIC-INDIC DIGITS
            let known = facts ?? StringFacts(scalars)
            facts = known
            return !known.hasArabicIndicDigit
        default:
            return false
        }
    }

    /// RFC 5892 A.1, second test: (L|D) T* ZWNJ T* (R|D) in Joining_Type terms.
    private static func zeroWidthNonJoinerJoins(_ scalars: [Unicode.Scalar], at index: Int) -> Bool {
        var left = index - 1
        while left >= 0, isTransparent(scalars[left]) { left -= 1 }
        guard left >= 0, let leftType = UnicodeTables.joiningType(of: scalars[left]), leftType != .right else {
            return false
        }
        var right = index + 1
        while right < scalars.count, isTransparent(scalars[right]) { right += 1 }
        guard right < scalars.count, let rightType = UnicodeTables.joiningType(of: scalars[right]) else {
            return false
        }
        return rightType != .left
    }

    /// Joining_Type T: nonspacing and enclosing marks and format characters, join controls aside.
    private static func isTransparent(_ scalar: Unicode.Scalar) -> Bool {
        let properties = scalar.properties
        switch properties.generalCategory {
        case .nonspacingMark, .enclosingMark: return true
        case .format: return !properties.isJoinControl
        default: return false
        }
    }
}
