import XMPPCore

/// XEP-0157 Contact Addresses for XMPP Services, published as an XEP-0128
/// extended information form in the server's disco#info.
public enum ContactAddresses {
    /// The form's FORM_TYPE.
    public static let formType = "http://jabber.org/network/serverinfo"

    /// The address kinds XEP-0157 §2 registers.
    public static let kinds = [
        "abuse-addresses", "admin-addresses", "feedback-addresses", "sales-addresses",
        "security-addresses", "status-addresses", "support-addresses",
    ]

    /// The form for `addresses` (kind → URIs, e.g. "mailto:…", "xmpp:…").
    public static func form(_ addresses: [String: [String]]) -> DataForm {
        var fields = [DataFormField(DataForm.formTypeVariable, type: .hidden, values: [formType])]
        for kind in addresses.keys.sorted() {
            fields.append(DataFormField(kind, type: .listMulti, values: addresses[kind] ?? []))
        }
        return DataForm(type: .result, fields: fields)
    }
}
