import XMPPStreams

/// What the first byte of a fuzz input chooses, so one corpus covers several
/// listener setups. Seeds use printable bytes: `@` is a trusted-plaintext
/// listener read 16 bytes at a time, `A` the same with optional STARTTLS, `B`
/// and `C` those two with in-band registration open.
struct FuzzInputFlags {
    /// Bit 0: `.optional` (STARTTLS offered, PLAIN only after it) or
    /// `.trustedPlaintext` (PLAIN allowed at once); both can reach the
    /// established phase, `.required` and `.direct` add nothing the first two
    /// do not exercise.
    var tls: ServerNegotiationStateMachine.TLSMode
    /// Bit 1: whether in-band registration (XEP-0077) is open.
    var offersRegistration: Bool
    /// Bits 2 to 7: how many bytes each read carries; 0 delivers the input as
    /// one read. Splits matter: what is buffered at STARTTLS and at the SASL
    /// restart depends on them.
    var readSize: Int?

    init(_ byte: UInt8) {
        tls = byte & 1 == 0 ? .trustedPlaintext : .optional
        offersRegistration = byte & 2 != 0
        let size = Int(byte >> 2)
        readSize = size == 0 ? nil : size
    }
}
