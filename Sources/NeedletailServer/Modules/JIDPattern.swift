import XMPPCore

/// How a JID in a blocklist (XEP-0191 §3.3) or a privacy list item of type `jid`
/// (XEP-0016 §2.1) matches an address: an item with a resource matches that full
/// JID only; a bare JID matches every resource of it; a domain matches everyone
/// at the domain and the domain itself; a domain with a resource, that one
/// address. Subdomains do not match (as in ejabberd).
enum JIDPattern {
    static func matches(_ item: JID, _ address: JID) -> Bool {
        guard item.domainpart == address.domainpart else { return false }
        switch (item.localpart, item.resourcepart) {
        case (nil, nil):
            return true
        case (nil, let resource?):
            return address.localpart == nil && address.resourcepart == resource
        case (let localpart?, nil):
            return address.localpart == localpart
        case (let localpart?, let resource?):
            return address.localpart == localpart && address.resourcepart == resource
        }
    }
}
