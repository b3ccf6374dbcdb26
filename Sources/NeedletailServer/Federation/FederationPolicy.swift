/// Which remote domains this server federates with (issue: domain policy):
/// federation can be switched off entirely; a deny list refuses the domains on
/// it; an allow list, when given, admits only the domains on it. Subdomains are
/// not included implicitly: `example.com` does not cover `chat.example.com`.
public struct FederationPolicy: Sendable, Hashable {
    /// Whether server-to-server is on at all.
    public var isEnabled: Bool
    /// When not nil, the only remote domains allowed.
    public var allowedDomains: Set<String>?
    /// Remote domains refused.
    public var deniedDomains: Set<String>

    public init(isEnabled: Bool = true, allowedDomains: Set<String>? = nil, deniedDomains: Set<String> = []) {
        self.isEnabled = isEnabled
        self.allowedDomains = allowedDomains
        self.deniedDomains = deniedDomains
    }

    /// Whether traffic with `domain` (normalized) is allowed, either way.
    public func allows(_ domain: String) -> Bool {
        guard isEnabled, !deniedDomains.contains(domain) else { return false }
        return allowedDomains?.contains(domain) ?? true
    }
}
