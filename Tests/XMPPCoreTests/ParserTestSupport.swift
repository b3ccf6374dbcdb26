import NIOCore
import XMPPCore

/// The outcome of feeding bytes to a parser: events, then maybe an error.
struct ParseOutcome: Equatable {
    var events: [XMLStreamParser.Event]
    var error: StreamError.Condition?
}

/// Feeds `chunks` one after another, pulling every event, and stops at the first error.
func parse(
    chunks: [[UInt8]], mode: XMLStreamParser.Mode = .stream, limits: XMLParserLimits = .clientToServer
) -> ParseOutcome {
    var parser = XMLStreamParser(mode: mode, limits: limits)
    var outcome = ParseOutcome(events: [], error: nil)
    do {
        for chunk in chunks {
            parser.append(ByteBuffer(bytes: chunk))
            while let event = try parser.next() {
                outcome.events.append(event)
            }
        }
    } catch {
        outcome.error = error.condition
    }
    return outcome
}

func parse(_ text: String, mode: XMLStreamParser.Mode = .stream, limits: XMLParserLimits = .clientToServer) -> ParseOutcome {
    parse(chunks: [Array(text.utf8)], mode: mode, limits: limits)
}

/// The same input split at every offset into two chunks, and drip-fed a byte at a time.
func splits(of bytes: [UInt8]) -> [[[UInt8]]] {
    var result: [[[UInt8]]] = [bytes.map { [$0] }]
    for offset in 1..<bytes.count {
        result.append([Array(bytes[..<offset]), Array(bytes[offset...])])
    }
    return result
}

/// Parses `text` whole, at every split point and drip-fed, and returns the whole-input
/// outcome after checking every other way gave the same.
func parseEverySplit(
    _ text: String, mode: XMLStreamParser.Mode = .stream, limits: XMLParserLimits = .clientToServer
) -> (outcome: ParseOutcome, mismatches: Int) {
    let bytes = Array(text.utf8)
    let whole = parse(chunks: [bytes], mode: mode, limits: limits)
    var mismatches = 0
    for chunks in splits(of: bytes) where parse(chunks: chunks, mode: mode, limits: limits) != whole {
        mismatches += 1
    }
    return (whole, mismatches)
}

/// A client stream header as clients send it.
let clientHeader = "<?xml version='1.0'?><stream:stream to='example.com' xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' version='1.0' xml:lang='en'>"

/// The elements of a parse, without the header and close events.
extension ParseOutcome {
    var elements: [XMPPElement] {
        events.compactMap { if case .element(let element) = $0 { return element } else { return nil } }
    }
}
