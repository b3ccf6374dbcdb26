/// Namespace names used across the project. Module code names namespaces through
/// these constants, never as string literals.
public enum Namespace {
    /// The `xml:` prefix's namespace (XML Namespaces §3); holds `xml:lang`.
    public static let xml = "http://www.w3.org/XML/1998/namespace"
    /// The namespace reserved for `xmlns` declarations themselves.
    public static let xmlns = "http://www.w3.org/2000/xmlns/"

    // RFC 6120
    public static let stream = "http://etherx.jabber.org/streams"
    public static let client = "jabber:client"
    public static let server = "jabber:server"
    public static let streamErrors = "urn:ietf:params:xml:ns:xmpp-streams"
    public static let stanzaErrors = "urn:ietf:params:xml:ns:xmpp-stanzas"
    public static let tls = "urn:ietf:params:xml:ns:xmpp-tls"
    public static let sasl = "urn:ietf:params:xml:ns:xmpp-sasl"
    public static let bind = "urn:ietf:params:xml:ns:xmpp-bind"
    /// RFC 3921 §3 session establishment, answered for old clients (RFC 6121 Appendix E).
    public static let session = "urn:ietf:params:xml:ns:xmpp-session"

    // RFC 6121
    public static let roster = "jabber:iq:roster"
    /// Roster versioning stream feature (RFC 6121 §2.6.1).
    public static let rosterVersioning = "urn:xmpp:features:rosterver"
    /// Subscription pre-approval stream feature (RFC 6121 §3.4.1).
    public static let preApproval = "urn:xmpp:features:pre-approval"

    // RFC 7395
    public static let framing = "urn:ietf:params:xml:ns:xmpp-framing"

    // XEPs
    public static let component = "jabber:component:accept"       // XEP-0114
    public static let dataForms = "jabber:x:data"                  // XEP-0004
    public static let resultSet = "http://jabber.org/protocol/rsm" // XEP-0059
    public static let discoInfo = "http://jabber.org/protocol/disco#info"   // XEP-0030
    public static let discoItems = "http://jabber.org/protocol/disco#items" // XEP-0030
    public static let delay = "urn:xmpp:delay"                     // XEP-0203
    public static let offlineMessages = "msgoffline"               // XEP-0160 disco feature
    public static let ping = "urn:xmpp:ping"                       // XEP-0199
    public static let version = "jabber:iq:version"               // XEP-0092
    public static let time = "urn:xmpp:time"                       // XEP-0202
    public static let lastActivity = "jabber:iq:last"              // XEP-0012
    public static let idle = "urn:xmpp:idle:1"                     // XEP-0319
    public static let vcard = "vcard-temp"                         // XEP-0054
    public static let vcardUpdate = "vcard-temp:x:update"          // XEP-0153
    public static let privateStorage = "jabber:iq:private"         // XEP-0049
    public static let privacy = "jabber:iq:privacy"                // XEP-0016
    public static let blocking = "urn:xmpp:blocking"               // XEP-0191
    public static let blockingErrors = "urn:xmpp:blocking:errors"  // XEP-0191
    public static let caps = "http://jabber.org/protocol/caps"     // XEP-0115
    public static let register = "jabber:iq:register"              // XEP-0077
    public static let registerFeature = "http://jabber.org/features/iq-register" // XEP-0077 stream feature
    public static let dialback = "jabber:server:dialback"          // XEP-0220
    public static let dialbackFeature = "urn:xmpp:features:dialback" // XEP-0220 §2.4
    public static let bidi = "urn:xmpp:bidi"                       // XEP-0288
    public static let bidiFeature = "urn:xmpp:features:bidi"       // XEP-0288
    public static let streamManagement = "urn:xmpp:sm:3"           // XEP-0198
    public static let saslChannelBinding = "urn:xmpp:sasl-cb:0"    // XEP-0440
}
