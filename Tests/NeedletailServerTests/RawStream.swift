import Foundation
import NIOCore
import NIOPosix
import XMPPCore

/// A bare TCP connection to a trusted-plaintext listener, for what `XMPPClient`
/// does not do (requests before authentication): raw XML out, the server's
/// stream parsed into elements in.
final class RawStream: Sendable {
    /// Parses what the server writes. Only touched on the channel's event loop.
    private final class Reader: ChannelInboundHandler, @unchecked Sendable {
        typealias InboundIn = ByteBuffer
        var parser = XMLStreamParser(mode: .stream, limits: .serverToServer)
        var elements: [XMPPElement] = []
        var headers: [StreamHeader] = []
        var failed = false

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            parser.append(unwrapInboundIn(data))
            while !failed {
                do {
                    guard let event = try parser.next() else { return }
                    switch event {
                    case .element(let element):
                        elements.append(element)
                        // RFC 6120 §6.4.6: after <success/> the server's stream restarts.
                        if element.name == "success", element.namespace == Namespace.sasl { parser.reset() }
                    case .streamOpened(let header): headers.append(header)
                    case .streamClosed: break
                    }
                } catch {
                    failed = true
                }
            }
        }
    }

    static let header = "<stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' to='example.com' version='1.0'>"

    let channel: any Channel
    private let reader: Reader

    private init(channel: any Channel, reader: Reader) {
        self.channel = channel
        self.reader = reader
    }

    /// Connects to `port` on loopback, opens a stream to example.com, and returns
    /// with the stream features.
    static func open(port: Int, header: String = RawStream.header) async throws -> (RawStream, features: XMPPElement?) {
        let stream = try await connect(port: port, header: header)
        let features = await stream.next { $0.name == "features" && $0.namespace == Namespace.stream }
        return (stream, features)
    }

    /// Connects and sends the stream header, without waiting for anything.
    static func connect(port: Int, header: String = RawStream.header) async throws -> RawStream {
        let reader = Reader()
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelInitializer { channel in channel.pipeline.addHandler(reader) }
            .connect(host: "127.0.0.1", port: port).get()
        let stream = RawStream(channel: channel, reader: reader)
        try await stream.send(header)
        return stream
    }

    /// The ID of the server's last stream header.
    var streamID: String? {
        get async {
            let reader = reader
            return try? await channel.eventLoop.submit { reader.headers.last?.id }.get()
        }
    }

    func send(_ text: String) async throws {
        try await channel.writeAndFlush(channel.allocator.buffer(string: text)).get()
    }

    /// Takes the first element received that matches, waiting up to five seconds.
    func next(where predicate: @escaping @Sendable (XMPPElement) -> Bool) async -> XMPPElement? {
        let reader = reader
        for _ in 0..<250 {
            let found = try? await channel.eventLoop.submit { () -> XMPPElement? in
                guard let index = reader.elements.firstIndex(where: predicate) else { return nil }
                return reader.elements.remove(at: index)
            }.get()
            if let found { return found }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return nil
    }

    /// Sends a `jabber:iq:register` request and returns the answer with its id.
    func register(_ type: IQType, id: String, fields: [String: String] = [:]) async throws -> IQ? {
        let query = fields.keys.sorted().map { "<\($0)>\($0 == "remove" ? "" : fields[$0] ?? "")</\($0)>" }.joined()
        try await send("<iq type='\(type.rawValue)' id='\(id)'><query xmlns='jabber:iq:register'>\(query)</query></iq>")
        return await next { $0.name == "iq" && $0[attribute: "id"] == id }.flatMap(IQ.init(element:))
    }

    /// Logs in with PLAIN (allowed on a trusted listener); whether the server said `<success/>`.
    func authenticate(_ username: String, password: String) async throws -> Bool {
        let response = Data("\0\(username)\0\(password)".utf8).base64EncodedString()
        try await send("<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>\(response)</auth>")
        let answer = await next { $0.namespace == Namespace.sasl }
        return answer?.name == "success"
    }

    func close() async {
        try? await channel.close()
    }
}
