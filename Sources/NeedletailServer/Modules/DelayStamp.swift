import Foundation
import XMPPCore

/// XEP-0203 Delayed Delivery: the `<delay/>` that says when a stanza was first
/// received, on offline messages and on presence answered from memory.
enum DelayStamp {
    /// `<delay xmlns='urn:xmpp:delay' from='…' stamp='…'/>`, the stamp in UTC
    /// with seconds, as XEP-0082 DateTime.
    static func element(_ date: Date, from: JID) -> XMPPElement {
        XMPPElement("delay", namespace: Namespace.delay, [
            "from": from.description, "stamp": date.formatted(.iso8601),
        ])
    }
}
