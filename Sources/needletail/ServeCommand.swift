import ArgumentParser
import Logging
import NeedletailServer
import ServiceLifecycle
import UnixSignals

/// `needletail serve [--config path]`.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the server.",
        discussion: "Refuses to start while 'needletail check' finds a problem in the configuration."
    )

    @OptionGroup var options: ConfigurationOption

    func run() async throws {
        let result = ServerConfiguration.load(path: options.config)
        guard result.problems.isEmpty else {
            throw ConfigurationRefused(problems: result.problems)
        }
        let configuration = result.configuration
        let level = configuration.logLevel
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        var logger = Logger(label: "needletail.server")
        logger.logLevel = level
        logger.info("starting", metadata: ["configuration": "\(result.path ?? "built-in defaults")"])
        let certificates = try DomainCertificateStore(configuration: configuration, logger: Logger(label: "needletail.tls"))
        let server = try NeedletailServer(configuration: configuration, logger: logger, tls: certificates)
        // SIGTERM and SIGINT shut down gracefully: every stream gets system-shutdown,
        // then storage is closed (RFC 6120 §4.9.3.20).
        let group = ServiceGroup(configuration: ServiceGroupConfiguration(
            services: [server], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
    }
}
