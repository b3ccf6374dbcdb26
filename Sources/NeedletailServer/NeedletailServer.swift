import Logging
import NIOCore
import NIOPosix
import NIOSSL
import NeedletailStorage
import ServiceLifecycle
import Synchronization
import XMPPCore
import XMPPStreams

/// The XMPP server: storage, the session registry and router, and a listener per
/// configured socket. A ServiceLifecycle `Service`: `run()` serves until graceful
/// shutdown (SIGTERM/SIGINT through a `ServiceGroup`), then tells every
/// connection `system-shutdown`, waits for them, and closes storage last.
public final class NeedletailServer: Service {
    let context: ServerContext
    let database: SQLiteDatabase
    let connections = ConnectionTracker()
    /// The server-to-server links; nil with federation off.
    let federation: FederationService?
    private let group: any EventLoopGroup
    private let listeners = Mutex<[any Channel]>([])
    private let logger: Logger

    /// A server over storage in the configured data directory, with TLS from `tls`
    /// (nil: no TLS listener can be used).
    /// `audit` replaces the audit log the configuration asks for (tests capture it).
    public init(
        configuration: ServerConfiguration, logger: Logger, tls: (any TLSContextProvider)?,
        group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton, audit: AuditLog? = nil
    ) throws {
        var logger = logger
        logger.logLevel = configuration.logLevel
        self.logger = logger
        self.group = group
        let database = try SQLiteDatabase(path: configuration.storage.databasePath)
        self.database = database
        let registry = SessionRegistry()
        var routerLogger = logger
        routerLogger[metadataKey: "xmpp.area"] = "router"
        let storage = ServerStorage(
            accounts: SQLiteAccountStore(database: database), rosters: SQLiteRosterStore(database: database),
            offline: SQLiteOfflineStore(database: database), accountData: SQLiteAccountDataStore(database: database))
        let serverSecret = try ServerSecret.load(dataDirectory: configuration.storage.dataDirectory)
        let federation = configuration.federation.isEnabled ? FederationService(
            configuration: configuration.federation, hostedDomains: Set(configuration.domains), serverSecret: serverSecret,
            tls: tls?.federation, roots: try FederationTrust.roots(caFile: configuration.federation.trustedCAFile),
            group: group, connections: connections, logger: logger) : nil
        self.federation = federation
        let router = Router(
            registry: registry, hostedDomains: Set(configuration.domains),
            modules: ModuleRegistry(modules: configuration.modules.enabled(passwordIterations: configuration.authentication.iterations)),
            storage: storage, logger: routerLogger, audit: audit ?? .make(enabled: configuration.auditEnabled),
            federation: federation)
        federation?.attach(router)
        self.context = ServerContext(
            configuration: configuration, registry: registry, router: router,
            accounts: storage.accounts, tls: tls, unknownUserSecret: serverSecret, logger: logger,
            authenticationThrottle: AuthenticationThrottle(
                baseDelay: .milliseconds(Int64(configuration.authentication.failureDelayMilliseconds)),
                maximumDelay: .milliseconds(Int64(configuration.authentication.maxFailureDelayMilliseconds))))
    }

    /// The session registry: who is online.
    public var registry: SessionRegistry { context.registry }

    /// The accounts in storage.
    public var accounts: any AccountStore { context.accounts }

    /// What slows repeated failed authentications.
    var authenticationThrottle: AuthenticationThrottle { context.authenticationThrottle }

    /// Binds every listener; returns their addresses (a port of 0 in the
    /// configuration becomes the port the system chose).
    @discardableResult
    public func start() async throws -> [SocketAddress] {
        var bound: [any Channel] = []
        for listener in context.configuration.listeners {
            if listener.kind == .s2s, federation == nil {
                logger.info("federation is off; not listening for servers", metadata: ["port": "\(listener.port)"])
                continue
            }
            if listener.tls != .trustedPlaintext, context.tls == nil {
                throw ServerStartError("the listener on port \(listener.port) needs TLS, but no certificate is available")
            }
            let channel = try await bind(listener)
            logger.info("listening", metadata: [
                "address": "\(channel.localAddress?.description ?? "?")", "tls": "\(listener.tls)",
            ])
            bound.append(channel)
        }
        listeners.withLock { $0.append(contentsOf: bound) }
        return bound.compactMap(\.localAddress)
    }

    private func bind(_ listener: ListenerConfiguration) async throws -> any Channel {
        let context = self.context
        let connections = self.connections
        let mode = listener.tls
        let kind = listener.kind
        let federation = self.federation
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 1024)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    switch kind {
                    case .c2s:
                        let outgoingLimit = context.configuration.limits.maxOutgoingBufferBytes
                        if outgoingLimit > 0 {
                            // Past the high mark the channel turns unwritable and the handler disconnects.
                            try channel.syncOptions?.setOption(
                                .writeBufferWaterMark, value: .init(low: outgoingLimit / 2, high: outgoingLimit))
                        }
                        // At most 8 KiB per read and one read per loop turn: a client that
                        // sends in bursts (a flooder whose rate limit lets it go) holds its
                        // event loop, and the other thread's on a shared CPU, a short while
                        // at a time, and its rate is checked after every read.
                        try channel.syncOptions?.setOption(.maxMessagesPerRead, value: 1)
                        try channel.syncOptions?.setOption(
                            .recvAllocator, value: AdaptiveRecvByteBufferAllocator(minimum: 64, initial: 2048, maximum: 8192))
                        if mode == .direct, let tls = context.tls {
                            try channel.pipeline.syncOperations.addHandler(ServerTLSHandler.make(context: tls.serverContext))
                        }
                        try channel.pipeline.syncOperations.addHandler(
                            C2SHandler(server: context, tls: mode, peer: channel.remoteAddress, connections: connections))
                    case .s2s:
                        guard let federation else { throw ServerStartError("federation is off") }
                        let handler = S2SInboundHandler(
                            service: federation, router: context.router, tls: mode, peer: channel.remoteAddress)
                        if mode == .direct, let tls = context.tls {
                            try channel.pipeline.syncOperations.addHandler(S2SInboundHandler.makeTLSHandler(
                                tls: tls.federation, validation: federation.validation, names: handler.peerNames))
                        }
                        try channel.pipeline.syncOperations.addHandler(handler)
                    }
                }
            }
        return try await bootstrap.bind(host: listener.host, port: listener.port).get()
    }

    /// Serves until graceful shutdown, then shuts down.
    public func run() async throws {
        if listeners.withLock(\.isEmpty) {
            try await start()
        }
        let channels = listeners.withLock { $0 }
        try await withGracefulShutdownHandler {
            for channel in channels {
                try await channel.closeFuture.get()
            }
        } onGracefulShutdown: {
            self.stopAccepting()
        }
        await finishShutdown()
    }

    /// Shuts down: stops listening, ends every stream with `system-shutdown`, waits
    /// (a few seconds at most) for the connections to close, and closes storage.
    public func shutdown() async {
        stopAccepting()
        for channel in listeners.withLock({ $0 }) {
            try? await channel.closeFuture.get()
        }
        await finishShutdown()
    }

    private func stopAccepting() {
        logger.info("shutting down")
        for channel in listeners.withLock({ $0 }) {
            channel.close(promise: nil)
        }
        connections.broadcast(.close(StreamError(.systemShutdown, text: "the server is shutting down")))
        federation?.closeAll()
    }

    private func finishShutdown() async {
        let deadline = ContinuousClock.now + .seconds(5)
        while connections.count > 0, ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(20))
        }
        // Sessions waiting to be resumed end now; what their clients had not
        // acknowledged goes to offline storage before storage closes.
        for session in context.resumable.all() {
            session.close(with: StreamError(.systemShutdown, text: "the server is shutting down"))
        }
        await context.background.drain(until: ContinuousClock.now + .seconds(5))
        do {
            try database.close()
        } catch {
            logger.error("closing storage failed", metadata: ["error": "\(error)"])
        }
        logger.info("stopped")
    }
}

/// Why the server could not start, in a sentence.
public struct ServerStartError: Error, CustomStringConvertible {
    public var description: String

    init(_ description: String) {
        self.description = description
    }
}
