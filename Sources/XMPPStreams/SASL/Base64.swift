#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Base 64 as SASL in XMPP (RFC 6120 §6.4.2) and SCRAM (RFC 5802 §7) use it: the
/// RFC 4648 §4 alphabet with padding, no line breaks and no whitespace.
enum Base64 {
    /// The encoding of `bytes`.
    static func encode(_ bytes: [UInt8]) -> String {
        Data(bytes).base64EncodedString()
    }

    /// The bytes `text` encodes, or `nil` when it is not strict base 64: any
    /// character outside the alphabet (whitespace included), missing padding, or
    /// `=` anywhere but in the last two places.
    static func decode(_ text: some StringProtocol) -> [UInt8]? {
        let utf8 = text.utf8
        guard utf8.count % 4 == 0 else { return nil }
        let padding = utf8.reversed().prefix { $0 == UInt8(ascii: "=") }.count
        guard padding <= 2, utf8.dropLast(padding).allSatisfy(isAlphabet) else { return nil }
        guard let data = Data(base64Encoded: String(text)) else { return nil }
        return Array(data)
    }

    /// `A-Z`, `a-z`, `0-9`, `+` and `/` (RFC 4648 §4, Table 1).
    private static func isAlphabet(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
             UInt8(ascii: "+"), UInt8(ascii: "/"):
            true
        default:
            false
        }
    }
}
