import Synchronization
import XMPPCore

/// Every bound session, by bare JID then resource: what routing looks up for each
/// stanza. Sharded by bare JID, each shard behind its own lock held only for the
/// lookup or change (DESIGN.md: never across I/O).
public final class SessionRegistry: Sendable {
    /// One lock and the accounts it guards.
    private final class Shard: Sendable {
        let accounts = Mutex<[JID: [String: ClientSession]]>([:])
    }

    private let shards: [Shard]
    private let nextID = Atomic<UInt64>(1)

    /// A registry with `shardCount` shards.
    public init(shardCount: Int = 32) {
        shards = (0..<max(1, shardCount)).map { _ in Shard() }
    }

    /// Runs `body` with the lock of the shard holding `bare`.
    private func withShard<Result: Sendable>(
        _ bare: JID, _ body: (inout sending [JID: [String: ClientSession]]) -> sending Result
    ) -> Result {
        shards[Int(UInt(bitPattern: bare.hashValue) % UInt(shards.count))].accounts.withLock(body)
    }

    /// The outcome of binding a resource.
    public struct Binding: Sendable {
        /// The new session.
        public var session: ClientSession
        /// A session with the same full JID that the new one replaces: RFC 6120
        /// §7.7.2.2 lets the server end the older one with a `conflict` stream error,
        /// which the caller does.
        public var replaced: ClientSession?
    }

    /// Binds a resource for `account` (RFC 6120 §7): `requested`, or a generated one
    /// when nil; refuses with `resource-constraint` past `maxResources` (§7.7.2.1).
    public func bind(
        account: JID, requested: String?, maxResources: Int, makeSession: (JID, UInt64) -> ClientSession
    ) -> Result<Binding, StanzaError> {
        let bare = account.bare
        let id = nextID.wrappingAdd(1, ordering: .relaxed).oldValue
        return withShard(bare) { accounts in
            var resources = accounts[bare] ?? [:]
            let resource = requested ?? Self.generatedResource(id: id, avoiding: resources)
            let replaced = resources[resource]
            if replaced == nil, resources.count >= maxResources {
                return .failure(StanzaError.resourceConstraint("this account has too many connected resources"))
            }
            guard let full = try? bare.withResource(resource) else {
                return .failure(StanzaError.badRequest("the resource is not a valid resourcepart"))
            }
            let session = makeSession(full, id)
            resources[resource] = session
            accounts[bare] = resources
            return .success(Binding(session: session, replaced: replaced))
        }
    }

    /// Removes `session`, unless a newer session has already taken its JID.
    public func unregister(_ session: ClientSession) {
        let bare = session.jid.bare
        guard let resource = session.jid.resourcepart else { return }
        withShard(bare) { accounts in
            guard var resources = accounts[bare], resources[resource]?.id == session.id else { return }
            resources[resource] = nil
            accounts[bare] = resources.isEmpty ? nil : resources
        }
    }

    /// The session bound to this full JID.
    public func session(for full: JID) -> ClientSession? {
        guard let resource = full.resourcepart else { return nil }
        return withShard(full.bare) { $0[full.bare]?[resource] }
    }

    /// All sessions of an account.
    public func sessions(of bare: JID) -> [ClientSession] {
        withShard(bare.bare) { $0[bare.bare].map { Array($0.values) } ?? [] }
    }

    /// Every session, for shutdown.
    public func allSessions() -> [ClientSession] {
        shards.flatMap { shard in
            shard.accounts.withLock { accounts in accounts.values.flatMap { Array($0.values) } }
        }
    }

    /// The number of bound sessions.
    public var count: Int {
        shards.reduce(0) { total, shard in
            total + shard.accounts.withLock { accounts in accounts.values.reduce(0) { $0 + $1.count } }
        }
    }

    /// A resource the server makes (RFC 6120 §7.6.2.1): unique, unpredictable enough
    /// not to leak how many sessions there were.
    static func generatedResource(id: UInt64, avoiding taken: [String: ClientSession]) -> String {
        var generator = SystemRandomNumberGenerator()
        while true {
            let candidate = "needletail-" + String(generator.next() as UInt64, radix: 36) + String(id, radix: 36)
            if taken[candidate] == nil { return candidate }
        }
    }
}
