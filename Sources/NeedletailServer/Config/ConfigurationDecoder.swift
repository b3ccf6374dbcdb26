import Logging
import TOMLKit
import XMPPCore
import XMPPStreams

/// Turns the text of a TOML configuration file into a `ServerConfiguration`.
///
/// Every key is optional: a missing key keeps the default of
/// `ServerConfiguration`. A key of the wrong type, a value that names nothing
/// (a log level, a TLS mode, a mechanism), and a key the server does not know
/// are problems; decoding carries on past each so one run reports them all.
/// Rules about values that do parse (port ranges, iteration counts, certificate
/// files) are `ServerConfiguration.validate(now:)`'s, which also applies to
/// configurations built in code.
enum ConfigurationDecoder {
    /// The configuration `text` describes, the problems found reading it, and
    /// whether it was TOML at all: a document that is not gives the defaults and
    /// one problem.
    static func decode(_ text: String, source: String) -> (configuration: ServerConfiguration, problems: [ConfigProblem], isTOML: Bool) {
        let root: TOMLTable
        do {
            root = try TOMLTable(string: text)
        } catch let error as TOMLParseError {
            let position = error.source.begin
            let problem = ConfigProblem(
                key: "",
                message: "\(source) is not valid TOML at line \(position.line), column \(position.column): \(error.description)."
            )
            return (ServerConfiguration(), [problem], false)
        } catch {
            return (ServerConfiguration(), [ConfigProblem(key: "", message: "\(source) is not valid TOML: \(error).")], false)
        }
        var problems: [ConfigProblem] = []
        let configuration = decode(ConfigTableReader(table: root, path: "", name: "the top-level table"), problems: &problems)
        return (configuration, problems, true)
    }

    private static func decode(_ top: ConfigTableReader, problems: inout [ConfigProblem]) -> ServerConfiguration {
        var configuration = ServerConfiguration()
        if let domains = top.strings("domains", problems: &problems) {
            configuration.domains = domains.map(normalizedDomain)
        }
        if let name = top.string("log_level", problems: &problems) {
            let levels = Logger.Level.allCases.map(\.rawValue)
            if let level = Logger.Level(rawValue: name) {
                configuration.logLevel = level
            } else {
                problems.append(invalidChoice("log_level", value: name, what: "a log level", choices: levels))
            }
        }
        if let listeners = top.tables("listeners", problems: &problems) {
            configuration.listeners = listeners.map { decodeListener($0, problems: &problems) }
        }
        if let tls = top.table("tls", name: "the [tls] table", problems: &problems) {
            configuration.tls = decodeTLS(tls, problems: &problems)
        }
        if let storage = top.table("storage", name: "the [storage] table", problems: &problems) {
            if let directory = storage.string("data_directory", problems: &problems) {
                configuration.storage.dataDirectory = directory
            }
            problems += storage.unknownKeys(known: ConfigKeys.storage)
        }
        if let limits = top.table("limits", name: "the [limits] table", problems: &problems) {
            configuration.limits = decodeLimits(limits, problems: &problems)
        }
        if let authentication = top.table("authentication", name: "the [authentication] table", problems: &problems) {
            configuration.authentication = decodeAuthentication(authentication, problems: &problems)
        }
        if let modules = top.table("modules", name: "the [modules] table", problems: &problems) {
            configuration.modules = decodeModules(modules, problems: &problems)
        }
        if let federation = top.table("federation", name: "the [federation] table", problems: &problems) {
            configuration.federation = decodeFederation(federation, problems: &problems)
        }
        if let audit = top.table("audit", name: "the [audit] table", problems: &problems) {
            if let enabled = audit.bool("enabled", problems: &problems) {
                configuration.auditEnabled = enabled
            }
            problems += audit.unknownKeys(known: ConfigKeys.audit)
        }
        problems += top.unknownKeys(known: ConfigKeys.topLevel)
        return configuration
    }

    private static func decodeListener(_ table: ConfigTableReader, problems: inout [ConfigProblem]) -> ListenerConfiguration {
        var kind = ListenerConfiguration.Kind.c2s
        if let name = table.string("kind", problems: &problems) {
            if let named = ListenerConfiguration.Kind(rawValue: name) {
                kind = named
            } else {
                problems.append(invalidChoice(
                    ConfigKeyPath.join(table.path, "kind"), value: name, what: "a listener kind",
                    choices: ListenerConfiguration.Kind.allCases.map(\.rawValue)
                ))
            }
        }
        var mode = ServerNegotiationStateMachine.TLSMode.required
        if let name = table.string("tls", problems: &problems) {
            if let named = ServerNegotiationStateMachine.TLSMode(configName: name) {
                mode = named
            } else {
                problems.append(invalidChoice(
                    ConfigKeyPath.join(table.path, "tls"), value: name, what: "a TLS mode",
                    choices: ServerNegotiationStateMachine.TLSMode.configNames.map(\.name)
                ))
            }
        }
        // The port defaults by kind and TLS mode (RFC 6120 §14.7, XEP-0368): 5222
        // and 5223 for clients, 5269 and 5270 for servers.
        let defaultPort = switch kind {
        case .c2s: mode == .direct ? 5223 : 5222
        case .s2s: mode == .direct ? 5270 : 5269
        }
        let port = table.integer("port", problems: &problems) ?? defaultPort
        let host = table.string("host", problems: &problems) ?? "::"
        problems += table.unknownKeys(known: ConfigKeys.listener)
        return ListenerConfiguration(kind: kind, host: host, port: port, tls: mode)
    }

    private static func decodeTLS(_ table: ConfigTableReader, problems: inout [ConfigProblem]) -> TLSConfiguration {
        var tls = TLSConfiguration()
        if let certificates = table.table("certificates", name: "the [tls.certificates] table", problems: &problems) {
            for domain in certificates.table.keys.sorted() {
                let path = ConfigKeyPath.join(certificates.path, domain)
                guard let entry = certificates.table(domain, name: "the [\(path)] table", problems: &problems) else { continue }
                let certificate = entry.string("certificate", problems: &problems)
                let key = entry.string("key", problems: &problems)
                if certificate == nil, entry.value("certificate") == nil {
                    problems.append(ConfigProblem(
                        key: ConfigKeyPath.join(path, "certificate"),
                        message: "The table '\(path)' has no 'certificate'; set it to the PEM file holding the certificate chain for '\(domain)', leaf first."
                    ))
                }
                if key == nil, entry.value("key") == nil {
                    problems.append(ConfigProblem(
                        key: ConfigKeyPath.join(path, "key"),
                        message: "The table '\(path)' has no 'key'; set it to the PEM file holding the private key for '\(domain)'."
                    ))
                }
                problems += entry.unknownKeys(known: ConfigKeys.certificate)
                if let certificate, let key {
                    tls.certificates[normalizedDomain(domain)] = CertificateFiles(certificateChainPath: certificate, privateKeyPath: key)
                }
            }
        }
        problems += table.unknownKeys(known: ConfigKeys.tls)
        return tls
    }

    private static func decodeLimits(_ table: ConfigTableReader, problems: inout [ConfigProblem]) -> LimitsConfiguration {
        var limits = LimitsConfiguration()
        if let value = table.integer("max_stanza_bytes", problems: &problems) {
            limits.maxStanzaBytes = value
        }
        if let value = table.integer("negotiation_timeout_seconds", problems: &problems) {
            limits.negotiationTimeoutSeconds = value
        }
        if let value = table.integer("max_resources_per_account", problems: &problems) {
            limits.maxResourcesPerAccount = value
        }
        if let value = table.integer("ping_interval_seconds", problems: &problems) {
            limits.pingIntervalSeconds = value
        }
        if let value = table.integer("ping_timeout_seconds", problems: &problems) {
            limits.pingTimeoutSeconds = value
        }
        if let value = table.integer("max_connections_per_ip", problems: &problems) {
            limits.maxConnectionsPerAddress = value
        }
        if let value = table.integer("max_outgoing_buffer_bytes", problems: &problems) {
            limits.maxOutgoingBufferBytes = value
        }
        if let value = table.integer("max_bytes_per_second", problems: &problems) {
            limits.maxIncomingBytesPerSecond = value
        }
        problems += table.unknownKeys(known: ConfigKeys.limits)
        return limits
    }

    private static func decodeAuthentication(_ table: ConfigTableReader, problems: inout [ConfigProblem]) -> AuthenticationConfiguration {
        var authentication = AuthenticationConfiguration()
        if let names = table.strings("mechanisms", problems: &problems) {
            var mechanisms: [SASLMechanism] = []
            for name in names {
                if let mechanism = SASLMechanism(wireName: name) {
                    mechanisms.append(mechanism)
                } else {
                    problems.append(invalidChoice(
                        ConfigKeyPath.join(table.path, "mechanisms"), value: name, what: "a SASL mechanism Needletail speaks",
                        choices: SASLMechanism.allCases.map(\.wireName)
                    ))
                }
            }
            // A list with a misspelt name keeps the default, so validation does
            // not add "no mechanism" to the misspelling already reported.
            if mechanisms.count == names.count {
                authentication.mechanisms = mechanisms
            }
        }
        if let value = table.integer("iterations", problems: &problems) {
            authentication.iterations = value
        }
        if let value = table.integer("max_retries", problems: &problems) {
            authentication.maxRetries = value
        }
        if let value = table.integer("failure_delay_ms", problems: &problems) {
            authentication.failureDelayMilliseconds = value
        }
        if let value = table.integer("max_failure_delay_ms", problems: &problems) {
            authentication.maxFailureDelayMilliseconds = value
        }
        problems += table.unknownKeys(known: ConfigKeys.authentication)
        return authentication
    }

    /// The domain as JIDs carry it (RFC 7622 §3.2: lowercase, NFC, U-labels), or
    /// the text as written when it is not a domain, for validation to report.
    static func normalizedDomain(_ domain: String) -> String {
        (try? JID(localpart: nil, domainpart: domain).domainpart) ?? domain
    }

    /// "Key 'x' is 'v', which is not <what>; use 'a', 'b' or 'c'.", with a
    /// "did you mean" when `value` is close to one of the choices.
    static func invalidChoice(_ keyPath: String, value: String, what: String, choices: [String]) -> ConfigProblem {
        if let suggestion = KeySuggestion.nearest(to: value, among: choices) {
            return ConfigProblem(key: keyPath, message: "Key '\(keyPath)' is '\(value)', which is not \(what); did you mean '\(suggestion)'?")
        }
        return ConfigProblem(key: keyPath, message: "Key '\(keyPath)' is '\(value)', which is not \(what); use \(ConfigWording.choices(choices)).")
    }
}
