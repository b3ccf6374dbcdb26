import XMPPCore

/// What a `jabber:iq:register` query carries (XEP-0077 §3): the fields this
/// server asks for, or a `<remove/>`. Data forms (§4) are not offered, so a
/// client sends the plain fields.
struct RegistrationQuery: Sendable {
    /// `<username/>`'s text, nil without the element.
    var username: String?
    /// `<password/>`'s text, nil without the element.
    var password: String?
    /// Whether the query asks to cancel the registration (§3.2).
    var isRemoval: Bool
    /// How many child elements the query has: `<remove/>` must be alone (§3.2).
    var fieldCount: Int

    init(_ query: XMPPElement?) {
        username = query?.childText("username", namespace: Namespace.register)
        password = query?.childText("password", namespace: Namespace.register)
        isRemoval = query?.firstElement(named: "remove", namespace: Namespace.register) != nil
        fieldCount = query?.elements.count ?? 0
    }

    /// The username and password when both are there and not empty (§3.1: an empty
    /// `<password/>` is missing information).
    var credentials: (username: String, password: String)? {
        guard let username, !username.isEmpty, let password, !password.isEmpty else { return nil }
        return (username, password)
    }

    /// The form a client that has not registered gets (§3.1).
    static let form = XMPPElement("query", namespace: Namespace.register) {
        XMPPElement("instructions", namespace: Namespace.register, text: "Choose a username and a password for your new account.")
        XMPPElement("username", namespace: Namespace.register)
        XMPPElement("password", namespace: Namespace.register)
    }

    /// What a logged-in account gets (§3.1): `<registered/>` and its username; the
    /// password is never stored, so it stays empty.
    static func registered(_ account: JID) -> XMPPElement {
        XMPPElement("query", namespace: Namespace.register) {
            XMPPElement("registered", namespace: Namespace.register)
            XMPPElement("username", namespace: Namespace.register, text: account.localpart ?? "")
            XMPPElement("password", namespace: Namespace.register)
        }
    }
}
