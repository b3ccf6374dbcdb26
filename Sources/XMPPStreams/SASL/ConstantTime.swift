/// Compares two byte strings in time that depends only on their lengths, not on
/// where they first differ, so an attacker timing the server's answers learns
/// nothing about a stored key or a signature (RFC 5802 §9 asks for care here).
///
/// The lengths themselves are public (they are the hash's output size).
func constantTimeEquals(_ lhs: [UInt8], _ rhs: [UInt8]) -> Bool {
    guard lhs.count == rhs.count else { return false }
    var difference: UInt8 = 0
    for index in lhs.indices {
        difference |= lhs[index] ^ rhs[index]
    }
    return difference == 0
}

/// `lhs XOR rhs` byte by byte, for `ClientProof := ClientKey XOR ClientSignature`
/// (RFC 5802 §3). The inputs have the same length (the hash's output size).
func xor(_ lhs: [UInt8], _ rhs: [UInt8]) -> [UInt8] {
    var result = lhs
    for index in result.indices where index < rhs.count {
        result[index] ^= rhs[index]
    }
    return result
}
