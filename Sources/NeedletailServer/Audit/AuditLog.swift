import Logging
import XMPPCore

/// Security-relevant events as structured lines on their own logger label,
/// `needletail.audit`, so an operator can ship them apart from the server's
/// chatter: authentications (with the client's address), account creation,
/// password changes and removals, and who did each (the command line, a client
/// in band). Switched by `[audit] enabled` in the configuration.
public struct AuditLog: Sendable {
    /// Who made an account change.
    public enum Actor: Sendable, Hashable, CustomStringConvertible {
        /// An administrator with the `needletail` command line.
        case commandLine
        /// A client over XMPP (XEP-0077), from this address if known.
        case inBand(address: String?)

        public var description: String {
            switch self {
            case .commandLine: "command-line"
            case .inBand(let address): "in-band" + (address.map { " from \($0)" } ?? "")
            }
        }
    }

    /// The label audit lines are logged under.
    public static let label = "needletail.audit"

    private let logger: Logger?

    /// An audit log writing to `logger` (whose label should be ``label``), or
    /// nowhere when `logger` is nil.
    public init(_ logger: Logger?) {
        self.logger = logger
    }

    /// Audit lines under ``label`` when `enabled`, else none.
    public static func make(enabled: Bool, level: Logger.Level = .info) -> AuditLog {
        guard enabled else { return .off }
        var logger = Logger(label: label)
        logger.logLevel = level
        return AuditLog(logger)
    }

    /// Writes nothing.
    public static let off = AuditLog(nil)

    public func authenticationSucceeded(_ jid: JID, address: String?) {
        logger?.notice("authentication succeeded", metadata: [
            "event": "auth.success", "xmpp.jid": "\(jid)", "ip": "\(address ?? "unknown")",
        ])
    }

    public func authenticationFailed(address: String?, condition: String) {
        logger?.notice("authentication failed", metadata: [
            "event": "auth.failure", "ip": "\(address ?? "unknown")", "sasl.condition": "\(condition)",
        ])
    }

    public func accountCreated(_ jid: JID, by actor: Actor) {
        logger?.notice("account created", metadata: ["event": "account.create", "xmpp.jid": "\(jid)", "actor": "\(actor)"])
    }

    public func passwordChanged(_ jid: JID, by actor: Actor) {
        logger?.notice("password changed", metadata: ["event": "account.password", "xmpp.jid": "\(jid)", "actor": "\(actor)"])
    }

    public func accountRemoved(_ jid: JID, by actor: Actor) {
        logger?.notice("account removed", metadata: ["event": "account.delete", "xmpp.jid": "\(jid)", "actor": "\(actor)"])
    }

    /// An administrative action other than the above (a certificate import, say).
    public func adminAction(_ description: String) {
        logger?.notice("admin action", metadata: ["event": "admin", "action": "\(description)"])
    }
}
