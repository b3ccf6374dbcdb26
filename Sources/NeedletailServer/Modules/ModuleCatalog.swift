import XMPPStreams

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
    /// Whether clients may create accounts in band before logging in (XEP-0077
    /// §3.1, Prosody's `allow_registration`); off by default. Password changes and
    /// account removal work whenever the registration module is loaded.
    public var allowsRegistration: Bool
    /// The least number of seconds between two successful registrations from one IP
    /// address (Prosody's `min_seconds_between_registrations`); 0 for no limit.
    public var registrationIntervalSeconds: Int
    /// XEP-0198 stream management: how long a dropped session may be resumed,
    /// and how many stanzas may wait for the client's ack.
    public var streamManagement: StreamManagementSettings

    public init(
        disabled: Set<String> = [], maxRosterItems: Int = 1000, maxOfflineMessages: Int = 1000,
        hidesVersion: Bool = false, contactAddresses: [String: [String]] = [:], allowsRegistration: Bool = false,
        registrationIntervalSeconds: Int = 60, streamManagement: StreamManagementSettings = StreamManagementSettings()
    ) {
        self.disabled = disabled
        self.maxRosterItems = maxRosterItems
        self.maxOfflineMessages = maxOfflineMessages
        self.hidesVersion = hidesVersion
        self.contactAddresses = contactAddresses
        self.allowsRegistration = allowsRegistration
        self.registrationIntervalSeconds = registrationIntervalSeconds
        self.streamManagement = streamManagement
    }

    /// Every module the server knows, in load order, with these settings; passwords
    /// set in band get `passwordIterations` PBKDF2 iterations
    /// (`authentication.iterations`).
    public func available(passwordIterations: Int = SCRAMCredentials.defaultIterations) -> [any ServerModule] {
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
            RegistrationModule(
                allowsRegistration: allowsRegistration, interval: .seconds(registrationIntervalSeconds),
                iterations: passwordIterations),
            PrivacyModule(),
            StreamManagementModule(settings: streamManagement),
        ]
    }

    /// The names of every module the server knows.
    public static var knownNames: [String] {
        ModulesConfiguration().available().map { type(of: $0).name }
    }

    /// The modules to load: the available ones not disabled.
    public func enabled(passwordIterations: Int = SCRAMCredentials.defaultIterations) -> [any ServerModule] {
        available(passwordIterations: passwordIterations).filter { !disabled.contains(type(of: $0).name) }
    }
}
