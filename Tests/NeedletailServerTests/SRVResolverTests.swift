import Testing
@testable import NeedletailServer

/// Parsing the answer section of a DNS SRV response (RFC 1035 §4.1, RFC 2782),
/// with a response built here byte by byte, since tests have no DNS.
@Suite("SRV records from DNS responses")
struct SRVResolverTests {
    static func name(_ dotted: String) -> [UInt8] {
        dotted.split(separator: ".").flatMap { [UInt8($0.utf8.count)] + Array($0.utf8) } + [0]
    }

    static func u16(_ value: Int) -> [UInt8] { [UInt8(value >> 8), UInt8(value & 0xFF)] }

    static func answer(priority: Int, weight: Int, port: Int, target: String) -> [UInt8] {
        let rdata = u16(priority) + u16(weight) + u16(port) + (target == "." ? [0] : name(target))
        // Name: a pointer to the question's name at offset 12; type SRV, class IN, TTL 300.
        return [0xC0, 12] + u16(33) + u16(1) + [0, 0, 1, 44] + u16(rdata.count) + rdata
    }

    static func response(_ answers: [[UInt8]]) -> [UInt8] {
        let header = u16(0x1234) + u16(0x8180) + u16(1) + u16(answers.count) + u16(0) + u16(0)
        let question = name("_xmpp-server._tcp.montague.example") + u16(33) + u16(1)
        return header + question + answers.flatMap { $0 }
    }

    @Test func recordsAreRead() {
        let bytes = Self.response([
            Self.answer(priority: 10, weight: 60, port: 5269, target: "xmpp1.montague.example"),
            Self.answer(priority: 20, weight: 0, port: 5270, target: "backup.montague.example"),
        ])
        #expect(SRVResolver.parse(bytes, directTLS: false) == [
            ServiceRecord(priority: 10, weight: 60, port: 5269, target: "xmpp1.montague.example", directTLS: false),
            ServiceRecord(priority: 20, weight: 0, port: 5270, target: "backup.montague.example", directTLS: false),
        ])
    }

    @Test func theRootTargetMeansNoServiceAndGarbageMeansNoRecords() {
        let none = SRVResolver.parse(Self.response([Self.answer(priority: 0, weight: 0, port: 0, target: ".")]), directTLS: true)
        #expect(none.map(\.target) == ["."])
        var generator = SystemRandomNumberGenerator()
        #expect(ServiceRecord.connectionOrder(none, using: &generator).isEmpty)
        #expect(SRVResolver.parse([1, 2, 3], directTLS: false).isEmpty)
        #expect(SRVResolver.parse(Array(Self.response([Self.answer(priority: 1, weight: 1, port: 1, target: "a.example")]).dropLast(4)), directTLS: false).isEmpty)
    }
}
