import Testing
@testable import XMPPCore

@Suite("Restricted XML (RFC 6120 §11) and malformed input")
struct XMLRestrictedXMLTests {
    struct Case: CustomTestStringConvertible, Sendable {
        var input: String
        var condition: StreamError.Condition
        var testDescription: String { "\(condition.rawValue): \(input.prefix(60))" }
    }

    static let inStream: [Case] = [
        Case(input: "<!-- a comment -->", condition: .restrictedXML),
        Case(input: "<message><!-- inside --></message>", condition: .restrictedXML),
        Case(input: "<?php echo 1 ?>", condition: .restrictedXML),
        Case(input: "<message><?pi x?></message>", condition: .restrictedXML),
        Case(input: "<?xml version='1.0'?>", condition: .restrictedXML),
        Case(input: "<!DOCTYPE foo [<!ENTITY a 'b'>]>", condition: .restrictedXML),
        Case(input: "<!ENTITY a 'b'>", condition: .restrictedXML),
        Case(input: "<message><body>&lol9;</body></message>", condition: .restrictedXML),
        Case(input: "<message to='&ext;'/>", condition: .restrictedXML),
        Case(input: "<message><body>&#0;</body></message>", condition: .notWellFormed),
        Case(input: "<message><body>&#xD800;</body></message>", condition: .notWellFormed),
        Case(input: "<message><body>&#x110000;</body></message>", condition: .notWellFormed),
        Case(input: "<message><body>&#xFFFE;</body></message>", condition: .notWellFormed),
        Case(input: "<message><body>&#;</body></message>", condition: .notWellFormed),
        Case(input: "<message><body>& alone</body></message>", condition: .notWellFormed),
        Case(input: "<message><body>a]]>b</body></message>", condition: .notWellFormed),
        Case(input: "<message><body>\u{1}</body></message>", condition: .notWellFormed),
        Case(input: "<message><body>\u{FFFF}</body></message>", condition: .notWellFormed),
        Case(input: "<message><body></message>", condition: .notWellFormed),
        Case(input: "</message>", condition: .notWellFormed),
        Case(input: "<message a='1' a='2'/>", condition: .notWellFormed),
        Case(input: "<message xmlns:p='urn:a' xmlns:q='urn:a' p:a='1' q:a='2'/>", condition: .notWellFormed),
        Case(input: "<message a=1/>", condition: .notWellFormed),
        Case(input: "<message a='1'b='2'/>", condition: .notWellFormed),
        Case(input: "<message a='<'/>", condition: .notWellFormed),
        Case(input: "<1message/>", condition: .notWellFormed),
        Case(input: "<:message/>", condition: .notWellFormed),
        Case(input: "<a:b:c xmlns:a='urn:a'/>", condition: .notWellFormed),
        Case(input: "<message xmlns:p=''/>", condition: .notWellFormed),
        Case(input: "<message xmlns:xml='urn:not-xml'/>", condition: .notWellFormed),
        Case(input: "<message xmlns:xmlns='urn:a'/>", condition: .notWellFormed),
        Case(input: "<message><![CDATX[x]]></message>", condition: .notWellFormed),
        Case(input: "<p:message/>", condition: .badNamespacePrefix),
        Case(input: "<message p:a='1'/>", condition: .badNamespacePrefix),
        Case(input: "<xmlns:message/>", condition: .badNamespacePrefix),
        Case(input: "non-whitespace at the stream level", condition: .badFormat),
        Case(input: "<![CDATA[x]]>", condition: .badFormat),
        Case(input: "</stream:stream><presence/>", condition: .notWellFormed),
        Case(input: "</stream:stream>junk", condition: .notWellFormed),
        Case(input: "</stream>", condition: .notWellFormed),
    ]

    @Test(arguments: inStream)
    func forbiddenOrMalformedInputInsideAStream(_ testCase: Case) {
        let (outcome, mismatches) = parseEverySplit(clientHeader + testCase.input)
        #expect(outcome.error == testCase.condition)
        #expect(mismatches == 0)
    }

    static let headers: [Case] = [
        Case(input: "<stream:stream xmlns='jabber:client' xmlns:stream='urn:wrong'>", condition: .invalidNamespace),
        Case(input: "<stream xmlns='jabber:client'>", condition: .invalidNamespace),
        Case(input: "<stream:stream xmlns='jabber:client'>", condition: .badNamespacePrefix),
        Case(input: "<stream:features xmlns:stream='http://etherx.jabber.org/streams'>", condition: .badFormat),
        Case(input: "<?xml version='1.0' encoding='ISO-8859-1'?><stream:stream>", condition: .unsupportedEncoding),
        Case(input: "<?xml encoding='UTF-8'?><stream:stream>", condition: .notWellFormed),
        Case(input: "<!DOCTYPE lolz [<!ENTITY lol 'lol'><!ENTITY lol2 '&lol;&lol;'>]><lolz>&lol2;</lolz>", condition: .restrictedXML),
        Case(input: "hello<stream:stream>", condition: .notWellFormed),
        Case(input: " <?xml version='1.0'?>", condition: .restrictedXML),
    ]

    @Test(arguments: headers)
    func badStreamHeaders(_ testCase: Case) {
        let (outcome, mismatches) = parseEverySplit(testCase.input)
        #expect(outcome.error == testCase.condition)
        #expect(mismatches == 0)
    }

    static let invalidUTF8: [[UInt8]] = [
        [0xC3, 0x28],                   // bad continuation
        [0xC0, 0xAF],                   // overlong '/'
        [0xE0, 0x80, 0xAF],             // overlong
        [0xED, 0xA0, 0x80],             // UTF-16 surrogate
        [0xF4, 0x90, 0x80, 0x80],       // above U+10FFFF
        [0xFF],
        [0xE2, 0x82],                   // truncated
    ]

    @Test(arguments: invalidUTF8)
    func invalidUTF8IsAnEncodingError(_ bad: [UInt8]) {
        let prefix = Array((clientHeader + "<message><body>").utf8)
        let suffix = Array("</body></message>".utf8)
        let outcome = parse(chunks: [prefix + bad + suffix])
        #expect(outcome.error == .unsupportedEncoding)
        let inAttribute = parse(chunks: [Array((clientHeader + "<message id='").utf8) + bad + Array("'/>".utf8)])
        #expect(inAttribute.error == .unsupportedEncoding)
    }

    @Test func billionLaughsIsRefusedWithoutExpansion() {
        var doc = "<?xml version='1.0'?><!DOCTYPE lolz [<!ENTITY lol 'lol'>"
        for level in 1...9 {
            doc += "<!ENTITY lol\(level) '" + String(repeating: "&lol\(level - 1 == 0 ? "" : String(level - 1));", count: 10) + "'>"
        }
        doc += "]><lolz>&lol9;</lolz>"
        #expect(parse(doc).error == .restrictedXML)
        #expect(parse(clientHeader + "<message><body>&lol9;</body></message>").error == .restrictedXML)
    }
}
