import XMPPCore

/// XEP-0198 Stream Management: acks of stanzas in both directions, and
/// resumption of a session whose connection dropped, without its contacts
/// seeing it go. The module offers the `<sm/>` feature after authentication
/// and hands its settings to the c2s driver, which counts, acks and resends
/// (`C2SHandler+StreamManagement.swift`); a resumable session whose client does
/// not come back in time ends, and what it had not acknowledged goes where a
/// stanza for an unavailable resource goes (offline storage, or an error).
public struct StreamManagementModule: ServerModule {
    public static let name = "stream_management"

    let settings: StreamManagementSettings

    public init(settings: StreamManagementSettings = StreamManagementSettings()) {
        self.settings = settings
    }

    public func register(_ registrar: inout ModuleRegistrar) {
        registrar.streamFeature(XMPPElement("sm", namespace: Namespace.streamManagement))
        registrar.provideStreamManagement(settings)
    }
}

/// How stream management behaves (`[modules]` keys `resume_timeout_seconds`
/// and `max_unacked_stanzas`).
public struct StreamManagementSettings: Sendable, Hashable {
    /// The longest a dropped session waits for its client to resume it, in
    /// seconds; a client may ask for less (`max` on `<enable/>`). 0 turns
    /// resumption off (acks only).
    public var resumeTimeoutSeconds: Int
    /// The most stanzas sent to a client and not yet acknowledged; past it the
    /// stream ends with `policy-violation`, so a client that never acks cannot
    /// make the server keep copies without bound.
    public var maxUnackedStanzas: Int
    /// The server asks for an ack (`<r/>`) once this many stanzas are
    /// unacknowledged, and otherwise a second after the last one went out.
    public var ackRequestInterval: Int

    public init(resumeTimeoutSeconds: Int = 300, maxUnackedStanzas: Int = 5000, ackRequestInterval: Int = 5) {
        self.resumeTimeoutSeconds = resumeTimeoutSeconds
        self.maxUnackedStanzas = maxUnackedStanzas
        self.ackRequestInterval = ackRequestInterval
    }
}
