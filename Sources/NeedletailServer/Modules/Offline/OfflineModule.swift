import Foundation
import Logging
import NeedletailStorage
import Synchronization
import XMPPCore

/// XEP-0160 offline messages: a message of type normal or chat for an account
/// with no available resource is stored (up to a per-account cap, past which the
/// sender gets `service-unavailable`, XEP-0160 §3), and delivered with an
/// XEP-0203 delay stamp after the account's next initial presence with a
/// non-negative priority (§4), oldest first. A message leaves storage only after
/// it was written to the client's connection.
public struct OfflineModule: ServerModule {
    public static let name = "offline"

    /// The most messages kept per account.
    public var maxMessages: Int
    /// Accounts whose stored messages a session is delivering right now, so two
    /// sessions coming online together do not both deliver them.
    private let delivering = DeliveryGate()

    public init(maxMessages: Int = 1000) {
        self.maxMessages = maxMessages
    }

    public func register(_ registrar: inout ModuleRegistrar) {
        let maxMessages = maxMessages
        let delivering = delivering
        registrar.feature(Namespace.offlineMessages)
        registrar.onUndeliverableMessage { message, account, router in
            do throws(StorageError) {
                try await router.storage.offline.store(message.element.storedBytes, for: account, at: Date(), limit: maxMessages)
                return nil
            } catch {
                switch error.code {
                case .quotaExceeded:
                    return StanzaError.serviceUnavailable("the recipient's offline storage is full")
                case .notFound:
                    // RFC 6121 §8.5.1: no such account.
                    return StanzaError.serviceUnavailable()
                default:
                    router.logger.error("storing an offline message failed", metadata: ["error": "\(error)"])
                    return StanzaError.internalServerError("the message could not be stored")
                }
            }
        }
        registrar.onSessionAvailable { session, router in
            guard session.priority >= 0 else { return }
            let account = session.jid.bare
            guard delivering.enter(account) else { return }
            defer { delivering.leave(account) }
            await Self.deliverStored(to: session, router: router)
        }
    }

    /// Writes each stored message to the session with its delay stamp, and
    /// removes those the connection took.
    static func deliverStored(to session: ClientSession, router: Router) async {
        let account = session.jid.bare
        let messages: [OfflineMessage]
        do {
            messages = try await router.storage.offline.messages(of: account)
        } catch {
            router.logger.error("reading offline messages failed", metadata: ["error": "\(error)"])
            return
        }
        var delivered: [Int64] = []
        for stored in messages {
            guard var element = XMPPElement(storedBytes: stored.stanza) else {
                router.logger.error("an offline message cannot be parsed; it stays stored", metadata: ["id": "\(stored.id)"])
                continue
            }
            element.append(DelayStamp.element(stored.storedAt, from: account.domain))
            do {
                try await session.deliverAndWait(element)
                delivered.append(stored.id)
            } catch {
                break  // the connection went; the rest wait for the next login
            }
        }
        guard !delivered.isEmpty else { return }
        do {
            try await router.storage.offline.remove(delivered, of: account)
        } catch {
            router.logger.error("removing delivered offline messages failed", metadata: ["error": "\(error)"])
        }
    }
}

/// A set of accounts under way, shared by every copy of the module.
final class DeliveryGate: Sendable {
    private let accounts = Mutex<Set<JID>>([])

    /// Claims `account`; false when someone already has it.
    func enter(_ account: JID) -> Bool {
        accounts.withLock { $0.insert(account).inserted }
    }

    func leave(_ account: JID) {
        accounts.withLock { _ = $0.remove(account) }
    }
}
