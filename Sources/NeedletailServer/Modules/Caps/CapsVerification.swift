import Crypto
import Foundation
import XMPPCore

/// XEP-0115 §5: the verification string of a disco#info answer and its hash.
enum CapsVerification {
    /// The `ver` for these identities, features and extended forms (§5.1), with
    /// SHA-1 as every client supports it; nil when the answer is one XEP-0115 §5.4
    /// says to reject (duplicate identities or features, or two forms of one type).
    static func ver(identities: [XMPPElement], features: [String], forms: [DataForm]) -> String? {
        var text = ""
        let identityKeys = identities.map { identity in
            [identity[attribute: "category"] ?? "", identity[attribute: "type"] ?? "",
             identity[attribute: "lang", namespace: Namespace.xml] ?? "", identity[attribute: "name"] ?? ""]
        }
        guard Set(identityKeys).count == identityKeys.count, Set(features).count == features.count else { return nil }
        for key in identityKeys.sorted(by: { $0.lexicographicallyPrecedes($1) }) {
            text += key.joined(separator: "/") + "<"
        }
        for feature in features.sorted(by: Self.octetOrder) {
            text += feature + "<"
        }
        var typed: [(type: String, form: DataForm)] = []
        for form in forms {
            guard let type = form.formType else { continue }  // §5.4: forms without FORM_TYPE are ignored
            typed.append((type, form))
        }
        guard Set(typed.map(\.type)).count == typed.count else { return nil }
        for (type, form) in typed.sorted(by: { Self.octetOrder($0.type, $1.type) }) {
            text += type + "<"
            let fields = form.fields.filter { $0.variable != DataForm.formTypeVariable }
            for field in fields.sorted(by: { Self.octetOrder($0.variable ?? "", $1.variable ?? "") }) {
                text += (field.variable ?? "") + "<"
                for value in field.values.sorted(by: Self.octetOrder) {
                    text += value + "<"
                }
            }
        }
        return Data(Insecure.SHA1.hash(data: Array(text.utf8))).base64EncodedString()
    }

    /// §5.1: "sort ... using 'i;octet' collation", byte order of the UTF-8.
    static func octetOrder(_ a: String, _ b: String) -> Bool {
        a.utf8.lexicographicallyPrecedes(b.utf8)
    }

    /// The `ver` of a disco#info `<query/>` as a client answered it.
    static func ver(of query: XMPPElement) -> String? {
        let identities = query.elements(named: "identity", namespace: Namespace.discoInfo)
        let features = query.elements(named: "feature", namespace: Namespace.discoInfo).compactMap { $0[attribute: "var"] }
        let forms = query.elements(named: "x", namespace: Namespace.dataForms).compactMap { try? DataForm(element: $0) }
        return ver(identities: identities, features: features, forms: forms)
    }
}
