import FuzzDriver
import NIOCore
import XMPPCore

@main
enum XMPPCoreFuzzMain {
    static func main() {
        FuzzDriver.run(fuzz)
    }
}

/// libFuzzer entry point (built with `-sanitize=fuzzer,address`, see .ci/run).
///
/// The first byte chooses what is fuzzed, so one corpus drives both:
/// - even: the stream parser, fed the rest of the input split at a point the
///   second byte chooses, in stream mode and then in fragments mode; every
///   element it yields is serialized and parsed again, and must come back equal;
/// - odd: JID parsing, and for a valid JID, parsing its string form again must
///   give the same JID.
/// A crash, a sanitizer report, or a failed round trip (a trap) is a finding.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size > 0 else { return 0 }
    let input = UnsafeBufferPointer(start: data, count: size)
    if input[0] & 1 == 0 {
        fuzzParser(Array(input.dropFirst()))
    } else {
        fuzzJID(Array(input.dropFirst()))
    }
    return 0
}

private func fuzzParser(_ bytes: [UInt8]) {
    let split = bytes.isEmpty ? 0 : Int(bytes[0]) % (bytes.count + 1)
    for mode in [XMLStreamParser.Mode.stream, .fragments] {
        var parser = XMLStreamParser(mode: mode, limits: XMLParserLimits(maxElementBytes: 64 * 1024))
        var context = XMLNamespaceContext.none
        for chunk in [bytes[..<split], bytes[split...]] {
            parser.append(ByteBuffer(bytes: chunk))
            do {
                while let event = try parser.next() {
                    switch event {
                    case .streamOpened(let header):
                        context = header.namespaceContext
                    case .element(let element):
                        checkRoundTrip(element, context: context)
                    case .streamClosed:
                        break
                    }
                }
            } catch {
                break
            }
        }
    }
}

private func checkRoundTrip(_ element: XMPPElement, context: XMLNamespaceContext) {
    var parser = XMLStreamParser(mode: .fragments, inheritsStreamLanguage: false)
    parser.append(element.serialized())
    guard case .element(let reparsed)? = try? parser.next(), reparsed == element else {
        preconditionFailure("round trip changed an element: \(element)")
    }
}

private func fuzzJID(_ bytes: [UInt8]) {
    let string = String(decoding: bytes, as: UTF8.self)
    guard let jid = try? JID(string) else { return }
    guard let again = try? JID(jid.description), again == jid, again.hashValue == jid.hashValue else {
        preconditionFailure("JID did not survive its own string form: \(jid)")
    }
    _ = jid.bare
    _ = jid.domain
}
