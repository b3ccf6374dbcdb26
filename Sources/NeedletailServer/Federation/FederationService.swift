import Logging
import Synchronization
import NIOCore
import X509
import XMPPCore
import XMPPStreams

/// The server-to-server side of the server (RFC 6120 over 5269): one outbound
/// link per pair of domains (ours, theirs), reused for all traffic between them
/// and closed when idle; dialback verification requests sent on those links for
/// the inbound streams waiting on them; the domain policy; and the bounces of
/// whatever cannot be delivered, back through the router to its local sender.
final class FederationService: RemoteDelivery {
    let configuration: FederationConfiguration
    let hostedDomains: Set<String>
    let dialbackSecret: DialbackSecret
    let tls: FederationTLS?
    let validation: PeerCertificateValidation
    let group: any EventLoopGroup
    let connections: ConnectionTracker
    let logger: Logger
    /// Set once at start: the router needs the links and the links the router.
    private let routerBox = Mutex<Router?>(nil)
    private let links = Mutex<[LinkKey: OutboundLink]>([:])

    /// A link's two domains.
    struct LinkKey: Hashable, Sendable {
        var local: String
        var remote: String
    }

    init(
        configuration: FederationConfiguration, hostedDomains: Set<String>, serverSecret: [UInt8], tls: FederationTLS?,
        roots: CertificateStore, group: any EventLoopGroup, connections: ConnectionTracker, logger: Logger
    ) {
        self.configuration = configuration
        self.hostedDomains = hostedDomains
        // XEP-0185 §3: a secret of our own; derived from the server's when not configured.
        self.dialbackSecret = DialbackSecret(configuration.dialbackSecret.map { Array($0.utf8) }
            ?? Array("needletail dialback ".utf8) + serverSecret)
        self.tls = tls
        self.validation = PeerCertificateValidation(roots: roots)
        self.group = group
        self.connections = connections
        var logger = logger
        logger[metadataKey: "xmpp.area"] = "s2s"
        self.logger = logger
    }

    func attach(_ router: Router) {
        routerBox.withLock { $0 = router }
    }

    var router: Router? { routerBox.withLock { $0 } }

    // MARK: RemoteDelivery

    func send(_ stanza: Stanza, to domain: String) {
        guard let from = stanza.fromAttribute.flatMap({ try? JID($0) }), hostedDomains.contains(from.domainpart) else {
            logger.error("a stanza for another server has no 'from' on a hosted domain", metadata: ["xmpp.remote": "\(domain)"])
            return
        }
        guard configuration.policy.allows(domain) else {
            logger.info("refused a stanza for a domain the federation policy does not allow", metadata: ["xmpp.remote": "\(domain)"])
            bounce([stanza], StanzaError.remoteServerNotFound("this server does not federate with \(domain)"))
            return
        }
        link(LinkKey(local: from.domainpart, remote: domain)).send(stanza)
    }

    /// Asks the Authoritative Server of `request.to` whether the key is right
    /// (XEP-0220 §2.1.2), on our link to it; the answer, or an error verdict when
    /// it cannot be asked, completes the future.
    func verify(_ request: DialbackElement) -> EventLoopFuture<DialbackElement> {
        link(LinkKey(local: request.from, remote: request.to)).verify(request)
    }

    /// The link between two domains, made when there is none.
    private func link(_ key: LinkKey) -> OutboundLink {
        links.withLock { links in
            if let existing = links[key] { return existing }
            let link = OutboundLink(key: key, service: self, eventLoop: group.next())
            links[key] = link
            return link
        }
    }

    /// A link carried by a peer's bidirectional inbound stream (XEP-0288), when
    /// there is none between the two domains yet; called on the stream's loop.
    func adopt(_ stream: any LinkStream, for key: LinkKey, on loop: any EventLoop) -> OutboundLink? {
        let link: OutboundLink? = links.withLock { links in
            guard links[key] == nil else { return nil }
            let link = OutboundLink(key: key, service: self, eventLoop: loop, isCarriedByPeer: true)
            links[key] = link
            return link
        }
        link?.adopt(stream)
        return link
    }

    /// The links there are, each with whether the peer's stream carries it.
    var linkKinds: [LinkKey: Bool] {
        links.withLock { $0.mapValues(\.isCarriedByPeer) }
    }

    /// A link closed or failed: the next stanza makes a new one.
    func remove(_ link: OutboundLink) {
        links.withLock { links in
            if links[link.key] === link { links[link.key] = nil }
        }
    }

    /// Error replies to `stanzas`, each to its local sender (RFC 6120 §8.3.1;
    /// errors themselves are not answered).
    func bounce(_ stanzas: [Stanza], _ error: StanzaError) {
        deliver(stanzas.compactMap { $0.errorReply(error) })
    }

    /// Hands stanzas for local addresses to the router, in order.
    func deliver(_ stanzas: [Stanza]) {
        guard !stanzas.isEmpty, let router else { return }
        var work: [Router.PendingWork] = []
        for stanza in stanzas {
            if let pending = router.receive(stanza) { work.append(pending) }
        }
        guard !work.isEmpty else { return }
        Task {
            for pending in work { await pending() }
        }
    }

    /// Closes every link (shutdown).
    func closeAll() {
        for link in links.withLock({ Array($0.values) }) {
            link.close(StreamError(.systemShutdown, text: "the server is shutting down"))
        }
    }

    /// The configuration of a new outbound stream from `key.local` to `key.remote`.
    func outboundConfiguration(_ key: LinkKey, directTLS: Bool) -> OutboundServerStream.Configuration {
        OutboundServerStream.Configuration(
            localDomain: key.local, remoteDomain: key.remote, requiresTLS: true, directTLS: directTLS,
            canAuthenticateWithCertificate: tls?.domainsWithIssuedCertificates.contains(key.local) ?? false,
            allowsDialback: !configuration.requiresValidCertificates, dialbackSecret: dialbackSecret,
            requestsBidirectional: true)
    }

    /// The configuration of an inbound stream on a listener with `mode`.
    func inboundConfiguration(tls mode: ServerNegotiationStateMachine.TLSMode) -> InboundServerStream.Configuration {
        InboundServerStream.Configuration(
            hostedDomains: hostedDomains, tls: mode, allowsDialback: !configuration.requiresValidCertificates,
            dialbackSecret: dialbackSecret, offersBidirectional: true)
    }
}
