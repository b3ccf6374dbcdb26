/// `client-final-message = client-final-message-without-proof "," proof`, with
/// `client-final-message-without-proof = channel-binding "," nonce ["," extensions]`
/// (RFC 5802 §7).
struct SCRAMClientFinalMessage: Equatable {
    /// The decoded `c=` attribute: the GS2 header followed by any channel binding data.
    let channelBinding: [UInt8]
    /// The combined nonce.
    let nonce: String
    /// The decoded client proof.
    let proof: [UInt8]
    /// `client-final-message-without-proof` exactly as sent: the end of the AuthMessage.
    let withoutProof: String

    /// The part of a message to send that the proof is computed over; the proof is
    /// appended by ``bytes(proof:)``.
    init(channelBinding: [UInt8], nonce: String) {
        self.channelBinding = channelBinding
        self.nonce = nonce
        self.proof = []
        self.withoutProof = "c=\(Base64.encode(channelBinding)),r=\(nonce)"
    }

    /// Parses a client's message (the server side).
    init(parsing bytes: [UInt8]) throws(SCRAMSyntax.Violation) {
        let text = try SCRAMSyntax.text(bytes)
        let attributes = SCRAMSyntax.attributes(text[...])
        guard attributes.count >= 3, let last = attributes.last else { throw .init("missing channel binding, nonce or proof") }
        channelBinding = try SCRAMSyntax.base64(attributes[0], key: "c")
        nonce = try SCRAMSyntax.nonce(attributes[1])
        try SCRAMSyntax.checkExtensions(attributes.dropFirst(2).dropLast())
        proof = try SCRAMSyntax.base64(last, key: "p")
        // The proof is last, and base 64 has no comma: everything before its comma.
        withoutProof = String(text.unicodeScalars[..<text.unicodeScalars.index(before: last.startIndex)])
    }

    /// The whole message with `proof`.
    func bytes(proof: [UInt8]) -> [UInt8] {
        Array("\(withoutProof),p=\(Base64.encode(proof))".utf8)
    }
}
