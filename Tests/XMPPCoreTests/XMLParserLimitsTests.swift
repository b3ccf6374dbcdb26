import Testing
@testable import XMPPCore

@Suite("Parser limits trip exactly at their bounds")
struct XMLParserLimitsTests {
    /// Parses standalone elements, so the limits under test apply to them and not to a stream header.
    func outcome(_ body: String, _ limits: XMLParserLimits) -> ParseOutcome {
        let (outcome, mismatches) = parseEverySplit(body, mode: .fragments, limits: limits)
        #expect(mismatches == 0)
        return outcome
    }

    @Test func depth() {
        let limits = XMLParserLimits(maxDepth: 3)
        #expect(outcome("<a><b><c/></b></a>", limits).error == nil)
        #expect(outcome("<a><b><c><d/></c></b></a>", limits).error == .policyViolation)
    }

    @Test func attributesPerElement() {
        let limits = XMLParserLimits(maxAttributes: 2)
        #expect(outcome("<a x='1' y='2'/>", limits).error == nil)
        #expect(outcome("<a x='1' y='2' z='3'/>", limits).error == .policyViolation)
        #expect(outcome("<a xmlns='urn:a' xmlns:b='urn:b' z='3'/>", limits).error == .policyViolation)
    }

    @Test func nameLength() {
        let limits = XMLParserLimits(maxNameBytes: 5)
        #expect(outcome("<abcde/>", limits).error == nil)
        #expect(outcome("<abcdef/>", limits).error == .policyViolation)
        #expect(outcome("<a bcdef='1'/>", limits).error == nil)
        #expect(outcome("<a bcdefg='1'/>", limits).error == .policyViolation)
        // The qualified name counts, prefix and colon included.
        let prefixed = XMLParserLimits(maxNameBytes: 7)
        #expect(outcome("<a:bcdef xmlns:a='urn:a'/>", prefixed).error == nil)
        #expect(outcome("<a:bcdefg xmlns:a='urn:a'/>", prefixed).error == .policyViolation)
        #expect(outcome("<a xmlns:bcdefg='urn:a'/>", prefixed).error == .policyViolation)
    }

    @Test func elementBytes() {
        let stanza = "<message to='a@b'><body>hello</body></message>"
        let size = stanza.utf8.count
        #expect(outcome(stanza, XMLParserLimits(maxElementBytes: size)).error == nil)
        #expect(outcome(stanza, XMLParserLimits(maxElementBytes: size - 1)).error == .policyViolation)
        // A stanza that never ends is refused once it passes the bound, not buffered forever.
        let endless = "<message><body>" + String(repeating: "x", count: 2_000)
        #expect(outcome(endless, XMLParserLimits(maxElementBytes: 1_000)).error == .policyViolation)
        let endlessTag = "<message to='" + String(repeating: "x", count: 2_000)
        #expect(outcome(endlessTag, XMLParserLimits(maxElementBytes: 1_000)).error == .policyViolation)
    }

    @Test func elementBytesAreCountedPerTopLevelElement() {
        let stanza = "<message><body>hello</body></message>"
        let limits = XMLParserLimits(maxElementBytes: stanza.utf8.count)
        let result = outcome(stanza + " " + stanza + stanza, limits)
        #expect(result.error == nil)
        #expect(result.elements.count == 3)
    }

    @Test func textLength() {
        let limits = XMLParserLimits(maxTextBytes: 4)
        #expect(outcome("<a>abcd</a>", limits).error == nil)
        #expect(outcome("<a>abcde</a>", limits).error == .policyViolation)
        #expect(outcome("<a><![CDATA[abcd]]></a>", limits).error == nil)
        #expect(outcome("<a><![CDATA[abcde]]></a>", limits).error == .policyViolation)
    }

    @Test func defaultStanzaLimitIs256KiB() {
        #expect(XMLParserLimits.clientToServer.maxElementBytes == 256 * 1024)
        let overhead = "<message><body></body></message>".utf8.count
        let fits = "<message><body>" + String(repeating: "a", count: 256 * 1024 - overhead) + "</body></message>"
        #expect(parse(clientHeader + fits).error == nil)
        let tooBig = "<message><body>" + String(repeating: "a", count: 256 * 1024 - overhead + 1) + "</body></message>"
        #expect(parse(clientHeader + tooBig).error == .policyViolation)
    }
}
