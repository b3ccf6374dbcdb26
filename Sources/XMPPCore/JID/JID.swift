/// An XMPP address (RFC 7622): `[localpart@]domainpart[/resourcepart]`, held in
/// its normalized form so equality and hashing compare what the RFC compares.
///
/// A JID is prepared once, when it is parsed (see JID+Parsing.swift): the
/// localpart with PRECIS UsernameCaseMapped, the domainpart as an IP literal or
/// an internationalized domain name in U-label form, and the resourcepart with
/// PRECIS OpaqueString. Afterwards equality is a byte comparison of the parts.
public struct JID: Sendable {
    /// The normalized localpart (UsernameCaseMapped), or `nil` for a domain JID.
    public let localpart: String?
    /// The normalized domainpart: lowercase, U-labels, no trailing dot; or an IP literal.
    public let domainpart: String
    /// The normalized resourcepart (OpaqueString), or `nil` for a bare JID.
    public let resourcepart: String?

    /// Joins parts that are already normalized; no checks.
    init(normalizedLocalpart: String?, domainpart: String, resourcepart: String?) {
        self.localpart = normalizedLocalpart
        self.domainpart = domainpart
        self.resourcepart = resourcepart
    }
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
        guard let resource else { return bare }
        return JID(
            normalizedLocalpart: localpart,
            domainpart: domainpart,
            resourcepart: try Self.withUTF8(of: resource, Self.prepareResourcepart)
        )
    }
}

extension JID: Hashable {
    /// Equal when every part is byte-for-byte equal. The parts are normalized, so
    /// this is the comparison RFC 7622 §3 defines, without String's Unicode
    /// canonical-equivalence machinery.
    public static func == (lhs: JID, rhs: JID) -> Bool {
        sameBytes(lhs.domainpart, rhs.domainpart)
            && sameBytes(lhs.localpart, rhs.localpart)
            && sameBytes(lhs.resourcepart, rhs.resourcepart)
    }

    /// Hashes the bytes of each part, marking absent parts, consistently with `==`.
    public func hash(into hasher: inout Hasher) {
        Self.hashBytes(localpart, into: &hasher)
        Self.hashBytes(domainpart, into: &hasher)
        Self.hashBytes(resourcepart, into: &hasher)
    }

    private static func sameBytes(_ lhs: String?, _ rhs: String?) -> Bool {
        switch (lhs, rhs) {
        case (nil, nil): true
        case (let lhs?, let rhs?): sameBytes(lhs, rhs)
        default: false
        }
    }

    private static func sameBytes(_ lhs: String, _ rhs: String) -> Bool {
        let lhsBytes = lhs.utf8
        let rhsBytes = rhs.utf8
        guard lhsBytes.count == rhsBytes.count else { return false }
        let contiguous = lhsBytes.withContiguousStorageIfAvailable { lhsBuffer in
            rhsBytes.withContiguousStorageIfAvailable { rhsBuffer in lhsBuffer.elementsEqual(rhsBuffer) }
        }
        if let contiguous, let result = contiguous { return result }
        return lhsBytes.elementsEqual(rhsBytes)
    }

    private static func hashBytes(_ part: String?, into hasher: inout Hasher) {
        guard let part else {
            hasher.combine(-1)
            return
        }
        let bytes = part.utf8
        hasher.combine(bytes.count)
        let hashed: Void? = bytes.withContiguousStorageIfAvailable { buffer in
            hasher.combine(bytes: UnsafeRawBufferPointer(buffer))
        }
        if hashed == nil {
            Array(bytes).withUnsafeBytes { hasher.combine(bytes: $0) }
        }
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
