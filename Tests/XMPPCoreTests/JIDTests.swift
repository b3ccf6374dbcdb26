import Testing
@testable import XMPPCore

@Suite("JID parsing and forms (RFC 7622)")
struct JIDTests {
    /// RFC 7622 §3.5, "Examples of valid JIDs", and what each normalizes to.
    @Test(arguments: [
        ("juliet@example.com", "juliet@example.com"),
        ("juliet@example.com/foo", "juliet@example.com/foo"),
        ("juliet@example.com/foo bar", "juliet@example.com/foo bar"),
        ("juliet@example.com/foo@bar", "juliet@example.com/foo@bar"),
        ("foo\\20bar@example.com", "foo\\20bar@example.com"),
        ("fussball@example.com", "fussball@example.com"),
        ("fußball@example.com", "fußball@example.com"),
        ("π@example.com", "π@example.com"),
        ("Σ@example.com/foo", "σ@example.com/foo"),
        ("σ@example.com/foo", "σ@example.com/foo"),
        ("ς@example.com/foo", "ς@example.com/foo"),
        ("king@example.com/♚", "king@example.com/♚"),
        ("example.com", "example.com"),
        ("example.com/foobar", "example.com/foobar"),
        ("a.example.com/b@example.net", "a.example.com/b@example.net"),
    ])
    func rfc7622ValidExamples(input: String, normalized: String) throws {
        let jid = try JID(input)
        #expect(jid.description == normalized)
        // Preparation is idempotent: the normalized form parses to itself.
        #expect(try JID(jid.description) == jid)
    }

    /// RFC 7622 §3.5, "Examples of invalid JIDs".
    @Test(arguments: [
        ("\"juliet\"@example.com", "forbidden quotation mark"),
        ("foo bar@example.com", "space in localpart"),
        ("@example.com/", "empty localpart and resourcepart"),
        ("henry\u{2163}@example.com", "ROMAN NUMERAL FOUR has a compatibility decomposition"),
        ("\u{265A}@example.com", "BLACK CHESS KING is a symbol"),
        ("∞@example.com", "INFINITY is a symbol"),
        ("juliet@", "empty domainpart"),
        ("/foobar", "empty domainpart"),
        ("", "empty"),
        ("@", "empty localpart and domainpart"),
        ("juliet@example.com/", "empty resourcepart"),
        ("juliet@@example.com", "'@' in the domainpart"),
    ])
    func rfc7622InvalidExamples(input: String, why: String) {
        #expect(throws: JIDError.self, "\(why)") { try JID(input) }
    }

    @Test func resourcepartMayStartWithSpace() throws {
        #expect(try JID("juliet@example.com/ foo").resourcepart == " foo")
    }

    @Test func splitsAtFirstSlashThenFirstAt() throws {
        let jid = try JID("a@b/c@d/e")
        #expect(jid.localpart == "a")
        #expect(jid.domainpart == "b")
        #expect(jid.resourcepart == "c@d/e")
        let domainOnly = try JID("b/c@d")
        #expect(domainOnly.localpart == nil)
        #expect(domainOnly.resourcepart == "c@d")
    }

    @Test func reportsEachEmptyPart() {
        #expect(throws: JIDError(.emptyLocalpart)) { try JID("@example.com") }
        #expect(throws: JIDError(.emptyDomainpart)) { try JID("juliet@") }
        #expect(throws: JIDError(.emptyDomainpart)) { try JID("/foobar") }
        #expect(throws: JIDError(.emptyResourcepart)) { try JID("example.com/") }
    }

    @Test func accessorsForBareFullAndDomain() throws {
        let full = try JID("Juliet@Example.com/Balcony")
        #expect(full.localpart == "juliet")
        #expect(full.domainpart == "example.com")
        #expect(full.resourcepart == "Balcony")
        #expect(full.isFull && !full.isBare && !full.isDomain)
        #expect(full.bare == (try JID("juliet@example.com")))
        #expect(full.bare.isBare && !full.bare.isDomain)
        #expect(full.domain == (try JID("example.com")))
        #expect(full.domain.isDomain && full.domain.isBare)
        let domainWithResource = try JID("example.com/x")
        #expect(!domainWithResource.isDomain && domainWithResource.isFull)
    }

    @Test func withResourcePreparesOnlyTheResource() throws {
        let bare = try JID("juliet@example.com")
        let full = try bare.withResource("orchard\u{00A0}1")
        #expect(full.description == "juliet@example.com/orchard 1")
        #expect(try full.withResource(nil) == bare)
        #expect(throws: JIDError(.emptyResourcepart)) { try bare.withResource("") }
        #expect(throws: JIDError.self) { try bare.withResource("tab\there") }
    }

    @Test func partsInitializerNormalizesAndRefusesSeparators() throws {
        let jid = try JID(localpart: "ROMEO", domainpart: "Example.NET.", resourcepart: "Home")
        #expect(jid.description == "romeo@example.net/Home")
        #expect(try JID(localpart: nil, domainpart: "example.net") == (try JID("example.net")))
        #expect(throws: JIDError.self) { try JID(localpart: "a@b", domainpart: "example.net") }
        #expect(throws: JIDError.self) { try JID(localpart: "a/b", domainpart: "example.net") }
        #expect(throws: JIDError.self) { try JID(localpart: nil, domainpart: "a@example.net") }
        #expect(try JID(localpart: "a", domainpart: "example.net", resourcepart: "x/y@z").resourcepart == "x/y@z")
        #expect(throws: JIDError(.emptyLocalpart)) { try JID(localpart: "", domainpart: "example.net") }
        #expect(throws: JIDError(.emptyDomainpart)) { try JID(localpart: "a", domainpart: "") }
    }

    @Test func equalityAndHashingUseTheNormalizedForm() throws {
        let pairs: [(String, String)] = [
            ("JULIET@EXAMPLE.COM", "juliet@example.com"),
            ("Juliet@Example.com.", "juliet@example.com"),
            ("ＪＵＬＩＥＴ@example.com", "juliet@example.com"),
            ("Σ@example.com", "σ@example.com"),
            ("cafe\u{0301}@example.com", "caf\u{00E9}@example.com"),
            ("juliet@xn--bcher-kva.example/r", "juliet@Bücher.example/r"),
            ("a@b/caf\u{0065}\u{0301}", "a@b/caf\u{00E9}"),
        ]
        for (lhs, rhs) in pairs {
            let left = try JID(lhs)
            let right = try JID(rhs)
            #expect(left == right, "\(lhs) == \(rhs)")
            #expect(left.hashValue == right.hashValue, "hash(\(lhs)) == hash(\(rhs))")
            #expect(Set([left, right]).count == 1)
        }
    }

    @Test func distinctJIDsAreUnequal() throws {
        let jids = try [
            "juliet@example.com", "juliet@example.com/a", "juliet@example.com/A", "example.com",
            "example.com/juliet", "fussball@example.com", "fußball@example.com", "σ@example.com",
            "ς@example.com", "juliet@example.net",
        ].map { try JID($0) }
        #expect(Set(jids).count == jids.count)
    }

    @Test func resourcepartKeepsCaseAndWidth() throws {
        let jid = try JID("a@example.com/ＢａｌＣｏｎｙ")
        #expect(jid.resourcepart == "ＢａｌＣｏｎｙ")
        #expect(jid != (try JID("a@example.com/BalCony")))
    }

    @Test func errorsDescribeWhatIsWrongInASentence() {
        let cases: [(String, String)] = [
            ("∞@example.com", "U+221E INFINITY is a symbol"),
            ("henry\u{2163}@example.com", "U+2173 SMALL ROMAN NUMERAL FOUR has a compatibility decomposition"),
            ("a b@example.com", "U+0020 SPACE is a space"),
            ("a:b@example.com", "may not appear in a localpart (RFC 7622 §3.3.1)"),
            ("a@example.com/x\u{7}", "U+0007"),
            ("a@exa_mple.com", "U+005F LOW LINE may not appear in a domain name"),
            ("@example.com", "The localpart is empty"),
        ]
        for (input, fragment) in cases {
            do {
                _ = try JID(input)
                Issue.record("\(input) should be invalid")
            } catch {
                let description = String(describing: error)
                #expect(description.contains(fragment), "\(description)")
                #expect(description.hasSuffix("."))
            }
        }
    }

    @Test func neverCrashesOnAwkwardInput() {
        let inputs = [
            "\u{0}", "@/", "@@@", "///", "a@b@c", "[", "]", "[]", "[::1", "::1]", ".", "..", "a..", "\u{FFFD}",
            "\u{200C}@example.com", "\u{D7FF}", String(repeating: "\u{301}", count: 50) + "@example.com",
            "xn--@example.com", "xn--", "xn---", "a@xn--", "a@xn--99999999999999999999a.com",
            String(decoding: [0xFF, 0xFE, 0x40, 0x2F], as: UTF8.self),
        ]
        for input in inputs {
            _ = try? JID(input)
        }
    }
}
