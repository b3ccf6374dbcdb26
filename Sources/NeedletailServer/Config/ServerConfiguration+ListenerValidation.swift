import XMPPStreams

extension ServerConfiguration {
    /// Ports a listener may use: 0 (any free one, for tests) to 65535.
    public static let allowedPorts = 0...65_535

    /// Problems with `listeners`: none at all, a port out of range, an empty
    /// host, two listeners competing for one port, and plaintext anywhere but
    /// loopback.
    func validateListeners() -> [ConfigProblem] {
        guard !listeners.isEmpty else {
            return [ConfigProblem(key: "listeners", message: "No listeners are configured, so no client could connect; add a [[listeners]] table or remove 'listeners' to get the defaults.")]
        }
        var problems: [ConfigProblem] = []
        for (index, listener) in listeners.enumerated() {
            let path = "listeners[\(index + 1)]"
            if !Self.allowedPorts.contains(listener.port) {
                problems.append(ConfigProblem(
                    key: "\(path).port",
                    message: "Key '\(path).port' is \(listener.port), outside the port range \(Self.allowedPorts.lowerBound) to \(Self.allowedPorts.upperBound)."
                ))
            }
            if listener.host.isEmpty {
                problems.append(ConfigProblem(
                    key: "\(path).host",
                    message: "Key '\(path).host' is empty; give an address to bind, such as \"::\" for every address or \"127.0.0.1\" for this machine only."
                ))
            }
            // DESIGN.md, Security defaults: no authentication over plaintext
            // unless a listener is explicitly marked as trusted loopback.
            if listener.tls == .trustedPlaintext, !ListenerAddress(listener.host).isLoopback {
                problems.append(ConfigProblem(
                    key: "\(path).tls",
                    message: "Key '\(path).tls' is 'trusted-plaintext' on host '\(listener.host)', which is not a loopback address; plaintext without TLS is only allowed on 127.0.0.1, ::1 or localhost."
                ))
            }
        }
        problems += conflictingListeners()
        return problems
    }

    /// A problem for each pair of listeners that would compete for one port.
    private func conflictingListeners() -> [ConfigProblem] {
        var problems: [ConfigProblem] = []
        for (first, a) in listeners.enumerated() where a.port != 0 {
            for (second, b) in listeners.enumerated().dropFirst(first + 1) where b.port == a.port {
                guard ListenerAddress(a.host).overlaps(ListenerAddress(b.host)) else { continue }
                let description = a.host == b.host ? "on '\(a.host)'" : "on '\(a.host)' and '\(b.host)', which overlap"
                problems.append(ConfigProblem(
                    key: "listeners[\(second + 1)]",
                    message: "Listeners 'listeners[\(first + 1)]' and 'listeners[\(second + 1)]' both bind port \(a.port) \(description); give each its own port or address."
                ))
            }
        }
        return problems
    }
}
