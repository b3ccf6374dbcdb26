/// Server-to-server settings (RFC 6120 over port 5269): whether federation is
/// on, how peers must authenticate, which domains are admitted, where domains
/// are reached when DNS should not decide, and how long links live.
public struct FederationConfiguration: Sendable, Hashable {
    /// Whether server-to-server is on at all. Off: no s2s listener accepts
    /// streams and stanzas to remote domains bounce with `remote-server-not-found`.
    public var isEnabled: Bool
    /// Peers must present a certificate valid by PKIX for their domain (RFC 6125,
    /// XEP-0178) and authenticate with SASL EXTERNAL; dialback (XEP-0220) is
    /// then refused both ways.
    public var requiresValidCertificates: Bool
    /// A PEM bundle of CA certificates trusted for peers, besides the system's.
    public var trustedCAFile: String?
    /// When not nil, the only remote domains allowed.
    public var allowedDomains: Set<String>?
    /// Remote domains refused, both ways.
    public var deniedDomains: Set<String>
    /// Static routes: a remote domain to the `host:port` to connect to, over DNS.
    public var routes: [String: StaticRoute]
    /// Seconds a link may carry nothing before it is closed.
    public var idleTimeoutSeconds: Int
    /// Seconds to connect, secure and authenticate an outbound link before its
    /// stanzas bounce with `remote-server-timeout`.
    public var connectTimeoutSeconds: Int
    /// The dialback secret (XEP-0185 §3); nil derives one from the server's secret.
    public var dialbackSecret: String?
    /// Largest stanza a peer server may send, in bytes.
    public var maxStanzaBytes: Int

    public init(
        isEnabled: Bool = true, requiresValidCertificates: Bool = false, trustedCAFile: String? = nil,
        allowedDomains: Set<String>? = nil, deniedDomains: Set<String> = [], routes: [String: StaticRoute] = [:],
        idleTimeoutSeconds: Int = 600, connectTimeoutSeconds: Int = 30, dialbackSecret: String? = nil,
        maxStanzaBytes: Int = 512 * 1024
    ) {
        self.isEnabled = isEnabled
        self.requiresValidCertificates = requiresValidCertificates
        self.trustedCAFile = trustedCAFile
        self.allowedDomains = allowedDomains
        self.deniedDomains = deniedDomains
        self.routes = routes
        self.idleTimeoutSeconds = idleTimeoutSeconds
        self.connectTimeoutSeconds = connectTimeoutSeconds
        self.dialbackSecret = dialbackSecret
        self.maxStanzaBytes = maxStanzaBytes
    }

    /// The domain policy these settings describe.
    public var policy: FederationPolicy {
        FederationPolicy(isEnabled: isEnabled, allowedDomains: allowedDomains, deniedDomains: deniedDomains)
    }
}

/// Where to reach a remote domain, bypassing DNS.
public struct StaticRoute: Sendable, Hashable {
    public var host: String
    public var port: Int
    /// TLS from the first byte (XEP-0368) rather than STARTTLS.
    public var directTLS: Bool

    public init(host: String, port: Int, directTLS: Bool = false) {
        self.host = host
        self.port = port
        self.directTLS = directTLS
    }

    /// Reads `host:port` (`[v6]:port` for IPv6), with an optional `tls://`
    /// prefix for direct TLS; nil when it is not that.
    public init?(_ text: String) {
        var rest = Substring(text)
        var direct = false
        if rest.hasPrefix("tls://") {
            direct = true
            rest = rest.dropFirst("tls://".count)
        }
        guard let colon = rest.lastIndex(of: ":"), let port = Int(rest[rest.index(after: colon)...]),
              (1...65_535).contains(port) else { return nil }
        var host = rest[..<colon]
        if host.hasPrefix("["), host.hasSuffix("]") {
            host = host.dropFirst().dropLast()
        }
        guard !host.isEmpty else { return nil }
        self.init(host: String(host), port: port, directTLS: direct)
    }
}
