import Foundation
import Logging
import NIOCore
import NIOPosix
import NIOSSL
import Testing
@testable import NeedletailServer

/// One listener serving several domains: the SNI context presents the
/// certificate of the domain the client names, over real loopback TLS.
@Suite("TLS server name indication")
struct TLSServerNameTests {
    static let domains = ["example.com", "example.org", "example.net"]

    static func store(in directory: ConfigFixtures.Directory) throws -> (DomainCertificateStore, ServerConfiguration) {
        let configuration = ConfigFixtures.configuration(in: directory, domains: domains)
        return (try DomainCertificateStore(configuration: configuration, logger: Logger(label: "needletail.tests.tls")), configuration)
    }

    @Test("A server name selects its hosted domain, any other the first domain", arguments: [
        ("example.org", "example.org"), ("EXAMPLE.net.", "example.net"), ("example.com", "example.com"),
        (nil, "example.com"), ("unknown.example", "example.com"),
    ] as [(String?, String)])
    func selection(serverName: String?, expected: String) throws {
        let directory = try ConfigFixtures.Directory()
        let (store, _) = try Self.store(in: directory)
        #expect(store.domain(forServerName: serverName) == expected)
    }

    @Test("A TLS handshake receives the certificate of the domain it names", arguments: [
        ("example.org", "example.org"), ("example.net", "example.net"), (nil, "example.com"), ("unknown.example", "example.com"),
    ] as [(String?, String)])
    func handshake(serverName: String?, expected: String) async throws {
        let directory = try ConfigFixtures.Directory()
        let (store, configuration) = try Self.store(in: directory)
        let served = try await Self.certificateServed(by: store.serverContext, serverName: serverName)
        let files = CertificateDirectory(storage: configuration.storage).files(for: expected)
        #expect(served == (try CertificateGenerationTests.leafDER(files.certificateChainPath)))
    }

    @Test("Each domain's own context presents that domain's certificate")
    func perDomainContext() async throws {
        let directory = try ConfigFixtures.Directory()
        let (store, configuration) = try Self.store(in: directory)
        let context = try #require(store.certificate(for: "example.net")?.sslContext)
        let served = try await Self.certificateServed(by: context, serverName: nil)
        let files = CertificateDirectory(storage: configuration.storage).files(for: "example.net")
        #expect(served == (try CertificateGenerationTests.leafDER(files.certificateChainPath)))
    }

    @Test("TLS older than 1.2 is refused")
    func refusesOldTLS() async throws {
        let directory = try ConfigFixtures.Directory()
        let (store, _) = try Self.store(in: directory)
        await #expect(throws: (any Error).self) {
            _ = try await Self.certificateServed(by: store.serverContext, serverName: "example.com", maximumVersion: .tlsv11)
        }
    }

    /// Runs a TLS server with `context` on a free loopback port, connects a
    /// client naming `serverName`, and returns the DER of the certificate the
    /// client received.
    static func certificateServed(
        by context: NIOSSLContext,
        serverName: String?,
        maximumVersion: TLSVersion? = nil
    ) async throws -> [UInt8]? {
        let group = MultiThreadedEventLoopGroup.singleton
        let server = try await ServerBootstrap(group: group)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandlers(NIOSSLServerHandler(context: context), Greeter())
                }
            }
            .bind(host: "127.0.0.1", port: 0)
            .get()
        defer { server.close(promise: nil) }
        var clientConfiguration = NIOSSL.TLSConfiguration.makeClientConfiguration()
        clientConfiguration.certificateVerification = .none
        clientConfiguration.maximumTLSVersion = maximumVersion
        let clientContext = try NIOSSLContext(configuration: clientConfiguration)
        let handshake = group.next().makePromise(of: Void.self)
        let client = try await ClientBootstrap(group: group)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandlers(
                        NIOSSLClientHandler(context: clientContext, serverHostname: serverName),
                        HandshakeObserver(promise: handshake)
                    )
                }
            }
            .connect(to: try #require(server.localAddress))
            .get()
        defer { client.close(promise: nil) }
        try await handshake.futureResult.get()
        return try await client.nioSSL_peerCertificate().get()?.toDERBytes()
    }
}

/// Sends one byte when the connection opens; TLS holds it until the handshake
/// is done, so its arrival tells the client the handshake completed.
private final class Greeter: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    func channelActive(context: ChannelHandlerContext) {
        context.writeAndFlush(wrapOutboundOut(ByteBuffer(string: "!")), promise: nil)
        context.fireChannelActive()
    }
}

/// Completes a promise when the server's first byte arrives (so the TLS
/// handshake is done), or fails it with the handshake's error or the
/// connection's end.
private final class HandshakeObserver: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer

    private let promise: EventLoopPromise<Void>

    init(promise: EventLoopPromise<Void>) {
        self.promise = promise
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        promise.succeed()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        promise.fail(error)
        context.close(promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) {
        promise.fail(ChannelError.eof)
        context.fireChannelInactive()
    }
}
