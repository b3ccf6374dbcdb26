import Logging
import NeedletailStorage
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

    /// Whether the server itself is asked.
    public var isServer: Bool {
        if case .server = self { return true }
        return false
    }
}

/// Answers an IQ get or set: the reply (result or error), or nil if the handler
/// does not deal with this request after all (the router then answers
/// `service-unavailable`). The sender's further input waits until it returns, so
/// a client's requests take effect in the order it sent them.
public typealias IQHandler = @Sendable (
    _ request: IQ, _ addressee: IQAddressee, _ sender: Requester, _ router: Router
) async -> IQ?

/// A presence stanza from a local client, `from` already stamped: its own
/// broadcast when `to` is nil (RFC 6121 §4.2, §4.4), otherwise directed presence
/// or a probe (RFC 6121 §4.6, §4.3).
public typealias PresenceHandler = @Sendable (
    _ presence: Presence, _ to: JID?, _ sender: ClientSession, _ router: Router
) async -> Void

/// A subscription stanza (subscribe, subscribed, unsubscribe, unsubscribed) a
/// local client sent to `contact` (RFC 6121 §3), `from` already stamped.
public typealias SubscriptionHandler = @Sendable (
    _ presence: Presence, _ contact: JID, _ sender: ClientSession, _ router: Router
) async -> Void

/// A subscription stanza from another server's entity `contact` (a bare JID)
/// for the local account `account` (RFC 6121 §3, the contact's-server side).
public typealias InboundSubscriptionHandler = @Sendable (
    _ presence: Presence, _ request: SubscriptionRequest, _ contact: JID, _ account: JID, _ router: Router
) async -> Void

/// A presence probe from another server's entity about the local account
/// `account` (RFC 6121 §4.3.2): answered with the account's presence when the
/// prober may see it.
public typealias ProbeHandler = @Sendable (_ prober: Requester, _ account: JID, _ router: Router) async -> Void

/// A message for a local account none of whose resources can take it (RFC 6121
/// §8.5.2.2.1): nil when the module took charge of it (stored it offline), or the
/// error the sender gets back.
public typealias UndeliverableMessageHandler = @Sendable (
    _ message: Message, _ account: JID, _ router: Router
) async -> StanzaError?

/// Something that happened to a session: it became available for the first time,
/// or it ended (for any reason, a dropped connection included).
public typealias SessionHook = @Sendable (_ session: ClientSession, _ router: Router) async -> Void

/// Loads what a module needs in memory about a local account before stanzas for
/// it are filtered: when one of its sessions binds, and before a message for it
/// is stored offline.
public typealias AccountPreparation = @Sendable (_ account: JID, _ router: Router) async -> Void

/// A client that has not authenticated yet, as in-band registration sees it.
public struct UnauthenticatedClient: Sendable {
    /// The hosted domain its stream is for: where an account it registers is made.
    public var domain: JID
    /// Its IP address, for limits per address; nil when unknown.
    public var address: String?
    /// The connection's logger, with the peer and listener in its metadata.
    public var logger: Logger

    /// A client whose stream is for `domain`, connecting from `address`.
    public init(domain: JID, address: String?, logger: Logger) {
        self.domain = domain
        self.address = address
        self.logger = logger
    }
}

/// Answers a `jabber:iq:register` get or set from a client that has not
/// authenticated (XEP-0077 §3.1): the registration form, or the outcome of
/// creating the account. The client's further input waits until it returns.
public typealias RegistrationHandler = @Sendable (
    _ request: IQ, _ client: UnauthenticatedClient, _ router: Router
) async -> IQ
/// A local account's roster item for `contact` changed (added, edited, removed, or
/// its subscription moved), after storage committed: what modules that keep
/// roster facts in memory (privacy lists, XEP-0016 §2.2 rule 9) update. `item` is
/// nil when the contact left the roster.
public typealias RosterChangeHook = @Sendable (_ account: JID, _ contact: JID, _ item: RosterItem?, _ router: Router) async -> Void

/// Adds to a client's broadcast presence before it goes out (XEP-0153 avatar hash).
public typealias PresenceDecorator = @Sendable (_ presence: Presence, _ sender: ClientSession, _ router: Router) async -> Presence

/// Whether a stanza from `sender` may be delivered to the local `recipient` (one
/// session's full JID when it is being delivered, the account's bare JID when it
/// is stored for later), and whether a local account's outbound stanza may
/// leave: what blocking (XEP-0191) and privacy lists (XEP-0016) decide. Runs on
/// the routing path for every stanza, so it answers from memory.
public typealias DeliveryFilter = @Sendable (_ stanza: Stanza, _ sender: JID, _ recipient: JID, _ direction: DeliveryDirection) -> DeliveryVerdict

/// Which side of a local account a filtered stanza is on.
public enum DeliveryDirection: Sendable, Hashable {
    /// Arriving for the local account `recipient`.
    case inbound
    /// Leaving the local account `sender`.
    case outbound
}

/// What a ``DeliveryFilter`` decided.
public enum DeliveryVerdict: Sendable, Hashable {
    case allow
    /// Not delivered; the sender gets this error (nil: nothing, as for presence).
    case refuse(StanzaError?)
}

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
    var accountFeatures: [String] = []
    var identities: [DiscoIdentity] = []
    var streamFeatures: [XMPPElement] = []
    var presenceHandler: PresenceHandler?
    var subscriptionHandler: SubscriptionHandler?
    var inboundSubscriptionHandler: InboundSubscriptionHandler?
    var probeHandler: ProbeHandler?
    var undeliverableMessageHandler: UndeliverableMessageHandler?
    var availableHooks: [SessionHook] = []
    var endedHooks: [SessionHook] = []
    var deliveryFilters: [DeliveryFilter] = []
    var accountPreparations: [AccountPreparation] = []
    var rosterChangeHooks: [RosterChangeHook] = []
    var presenceDecorators: [PresenceDecorator] = []
    var discoExtensions: [DataForm] = []
    var capsNode: String?
    var clientCapabilities: CapsCache?
    var registrationHandler: RegistrationHandler?
    var streamManagement: StreamManagementSettings?

    /// Handles IQs of `type` whose payload is `name` in `namespace`.
    public mutating func iq(_ type: IQType, _ name: String, namespace: String, handler: @escaping IQHandler) {
        iqHandlers[Key(type: type, name: name, namespace: namespace)] = handler
    }

    /// Handles IQs only an account's own sessions may send (roster, privacy lists,
    /// blocking, private storage, registration): a remote entity asking gets
    /// `forbidden`, as RFC 6121 §2.1.5 says of another user's roster.
    public mutating func ownAccountIQ(
        _ type: IQType, _ name: String, namespace: String,
        handler: @escaping @Sendable (_ request: IQ, _ addressee: IQAddressee, _ sender: ClientSession, _ router: Router) async -> IQ?
    ) {
        iq(type, name, namespace: namespace) { request, addressee, sender, router in
            guard let session = sender.session else {
                return request.errorReply(StanzaError.forbidden("only the account's own clients may ask this"))
            }
            return await handler(request, addressee, session, router)
        }
    }

    /// Advertises a service discovery feature of the server (XEP-0030) for as long as the module is loaded.
    public mutating func feature(_ namespace: String) {
        features.append(namespace)
    }

    /// Advertises a feature the server offers on each account's bare JID (XEP-0030 on
    /// an account, e.g. vCard, blocking): what a client asking the bare JID is told.
    public mutating func accountFeature(_ namespace: String) {
        accountFeatures.append(namespace)
    }

    /// Advertises a service discovery identity of the server (XEP-0030).
    public mutating func identity(_ identity: DiscoIdentity) {
        identities.append(identity)
    }

    /// Adds an XEP-0128 extended information form to the server's disco#info.
    public mutating func discoExtension(_ form: DataForm) {
        discoExtensions.append(form)
    }

    /// Advertises the server's XEP-0115 capabilities under `node`: a `<c/>` stream
    /// feature whose `ver` hashes the server's disco#info once every module is in.
    public mutating func advertiseCapabilities(node: String) {
        capsNode = node
    }

    /// Publishes the cache of verified client capabilities, for modules that
    /// need to know what a client supports (PEP notifications).
    public mutating func provideClientCapabilities(_ cache: CapsCache) {
        clientCapabilities = cache
    }

    /// Offers a stream feature to clients with `<bind/>` after authentication
    /// (roster versioning, pre-approval, entity capabilities).
    public mutating func streamFeature(_ element: XMPPElement) {
        streamFeatures.append(element)
    }

    /// Takes charge of clients' own and directed presence (one module does).
    public mutating func onPresence(_ handler: @escaping PresenceHandler) {
        presenceHandler = handler
    }

    /// Takes charge of subscription stanzas (one module does).
    public mutating func onSubscription(_ handler: @escaping SubscriptionHandler) {
        subscriptionHandler = handler
    }

    /// Takes charge of subscription stanzas from other servers (one module does).
    public mutating func onInboundSubscription(_ handler: @escaping InboundSubscriptionHandler) {
        inboundSubscriptionHandler = handler
    }

    /// Answers presence probes from other servers (one module does).
    public mutating func onProbe(_ handler: @escaping ProbeHandler) {
        probeHandler = handler
    }

    /// Takes charge of messages no resource can take (one module does).
    public mutating func onUndeliverableMessage(_ handler: @escaping UndeliverableMessageHandler) {
        undeliverableMessageHandler = handler
    }

    /// Runs when a session sends its initial available presence.
    public mutating func onSessionAvailable(_ hook: @escaping SessionHook) {
        availableHooks.append(hook)
    }

    /// Runs when a session ends, however it ends.
    public mutating func onSessionEnded(_ hook: @escaping SessionHook) {
        endedHooks.append(hook)
    }

    /// Loads per-account state when a session binds and before offline storage.
    public mutating func prepareAccount(_ preparation: @escaping AccountPreparation) {
        accountPreparations.append(preparation)
    }

    /// Runs after each change to a roster item of a local account.
    public mutating func onRosterChange(_ hook: @escaping RosterChangeHook) {
        rosterChangeHooks.append(hook)
    }

    /// Adds to clients' broadcast presence.
    public mutating func decoratePresence(_ decorator: @escaping PresenceDecorator) {
        presenceDecorators.append(decorator)
    }

    /// Opens in-band registration (XEP-0077 §3.1): clients that have not
    /// authenticated are offered the `<register/>` stream feature on confidential
    /// streams, and their `jabber:iq:register` requests come to `handler` (one
    /// module does). Without it, such requests are refused with `not-allowed`.
    public mutating func onRegistration(_ handler: @escaping RegistrationHandler) {
        registrationHandler = handler
    }

    /// Turns on XEP-0198 stream management on client streams with these
    /// settings (one module does); the c2s driver does the acking and resuming.
    public mutating func provideStreamManagement(_ settings: StreamManagementSettings) {
        streamManagement = settings
    }

    /// Filters every stanza delivered to or sent by a local account.
    public mutating func filterDelivery(_ filter: @escaping DeliveryFilter) {
        deliveryFilters.append(filter)
    }
}
