/// `client-first-message = gs2-header client-first-message-bare` (RFC 5802 §7),
/// with `client-first-message-bare = [reserved-mext ","] username "," nonce ["," extensions]`.
struct SCRAMClientFirstMessage: Equatable {
    /// The parsed GS2 header.
    let header: GS2Header
    /// The GS2 header exactly as sent: the client-final-message's `c=` must repeat it.
    let headerText: String
    /// The username, unescaped and not yet prepared.
    let username: String
    /// The client's nonce.
    let nonce: String
    /// `client-first-message-bare` exactly as sent: the start of the AuthMessage.
    let bare: String

    /// The message to send for `username` and `nonce` (already checked by the client).
    init(header: GS2Header, username: String, nonce: String) {
        self.header = header
        self.headerText = header.text
        self.username = username
        self.nonce = nonce
        self.bare = "n=\(SCRAMName.escape(username)),r=\(nonce)"
    }

    /// Parses a client's message (the server side).
    init(parsing bytes: [UInt8]) throws(SCRAMSyntax.Violation) {
        let text = try SCRAMSyntax.text(bytes)
        let fields = text.unicodeScalars.split(separator: ",", maxSplits: 2, omittingEmptySubsequences: false).map(Substring.init)
        guard fields.count == 3 else { throw .init("no GS2 header") }
        header = try GS2Header(flag: fields[0], authorizationIdentity: fields[1])
        headerText = String(text[..<fields[2].startIndex])
        bare = String(fields[2])
        let attributes = SCRAMSyntax.attributes(fields[2])
        if SCRAMSyntax.hasKey(attributes.first, "m") {
            // RFC 5802 §5.1: a server that sees an unknown mandatory extension MUST fail.
            throw .init("unsupported mandatory extension")
        }
        guard attributes.count >= 2 else { throw .init("missing username or nonce") }
        username = try SCRAMName.unescape(SCRAMSyntax.value(attributes[0], key: "n"))
        nonce = try SCRAMSyntax.nonce(attributes[1])
        try SCRAMSyntax.checkExtensions(attributes.dropFirst(2))
    }

    /// The whole message as sent.
    var bytes: [UInt8] { Array((headerText + bare).utf8) }
}
