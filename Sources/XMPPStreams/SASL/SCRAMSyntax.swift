/// Shared pieces of the SCRAM message grammar (RFC 5802 §7).
enum SCRAMSyntax {
    /// Why a SCRAM message was refused; each side maps it to its own error
    /// (the server to `malformed-request`, the client to
    /// ``SASLError/Code/malformedServerMessage``).
    struct Violation: Error, Equatable {
        let reason: String
        init(_ reason: String) { self.reason = reason }
    }

    /// The message as text: SCRAM messages are UTF-8 (RFC 5802 §7).
    static func text(_ bytes: [UInt8]) throws(Violation) -> String {
        guard let text = String(validating: bytes, as: UTF8.self) else { throw Violation("not UTF-8") }
        return text
    }

    /// The attributes of `message`, split at every comma, keeping empty ones.
    /// The grammar is over code points, so the split is too: a combining mark
    /// after a comma does not hide it, as it would in a split by `Character`.
    static func attributes(_ message: Substring) -> [Substring] {
        message.unicodeScalars.split(separator: ",", omittingEmptySubsequences: false).map(Substring.init)
    }

    /// Whether `attribute` starts with `key=`.
    static func hasKey(_ attribute: Substring?, _ key: Unicode.Scalar) -> Bool {
        guard let scalars = attribute?.unicodeScalars else { return false }
        var iterator = scalars.makeIterator()
        return iterator.next() == key && iterator.next() == "="
    }

    /// The value of `attribute` if it is `key=value`, else a violation naming `key`.
    static func value(_ attribute: Substring?, key: Unicode.Scalar) throws(Violation) -> Substring {
        guard let attribute, hasKey(attribute, key) else {
            throw Violation("expected the \(key)= attribute")
        }
        return Substring(attribute.unicodeScalars.dropFirst(2))
    }

    /// `nonce = "r=" c-nonce [s-nonce]`, where each character is `printable`:
    /// %x21-2B / %x2D-7E, so anything visible in ASCII but the comma.
    static func nonce(_ attribute: Substring?) throws(Violation) -> String {
        let value = try value(attribute, key: "r")
        guard isValidNonce(value) else { throw Violation("invalid nonce") }
        return String(value)
    }

    /// Whether `nonce` is non-empty and made of `printable` characters only.
    static func isValidNonce(_ nonce: some StringProtocol) -> Bool {
        !nonce.isEmpty && nonce.utf8.allSatisfy { (0x21...0x7E).contains($0) && $0 != UInt8(ascii: ",") }
    }

    /// A base 64 attribute value (RFC 5802 §7 `base64`), decoded.
    static func base64(_ attribute: Substring?, key: Unicode.Scalar) throws(Violation) -> [UInt8] {
        guard let bytes = Base64.decode(try value(attribute, key: key)) else {
            throw Violation("the \(key)= attribute is not base 64")
        }
        return bytes
    }

    /// Checks the optional extensions that may end a message
    /// (`extensions = attr-val *("," attr-val)`, `attr-val = ALPHA "=" value`).
    /// Their meaning is ignored, as RFC 5802 §7 allows for unknown optional ones.
    static func checkExtensions(_ attributes: some Collection<Substring>) throws(Violation) {
        for attribute in attributes {
            guard let key = attribute.unicodeScalars.first, key.isASCII, key.properties.isAlphabetic, hasKey(attribute, key) else {
                throw Violation("malformed extension attribute")
            }
        }
    }

    /// A random nonce: 18 bytes from the system generator, base 64 encoded to 24
    /// `printable` characters (RFC 5802 §5.1 asks for a random, unique nonce).
    static func randomNonce() -> String {
        Base64.encode(randomBytes(count: 18))
    }
}
