import Testing
@testable import XMPPCore

@Suite("JID length limits (RFC 7622 §3.1)")
struct JIDLengthTests {
    @Test func localpartOf1023BytesIsValidAnd1024IsNot() throws {
        let ascii = String(repeating: "a", count: 1023)
        #expect(try JID("\(ascii)@example.com").localpart?.utf8.count == 1023)
        #expect(throws: JIDError(.localpartTooLong)) { try JID("\(ascii)a@example.com") }
        // Two-byte characters: 511 × 2 + 1 = 1023 bytes.
        let accented = String(repeating: "é", count: 511) + "a"
        #expect(try JID("\(accented)@example.com").localpart?.utf8.count == 1023)
        #expect(throws: JIDError(.localpartTooLong)) { try JID("\(accented)a@example.com") }
    }

    @Test func domainpartOf1023BytesIsValidAnd1024IsNot() throws {
        // 16 labels of 63 octets and 15 dots.
        let exact = Array(repeating: String(repeating: "d", count: 63), count: 16).joined(separator: ".")
        #expect(exact.utf8.count == 1023)
        #expect(try JID("a@\(exact)").domainpart.utf8.count == 1023)
        // 15 labels of 63 octets, one of 62 and one of 1, and 16 dots.
        let over = (Array(repeating: String(repeating: "d", count: 63), count: 15) + [String(repeating: "d", count: 62), "d"])
            .joined(separator: ".")
        #expect(over.utf8.count == 1024)
        #expect(throws: JIDError(.domainpartTooLong)) { try JID("a@\(over)") }
        // The trailing dot is removed before the length is checked.
        #expect(try JID("a@\(exact).").domainpart.utf8.count == 1023)
    }

    @Test func labelOf63OctetsIsValidAnd64IsNot() throws {
        #expect(try JID("\(String(repeating: "l", count: 63)).example").domainpart.utf8.count == 63 + 8)
        #expect(throws: JIDError.self) { try JID("\(String(repeating: "l", count: 64)).example") }
    }

    @Test func resourcepartOf1023BytesIsValidAnd1024IsNot() throws {
        let ascii = String(repeating: "r", count: 1023)
        #expect(try JID("a@example.com/\(ascii)").resourcepart?.utf8.count == 1023)
        #expect(throws: JIDError(.resourcepartTooLong)) { try JID("a@example.com/\(ascii)r") }
        // Three-byte characters: 341 × 3 = 1023 bytes.
        let chess = String(repeating: "♚", count: 341)
        #expect(try JID("a@example.com/\(chess)").resourcepart?.utf8.count == 1023)
        #expect(throws: JIDError(.resourcepartTooLong)) { try JID("a@example.com/\(chess)r") }
    }

    @Test func limitAppliesAfterPreparation() throws {
        // 1023 fullwidth letters are 3069 bytes of input but 1023 once width-mapped.
        let fullwidth = String(repeating: "ａ", count: 1023)
        #expect(try JID("\(fullwidth)@example.com").localpart?.utf8.count == 1023)
        #expect(throws: JIDError(.localpartTooLong)) { try JID("\(fullwidth)ａ@example.com") }
    }

    @Test func absurdlyLongInputIsRefusedBeforePreparation() {
        let huge = String(repeating: "é", count: 1_000_000)
        let clock = ContinuousClock()
        let elapsed = clock.measure {
            #expect(throws: JIDError(.localpartTooLong)) { try JID("\(huge)@example.com") }
            #expect(throws: JIDError(.domainpartTooLong)) { try JID(huge) }
            #expect(throws: JIDError(.resourcepartTooLong)) { try JID("a@example.com/\(huge)") }
        }
        #expect(elapsed < .seconds(5))
    }
}
