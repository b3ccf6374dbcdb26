/// The GS2 header that starts a client-first-message (RFC 5802 §7, RFC 5801 §4):
/// `gs2-cbind-flag "," [ "a=" saslname ] ","`.
struct GS2Header: Equatable {
    /// `gs2-cbind-flag`: what the client says about channel binding (RFC 5802 §6).
    enum ChannelBindingFlag: Equatable {
        /// `n`: the client does not support channel binding.
        case notSupported
        /// `y`: the client supports it but thinks the server does not.
        case supportedButNotUsed
        /// `p=<name>`: the client binds to the channel with this type.
        case used(String)
    }

    /// The channel binding flag.
    let flag: ChannelBindingFlag
    /// The authorization identity, unescaped, if the client sent one.
    let authorizationIdentity: String?

    /// The header as sent: part of the `c=` attribute in the client-final-message.
    var text: String {
        let flagText = switch flag {
        case .notSupported: "n"
        case .supportedButNotUsed: "y"
        case .used(let name): "p=\(name)"
        }
        return "\(flagText),\(authorizationIdentity.map { "a=\(SCRAMName.escape($0))" } ?? ""),"
    }

    /// Parses the flag and authzid fields (without their trailing commas).
    init(flag: Substring, authorizationIdentity: Substring) throws(SCRAMSyntax.Violation) {
        switch flag {
        case "n":
            self.flag = .notSupported
        case "y":
            self.flag = .supportedButNotUsed
        default:
            // cb-name = 1*(ALPHA / DIGIT / "." / "-")
            let name = try SCRAMSyntax.value(flag, key: "p")
            guard !name.isEmpty, name.utf8.allSatisfy({ byte in
                (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
                    || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "-")
            }) else {
                throw .init("invalid gs2-cbind-flag")
            }
            self.flag = .used(String(name))
        }
        if authorizationIdentity.isEmpty {
            self.authorizationIdentity = nil
        } else {
            self.authorizationIdentity = try SCRAMName.unescape(SCRAMSyntax.value(authorizationIdentity, key: "a"))
        }
    }

    /// A header to send.
    init(flag: ChannelBindingFlag, authorizationIdentity: String?) {
        self.flag = flag
        self.authorizationIdentity = authorizationIdentity
    }
}
