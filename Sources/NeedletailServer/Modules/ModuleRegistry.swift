import XMPPCore

/// The loaded modules' handlers: what the router consults for what it does not
/// decide itself. Built once at start from the configured module list.
public struct ModuleRegistry: Sendable {
    private let iqHandlers: [ModuleRegistrar.Key: IQHandler]
    /// The features the loaded modules advertise for the server, sorted, each once.
    public let features: [String]
    /// The features the loaded modules advertise on account bare JIDs, sorted, each once.
    public let accountFeatures: [String]
    /// The server identities the loaded modules advertise.
    public let identities: [DiscoIdentity]
    /// The stream features the loaded modules offer after authentication.
    public let streamFeatures: [XMPPElement]
    /// XEP-0128 forms in the server's disco#info.
    public let discoExtensions: [DataForm]
    /// Verified client capabilities (XEP-0115), when the caps module is loaded.
    public let clientCapabilities: CapsCache?
    /// The server's XEP-0115 node and `ver`, when a module advertises them.
    public let capabilities: (node: String, ver: String)?
    /// The names of the loaded modules, in load order.
    public let names: [String]
    let presenceHandler: PresenceHandler?
    let subscriptionHandler: SubscriptionHandler?
    let inboundSubscriptionHandler: InboundSubscriptionHandler?
    let probeHandler: ProbeHandler?
    let undeliverableMessageHandler: UndeliverableMessageHandler?
    let availableHooks: [SessionHook]
    let endedHooks: [SessionHook]
    let deliveryFilters: [DeliveryFilter]
    let accountPreparations: [AccountPreparation]
    let rosterChangeHooks: [RosterChangeHook]
    let presenceDecorators: [PresenceDecorator]
    /// Answers registration requests before authentication; nil while in-band
    /// registration is closed.
    let registrationHandler: RegistrationHandler?
    /// XEP-0198's settings, when the stream management module is loaded.
    let streamManagement: StreamManagementSettings?

    /// Loads `modules` in order; a later registration for the same IQ replaces an earlier one.
    public init(modules: [any ServerModule]) {
        var registrar = ModuleRegistrar()
        for module in modules {
            module.register(&registrar)
        }
        iqHandlers = registrar.iqHandlers
        features = Array(Set(registrar.features)).sorted()
        accountFeatures = Array(Set(registrar.accountFeatures)).sorted()
        identities = registrar.identities
        discoExtensions = registrar.discoExtensions
        clientCapabilities = registrar.clientCapabilities
        var streamFeatures = registrar.streamFeatures
        if let node = registrar.capsNode,
           let ver = CapsVerification.ver(
            identities: identities.map(DiscoModule.element), features: features, forms: discoExtensions) {
            capabilities = (node, ver)
            // XEP-0115 §6.3: the server's caps as a stream feature.
            streamFeatures.append(XMPPElement("c", namespace: Namespace.caps, ["hash": "sha-1", "node": node, "ver": ver]))
        } else {
            capabilities = nil
        }
        self.streamFeatures = streamFeatures
        names = modules.map { type(of: $0).name }
        presenceHandler = registrar.presenceHandler
        subscriptionHandler = registrar.subscriptionHandler
        inboundSubscriptionHandler = registrar.inboundSubscriptionHandler
        probeHandler = registrar.probeHandler
        undeliverableMessageHandler = registrar.undeliverableMessageHandler
        availableHooks = registrar.availableHooks
        endedHooks = registrar.endedHooks
        deliveryFilters = registrar.deliveryFilters
        accountPreparations = registrar.accountPreparations
        rosterChangeHooks = registrar.rosterChangeHooks
        presenceDecorators = registrar.presenceDecorators
        registrationHandler = registrar.registrationHandler
        streamManagement = registrar.streamManagement
    }

    /// The handler for this request, or nil when no module handles it, which the
    /// router answers with `service-unavailable` (RFC 6120 §8.4).
    func handler(for request: IQ) -> IQHandler? {
        guard let type = request.type, let payload = request.payload else { return nil }
        return iqHandlers[ModuleRegistrar.Key(type: type, name: payload.name, namespace: payload.namespace)]
    }

    /// What the filters say about delivering `stanza` from `sender` to `recipient`.
    func verdict(_ stanza: Stanza, from sender: JID, to recipient: JID, _ direction: DeliveryDirection) -> DeliveryVerdict {
        for filter in deliveryFilters {
            if case .refuse(let error) = filter(stanza, sender, recipient, direction) {
                return .refuse(error)
            }
        }
        return .allow
    }
}
