/// `server-first-message = [reserved-mext ","] nonce "," salt "," iteration-count ["," extensions]`
/// (RFC 5802 §7).
struct SCRAMServerFirstMessage: Equatable {
    /// The combined nonce: the client's followed by the server's.
    let nonce: String
    /// The salt.
    let salt: [UInt8]
    /// The iteration count.
    let iterations: Int
    /// The message exactly as sent: part of the AuthMessage.
    let text: String

    /// The message to send.
    init(nonce: String, salt: [UInt8], iterations: Int) {
        self.nonce = nonce
        self.salt = salt
        self.iterations = iterations
        self.text = "r=\(nonce),s=\(Base64.encode(salt)),i=\(iterations)"
    }

    /// Parses a server's message (the client side).
    init(parsing bytes: [UInt8]) throws(SCRAMSyntax.Violation) {
        text = try SCRAMSyntax.text(bytes)
        let attributes = SCRAMSyntax.attributes(text[...])
        if SCRAMSyntax.hasKey(attributes.first, "m") {
            // RFC 5802 §5.1: the client MUST fail on an unknown mandatory extension.
            throw .init("unsupported mandatory extension")
        }
        guard attributes.count >= 3 else { throw .init("missing nonce, salt or iteration count") }
        nonce = try SCRAMSyntax.nonce(attributes[0])
        salt = try SCRAMSyntax.base64(attributes[1], key: "s")
        guard !salt.isEmpty else { throw .init("empty salt") }
        // iteration-count = posit-number: a decimal without leading zeros.
        let count = try SCRAMSyntax.value(attributes[2], key: "i")
        guard let first = count.first, first != "0", count.utf8.allSatisfy({ (0x30...0x39).contains($0) }),
              let iterations = Int(count)
        else {
            throw .init("invalid iteration count")
        }
        self.iterations = iterations
        try SCRAMSyntax.checkExtensions(attributes.dropFirst(3))
    }

    /// The message as sent.
    var bytes: [UInt8] { Array(text.utf8) }
}
