import Foundation
import Testing
@testable import XMPPCore

@Suite("JID localparts and resourceparts (PRECIS, RFC 8264/8265)")
struct JIDPRECISTests {
    // MARK: - UsernameCaseMapped (localpart)

    @Test(arguments: [
        ("ＪＵＬＩＥＴ", "juliet"),                  // fullwidth: width mapping, then lowercase
        ("ｊｕｌｉｅｔ", "juliet"),
        ("ﾛﾐｵ", "ロミオ"),                           // halfwidth katakana
        ("ｶﾞ", "ガ"),                               // halfwidth voiced mark composes after mapping
        ("ÉLODIE", "élodie"),
        ("E\u{0301}lodie", "élodie"),               // NFC
        ("ΟΔΥΣΣΕΥΣ", "οδυσσευς"),                   // Final_Sigma: the last sigma is final
        ("ΣΑΣ", "σας"),
        ("Σ", "σ"),
        ("İstanbul", "i\u{0307}stanbul"),           // full lowercase mapping
        ("l·l", "l·l"),                             // MIDDLE DOT between l and l (RFC 5892 A.3)
        ("\u{05D0}\u{05D1}", "\u{05D0}\u{05D1}"),   // Hebrew, right to left
        ("\u{0627}\u{0644}\u{0639}\u{0631}\u{0628}\u{064A}\u{0629}", "\u{0627}\u{0644}\u{0639}\u{0631}\u{0628}\u{064A}\u{0629}"),
        ("\u{0628}\u{200C}\u{0647}", "\u{0628}\u{200C}\u{0647}"), // ZWNJ between dual-joining letters
        ("foo\\20bar", "foo\\20bar"),               // XEP-0106 escapes are ordinary ASCII
        ("#$%*+=?^`{|}~!", "#$%*+=?^`{|}~!"),
    ])
    func localpartPreparation(input: String, prepared: String) throws {
        let jid = try JID("\(input)@example.com")
        #expect(jid.localpart == prepared)
        #expect(try JID("\(prepared)@example.com") == jid)
    }

    @Test(arguments: [
        ("a\u{0009}b", "control character"),
        ("a\u{007F}b", "DELETE"),
        ("a\u{00A0}b", "no-break space"),
        ("a\u{3000}b", "ideographic space maps to a space"),
        ("ａ＠ｂ", "fullwidth commercial at maps to '@'"),
        ("ｊｕｌｉｅｔ＂", "fullwidth quotation mark maps to '\"'"),
        ("a&b", "ampersand"),
        ("a'b", "apostrophe"),
        ("a<b", "less-than"),
        ("a>b", "greater-than"),
        ("a\u{0338}<b", "combining mark with a forbidden character"),
        ("<\u{0338}", "NOT LESS-THAN after NFC, a symbol"),
        ("ǅemal", "titlecase letter lowercases to a compatibility ligature"),
        ("ﬁ", "ligature with a compatibility decomposition"),
        ("ª", "ordinal indicator with a compatibility decomposition"),
        ("a\u{200B}b", "ZERO WIDTH SPACE, default-ignorable"),
        ("a\u{00AD}b", "SOFT HYPHEN, default-ignorable"),
        ("a\u{200D}b", "ZWJ without a virama"),
        ("a\u{200C}b", "ZWNJ between non-joining letters"),
        ("a·b", "MIDDLE DOT not between l and l"),
        ("\u{0375}a", "KERAIA before a non-Greek letter"),
        ("\u{05F3}", "GERESH without Hebrew before it"),
        ("\u{30FB}", "KATAKANA MIDDLE DOT without kana or Han"),
        ("\u{0661}\u{06F1}", "Arabic-Indic digits mixed with extended ones"),
        ("a\u{0640}b", "TATWEEL, an exception"),
        ("\u{1100}\u{1100}", "old Hangul jamo that do not compose"),
        ("a\u{E000}", "private use"),
        ("a\u{FFFF}", "noncharacter"),
        ("a\u{2028}", "line separator"),
        ("a\u{0378}", "unassigned"),
        ("a\u{05D0}", "Bidi: left-to-right start with right-to-left text"),
        ("\u{05D0}a", "Bidi: right-to-left string with a left-to-right letter"),
        ("1\u{05D0}", "Bidi: starts with a digit"),
        ("\u{05D0}\u{0661}1", "Bidi: European and Arabic-Indic digits"),
        ("…", "punctuation"),
        ("☃", "symbol"),
        ("½", "number form"),
    ])
    func localpartRefusals(input: String, why: String) {
        #expect(throws: JIDError.self, "\(why)") { try JID("\(input)@example.com") }
    }

    @Test func contextRulesThatHold() throws {
        #expect(try JID("\u{0375}\u{03B1}@example.com").localpart == "\u{0375}\u{03B1}")          // KERAIA + alpha
        #expect(try JID("\u{05D0}\u{05F3}@example.com").localpart == "\u{05D0}\u{05F3}")          // aleph + GERESH
        #expect(try JID("\u{30A2}\u{30FB}\u{30A4}@example.com").localpart == "\u{30A2}\u{30FB}\u{30A4}")
        #expect(try JID("\u{0915}\u{094D}\u{200D}@example.com").localpart?.unicodeScalars.count == 3) // virama + ZWJ
        #expect(try JID("\u{0628}\u{0661}\u{0662}@example.com").localpart == "\u{0628}\u{0661}\u{0662}")
    }

    @Test func finalSigmaLooksPastCaseIgnorables() throws {
        // A case-ignorable combining mark after the sigma does not stop it from being final.
        #expect(try JID("ΑΣ\u{0301}@example.com").localpart == "ας\u{0301}")
        // A sigma followed by a letter is not final.
        #expect(try JID("ΑΣΑ@example.com").localpart == "ασα")
        // A lone sigma has no cased letter before it.
        #expect(try JID("Σ@example.com").localpart == "σ")
    }

    // MARK: - OpaqueString (resourcepart)

    @Test(arguments: [
        ("Balcony", "Balcony"),
        ("foo bar", "foo bar"),
        ("foo\u{00A0}bar", "foo bar"),            // non-ASCII spaces map to U+0020
        ("foo\u{3000}bar", "foo bar"),
        ("♚", "♚"),
        ("Ｆｕｌｌ", "Ｆｕｌｌ"),                    // no width mapping
        ("ΣΑΣ", "ΣΑΣ"),                           // no case mapping
        ("e\u{0301}", "é"),
        ("a/b@c", "a/b@c"),
        ("\u{05D0}a1", "\u{05D0}a1"),             // no Bidi Rule
        ("½ ﬁ ª Ⅳ", "½ ﬁ ª Ⅳ"),                   // compatibility characters are free
    ])
    func resourcepartPreparation(input: String, prepared: String) throws {
        let jid = try JID("a@example.com/\(input)")
        #expect(jid.resourcepart == prepared)
    }

    @Test(arguments: [
        "\u{0000}", "a\u{0009}", "a\u{000A}", "a\u{000D}", "\u{001B}", "\u{007F}", "a\u{0085}", "a\u{009F}",
        "a\u{200B}", "a\u{FEFF}", "a\u{FFFE}", "a\u{E000}", "a\u{2028}", "a\u{2029}", "a\u{0378}",
        "a\u{200D}", "a\u{0640}", "\u{1100}",
    ])
    func resourcepartRefusals(input: String) {
        #expect(throws: JIDError.self) { try JID("a@example.com/\(input)") }
    }

    @Test func controlCharacterErrorNamesTheCharacter() {
        #expect(throws: JIDError(.invalidResourcepart(
            "U+0009 is a control character (RFC 8264 §9.12), which a resourcepart (OpaqueString, RFC 8265 §4.2) does not allow"
        ))) { try JID("a@example.com/tab\there") }
    }

    // MARK: - Tables checked against Foundation

    /// The width mapping table holds the `<wide>`/`<narrow>` decompositions: each
    /// target has the same NFKC as its source (NFKC may then decompose further).
    @Test func widthMappingMatchesCompatibilityDecomposition() {
        func nfkc(_ scalar: Unicode.Scalar) -> [Unicode.Scalar] {
            Array(String(scalar).precomposedStringWithCompatibilityMapping.unicodeScalars)
        }
        var checked = 0
        for value in [UInt32(0x3000)] + Array(0xFF01...0xFFEE) {
            guard let scalar = Unicode.Scalar(value) else { continue }
            let assigned = scalar.properties.generalCategory != .unassigned
            let mapped = UnicodeTables.widthMapping(scalar)
            #expect((mapped != nil) == assigned, "U+\(String(value, radix: 16))")
            guard let mapped else { continue }
            #expect(mapped != scalar && nfkc(mapped) == nfkc(scalar), "U+\(String(value, radix: 16))")
            checked += 1
        }
        #expect(checked > 200)
    }

    /// HasCompat derived from NFKC_Casefold matches Foundation's NFKC for every
    /// code point Foundation's tables cover (Unicode 15.1 and earlier).
    @Test func hasCompatMatchesFoundationNFKC() {
        var mismatches: [String] = []
        for value in UInt32(0)...0x10FFFF {
            guard let scalar = Unicode.Scalar(value) else { continue }
            let properties = scalar.properties
            guard properties.generalCategory != .unassigned, !properties.isDefaultIgnorableCodePoint,
                  let age = properties.age, age.major < 16
            else { continue }
            let single = String(scalar)
            // PRECIS checks HasCompat after NFC, so code points NFC replaces never reach it.
            guard single._nfcCodeUnits.elementsEqual(single.utf8) else { continue }
            let nfkc = single.precomposedStringWithCompatibilityMapping
            let expected = !nfkc.unicodeScalars.elementsEqual([scalar])
            if DerivedProperty.hasCompatibilityDecomposition(scalar) != expected {
                mismatches.append("U+\(String(value, radix: 16, uppercase: true))")
            }
        }
        #expect(mismatches.isEmpty, "\(mismatches.prefix(20))")
    }

    /// Every prepared localpart is stable: preparing it again changes nothing.
    @Test func preparationIsIdempotentAcrossTheBMP() throws {
        var failures: [String] = []
        for value in UInt32(0xA0)...0xFFFF {
            guard let scalar = Unicode.Scalar(value) else { continue }
            let input = "x\(Character(scalar))"
            if let jid = try? JID("\(input)@example.com/\(input)") {
                let again = try JID(jid.description)
                if again != jid || again.description != jid.description { failures.append(jid.description) }
            }
        }
        #expect(failures.isEmpty, "\(failures.prefix(10))")
    }
}
