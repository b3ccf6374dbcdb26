import Foundation
import Logging
import XMPPStreams

/// The summary `needletail check` prints under "Configuration OK": what the
/// server would serve, where, with which certificates and limits.
public enum ConfigurationSummary {
    /// One line per setting, indented for printing under a heading; `path` is
    /// the file the configuration came from (`nil` for the defaults).
    public static func lines(for configuration: ServerConfiguration, path: String?, now: Date = Date()) -> [String] {
        var lines = ["  file: \(path ?? "none; the built-in defaults apply")"]
        lines.append("  domains: \(configuration.domains.joined(separator: ", "))")
        for listener in configuration.listeners {
            let address = listener.host.contains(":") ? "[\(listener.host)]" : listener.host
            lines.append("  listener: \(listener.kind.rawValue) on \(address):\(listener.port), tls = \(listener.tls.configName)")
        }
        let reports = (try? CertificateAdministration.show(configuration: configuration, now: now)) ?? []
        for report in reports {
            lines.append("  certificate for \(report.domain): \(certificateLine(report, now: now))")
        }
        lines.append("  data directory: \(configuration.storage.dataDirectory) (database \(configuration.storage.databasePath))")
        let limits = configuration.limits
        lines.append(
            "  limits: stanzas up to \(limits.maxStanzaBytes) bytes, negotiation within \(limits.negotiationTimeoutSeconds) s, \(limits.maxResourcesPerAccount) resources per account, "
                + (limits.maxConnectionsPerAddress == 0 ? "no limit of connections per IP address" : "\(limits.maxConnectionsPerAddress) connections per IP address")
                + (limits.maxOutgoingBufferBytes == 0 ? ", no limit of bytes waiting for a client" : ", at most \(limits.maxOutgoingBufferBytes) bytes waiting for a client")
                + (limits.maxIncomingBytesPerSecond == 0 ? ", no limit of bytes a second from a client" : ", \(limits.maxIncomingBytesPerSecond) bytes a second from a client")
        )
        let authentication = configuration.authentication
        lines.append(
            "  authentication: \(authentication.mechanisms.map(\.wireName).joined(separator: ", ")); \(authentication.iterations) iterations; \(authentication.maxRetries) retries; "
                + (authentication.failureDelayMilliseconds == 0 ? "failures answered at once"
                    : "failures answered after \(authentication.failureDelayMilliseconds) ms, doubling up to \(authentication.maxFailureDelayMilliseconds) ms")
        )
        lines.append("  stream management: \(streamManagementLine(configuration.modules))")
        lines.append("  federation: \(federationLine(configuration.federation))")
        lines.append("  log level: \(configuration.logLevel.rawValue)")
        return lines
    }

    private static func streamManagementLine(_ modules: ModulesConfiguration) -> String {
        guard !modules.disabled.contains(StreamManagementModule.name) else { return "off" }
        let settings = modules.streamManagement
        let resumption = settings.resumeTimeoutSeconds == 0
            ? "acks only, no resumption" : "sessions resumable for \(settings.resumeTimeoutSeconds) s"
        return "\(resumption), at most \(settings.maxUnackedStanzas) unacknowledged stanzas"
    }

    private static func federationLine(_ federation: FederationConfiguration) -> String {
        guard federation.isEnabled else { return "off" }
        var parts = [federation.requiresValidCertificates ? "valid certificates required" : "valid certificates or dialback"]
        if let allowed = federation.allowedDomains {
            parts.append("only \(allowed.sorted().joined(separator: ", "))")
        }
        if !federation.deniedDomains.isEmpty {
            parts.append("never \(federation.deniedDomains.sorted().joined(separator: ", "))")
        }
        if !federation.routes.isEmpty {
            parts.append("\(federation.routes.count) static route\(federation.routes.count == 1 ? "" : "s")")
        }
        return parts.joined(separator: "; ")
    }

    private static func certificateLine(_ report: CertificateReport, now: Date) -> String {
        guard let summary = report.summary else {
            if let problem = report.problems.first {
                return "unreadable (\(problem.reason)); a new one will be generated on start"
            }
            return "none yet; a self-signed one will be generated on first start"
        }
        let until = CertificateDates.format(summary.notValidAfter)
        switch summary.source {
        case .generated where summary.isExpired(at: now):
            return "generated, expired on \(until); a new one will be generated on start"
        case .generated:
            return "generated, valid until \(until) (\(summary.files.certificateChainPath))"
        case .imported:
            return "imported, valid until \(until) (\(summary.files.certificateChainPath))"
        case .configured(let files):
            return "configured, valid until \(until) (\(files.certificateChainPath))"
        }
    }
}
