/// `saslname` (RFC 5802 §7): the username and authzid as SCRAM carries them,
/// with `,` written as `=2C` and `=` as `=3D`.
enum SCRAMName {
    /// `name` escaped for a SCRAM message.
    static func escape(_ name: String) -> String {
        var result = ""
        result.reserveCapacity(name.utf8.count)
        for character in name.unicodeScalars {
            switch character {
            case ",": result += "=2C"
            case "=": result += "=3D"
            default: result.unicodeScalars.append(character)
            }
        }
        return result
    }

    /// The name an escaped `saslname` stands for. Refuses an empty name, NUL, and
    /// any `=` not followed by `2C` or `3D`, as RFC 5802 §5.1 requires
    /// ("the server MUST fail the authentication").
    static func unescape(_ escaped: Substring) throws(SCRAMSyntax.Violation) -> String {
        guard !escaped.isEmpty else { throw .init("empty name") }
        var result = String.UnicodeScalarView()
        var scalars = escaped.unicodeScalars[...]
        while let scalar = scalars.popFirst() {
            switch scalar {
            case "\u{0}":
                throw .init("NUL in a name")
            case "=":
                let code = String(String.UnicodeScalarView(scalars.prefix(2)))
                scalars = scalars.dropFirst(2)
                switch code {
                case "2C": result.append(",")
                case "3D": result.append("=")
                default: throw .init("bad escape in a name")
                }
            default:
                result.append(scalar)
            }
        }
        return String(result)
    }
}
