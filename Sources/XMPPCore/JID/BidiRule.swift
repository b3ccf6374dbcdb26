// The Bidi Rule of RFC 5893 §2, which UsernameCaseMapped (RFC 8265 §3.3.1 step 5)
// and IDNA2008 (RFC 5891 §5.4) apply. The standard library exposes no Bidi_Class,
// so `BidiClass.init(_:)` derives it; PRECIS.swift explains why that is safe.

/// The Bidi_Class values the Bidi Rule distinguishes, plus `other` for the rest
/// (S, WS, B and the explicit embedding controls), which no rule allows.
enum BidiClass: Sendable, Equatable {
    case leftToRight                // L
    case rightToLeft                // R
    case arabicLetter               // AL
    case arabicNumber               // AN
    case europeanNumber             // EN
    case europeanSeparator          // ES
    case commonSeparator            // CS
    case europeanTerminator         // ET
    case otherNeutral               // ON
    case boundaryNeutral            // BN
    case nonspacingMark             // NSM
    case other

    /// Derives the class from the general category, the right-to-left blocks and
    /// short lists of exceptions. Exact for ASCII; for letters, marks and digits
    /// it agrees with DerivedBidiClass.txt (checked against Unicode 14.0).
    init(_ scalar: Unicode.Scalar) {
        let value = scalar.value
        if value < 0x80 {
            self = Self.ascii(UInt8(value))
            return
        }
        let category = scalar.properties.generalCategory
        switch category {
        case .nonspacingMark, .enclosingMark:
            // Five Mn are L (Kannada, Zanabazar Square, Bhaiksuki).
            switch value {
            case 0x0CBF, 0x0CC6, 0x11A07, 0x11A08, 0x11C3F: self = .leftToRight
            default: self = .nonspacingMark
            }
            return
        case .decimalNumber:
            switch value {
            case 0x0660...0x0669, 0x10D30...0x10D39: self = .arabicNumber; return
            case 0x06F0...0x06F9, 0xFF10...0xFF19, 0x1D7CE...0x1D7FF, 0x1FBF0...0x1FBF9: self = .europeanNumber; return
            default: break
            }
        case .format:
            switch value {
            case 0x0600...0x0605, 0x06DD, 0x0890, 0x0891, 0x08E2: self = .arabicNumber
            case 0x061C: self = .arabicLetter
            case 0x200E: self = .leftToRight
            case 0x200F: self = .rightToLeft
            case 0x202A...0x202E, 0x2066...0x2069: self = .other
            default: self = .boundaryNeutral
            }
            return
        case .control:
            self = value == 0x85 ? .other : .boundaryNeutral
            return
        case .spaceSeparator:
            self = value == 0xA0 || value == 0x202F ? .commonSeparator : .other
            return
        case .lineSeparator, .paragraphSeparator:
            self = .other
            return
        case .mathSymbol, .currencySymbol, .modifierSymbol, .otherSymbol, .connectorPunctuation,
             .dashPunctuation, .openPunctuation, .closePunctuation, .initialPunctuation, .finalPunctuation,
             .otherPunctuation:
            self = Self.neutral(value, isCurrency: category == .currencySymbol)
            return
        case .otherNumber:
            switch value {
            case 0x00B2, 0x00B3, 0x00B9, 0x2070, 0x2074...0x2079, 0x2080...0x2089, 0x2488...0x249B, 0x1F100...0x1F10A:
                self = .europeanNumber
            default:
                self = Self.rightToLeftBlock(value) ?? .otherNeutral
            }
            return
        default:
            break
        }
        // Letters, spacing marks, letter numbers, other digits, private use and unassigned.
        if let rightToLeft = Self.rightToLeftBlock(value) {
            self = rightToLeft
            return
        }
        switch value {
        case 0x02B9...0x02BA, 0x02C6...0x02CF, 0x02EC, 0x0374, 0x2E2F, 0xA67F, 0xA717...0xA71F, 0xA788,
             0x10140...0x1018F:
            self = .otherNeutral                    // modifier letters and Greek number forms that are ON
        default:
            self = .leftToRight
        }
    }

    private static func ascii(_ byte: UInt8) -> BidiClass {
        switch byte {
        case 0x41...0x5A, 0x61...0x7A: .leftToRight
        case 0x30...0x39: .europeanNumber
        case 0x2B, 0x2D: .europeanSeparator
        case 0x2C, 0x2E, 0x2F, 0x3A: .commonSeparator
        case 0x23...0x25: .europeanTerminator
        case 0x09...0x0D, 0x1C...0x20: .other
        case 0x00...0x08, 0x0E...0x1B, 0x7F: .boundaryNeutral
        default: .otherNeutral
        }
    }

    /// Symbols and punctuation outside ASCII: ON, except the separators and
    /// terminators listed, and R or AL in right-to-left blocks.
    private static func neutral(_ value: UInt32, isCurrency: Bool) -> BidiClass {
        switch value {
        case 0x207A, 0x207B, 0x208A, 0x208B, 0x2212, 0xFB29, 0xFE62, 0xFE63, 0xFF0B, 0xFF0D:
            return .europeanSeparator
        case 0x060C, 0x2044, 0xFE50, 0xFE52, 0xFE55, 0xFF0C, 0xFF0E, 0xFF0F, 0xFF1A:
            return .commonSeparator
        case 0x00B0, 0x00B1, 0x0609, 0x060A, 0x066A, 0x2030...0x2034, 0x212E, 0x2213, 0xFE5F, 0xFE69, 0xFE6A,
             0xFF03...0xFF05:
            return .europeanTerminator
        case 0x066B, 0x066C:
            return .arabicNumber
        case 0x0F0B:
            return .leftToRight
        default:
            if let rightToLeft = rightToLeftBlock(value) { return rightToLeft }
            return isCurrency ? .europeanTerminator : .otherNeutral
        }
    }

    /// R or AL for the blocks DerivedBidiClass.txt assigns to them by default.
    private static func rightToLeftBlock(_ value: UInt32) -> BidiClass? {
        switch value {
        case 0x0600...0x07BF, 0x0860...0x08FF, 0xFB50...0xFDCF, 0xFDF0...0xFDFF, 0xFE70...0xFEFF,
             0x10D00...0x10D3F, 0x10EC0...0x10EFF, 0x10F30...0x10F6F, 0x1EC70...0x1ECBF, 0x1ED00...0x1ED4F,
             0x1EE00...0x1EEFF:
            .arabicLetter
        case 0x0590...0x05FF, 0x07C0...0x085F, 0xFB1D...0xFB4F, 0x10800...0x10CFF, 0x10D40...0x10EBF,
             0x10F00...0x10F2F, 0x10F70...0x10FFF, 0x1E800...0x1EC6F, 0x1ECC0...0x1ECFF, 0x1ED50...0x1EDFF,
             0x1EF00...0x1EFFF:
            .rightToLeft
        default:
            nil
        }
    }
}

/// RFC 5893 §2: the Bidi Rule, for one label or one PRECIS string.
enum BidiRule {
    /// Which of the six conditions a string breaks.
    enum Violation: Sendable, Equatable {
        /// Condition 1: the first character is not L, R or AL.
        case firstCharacter(Unicode.Scalar)
        /// Conditions 2 and 5: a character is not allowed in a string of this direction.
        case disallowedInDirection(Unicode.Scalar, rightToLeft: Bool)
        /// Conditions 3 and 6: the string does not end as its direction requires.
        case lastCharacter(Unicode.Scalar, rightToLeft: Bool)
        /// Condition 4: European and Arabic-Indic digits mixed in a right-to-left string.
        case mixedNumbers
    }

    /// True when the string contains a right-to-left character (R, AL or AN), the
    /// test RFC 5893 §1.4 uses for "RTL label" and RFC 8265 for "contains RTL".
    static func containsRightToLeft(_ scalars: some Sequence<Unicode.Scalar>) -> Bool {
        for scalar in scalars where scalar.value >= 0x0590 {
            switch BidiClass(scalar) {
            case .rightToLeft, .arabicLetter, .arabicNumber: return true
            default: continue
            }
        }
        return false
    }

    /// The first condition `scalars` breaks, or `nil` when it satisfies the rule.
    static func check(_ scalars: [Unicode.Scalar]) -> Violation? {
        guard let first = scalars.first else { return nil }
        let rightToLeft: Bool
        switch BidiClass(first) {
        case .leftToRight: rightToLeft = false
        case .rightToLeft, .arabicLetter: rightToLeft = true
        default: return .firstCharacter(first)
        }
        var sawEuropean = false
        var sawArabic = false
        var lastNonMark: Unicode.Scalar?
        for scalar in scalars {
            let bidi = BidiClass(scalar)
            switch (bidi, rightToLeft) {
            case (.rightToLeft, true), (.arabicLetter, true), (.arabicNumber, true), (.leftToRight, false):
                break
            case (.europeanNumber, _), (.europeanSeparator, _), (.commonSeparator, _), (.europeanTerminator, _),
                 (.otherNeutral, _), (.boundaryNeutral, _), (.nonspacingMark, _):
                break
            default:
                return .disallowedInDirection(scalar, rightToLeft: rightToLeft)
            }
            if bidi == .europeanNumber { sawEuropean = true }
            if bidi == .arabicNumber { sawArabic = true }
            if bidi != .nonspacingMark { lastNonMark = scalar }
        }
        if rightToLeft, sawEuropean, sawArabic { return .mixedNumbers }
        guard let last = lastNonMark else { return .lastCharacter(first, rightToLeft: rightToLeft) }
        switch (BidiClass(last), rightToLeft) {
        case (.rightToLeft, true), (.arabicLetter, true), (.europeanNumber, true), (.arabicNumber, true),
             (.leftToRight, false), (.europeanNumber, false):
            return nil
        default:
            return .lastCharacter(last, rightToLeft: rightToLeft)
        }
    }
}
