import XMPPStreams

extension ServerNegotiationStateMachine.TLSMode {
    /// The value of a listener's `tls` key for each mode, in the order the
    /// example file documents them.
    static let configNames: [(name: String, mode: ServerNegotiationStateMachine.TLSMode)] = [
        ("starttls", .required),
        ("direct", .direct),
        ("starttls-optional", .optional),
        ("trusted-plaintext", .trustedPlaintext),
    ]

    /// The mode a `tls` value names, or `nil`.
    init?(configName: String) {
        guard let entry = Self.configNames.first(where: { $0.name == configName }) else { return nil }
        self = entry.mode
    }

    /// The `tls` value that names this mode.
    var configName: String {
        Self.configNames.first { $0.mode == self }?.name ?? "starttls"
    }
}
