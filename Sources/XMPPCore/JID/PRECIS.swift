/// PRECIS (RFC 8264) as RFC 7622 uses it: the UsernameCaseMapped profile for
/// localparts and the OpaqueString profile for resourceparts (RFC 8265), plus the
/// IDNA2008 (RFC 5892) code point rules the domainpart uses.
///
/// The standard library's `Unicode.Scalar.Properties` and its NFC provide most
/// of what these need. What they lack is derived or tabulated, as listed below.
/// The data that feeds the mapping steps (width mapping, case mapping, NFC) is
/// exact, and the rest only decides whether a string is accepted, so equivalent
/// inputs never get different prepared forms and equality and hashing stay
/// exact; at worst an unusual string is accepted or refused differently from an
/// implementation with the full Unicode Character Database. When written, the
/// derived properties agreed with precis-i18n 1.1.2 (PRECIS) and idna 3.13
/// (IDNA2008) for every code point assigned in Unicode 14, both profiles gave
/// precis-i18n's output for 730,000 test strings (apart from U+0295 and
/// U+1171E, whose properties Unicode 16 changed), and 17 million mutated JIDs
/// found none whose prepared form prepares differently.
///
/// - **Unicode version.** PRECIS and IDNA2008 are version-agile: the rules are
///   evaluated over the Unicode Character Database in use, here the standard
///   library's. Code points unassigned in that version are refused. A newer
///   toolchain may start accepting them but cannot change the form of a string
///   accepted today, since Unicode's stability policies fix the case mappings
///   and normalization of assigned characters. Safe: nothing stored can become
///   a different JID.
/// - **NFC** comes from the standard library (`String._nfcCodeUnits`, public but
///   underscored, and also used by swift-foundation), not from Foundation: on
///   Linux, Foundation's normalization has older tables than the standard
///   library's properties (it leaves `a\u{1ACF}\u{323}` unreordered), which would
///   let canonically equivalent strings prepare differently.
/// - **HasCompat** (RFC 8264 §9.17, toNFKC(cp) != cp) is derived from
///   `changesWhenNFKCCaseFolded` and `changesWhenCaseFolded`, because the standard
///   library has no NFKC. The deduction is exact (the output of NFKC_Casefold is
///   in NFKC), except for code points that change under both case folding and
///   NFKC, which `UnicodeTables.caseFoldingAndCompatibility` lists. The tests
///   compare it with Foundation's NFKC for every code point Foundation knows.
/// - **Width mapping** (RFC 8264 §9.2) is a table of the `<wide>` and `<narrow>`
///   decompositions, which exist only for U+3000 and U+FF01-U+FFEE; the tests
///   compare it with Foundation's NFKC.
/// - **Unstable** (RFC 5892 §2.2) is `changesWhenNFKCCaseFolded`, the property
///   Unicode defines for that purpose.
/// - **Bidi_Class** is not in the standard library; `BidiClass` derives it from
///   the general category, the right-to-left blocks and short exception lists.
///   It is exact for ASCII and for letters, marks and digits, which is all that
///   IdentifierClass and IDNA2008 allow beyond ASCII (plus the exceptions it
///   lists). It differs only for symbols, punctuation, other numbers and format
///   characters, which localparts and domain labels refuse anyway, and
///   OpaqueString applies no Bidi Rule. The Bidi Rule only refuses. Safe.
/// - **Joining_Type** (for ZERO WIDTH NON-JOINER, RFC 5892 A.1) is a table of
///   Unicode 16.0's dual-, right- and left-joining letters, with transparent (T)
///   taken as Mn, Me or Cf. Letters added later count as non-joining, so a ZWNJ
///   next to one is refused. Safe.
/// - **Script** (for the CONTEXTO rules A.4 to A.7) is a range table of Unicode
///   16.0's Greek, Hebrew, Hiragana, Katakana and Han; later additions next to
///   KERAIA, GERESH, GERSHAYIM or KATAKANA MIDDLE DOT are refused. Safe.
/// - **Hangul_Syllable_Type** is the four Old Hangul Jamo ranges, which are full.
/// - **Case mapping** in UsernameCaseMapped is Unicode toLowerCase, including the
///   language-independent Final_Sigma condition. Domain labels use the
///   per-code-point lowercase mapping of RFC 5895 §2, so Σ always becomes σ
///   there, applied only to code points IDNA2008 would refuse as unstable;
///   Cherokee, whose case folding goes to the capitals, is folded that way.
///   Without NFKC_Casefold in the standard library this is how the domain
///   mapping stays idempotent.
enum PRECIS {
    /// Why a string is refused by a PRECIS profile.
    enum Violation: Error, Sendable, Equatable {
        /// Nothing is left (RFC 8265 §3.3.3, §4.2.3: an empty string is not valid).
        case empty
        /// Applying the rules four times never reached a fixed point (RFC 8264 §7).
        case unstable
        /// The code point is unassigned in this Unicode version.
        case unassigned(Unicode.Scalar)
        /// The string class disallows the code point.
        case disallowed(Unicode.Scalar, DerivedProperty.DisallowedCategory)
        /// A CONTEXTJ or CONTEXTO code point whose rule does not hold here.
        case contextRule(Unicode.Scalar)
        /// The string contains right-to-left text and breaks the Bidi Rule.
        case bidiRule(BidiRule.Violation)
    }

    /// The most rounds RFC 8264 §7 allows before a string counts as unstable:
    /// the first application and three more.
    private static let maximumRounds = 4

    /// RFC 8265 §3.3.1 UsernameCaseMapped (enforcement): width mapping, lowercase,
    /// NFC and the Bidi Rule, then IdentifierClass validity.
    static func usernameCaseMapped(_ input: String) throws(Violation) -> String {
        let scalars = try stabilize(Array(input.unicodeScalars)) { scalars in
            normalizedNFC(lowercased(widthMapped(scalars)))
        }
        try validate(scalars, in: .identifier)
        if BidiRule.containsRightToLeft(scalars), let violation = BidiRule.check(scalars) {
            throw .bidiRule(violation)
        }
        return string(scalars)
    }

    /// RFC 8265 §4.2.1 OpaqueString (enforcement): non-ASCII spaces to U+0020 and
    /// NFC, then FreeformClass validity. No case mapping and no Bidi Rule.
    static func opaqueString(_ input: String) throws(Violation) -> String {
        let scalars = try stabilize(Array(input.unicodeScalars)) { scalars in
            normalizedNFC(scalars.map { $0.properties.generalCategory == .spaceSeparator ? " " : $0 })
        }
        try validate(scalars, in: .freeform)
        return string(scalars)
    }

    /// Checks every code point against the string class, and the contextual rules.
    static func validate(_ scalars: [Unicode.Scalar], in stringClass: DerivedProperty.StringClass) throws(Violation) {
        guard !scalars.isEmpty else { throw .empty }
        var facts: DerivedProperty.StringFacts?
        for index in scalars.indices {
            let scalar = scalars[index]
            switch DerivedProperty.precis(scalar, in: stringClass) {
            case .valid:
                continue
            case .contextJ, .contextO:
                guard DerivedProperty.contextRuleHolds(in: scalars, at: index, facts: &facts) else {
                    throw .contextRule(scalar)
                }
            case .unassigned:
                throw .unassigned(scalar)
            case .disallowed(let category):
                throw .disallowed(scalar, category)
            }
        }
    }

    // MARK: - Mapping steps

    /// Applies `map` until the result stops changing (RFC 8264 §7).
    private static func stabilize(
        _ input: [Unicode.Scalar],
        _ map: ([Unicode.Scalar]) -> [Unicode.Scalar]
    ) throws(Violation) -> [Unicode.Scalar] {
        var current = map(input)
        for _ in 1..<maximumRounds {
            let next = map(current)
            if next == current { return current }
            current = next
        }
        throw .unstable
    }

    /// RFC 8264 §9.2: fullwidth and halfwidth forms to their decompositions.
    static func widthMapped(_ scalars: [Unicode.Scalar]) -> [Unicode.Scalar] {
        scalars.map { UnicodeTables.widthMapping($0) ?? $0 }
    }

    /// Unicode toLowerCase (Unicode §3.13 R2) with the Final_Sigma condition.
    static func lowercased(_ scalars: [Unicode.Scalar]) -> [Unicode.Scalar] {
        var result: [Unicode.Scalar] = []
        result.reserveCapacity(scalars.count)
        for index in scalars.indices {
            let scalar = scalars[index]
            let properties = scalar.properties
            if !properties.changesWhenLowercased {
                result.append(scalar)
            } else if scalar == "\u{03A3}", isFinalSigma(scalars, at: index) {
                result.append("\u{03C2}")
            } else {
                result.append(contentsOf: properties.lowercaseMapping.unicodeScalars)
            }
        }
        return result
    }

    /// Final_Sigma (Unicode Table 3-17): a cased letter, then case-ignorables, before;
    /// no case-ignorables followed by a cased letter after.
    private static func isFinalSigma(_ scalars: [Unicode.Scalar], at index: Int) -> Bool {
        var before = index - 1
        while before >= 0, scalars[before].properties.isCaseIgnorable { before -= 1 }
        guard before >= 0, scalars[before].properties.isCased else { return false }
        var after = index + 1
        while after < scalars.count, scalars[after].properties.isCaseIgnorable { after += 1 }
        return after == scalars.count || !scalars[after].properties.isCased
    }

    /// Unicode Normalization Form C, from the standard library's tables.
    static func normalizedNFC(_ scalars: [Unicode.Scalar]) -> [Unicode.Scalar] {
        // Code points below U+0300 are never changed by NFC when no combining
        // mark follows them; skip the round trip for such strings.
        if scalars.allSatisfy({ $0.value < 0x300 }) { return scalars }
        return Array(String(decoding: string(scalars)._nfcCodeUnits, as: UTF8.self).unicodeScalars)
    }

    /// Whether `scalars` is already in NFC.
    static func isNFC(_ scalars: [Unicode.Scalar]) -> Bool {
        normalizedNFC(scalars) == scalars
    }

    /// Joins scalars into a String.
    static func string(_ scalars: [Unicode.Scalar]) -> String {
        var view = String.UnicodeScalarView()
        view.append(contentsOf: scalars)
        return String(view)
    }
}
