import Logging
import XMPPStreams

/// Everything the server is configured with, decoded and validated once at start.
/// Every value has a default: `ServerConfiguration()` is the embedded default
/// (DESIGN.md): domain `localhost`, c2s on 5222 (STARTTLS required) and 5223
/// (direct TLS, XEP-0368), SQLite under `./data/`, a self-signed certificate
/// generated there on first start.
public struct ServerConfiguration: Sendable, Hashable {
    /// The domains (virtual hosts) this server serves, normalized (lowercase, U-labels).
    public var domains: [String]
    /// Where clients connect.
    public var listeners: [ListenerConfiguration]
    /// Certificates and keys.
    public var tls: TLSConfiguration
    /// Where data lives.
    public var storage: StorageConfiguration
    /// Bounds on what peers may do.
    public var limits: LimitsConfiguration
    /// SASL policy.
    public var authentication: AuthenticationConfiguration
    /// Which modules run, and their settings.
    public var modules: ModulesConfiguration
    /// Server-to-server: policy, peer authentication, routes.
    public var federation: FederationConfiguration
    /// Whether security events go to the audit log (label `needletail.audit`).
    public var auditEnabled: Bool
    /// The least severe level logged.
    public var logLevel: Logger.Level

    public init(
        domains: [String] = ["localhost"],
        listeners: [ListenerConfiguration] = ListenerConfiguration.defaults,
        tls: TLSConfiguration = TLSConfiguration(),
        storage: StorageConfiguration = StorageConfiguration(),
        limits: LimitsConfiguration = LimitsConfiguration(),
        authentication: AuthenticationConfiguration = AuthenticationConfiguration(),
        modules: ModulesConfiguration = ModulesConfiguration(),
        federation: FederationConfiguration = FederationConfiguration(),
        auditEnabled: Bool = true,
        logLevel: Logger.Level = .info
    ) {
        self.auditEnabled = auditEnabled
        self.federation = federation
        self.modules = modules
        self.domains = domains
        self.listeners = listeners
        self.tls = tls
        self.storage = storage
        self.limits = limits
        self.authentication = authentication
        self.logLevel = logLevel
    }
}

/// One listening socket.
public struct ListenerConfiguration: Sendable, Hashable {
    /// What connects here: clients, or other servers (RFC 6120 over 5269).
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        case c2s
        case s2s
    }

    public var kind: Kind
    /// The address to bind: "0.0.0.0", "::", "127.0.0.1", ...
    public var host: String
    /// The port; 0 picks a free one (tests).
    public var port: Int
    /// How TLS is used on it.
    public var tls: ServerNegotiationStateMachine.TLSMode

    public init(kind: Kind = .c2s, host: String = "::", port: Int, tls: ServerNegotiationStateMachine.TLSMode) {
        self.kind = kind
        self.host = host
        self.port = port
        self.tls = tls
    }

    /// 5222 with STARTTLS required and 5223 with direct TLS (XEP-0368) for
    /// clients, 5269 with STARTTLS required for servers, on all addresses.
    public static let defaults: [ListenerConfiguration] = [
        ListenerConfiguration(port: 5222, tls: .required),
        ListenerConfiguration(port: 5223, tls: .direct),
        ListenerConfiguration(kind: .s2s, port: 5269, tls: .required),
    ]
}

/// Where certificates come from.
public struct TLSConfiguration: Sendable, Hashable {
    /// A PEM certificate chain (leaf first) and its PEM private key, per domain.
    /// A domain without an entry uses a self-signed certificate generated under
    /// the data directory on first start and reused afterwards.
    public var certificates: [String: CertificateFiles]

    public init(certificates: [String: CertificateFiles] = [:]) {
        self.certificates = certificates
    }
}

/// The files of one certificate.
public struct CertificateFiles: Sendable, Hashable {
    public var certificateChainPath: String
    public var privateKeyPath: String

    public init(certificateChainPath: String, privateKeyPath: String) {
        self.certificateChainPath = certificateChainPath
        self.privateKeyPath = privateKeyPath
    }
}

/// Where data lives.
public struct StorageConfiguration: Sendable, Hashable {
    /// The data directory: the SQLite database, generated certificates, the server secret.
    public var dataDirectory: String

    public init(dataDirectory: String = "./data") {
        self.dataDirectory = dataDirectory
    }

    /// The SQLite database file.
    public var databasePath: String { dataDirectory + "/needletail.sqlite" }
}

/// Bounds on what peers may do; each has a sane default (DESIGN.md, Security defaults).
public struct LimitsConfiguration: Sendable, Hashable {
    /// Largest stanza from a client, in bytes (RFC 6120 §13.12).
    public var maxStanzaBytes: Int
    /// Seconds an unauthenticated connection may take to finish negotiation.
    public var negotiationTimeoutSeconds: Int
    /// Resources one account may bind at once.
    public var maxResourcesPerAccount: Int
    /// Client connections open at once from one IP address; 0: no limit.
    public var maxConnectionsPerAddress: Int
    /// Bytes waiting to be written to one client before it is disconnected as too
    /// slow a reader; 0: no limit.
    public var maxOutgoingBufferBytes: Int
    /// Bytes a second one client may send, sustained (a second's worth at once);
    /// past it the server reads more slowly. 0: no limit.
    public var maxIncomingBytesPerSecond: Int

    /// Seconds a client may stay silent before the server pings it (XEP-0199 §4.1); 0: never.
    public var pingIntervalSeconds: Int
    /// Seconds the server waits for the answer to its ping before closing the stream.
    public var pingTimeoutSeconds: Int

    public init(
        maxStanzaBytes: Int = 256 * 1024, negotiationTimeoutSeconds: Int = 60, maxResourcesPerAccount: Int = 20,
        pingIntervalSeconds: Int = 300, pingTimeoutSeconds: Int = 60, maxConnectionsPerAddress: Int = 100,
        maxOutgoingBufferBytes: Int = 4 * 1024 * 1024, maxIncomingBytesPerSecond: Int = 256 * 1024
    ) {
        self.maxIncomingBytesPerSecond = maxIncomingBytesPerSecond
        self.maxOutgoingBufferBytes = maxOutgoingBufferBytes
        self.maxConnectionsPerAddress = maxConnectionsPerAddress
        self.maxStanzaBytes = maxStanzaBytes
        self.negotiationTimeoutSeconds = negotiationTimeoutSeconds
        self.maxResourcesPerAccount = maxResourcesPerAccount
        self.pingIntervalSeconds = pingIntervalSeconds
        self.pingTimeoutSeconds = pingTimeoutSeconds
    }
}

/// SASL policy.
public struct AuthenticationConfiguration: Sendable, Hashable {
    /// Mechanisms allowed; the server offers the ones a stream can use.
    public var mechanisms: [SASLMechanism]
    /// PBKDF2 iterations for new and changed passwords (at least 4096, RFC 7677 §4).
    public var iterations: Int
    /// Failed attempts allowed on one stream before it is closed (RFC 6120 §6.4.5: 2 to 5).
    public var maxRetries: Int
    /// Milliseconds before answering a failed authentication from an address or
    /// for an account with no recent failure; doubled for each further one. 0: no delay.
    public var failureDelayMilliseconds: Int
    /// The longest a failed authentication's answer is delayed, in milliseconds.
    public var maxFailureDelayMilliseconds: Int

    public init(
        mechanisms: [SASLMechanism] = SASLMechanism.allCases, iterations: Int = SCRAMCredentials.defaultIterations, maxRetries: Int = 3,
        failureDelayMilliseconds: Int = 250, maxFailureDelayMilliseconds: Int = 30_000
    ) {
        self.failureDelayMilliseconds = failureDelayMilliseconds
        self.maxFailureDelayMilliseconds = maxFailureDelayMilliseconds
        self.mechanisms = mechanisms
        self.iterations = iterations
        self.maxRetries = maxRetries
    }
}
