/// The top-level elements of SASL negotiation in XMPP (RFC 6120 §6.4), in the
/// `urn:ietf:params:xml:ns:xmpp-sasl` namespace, with their base 64 payloads
/// decoded.
///
/// Payloads follow RFC 6120 §6.4.2's convention: an element with no character
/// data carries no data, and a single `=` carries data of zero length. Only the
/// initial response and the success's additional data can be absent, so those
/// two are optional.
public enum SASLElement: Sendable, Hashable {
    /// `<auth mechanism='...'>`: the client picks a mechanism, with its initial
    /// response if any (RFC 6120 §6.4.2). The name is kept as sent so that an
    /// unknown one can be refused with `invalid-mechanism`.
    case auth(mechanism: String, initialResponse: [UInt8]?)
    /// `<challenge/>` from the server (RFC 6120 §6.4.3).
    case challenge([UInt8])
    /// `<response/>` from the client (RFC 6120 §6.4.3).
    case response([UInt8])
    /// `<success/>`, with the mechanism's additional data if any (RFC 6120 §6.3.10, §6.4.6).
    case success(additionalData: [UInt8]?)
    /// `<failure/>` (RFC 6120 §6.4.5).
    case failure(SASLFailure)
    /// `<abort/>` from the client (RFC 6120 §6.4.4).
    case abort
}
