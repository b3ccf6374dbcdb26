/// Which modules a server loads and their settings: every module is on unless
/// the configuration switches it off (`[modules] disabled = [...]`).
public struct ModulesConfiguration: Sendable, Hashable {
    /// Names of modules not to load (``ServerModule/name``).
    public var disabled: Set<String>
    /// The most items a roster may hold (RFC 6121 §2, the roster size limit).
    public var maxRosterItems: Int
    /// The most offline messages kept per account (XEP-0160).
    public var maxOfflineMessages: Int

    /// Whether XEP-0092 answers leave out the version and operating system.
    public var hidesVersion: Bool
    /// XEP-0157 contact addresses by kind ("admin-addresses" → ["mailto:…"]).
    public var contactAddresses: [String: [String]]

    public init(
        disabled: Set<String> = [], maxRosterItems: Int = 1000, maxOfflineMessages: Int = 1000,
        hidesVersion: Bool = false, contactAddresses: [String: [String]] = [:]
    ) {
        self.disabled = disabled
        self.maxRosterItems = maxRosterItems
        self.maxOfflineMessages = maxOfflineMessages
        self.hidesVersion = hidesVersion
        self.contactAddresses = contactAddresses
    }

    /// Every module the server knows, in load order, with these settings.
    public var available: [any ServerModule] {
        [
            DiscoModule(contactAddresses: contactAddresses),
            PingModule(),
            RosterModule(maxItems: maxRosterItems),
            PresenceModule(),
            OfflineModule(maxMessages: maxOfflineMessages),
            CapsModule(),
            VersionModule(hidesDetails: hidesVersion),
            TimeModule(),
            LastActivityModule(),
            VCardModule(),
            PrivateStorageModule(),
            BlockingModule(),
            PrivacyModule(),
        ]
    }

    /// The names of every module the server knows.
    public static var knownNames: [String] {
        ModulesConfiguration().available.map { type(of: $0).name }
    }

    /// The modules to load: the available ones not disabled.
    public var enabled: [any ServerModule] {
        available.filter { !disabled.contains(type(of: $0).name) }
    }
}
