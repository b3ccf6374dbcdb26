/// `server-final-message = (server-error / verifier) ["," extensions]` (RFC 5802 §7).
enum SCRAMServerFinalMessage: Equatable {
    /// `v=`: the ServerSignature.
    case verifier([UInt8])
    /// `e=`: the server's error value, such as `invalid-proof`.
    case error(String)

    /// Parses a server's message (the client side).
    init(parsing bytes: [UInt8]) throws(SCRAMSyntax.Violation) {
        let text = try SCRAMSyntax.text(bytes)
        let attributes = SCRAMSyntax.attributes(text[...])
        guard let first = attributes.first else { throw .init("empty server-final-message") }
        if SCRAMSyntax.hasKey(first, "e") {
            self = .error(String(try SCRAMSyntax.value(first, key: "e")))
        } else {
            self = .verifier(try SCRAMSyntax.base64(first, key: "v"))
        }
        try SCRAMSyntax.checkExtensions(attributes.dropFirst())
    }

    /// The message as sent.
    var bytes: [UInt8] {
        switch self {
        case .verifier(let signature): Array("v=\(Base64.encode(signature))".utf8)
        case .error(let value): Array("e=\(value)".utf8)
        }
    }
}
