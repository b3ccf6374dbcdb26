import Foundation
import XMPPCore
import XMPPStreams

extension ServerConfiguration {
    /// RFC 6120 §13.12: a server "MUST NOT" set the stanza size limit below 10,000 bytes.
    public static let minimumStanzaBytes = 10_000
    /// RFC 6120 §6.4.5: "the number of retries SHOULD be at least two and no more than five".
    public static let allowedAuthenticationRetries = 2...5

    /// Every problem with this configuration at `now`, in the order of the
    /// example file; empty when the server can start with it.
    ///
    /// Checks the values themselves (domains, ports, limits, iterations) and the
    /// files they name: configured certificates and keys (present, readable,
    /// matching, valid at `now`, issued for their domain) and certificates
    /// imported into the data directory. Generated certificates are not
    /// problems: the server makes them again when needed.
    public func validate(now: Date = Date()) -> [ConfigProblem] {
        var problems = validateDomains()
        problems += validateListeners()
        problems += validateCertificates(now: now)
        problems += validateStorage()
        problems += validateLimits()
        problems += validateModules()
        problems += validateAuthentication()
        problems += validateFederation()
        return problems
    }

    private func validateDomains() -> [ConfigProblem] {
        guard !domains.isEmpty else {
            return [ConfigProblem(key: "domains", message: "Key 'domains' is empty; list at least one domain to serve, such as [\"localhost\"].")]
        }
        var problems: [ConfigProblem] = []
        var seen: Set<String> = []
        for domain in domains {
            do {
                let normalized = try JID(localpart: nil, domainpart: domain).domainpart
                if normalized != domain {
                    problems.append(ConfigProblem(
                        key: "domains",
                        message: "Domain '\(domain)' in 'domains' is not in its normalized form; write it as '\(normalized)'."
                    ))
                }
                if !seen.insert(normalized).inserted {
                    problems.append(ConfigProblem(key: "domains", message: "Domain '\(normalized)' is listed more than once in 'domains'."))
                }
            } catch {
                problems.append(ConfigProblem(
                    key: "domains",
                    message: "Domain '\(domain)' in 'domains' is not a valid XMPP domain: \(Self.lowercasingFirst(error.description))"
                ))
            }
        }
        return problems
    }

    private func validateStorage() -> [ConfigProblem] {
        let directory = storage.dataDirectory
        guard !directory.isEmpty else {
            return [ConfigProblem(key: "storage.data_directory", message: "Key 'storage.data_directory' is empty; give the directory where the database and certificates are kept, such as \"./data\".")]
        }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory) else { return [] }
        if !isDirectory.boolValue {
            return [ConfigProblem(key: "storage.data_directory", message: "Key 'storage.data_directory' names '\(directory)', which is a file, not a directory.")]
        }
        if !FileManager.default.isWritableFile(atPath: directory) {
            return [ConfigProblem(key: "storage.data_directory", message: "Key 'storage.data_directory' names '\(directory)', which this user cannot write to; the database and generated certificates are kept there.")]
        }
        return []
    }

    private func validateLimits() -> [ConfigProblem] {
        var problems: [ConfigProblem] = []
        if limits.maxStanzaBytes < Self.minimumStanzaBytes {
            problems.append(ConfigProblem(
                key: "limits.max_stanza_bytes",
                message: "Key 'limits.max_stanza_bytes' is \(limits.maxStanzaBytes), below the \(Self.minimumStanzaBytes) bytes RFC 6120 §13.12 requires servers to accept."
            ))
        }
        if limits.negotiationTimeoutSeconds < 1 {
            problems.append(ConfigProblem(
                key: "limits.negotiation_timeout_seconds",
                message: "Key 'limits.negotiation_timeout_seconds' is \(limits.negotiationTimeoutSeconds); it must be at least 1 second."
            ))
        }
        if limits.pingIntervalSeconds < 0 {
            problems.append(ConfigProblem(
                key: "limits.ping_interval_seconds",
                message: "Key 'limits.ping_interval_seconds' is \(limits.pingIntervalSeconds); use 0 to never ping clients, or a number of seconds."
            ))
        }
        if limits.pingTimeoutSeconds < 1 {
            problems.append(ConfigProblem(
                key: "limits.ping_timeout_seconds",
                message: "Key 'limits.ping_timeout_seconds' is \(limits.pingTimeoutSeconds); it must be at least 1 second."
            ))
        }
        if limits.maxResourcesPerAccount < 1 {
            problems.append(ConfigProblem(
                key: "limits.max_resources_per_account",
                message: "Key 'limits.max_resources_per_account' is \(limits.maxResourcesPerAccount); it must be at least 1, or no client could bind a resource."
            ))
        }
        problems += [
            Self.negative(limits.maxConnectionsPerAddress, key: "limits.max_connections_per_ip", zeroMeans: "no limit"),
            Self.negative(limits.maxIncomingBytesPerSecond, key: "limits.max_bytes_per_second", zeroMeans: "no limit"),
        ].compactMap { $0 }
        if limits.maxOutgoingBufferBytes != 0, limits.maxOutgoingBufferBytes < limits.maxStanzaBytes {
            problems.append(ConfigProblem(
                key: "limits.max_outgoing_buffer_bytes",
                message: "Key 'limits.max_outgoing_buffer_bytes' is \(limits.maxOutgoingBufferBytes); it must be 0 (no limit) or at least max_stanza_bytes (\(limits.maxStanzaBytes)), so one stanza always fits."
            ))
        }
        return problems
    }

    private func validateAuthentication() -> [ConfigProblem] {
        var problems: [ConfigProblem] = []
        if authentication.mechanisms.isEmpty {
            problems.append(ConfigProblem(
                key: "authentication.mechanisms",
                message: "Key 'authentication.mechanisms' is empty, so no client could log in; list at least one of \(ConfigWording.choices(SASLMechanism.allCases.map(\.wireName)))."
            ))
        }
        var seen: Set<SASLMechanism> = []
        for mechanism in authentication.mechanisms where !seen.insert(mechanism).inserted {
            problems.append(ConfigProblem(
                key: "authentication.mechanisms",
                message: "Mechanism '\(mechanism.wireName)' is listed more than once in 'authentication.mechanisms'."
            ))
        }
        if authentication.iterations < SCRAMCredentials.minimumIterations {
            problems.append(ConfigProblem(
                key: "authentication.iterations",
                message: "Key 'authentication.iterations' is \(authentication.iterations), below the \(SCRAMCredentials.minimumIterations) iterations RFC 7677 §4 asks for at least."
            ))
        }
        if !Self.allowedAuthenticationRetries.contains(authentication.maxRetries) {
            problems.append(ConfigProblem(
                key: "authentication.max_retries",
                message: "Key 'authentication.max_retries' is \(authentication.maxRetries); RFC 6120 §6.4.5 asks for \(Self.allowedAuthenticationRetries.lowerBound) to \(Self.allowedAuthenticationRetries.upperBound) retries."
            ))
        }
        problems += [
            Self.negative(authentication.failureDelayMilliseconds, key: "authentication.failure_delay_ms", zeroMeans: "no delay"),
            Self.negative(authentication.maxFailureDelayMilliseconds, key: "authentication.max_failure_delay_ms"),
        ].compactMap { $0 }
        return problems
    }

    /// The problem with a count that must not be negative, or nil; `zeroMeans`
    /// says what 0 does when it is special.
    static func negative(_ value: Int, key: String, zeroMeans: String? = nil) -> ConfigProblem? {
        guard value < 0 else { return nil }
        let zero = zeroMeans.map { "0 (\($0))" } ?? "0"
        return ConfigProblem(key: key, message: "Key '\(key)' is \(value); it must be \(zero) or more.")
    }

    /// `text` with its first letter in lower case, to continue a sentence.
    static func lowercasingFirst(_ text: String) -> String {
        text.prefix(1).lowercased() + text.dropFirst()
    }
}
