import Foundation
import NIOCore
import NIOPosix
import NeedletailServer
import Testing
import XMPPCore
import XMPPStreams

/// The committed corpus of malformed client streams (`MalformedStreams/`, listed
/// with their conditions in `expected.txt`), each sent over TCP to a real
/// server's trusted-plaintext listener: the server must answer with a
/// `<stream:error/>` holding exactly the condition RFC 6120 §4.9.3 names for it,
/// close its stream, and end the connection.
@Suite("Malformed client streams get their stream error (RFC 6120 §4.9.3)")
struct MalformedStreamCorpusTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var file: String
        var condition: String
        var testDescription: String { "\(file) → \(condition)" }
    }

    static let directory = Bundle.module.resourceURL!.appendingPathComponent("MalformedStreams")

    /// `expected.txt`: one `file condition` per line; `#` starts a comment.
    static let cases: [Case] = {
        guard let manifest = try? String(contentsOf: directory.appendingPathComponent("expected.txt"), encoding: .utf8) else {
            return []
        }
        return manifest.split(separator: "\n").compactMap { line in
            let fields = line.prefix { $0 != "#" }.split(whereSeparator: \.isWhitespace)
            guard fields.count == 2 else { return nil }
            return Case(file: String(fields[0]), condition: String(fields[1]))
        }
    }()

    @Test("the manifest lists every file, and only files that exist")
    func manifestMatchesTheFiles() throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: Self.directory.path).filter { $0 != "expected.txt" }
        #expect(Set(Self.cases.map(\.file)) == Set(files))
        #expect(Self.cases.count == Set(Self.cases.map(\.file)).count, "a file is listed twice")
        for entry in Self.cases {
            #expect(StreamError.Condition(rawValue: entry.condition) != nil, "\(entry.file): '\(entry.condition)' is no condition")
        }
    }

    @Test("the server answers with the file's condition, then closes", arguments: cases)
    func answersWithItsCondition(_ entry: Case) async throws {
        let bytes = try [UInt8](Data(contentsOf: Self.directory.appendingPathComponent(entry.file)))
        let server = try await TestServer(accounts: ["juliet@example.com"]) {
            $0.listeners.append(ListenerConfiguration(host: "127.0.0.1", port: 0, tls: .trustedPlaintext))
            // The floor RFC 6120 §13.12 allows, so oversize-stanza.xml stays small.
            $0.limits.maxStanzaBytes = ServerConfiguration.minimumStanzaBytes
        }
        let connection = try await CorpusConnection.open(port: server.ports[2])
        for part in Self.parts(of: bytes) {
            try await connection.send(part.bytes)
            if part.awaitsSASLAnswer {
                _ = await connection.waitForSASLAnswer()
            }
        }
        let transcript = await connection.waitForClose()
        await connection.close()
        await server.stop()

        #expect(transcript.connectionClosed, "\(entry.file): the server did not end the connection")
        #expect(transcript.streamClosed, "\(entry.file): the server did not close its stream")
        let conditions = transcript.streamErrors.map { Self.condition(of: $0) }
        #expect(conditions == [entry.condition], "\(entry.file): stream errors \(conditions), output: \(transcript.text)")
    }

    /// The file cut after each `</auth>`: a client waits for the SASL answer before
    /// going on (RFC 6120 §6.4.6), and what it sent past that point would be lost.
    static func parts(of bytes: [UInt8]) -> [(bytes: [UInt8], awaitsSASLAnswer: Bool)] {
        let marker = Array("</auth>".utf8)
        var parts: [(bytes: [UInt8], awaitsSASLAnswer: Bool)] = []
        var start = 0
        var index = 0
        while index + marker.count <= bytes.count {
            if bytes[index..<index + marker.count].elementsEqual(marker) {
                index += marker.count
                parts.append((Array(bytes[start..<index]), true))
                start = index
            } else {
                index += 1
            }
        }
        if start < bytes.count { parts.append((Array(bytes[start...]), false)) }
        return parts
    }

    /// The defined condition of a `<stream:error/>`: its child in the
    /// stream-errors namespace that is not `<text/>` (RFC 6120 §4.9.2).
    static func condition(of error: XMPPElement) -> String {
        let conditions = error.elements.filter { $0.namespace == Namespace.streamErrors && $0.name != "text" }
        return conditions.count == 1 ? conditions[0].name : "\(conditions.map(\.name))"
    }
}

/// What the server wrote, parsed as a client parses it: restarting at
/// `<success/>` (RFC 6120 §6.4.6), and until the connection ended.
struct CorpusTranscript: Sendable {
    var streamErrors: [XMPPElement] = []
    var saslAnswers = 0
    var streamClosed = false
    var connectionClosed = false
    var unparsable = false
    var text = ""
}

/// A raw TCP connection that sends bytes as they are and records the transcript.
final class CorpusConnection: Sendable {
    /// Only touched on the channel's event loop.
    private final class Reader: ChannelInboundHandler, @unchecked Sendable {
        typealias InboundIn = ByteBuffer
        var parser = XMLStreamParser(mode: .stream, limits: .serverToServer, inheritsStreamLanguage: false)
        var transcript = CorpusTranscript()

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            let bytes = unwrapInboundIn(data)
            transcript.text += String(buffer: bytes)
            parser.append(bytes)
            while !transcript.unparsable {
                do {
                    guard let event = try parser.next() else { return }
                    guard case .element(let element) = event else {
                        if case .streamClosed = event { transcript.streamClosed = true }
                        continue
                    }
                    if element.name == "error", element.namespace == Namespace.stream {
                        transcript.streamErrors.append(element)
                    } else if element.namespace == Namespace.sasl {
                        transcript.saslAnswers += 1
                        if element.name == "success" { parser.reset() }
                    }
                } catch {
                    transcript.unparsable = true
                }
            }
        }

        func channelInactive(context: ChannelHandlerContext) {
            transcript.connectionClosed = true
        }
    }

    private let channel: any Channel
    private let reader: Reader

    private init(channel: any Channel, reader: Reader) {
        self.channel = channel
        self.reader = reader
    }

    static func open(port: Int) async throws -> CorpusConnection {
        let reader = Reader()
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelInitializer { channel in channel.pipeline.addHandler(reader) }
            .connect(host: "127.0.0.1", port: port).get()
        return CorpusConnection(channel: channel, reader: reader)
    }

    func send(_ bytes: [UInt8]) async throws {
        try await channel.writeAndFlush(channel.allocator.buffer(bytes: bytes)).get()
    }

    /// Waits until the server answered one more SASL exchange than before, or the connection ended.
    func waitForSASLAnswer() async -> CorpusTranscript {
        let before = await transcript.saslAnswers
        return await wait { $0.saslAnswers > before || $0.connectionClosed }
    }

    /// Waits for the server to end the connection (it waits up to 2 s for our
    /// closing tag first, RFC 6120 §4.4), at most ten seconds.
    func waitForClose() async -> CorpusTranscript {
        await wait(seconds: 10) { $0.connectionClosed }
    }

    private var transcript: CorpusTranscript {
        get async {
            let reader = reader
            return (try? await channel.eventLoop.submit { reader.transcript }.get()) ?? CorpusTranscript()
        }
    }

    private func wait(seconds: Int = 5, until done: (CorpusTranscript) -> Bool) async -> CorpusTranscript {
        var current = await transcript
        var polls = 0
        while !done(current), polls < seconds * 50 {
            try? await Task.sleep(for: .milliseconds(20))
            current = await transcript
            polls += 1
        }
        return current
    }

    func close() async {
        try? await channel.close()
    }
}
