import TOMLKit

extension ConfigurationDecoder {
    /// The `[federation]` table.
    static func decodeFederation(_ table: ConfigTableReader, problems: inout [ConfigProblem]) -> FederationConfiguration {
        var federation = FederationConfiguration()
        if let enabled = table.bool("enabled", problems: &problems) {
            federation.isEnabled = enabled
        }
        if let required = table.bool("require_valid_certificates", problems: &problems) {
            federation.requiresValidCertificates = required
        }
        if let path = table.string("trusted_ca_file", problems: &problems) {
            federation.trustedCAFile = path
        }
        if let domains = table.strings("allowed_domains", problems: &problems) {
            federation.allowedDomains = Set(domains.map(normalizedDomain))
        }
        if let domains = table.strings("denied_domains", problems: &problems) {
            federation.deniedDomains = Set(domains.map(normalizedDomain))
        }
        if let value = table.integer("idle_timeout_seconds", problems: &problems) {
            federation.idleTimeoutSeconds = value
        }
        if let value = table.integer("connect_timeout_seconds", problems: &problems) {
            federation.connectTimeoutSeconds = value
        }
        if let value = table.integer("max_stanza_bytes", problems: &problems) {
            federation.maxStanzaBytes = value
        }
        if let secret = table.string("dialback_secret", problems: &problems) {
            federation.dialbackSecret = secret
        }
        if let routes = table.table("routes", name: "the [federation.routes] table", problems: &problems) {
            for domain in routes.table.keys.sorted() {
                guard let text = routes.string(domain, problems: &problems) else { continue }
                let path = ConfigKeyPath.join(routes.path, domain)
                guard let route = StaticRoute(text) else {
                    problems.append(ConfigProblem(
                        key: path,
                        message: "Key '\(path)' is '\(text)', which is not an address; write \"host:port\", \"[v6 address]:port\", or \"tls://host:port\" for direct TLS."
                    ))
                    continue
                }
                federation.routes[normalizedDomain(domain)] = route
            }
        }
        problems += table.unknownKeys(known: ConfigKeys.federation)
        return federation
    }
}
