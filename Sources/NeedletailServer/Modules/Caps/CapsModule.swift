import Foundation
import Logging
import Synchronization
import XMPPCore

/// XEP-0115 Entity Capabilities.
///
/// - The server's own: a `<c/>` stream feature whose `ver` hashes the server's
///   disco#info (§6.3), and disco#info answered for `node#ver` as for no node.
/// - Clients': when a client's presence names a `ver` the server has not seen,
///   the server asks that client for `node#ver` disco#info, checks the answer
///   hashes to `ver` (§5.4), and keeps the features under it, so what needs to
///   know a client's features (PEP notifications) asks the cache, not the client.
///   An answer that does not verify is not kept.
public struct CapsModule: ServerModule {
    public static let name = "caps"

    /// The node the server's own caps name (§4: a URI for the software).
    public static let node = "https://needletail.dev/caps"

    let cache: CapsCache

    public init(cache: CapsCache = CapsCache()) {
        self.cache = cache
    }

    public func register(_ registrar: inout ModuleRegistrar) {
        let cache = cache
        registrar.advertiseCapabilities(node: Self.node)
        registrar.provideClientCapabilities(cache)
        registrar.decoratePresence { presence, sender, router in
            guard let caps = presence.payload(named: "c", namespace: Namespace.caps),
                  caps[attribute: "hash"] == "sha-1",
                  let node = caps[attribute: "node"], let ver = caps[attribute: "ver"],
                  cache.shouldQuery(ver)
            else { return presence }
            // Asked in the background: the broadcast does not wait for the client.
            Task {
                let query = XMPPElement("query", namespace: Namespace.discoInfo, ["node": node + "#" + ver])
                let request = IQ(type: .get, id: "", from: sender.jid.domain, payload: query)
                guard let answer = await router.requests.send(request, to: sender, timeout: .seconds(30)),
                      answer.type == .result,
                      let info = answer.payload(named: "query", namespace: Namespace.discoInfo),
                      CapsVerification.ver(of: info) == ver
                else {
                    cache.failed(ver)
                    router.logger.debug("a client's caps did not verify", metadata: ["xmpp.ver": "\(ver)"])
                    return
                }
                let features = info.elements(named: "feature", namespace: Namespace.discoInfo).compactMap { $0[attribute: "var"] }
                cache.store(ver, features: Set(features))
            }
            return presence
        }
    }
}

/// Verified client capabilities by `ver`, shared by the server.
public final class CapsCache: Sendable {
    private enum Entry {
        case querying
        case failed
        case verified(Set<String>)
    }

    /// Beyond this many hashes the oldest half is forgotten; a client seen
    /// again is simply asked again.
    static let capacity = 10_000
    private let entries = Mutex<[String: Entry]>([:])

    public init() {}

    /// The verified features behind `ver`, nil when unknown.
    public func features(of ver: String) -> Set<String>? {
        entries.withLock { entries in
            if case .verified(let features)? = entries[ver] { return features }
            return nil
        }
    }

    /// Whether to ask a client about `ver`: not when verified, already being asked,
    /// or failed before. Marks it as being asked.
    func shouldQuery(_ ver: String) -> Bool {
        entries.withLock { entries in
            guard entries[ver] == nil else { return false }
            if entries.count >= Self.capacity {
                for key in entries.keys.prefix(Self.capacity / 2) { entries[key] = nil }
            }
            entries[ver] = .querying
            return true
        }
    }

    func store(_ ver: String, features: Set<String>) {
        entries.withLock { $0[ver] = .verified(features) }
    }

    /// An unverified `ver` is not asked about again (a lying client would else make
    /// the server ask on every presence); another client with a correct hash would
    /// produce the same `ver`, so nothing is lost by remembering the failure.
    func failed(_ ver: String) {
        entries.withLock { $0[ver] = .failed }
    }
}
