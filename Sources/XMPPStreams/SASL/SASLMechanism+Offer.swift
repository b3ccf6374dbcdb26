extension SASLMechanism {
    /// The mechanisms to list in `<mechanisms/>` (RFC 6120 §6.4.1), strongest first.
    ///
    /// - PLAIN only when `tlsActive` (RFC 6120 §13.8.3: never the password over a
    ///   plaintext stream). A listener explicitly marked as trusted loopback may
    ///   pass `true`.
    /// - The -PLUS variants only when `channelBindingAvailable` (RFC 5802 §6): a
    ///   -PLUS offer without data to bind would fail every exchange.
    /// - Otherwise exactly the `allowed` ones, in ``SASLMechanism/allCases`` order,
    ///   whatever order `allowed` has.
    public static func offered(
        tlsActive: Bool,
        channelBindingAvailable: Bool,
        allowed: some Sequence<SASLMechanism>
    ) -> [SASLMechanism] {
        let allowed = Set(allowed)
        return allCases.filter { mechanism in
            allowed.contains(mechanism)
                && (!mechanism.requiresTLS || tlsActive)
                && (!mechanism.requiresChannelBinding || channelBindingAvailable)
        }
    }

    /// The mechanism a client should choose from the server's offer: the first of
    /// ``SASLMechanism/allCases`` that the server offered, the client allows, and
    /// the client can run (PLAIN only with `tlsActive`, -PLUS only with
    /// `channelBindingAvailable`). Unknown offered names are skipped. `nil` when
    /// nothing fits; the client then must not authenticate (RFC 6120 §6.4.1).
    public static func preferred(
        offered: some Sequence<String>,
        allowed: some Sequence<SASLMechanism>,
        tlsActive: Bool,
        channelBindingAvailable: Bool
    ) -> SASLMechanism? {
        let offered = Set(offered.compactMap(SASLMechanism.init(wireName:)))
        return Self.offered(tlsActive: tlsActive, channelBindingAvailable: channelBindingAvailable, allowed: allowed)
            .first { offered.contains($0) }
    }
}
