import Logging
import NIOSSL
import NeedletailStorage
import XMPPCore
import XMPPStreams

/// What every connection shares: configuration, the session registry, the router,
/// storage and TLS. Built once at start; immutable and `Sendable`.
struct ServerContext: Sendable {
    let configuration: ServerConfiguration
    let registry: SessionRegistry
    let router: Router
    let accounts: any AccountStore
    let tls: (any TLSContextProvider)?
    let unknownUserSecret: [UInt8]
    let logger: Logger
    /// Delays the answers to failed authentications (per address and account).
    let authenticationThrottle: AuthenticationThrottle
    /// Sessions a client may resume (XEP-0198), by SM-ID.
    let resumable = ResumableSessions()
    /// Work sessions leave behind when they end (presence broadcasts, offline
    /// storage of what was not acknowledged), which shutdown waits for.
    let background = BackgroundWork()

    /// The negotiation settings for a listener with this TLS mode.
    func negotiationConfiguration(tls mode: ServerNegotiationStateMachine.TLSMode) -> ServerNegotiationStateMachine.Configuration {
        ServerNegotiationStateMachine.Configuration(
            hostedDomains: Set(configuration.domains), defaultDomain: configuration.domains.first, tls: mode,
            allowedMechanisms: configuration.authentication.mechanisms, unknownUserSecret: unknownUserSecret,
            iterations: configuration.authentication.iterations,
            maxAuthenticationRetries: configuration.authentication.maxRetries,
            postAuthenticationFeatures: router.modules.streamFeatures,
            channelBindings: tls?.channelBindings ?? [:],
            offersRegistration: router.modules.registrationHandler != nil)
    }
}

/// Where the TLS listeners get their context: one `NIOSSLContext` that picks each
/// domain's certificate by SNI, and each domain's channel binding data.
public protocol TLSContextProvider: Sendable {
    /// The server-side context for STARTTLS and direct TLS.
    var serverContext: NIOSSLContext { get }
    /// `tls-server-end-point` data of each hosted domain's certificate (RFC 5929).
    var channelBindings: [String: ChannelBinding] { get }
    /// TLS for server-to-server streams, both directions.
    var federation: FederationTLS { get }
}

extension StoredCredentials {
    /// The SASL view of the keys stored for `hash`: `.noSuchUser` when there are none,
    /// so an account lacking keys for a hash is not told apart from a missing one.
    func lookup(for hash: SCRAMHash) -> SASLCredentialLookup {
        let keys: SCRAMKeys? = switch hash {
        case .sha1: sha1
        case .sha256: sha256
        case .sha512: sha512
        }
        guard let keys,
              let credentials = try? SCRAMCredentials(
                hash: hash, salt: keys.salt, iterations: keys.iterations, storedKey: keys.storedKey, serverKey: keys.serverKey)
        else { return .noSuchUser }
        return .found(credentials, status: isDisabled ? .disabled : .active)
    }
}
