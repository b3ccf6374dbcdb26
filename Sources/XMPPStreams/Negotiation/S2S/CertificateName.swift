/// Matching a name from a certificate against a domain (RFC 6125 §6.4, as RFC
/// 6120 §13.7.1.2 applies it to XMPP): ASCII case and a final dot do not matter;
/// a wildcard (`*.example.com`) stands for exactly one left-most label.
public enum CertificateName {
    /// Whether the certificate name `pattern` matches `domain`.
    public static func matches(_ pattern: String, domain: String) -> Bool {
        let pattern = canonical(pattern)
        let domain = canonical(domain)
        guard pattern.hasPrefix("*.") else { return pattern == domain }
        let suffix = pattern.dropFirst(1)  // ".example.com"
        guard domain.hasSuffix(suffix) else { return false }
        let label = domain.dropLast(suffix.count)
        return !label.isEmpty && !label.contains(".")
    }

    /// Whether any of `names` matches `domain`.
    public static func anyMatches(_ names: some Sequence<String>, domain: String) -> Bool {
        names.contains { matches($0, domain: domain) }
    }

    private static func canonical(_ name: String) -> String {
        let lowered = name.lowercased()
        return lowered.hasSuffix(".") ? String(lowered.dropLast()) : lowered
    }
}
