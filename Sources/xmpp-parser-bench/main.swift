// Parser throughput: our XMLStreamParser against Foundation's XMLParser (libxml2)
// on the same client stream of 1 KiB chat messages. Build in release:
//
//     swift run -c release xmpp-parser-bench            # full run
//     swift run -c release xmpp-parser-bench --smoke    # a few iterations, for CI
//
// Prints MB/s and stanzas/s for each, and the ratios. Pin it to one core with
// `taskset -c 1` to measure "one core" as the targets are stated.
//
// Foundation is measured two ways. "SAX only" counts elements and ignores text:
// the least work XMLParser can be asked to do, less than a server needs.
// "building trees" makes the same XMPPElement trees our parser yields (checked
// equal), which is the work an XMPP server has to do with every stanza.
// `--ascii` swaps the body text for plain ASCII without entities, to show how the
// content changes both parsers' speed.
import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Dispatch
import NIOCore
import XMPPCore

let smoke = CommandLine.arguments.contains("--smoke")
let asciiOnly = CommandLine.arguments.contains("--ascii")
let messageCount = smoke ? 500 : 5_000
let iterations = smoke ? 2 : 7
let chunkSize = 4096 // what one socket read typically delivers

/// One chat message of about 1 KiB, the shape real clients send: addressing,
/// a body with an entity and non-ASCII text, a chat state and a receipt request.
func message(_ index: Int) -> String {
    let sentence = asciiOnly
        ? "Wherefore art thou, Romeo? Deny thy father and refuse thy name - Gruesse aus Verona. "
        : "Wherefore art thou, Romeo? Deny thy father &amp; refuse thy name — Grüße aus Verona. "
    let body = String(repeating: sentence, count: 10)
    return "<message to='romeo@example.net' from='juliet@example.com/balcony' type='chat' id='msg-\(index)' xml:lang='en'>"
        + "<body>\(body)</body>"
        + "<active xmlns='http://jabber.org/protocol/chatstates'/><request xmlns='urn:xmpp:receipts'/>"
        + "<origin-id xmlns='urn:xmpp:sid:0' id='5f1c9a2e-\(index)'/></message>"
}

let header = "<?xml version='1.0'?><stream:stream to='example.com' xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' version='1.0' xml:lang='en'>"
var streamText = header
for index in 0..<messageCount { streamText += message(index) }
streamText += "</stream:stream>"
let streamBytes = Array(streamText.utf8)
let averageStanza = (streamBytes.count - header.utf8.count) / messageCount

/// The stream cut into socket-sized reads, as the server's channel handler sees it.
let chunks: [ByteBuffer] = stride(from: 0, to: streamBytes.count, by: chunkSize).map { start in
    ByteBuffer(bytes: streamBytes[start..<min(start + chunkSize, streamBytes.count)])
}

/// Times one run of `body`: its seconds and the stanzas it counted.
func timeOnce(_ body: () -> Int) -> (seconds: Double, stanzas: Int) {
    let start = DispatchTime.now().uptimeNanoseconds
    let stanzas = body()
    return (Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9, stanzas)
}

/// Runs the parsers in turn, `iterations` rounds, and keeps each one's best time.
/// Interleaving them means a machine that speeds up or slows down during the run
/// (shared CPUs do) affects every parser alike, so the ratios stay honest.
@MainActor
func timeInterleaved(_ bodies: [() -> Int]) -> [(seconds: Double, stanzas: Int)] {
    var best = bodies.map { _ in (seconds: Double.infinity, stanzas: 0) }
    for _ in 0..<iterations {
        for (index, body) in bodies.enumerated() {
            let result = timeOnce(body)
            if result.seconds < best[index].seconds { best[index] = result }
        }
    }
    return best
}

var lastStanzaFromXMPPCore: XMPPElement?
@MainActor func parseWithXMPPCore() -> Int {
    var parser = XMLStreamParser()
    var stanzas = 0
    do {
        for chunk in chunks {
            parser.append(chunk)
            while let event = try parser.next() {
                if case .element(let element) = event {
                    stanzas += 1
                    lastStanzaFromXMPPCore = element
                }
            }
        }
    } catch {
        preconditionFailure("XMPPCore refused the benchmark stream: \(error)")
    }
    return stanzas
}

/// Counts top-level elements with namespace processing on, and nothing else.
final class StanzaCounter: NSObject, XMLParserDelegate {
    var depth = 0
    var stanzas = 0
    func parser(_ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?,
                qualifiedName: String?, attributes: [String: String] = [:]) {
        depth += 1
    }
    func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName: String?) {
        depth -= 1
        if depth == 1 { stanzas += 1 }
    }
}

/// Builds the same element trees as XMLStreamParser from XMLParser's callbacks.
final class TreeBuilder: NSObject, XMLParserDelegate {
    var stack: [XMPPElement] = []
    var stanzas = 0
    var lastStanza: XMPPElement?
    func parser(_ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?,
                qualifiedName: String?, attributes: [String: String] = [:]) {
        var element = XMPPElement(elementName, namespace: namespaceURI ?? "")
        for (name, value) in attributes where !name.hasPrefix("xmlns") {
            if name.hasPrefix("xml:") {
                element.attributes.append(XMLAttribute(String(name.dropFirst(4)), namespace: Namespace.xml, value: value))
            } else {
                element.attributes.append(XMLAttribute(name, value: value))
            }
        }
        stack.append(element)
    }
    func parser(_ parser: XMLParser, foundCharacters string: String) {
        if stack.count > 1 { stack[stack.count - 1].append(text: string) }
    }
    func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName: String?) {
        let element = stack.removeLast()
        if stack.count == 1 {
            stanzas += 1
            lastStanza = element
        } else if !stack.isEmpty {
            stack[stack.count - 1].append(element)
        }
    }
}

let streamData = Data(streamBytes)
func parseWithFoundation(_ delegate: some XMLParserDelegate) {
    let parser = XMLParser(data: streamData)
    parser.shouldProcessNamespaces = true
    parser.delegate = delegate
    guard parser.parse() else { preconditionFailure("XMLParser failed: \(String(describing: parser.parserError))") }
}

func parseWithFoundationSAX() -> Int {
    let counter = StanzaCounter()
    parseWithFoundation(counter)
    return counter.stanzas
}

var lastStanzaFromFoundation: XMPPElement?
@MainActor func parseWithFoundationTrees() -> Int {
    let builder = TreeBuilder()
    parseWithFoundation(builder)
    lastStanzaFromFoundation = builder.lastStanza
    return builder.stanzas
}

if CommandLine.arguments.contains("--profile") {
    let ours = timeInterleaved([parseWithXMPPCore])[0]
    // Only our parser, for `perf record`.
    print("XMPPCore: \(String(format: "%.1f", Double(streamBytes.count) / 1_000_000 / ours.seconds)) MB/s")
    exit(0)
}
let results = timeInterleaved([parseWithXMPPCore, parseWithFoundationTrees, parseWithFoundationSAX])
let (ours, foundationTrees, foundationSAX) = (results[0], results[1], results[2])
precondition(ours.stanzas == messageCount && foundationSAX.stanzas == messageCount && foundationTrees.stanzas == messageCount,
             "parsers disagree on the stanza count")
/// Attribute order is the document's for us and a dictionary's for Foundation.
func normalized(_ element: XMPPElement?) -> XMPPElement? {
    guard var element else { return nil }
    element.attributes.sort { ($0.namespace, $0.name) < ($1.namespace, $1.name) }
    element.children = element.children.map { if case .element(let child) = $0 { .element(normalized(child)!) } else { $0 } }
    return element
}
precondition(normalized(lastStanzaFromXMPPCore) == normalized(lastStanzaFromFoundation), "parsers built different trees")

let megabytes = Double(streamBytes.count) / 1_000_000
func row(_ name: String, _ result: (seconds: Double, stanzas: Int)) -> String {
    let mbPerSecond = megabytes / result.seconds
    let stanzasPerSecond = Double(result.stanzas) / result.seconds
    return "| \(name) | \(String(format: "%.1f", mbPerSecond)) | \(String(format: "%.0f", stanzasPerSecond)) |"
}
print("Parser throughput\(asciiOnly ? " (ASCII-only bodies)" : ""): \(messageCount) messages of \(averageStanza) bytes (\(String(format: "%.1f", megabytes)) MB), \(chunkSize)-byte reads, best of \(iterations)\(smoke ? " (smoke run)" : "")")
print("")
print("| parser | MB/s | stanzas/s |")
print("| --- | ---: | ---: |")
print(row("XMPPCore XMLStreamParser, building element trees", ours))
print(row("Foundation XMLParser, building the same trees", foundationTrees))
print(row("Foundation XMLParser, SAX callbacks only (no text, no trees)", foundationSAX))
print("")
print("ratio XMPPCore / Foundation building trees: \(String(format: "%.2f", foundationTrees.seconds / ours.seconds))x")
print("ratio XMPPCore / Foundation SAX only: \(String(format: "%.2f", foundationSAX.seconds / ours.seconds))x")
