import XMPPCore

/// A feature of the server, in the spirit of Prosody's `mod_*`: when loaded it
/// registers what it handles and nothing else. The router and the sessions never
/// name a module; a module left out of the list is simply not there, and its
/// disco features go with it.
public protocol ServerModule: Sendable {
    /// The module's name: its configuration key and logger label.
    static var name: String { get }
    /// Declares the module's handlers.
    func register(_ registrar: inout ModuleRegistrar)
}

/// Whom an IQ handled by the server is addressed to.
public enum IQAddressee: Sendable, Hashable {
    /// The server's domain itself (RFC 6120 §10.4).
    case server(JID)
    /// An account, answered for by the server (RFC 6120 §10.5.3, RFC 6121 §8.5.1).
    case account(JID)
}

/// Answers an IQ get or set on the sender's event loop: the reply (result or
/// error), or nil if the handler does not deal with this request after all.
/// `modules` is the loaded set, for what spans modules (disco's feature list).
public typealias IQHandler = @Sendable (
    _ request: IQ, _ addressee: IQAddressee, _ sender: ClientSession, _ modules: ModuleRegistry
) -> IQ?

/// A service discovery identity (XEP-0030 §3.1): category, type and an optional name.
public struct DiscoIdentity: Sendable, Hashable {
    public var category: String
    public var type: String
    public var name: String?

    public init(category: String, type: String, name: String? = nil) {
        self.category = category
        self.type = type
        self.name = name
    }
}

/// What modules register with, collected into a ``ModuleRegistry``.
public struct ModuleRegistrar {
    struct Key: Hashable {
        var type: IQType
        var name: String
        var namespace: String
    }

    var iqHandlers: [Key: IQHandler] = [:]
    var features: [String] = []
    var identities: [DiscoIdentity] = []

    /// Handles IQs of `type` whose payload is `name` in `namespace`.
    public mutating func iq(_ type: IQType, _ name: String, namespace: String, handler: @escaping IQHandler) {
        iqHandlers[Key(type: type, name: name, namespace: namespace)] = handler
    }

    /// Advertises a service discovery feature (XEP-0030) for as long as the module is loaded.
    public mutating func feature(_ namespace: String) {
        features.append(namespace)
    }

    /// Advertises a service discovery identity of the server (XEP-0030).
    public mutating func identity(_ identity: DiscoIdentity) {
        identities.append(identity)
    }
}

/// The loaded modules' handlers: what the router consults for IQs the server answers.
public struct ModuleRegistry: Sendable {
    private let iqHandlers: [ModuleRegistrar.Key: IQHandler]
    /// The features the loaded modules advertise, sorted, each once.
    public let features: [String]
    /// The server identities the loaded modules advertise.
    public let identities: [DiscoIdentity]

    /// Loads `modules` in order; a later registration for the same IQ replaces an earlier one.
    public init(modules: [any ServerModule]) {
        var registrar = ModuleRegistrar()
        for module in modules {
            module.register(&registrar)
        }
        iqHandlers = registrar.iqHandlers
        features = Array(Set(registrar.features)).sorted()
        identities = registrar.identities
    }

    /// The reply of the module handling this request, or nil when none does, which
    /// the router answers with `service-unavailable` (RFC 6120 §8.4).
    func handle(_ request: IQ, addressee: IQAddressee, sender: ClientSession) -> IQ? {
        guard let type = request.type, let payload = request.payload else { return nil }
        let key = ModuleRegistrar.Key(type: type, name: payload.name, namespace: payload.namespace)
        return iqHandlers[key]?(request, addressee, sender, self)
    }

    /// The modules every server loads unless configured otherwise.
    public static let defaultModules: [any ServerModule] = [DiscoModule(), PingModule()]
}
