import Testing
@testable import XMPPCore

@Suite("JID domainparts (RFC 7622 §3.2)")
struct JIDDomainTests {
    @Test(arguments: [
        ("example.com", "example.com"),
        ("EXAMPLE.Com", "example.com"),
        ("example.com.", "example.com"),
        ("localhost", "localhost"),
        ("a-b.c-d.example", "a-b.c-d.example"),
        ("1example.com", "1example.com"),
        ("example.123a", "example.123a"),
        // IP literals (RFC 7622 §3.2.1), IPv6 in the canonical form of RFC 5952.
        ("192.0.2.1", "192.0.2.1"),
        ("192.0.2.1.", "192.0.2.1"),
        ("[2001:DB8::1]", "[2001:db8::1]"),
        ("[2001:db8:0:0:0:0:0:1]", "[2001:db8::1]"),
        ("[::1]", "[::1]"),
        ("[::ffff:192.0.2.1]", "[::ffff:192.0.2.1]"),
        // Internationalized names are held as U-labels (RFC 7622 §3.2.2).
        ("xn--bcher-kva.example", "bücher.example"),
        ("XN--BCHER-KVA.example", "bücher.example"),
        ("bücher.example", "bücher.example"),
        ("BÜCHER.example", "bücher.example"),
        ("bu\u{0308}cher.example", "bücher.example"),
        ("xn--mnchen-3ya.de", "münchen.de"),
        ("faß.de", "faß.de"),
        ("xn--fa-hia.de", "faß.de"),
        ("ドメイン名例.jp", "ドメイン名例.jp"),
        ("xn--eckwd4c7cu47r2wf.jp", "ドメイン名例.jp"),
        ("ｅｘａｍｐｌｅ．ｃｏｍ", "example.com"),
        ("ｘｎ－－ｂｃｈｅｒ－ｋｖａ．ｅｘａｍｐｌｅ", "bücher.example"),
        ("例え。テスト", "例え.テスト"),
        ("１９２．０．２．１", "192.0.2.1"),
        ("اختبار.example", "اختبار.example"),
        ("xn--mgbachtv.example", "اختبار.example"),
        ("l·l.example", "l·l.example"),
        // Cherokee case folding goes to the capitals, which IDNA2008 allows.
        ("\u{13EB}\u{13E8}.example", "\u{13EB}\u{13E8}.example"),
        ("\u{ABBB}\u{ABB8}.example", "\u{13EB}\u{13E8}.example"),
        ("xn--bce.example", "\u{13EB}.example"),
    ])
    func validDomains(input: String, normalized: String) throws {
        let jid = try JID(input)
        #expect(jid.domainpart == normalized)
        #expect(jid.isDomain)
        #expect(try JID(jid.domainpart) == jid)
    }

    @Test func aLabelsAndULabelsAreTheSameDomain() throws {
        let aLabel = try JID("romeo@xn--bcher-kva.example/balcony")
        let uLabel = try JID("romeo@bücher.example/balcony")
        #expect(aLabel == uLabel)
        #expect(aLabel.hashValue == uLabel.hashValue)
        #expect(aLabel.description == "romeo@bücher.example/balcony")
    }

    @Test func trailingDotIsRemovedOnce() throws {
        #expect(try JID("juliet@example.com./r") == (try JID("juliet@example.com/r")))
        #expect(try JID("example.com.").description == "example.com")
        #expect(throws: JIDError.self) { try JID("example.com..") }
        #expect(throws: JIDError.self) { try JID(".") }
        #expect(throws: JIDError.self) { try JID("a@./r") }
    }

    @Test(arguments: [
        ("a..b", "empty label"),
        (".example.com", "leading empty label"),
        ("-example.com", "leading hyphen"),
        ("example-.com", "trailing hyphen"),
        ("ab--cd.example", "reserved '--' in positions 3 and 4"),
        ("exa_mple.com", "underscore"),
        ("exa mple.com", "space"),
        ("example.com:5222", "port"),
        ("::1", "IPv6 without brackets"),
        ("[::1", "unterminated IPv6 literal"),
        ("[192.0.2.1]", "IPv4 in brackets"),
        ("[fe80::1%eth0]", "zone identifier"),
        ("[::1]x", "text after the literal"),
        ("[gg::1]", "not hex"),
        ("192.0.2.256", "IPv4 octet out of range"),
        ("192.0.2", "three-part IPv4"),
        ("01.2.3.4", "IPv4 with a leading zero"),
        ("example.123", "numeric top-level label"),
        ("例.123", "numeric top-level label after a U-label"),
        ("bücher.123", "numeric top-level label after a Latin-1 U-label"),
        ("123", "numeric single label"),
        (String(repeating: "a", count: 64) + ".example", "64-octet label"),
        ("xn--bcher-kva8.example", "invalid Punycode"),
        ("xn--abc-.example", "A-label of plain ASCII"),
        ("xn--bucher-xyd.example", "A-label of a non-NFC label"),
        ("xn--.example", "empty A-label"),
        ("xn--99999999999999999999a.example", "Punycode overflow"),
        ("xn--BCHER-KVA-.example", "A-label that ends with a hyphen"),
        ("∞.example", "symbol"),
        ("a\u{2163}.example", "compatibility character"),
        ("\u{0301}a.example", "leading combining mark"),
        ("a\u{200C}b.example", "ZWNJ outside its context"),
        ("a\u{200D}b.example", "ZWJ outside its context"),
        ("a·b.example", "MIDDLE DOT outside l·l"),
        ("ab\u{0640}c.example", "ARABIC TATWEEL exception"),
        ("ابc.example", "Bidi: left-to-right letter in a right-to-left label"),
        ("1اب.example", "Bidi: right-to-left label starting with a digit"),
        ("اب.1example", "Bidi: domain with a right-to-left label and a label starting with a digit"),
        ("\u{0661}\u{06F1}.example", "Arabic-Indic and extended digits mixed"),
        ("exam\u{0}ple.com", "NUL"),
    ])
    func invalidDomains(input: String, why: String) {
        #expect(throws: JIDError.self, "\(why)") { try JID(input) }
    }

    @Test func conjoiningJamoComposeToAValidSyllable() throws {
        #expect(try JID("\u{1100}\u{1161}.example").domainpart == "\u{AC00}.example")
        #expect(throws: JIDError.self) { try JID("\u{1100}.example") }
    }

    @Test func zeroWidthNonJoinerAfterViramaOrBetweenJoiningLetters() throws {
        // Devanagari KA, VIRAMA, ZWNJ, SSA (RFC 5892 A.1, first test).
        #expect(try JID("\u{0915}\u{094D}\u{200C}\u{0937}.example").domainpart.unicodeScalars.count == 12)
        // Persian BEH, ZWNJ, HEH: both dual-joining (A.1, second test).
        #expect(try JID("\u{0628}\u{200C}\u{0647}.example").domainpart.hasPrefix("\u{0628}\u{200C}"))
        // ALEF is right-joining only, so a ZWNJ after it joins nothing.
        #expect(throws: JIDError.self) { try JID("\u{0627}\u{200C}\u{0647}.example") }
    }

    @Test func aLabelLengthIsCheckedForULabels() throws {
        // "a" × 55 + "ü" is xn--aaa…-<3 digits>, exactly 63 octets; one more "a" makes 64.
        let fits = String(repeating: "a", count: 55) + "ü"
        #expect(try JID("\(fits).example").domainpart == "\(fits).example")
        #expect(throws: JIDError.self) { try JID("a\(fits).example") }
    }

    @Test func ipLiteralsCompareCanonically() throws {
        #expect(try JID("a@[2001:DB8:0::1]/r") == (try JID("a@[2001:db8::1]/r")))
        #expect(try JID("a@[2001:db8::1]").domainpart == "[2001:db8::1]")
        #expect(try JID("a@192.0.2.1/r").domainpart == "192.0.2.1")
    }

    /// Every prepared domain is stable: preparing it again changes nothing.
    @Test func preparationIsIdempotentAcrossTheBMP() throws {
        var failures: [String] = []
        for value in UInt32(0x80)...0xFFFF {
            guard let scalar = Unicode.Scalar(value) else { continue }
            for input in ["x\(Character(scalar))y.example", "\(Character(scalar)).example"] {
                guard let jid = try? JID(input) else { continue }
                let again = try? JID(jid.domainpart)
                if again != jid { failures.append("U+\(String(value, radix: 16, uppercase: true))") }
            }
        }
        #expect(failures.isEmpty, "\(failures.prefix(10))")
    }
}
