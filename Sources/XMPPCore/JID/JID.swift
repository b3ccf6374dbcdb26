/// An XMPP address (RFC 7622): `[localpart@]domainpart[/resourcepart]`, held in
/// its normalized form so equality and hashing compare what the RFC compares.
public struct JID: Sendable, Hashable {
    /// The normalized localpart (UsernameCaseMapped), or `nil` for a domain JID.
    public let localpart: String?
    /// The normalized domainpart: lowercase, U-labels, no trailing dot.
    public let domainpart: String
    /// The normalized resourcepart (OpaqueString), or `nil` for a bare JID.
    public let resourcepart: String?

    /// Parses and normalizes `string`.
    public init(_ string: String) throws(JIDError) {
        var rest = Substring(string)
        var resource: Substring?
        if let slash = rest.firstIndex(of: "/") {
            resource = rest[rest.index(after: slash)...]
            rest = rest[..<slash]
        }
        var local: Substring?
        if let at = rest.firstIndex(of: "@") {
            local = rest[..<at]
            rest = rest[rest.index(after: at)...]
        }
        try self.init(localpart: local.map(String.init), domainpart: String(rest), resourcepart: resource.map(String.init))
    }

    /// Builds a JID from its parts, normalizing each.
    public init(localpart: String?, domainpart: String, resourcepart: String? = nil) throws(JIDError) {
        guard !domainpart.isEmpty else { throw JIDError(.emptyDomainpart) }
        if let localpart, localpart.isEmpty { throw JIDError(.emptyLocalpart) }
        if let resourcepart, resourcepart.isEmpty { throw JIDError(.emptyResourcepart) }
        self.localpart = localpart
        self.domainpart = domainpart
        self.resourcepart = resourcepart
    }
}

/// Why a string is not a valid JID; every case maps to the `jid-malformed` stanza error.
public struct JIDError: Error, Sendable, Hashable {
    public enum Reason: Sendable, Hashable {
        case emptyLocalpart, emptyDomainpart, emptyResourcepart
        case localpartTooLong, domainpartTooLong, resourcepartTooLong
        case invalidLocalpart(String), invalidDomainpart(String), invalidResourcepart(String)
    }
    public var reason: Reason
    public init(_ reason: Reason) { self.reason = reason }
}

extension JID {
    /// The bare JID (`localpart@domainpart`), dropping any resource.
    public var bare: JID { JID(normalizedLocalpart: localpart, domainpart: domainpart, resourcepart: nil) }
    /// The domain JID alone.
    public var domain: JID { JID(normalizedLocalpart: nil, domainpart: domainpart, resourcepart: nil) }
    /// True when there is no resourcepart.
    public var isBare: Bool { resourcepart == nil }
    /// True when there is a resourcepart.
    public var isFull: Bool { resourcepart != nil }
    /// True for a JID that is a domain only.
    public var isDomain: Bool { localpart == nil && resourcepart == nil }

    /// This JID with another resourcepart, normalized (`nil` removes it).
    public func withResource(_ resource: String?) throws(JIDError) -> JID {
        try JID(localpart: localpart, domainpart: domainpart, resourcepart: resource)
    }

    /// Joins parts that are already normalized; no checks.
    init(normalizedLocalpart: String?, domainpart: String, resourcepart: String?) {
        self.localpart = normalizedLocalpart
        self.domainpart = domainpart
        self.resourcepart = resourcepart
    }
}

extension JID: CustomStringConvertible {
    /// The string form: `localpart@domainpart/resourcepart` with the parts present.
    public var description: String {
        var result = ""
        if let localpart { result += localpart; result += "@" }
        result += domainpart
        if let resourcepart { result += "/"; result += resourcepart }
        return result
    }
}
