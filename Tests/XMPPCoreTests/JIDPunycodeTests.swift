import Testing
@testable import XMPPCore

@Suite("JID Punycode (RFC 3492)")
struct JIDPunycodeTests {
    /// Sample strings from RFC 3492 §7.1 and common IDN examples.
    @Test(arguments: [
        ("bücher", "bcher-kva"),
        ("münchen", "mnchen-3ya"),
        ("ß", "zca"),
        ("🙂", "938h"),
        ("他们为什么不说中文", "ihqwcrb4cv8a8dqg056pqjye"),
        ("почемужеонинеговорятпорусски", "b1abfaaepdrnnbgefbadotcwatmq2g4l"),
        ("ليهمابتكلموشعربي؟", "egbpdaj6bu4bxfgehfvwxn"),
        ("3年B組金八先生", "3B-ww4c5e180e575a65lsy2b"),
        ("安室奈美恵-with-SUPER-MONKEYS", "-with-SUPER-MONKEYS-pc58ag80a8qai00g7n9n"),
        ("そのスピードで", "d9juau41awczczp"),
        ("Pročprostěnemluvíčesky", "Proprostnemluvesky-uyb24dma41a"),
        ("ドメイン名例", "eckwd4c7cu47r2wf"),
    ])
    func roundTrips(unicode: String, encoded: String) throws {
        let scalars = Array(unicode.unicodeScalars)
        let encodedBytes = try #require(Punycode.encode(scalars))
        #expect(String(decoding: encodedBytes, as: UTF8.self) == encoded)
        #expect(Punycode.decode(Array(encoded.utf8)) == scalars)
    }

    @Test func decodingIgnoresTheCaseOfDigits() {
        #expect(Punycode.decode(Array("BCHER-KVA".utf8)) == Array("BüCHER".unicodeScalars))
    }

    @Test func decodesAnyNonBasicCodePoint() {
        // "a" is the smallest delta: U+0080, which IDNA2008 then refuses as a control.
        #expect(Punycode.decode(Array("a".utf8)) == ["\u{80}"])
    }

    @Test(arguments: [
        "99999999999999999999a",       // overflow while accumulating a delta
        "zzzzzzzzzzzzzzzzzzzz",        // the last delta is incomplete
        "99999999",                    // incomplete
        "abc-d!",                      // not a Punycode digit
        "ü-abc",                       // a non-basic code point before the delimiter
        "-",                           // a lone delimiter with no digits after it
        "9999z",                       // beyond U+10FFFF
        "0000000000h",                 // far beyond U+10FFFF
    ])
    func refusesInvalidInput(encoded: String) {
        #expect(Punycode.decode(Array(encoded.utf8)) == nil)
    }

    @Test func neverTrapsOnArbitraryBytes() {
        var generator = SystemRandomNumberGenerator()
        let alphabet = Array("abcdefghijklmnopqrstuvwxyz0123456789-".utf8)
        for _ in 0..<2_000 {
            let length = Int.random(in: 0...63, using: &generator)
            let bytes = (0..<length).map { _ in alphabet.randomElement(using: &generator) ?? UInt8(ascii: "a") }
            if let decoded = Punycode.decode(bytes), let reencoded = Punycode.encode(decoded) {
                #expect(Punycode.decode(reencoded) == decoded)
            }
        }
    }
}
