extension Sequence where Element == UInt8 {
    /// The bytes in lowercase hexadecimal, two digits each: dialback keys
    /// (XEP-0185) and avatar hashes (XEP-0153) are written this way.
    public var lowercaseHex: String {
        var text = ""
        for byte in self {
            let digits = String(byte, radix: 16)
            text += byte < 0x10 ? "0" + digits : digits
        }
        return text
    }
}
