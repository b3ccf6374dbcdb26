/// The single message of PLAIN (RFC 4616 §2):
/// `message = [authzid] UTF8NUL authcid UTF8NUL passwd`.
///
/// It holds a password, so it lives only as long as one call of the state
/// machine that builds or reads it, and has no description.
struct PLAINMessage {
    /// RFC 4616 §2: each field MUST be accepted up to 255 octets. Longer fields are
    /// accepted up to this bound, the longest a JID part may be (RFC 7622 §3.1),
    /// so hostile input costs no more than a scan.
    static let maximumFieldByteCount = 1023

    /// The authorization identity, if given.
    let authorizationIdentity: String?
    /// The authentication identity: the username.
    let username: String
    /// The password as sent, not yet prepared.
    let password: String

    /// Parses a client's message (the server side). Each field must be UTF-8 and
    /// free of NUL; the username and password must not be empty.
    init(parsing bytes: [UInt8]) throws(SCRAMSyntax.Violation) {
        let fields = bytes.split(separator: 0, maxSplits: 2, omittingEmptySubsequences: false)
        guard fields.count == 3 else { throw .init("PLAIN needs three NUL-separated fields") }
        guard fields.allSatisfy({ $0.count <= Self.maximumFieldByteCount }) else { throw .init("a PLAIN field is too long") }
        guard !fields[1].isEmpty, !fields[2].isEmpty, !fields[2].contains(0) else {
            throw .init("empty PLAIN username or password")
        }
        guard let authzid = String(validating: fields[0], as: UTF8.self),
              let username = String(validating: fields[1], as: UTF8.self),
              let password = String(validating: fields[2], as: UTF8.self)
        else {
            throw .init("PLAIN fields must be UTF-8")
        }
        self.authorizationIdentity = authzid.isEmpty ? nil : authzid
        self.username = username
        self.password = password
    }

    /// The bytes to send (the client side); `password` is already prepared.
    static func bytes(authorizationIdentity: String?, username: String, preparedPassword: [UInt8]) -> [UInt8] {
        Array((authorizationIdentity ?? "").utf8) + [0] + Array(username.utf8) + [0] + preparedPassword
    }
}
