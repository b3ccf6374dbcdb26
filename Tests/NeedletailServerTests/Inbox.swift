import Synchronization
import XMPPClient
import XMPPCore

/// Everything a test client receives, collected by one long-lived reader so a
/// test can wait for the stanza it expects while others (roster pushes, presence)
/// arrive around it, and can check that something did not arrive.
final class Inbox: Sendable {
    private final class Received: Sendable {
        let stanzas = Mutex<[Stanza]>([])
    }

    private let received = Received()
    let client: XMPPClient

    init(_ client: XMPPClient, answeringPings: Bool = true) {
        self.client = client
        Task { [received] in
            for await stanza in client.incoming {
                if answeringPings, case .iq(let iq) = stanza, iq.type == .get,
                   iq.payload(named: "ping", namespace: Namespace.ping) != nil {
                    var pong = iq.result(payload: nil)
                    pong.setTo(try? iq.from)
                    try? await client.send(pong)
                    continue
                }
                received.stanzas.withLock { $0.append(stanza) }
            }
        }
    }

    /// Takes the first stanza matching `predicate`, waiting up to `timeout`.
    func take(within timeout: Duration = .seconds(5), where predicate: @escaping (Stanza) -> Bool) async -> Stanza? {
        let deadline = ContinuousClock.now + timeout
        while true {
            let found = received.stanzas.withLock { stanzas -> Stanza? in
                guard let index = stanzas.firstIndex(where: predicate) else { return nil }
                return stanzas.remove(at: index)
            }
            if let found { return found }
            if ContinuousClock.now >= deadline { return nil }
            try? await Task.sleep(for: .milliseconds(10))
        }
    }

    /// The next message, waiting up to `timeout`.
    func message(within timeout: Duration = .seconds(5), where predicate: @escaping (Message) -> Bool = { _ in true }) async -> Message? {
        guard case .message(let message)? = await take(within: timeout, where: {
            if case .message(let message) = $0 { return predicate(message) }
            return false
        }) else { return nil }
        return message
    }

    /// The next presence, waiting up to `timeout`.
    func presence(within timeout: Duration = .seconds(5), where predicate: @escaping (Presence) -> Bool = { _ in true }) async -> Presence? {
        guard case .presence(let presence)? = await take(within: timeout, where: {
            if case .presence(let presence) = $0 { return predicate(presence) }
            return false
        }) else { return nil }
        return presence
    }

    /// The next roster push's item, waiting up to `timeout`.
    func rosterPush(within timeout: Duration = .seconds(5), for contact: String? = nil) async -> XMPPElement? {
        let stanza = await take(within: timeout) {
            guard case .iq(let iq) = $0, iq.type == .set,
                  let item = iq.payload(named: "query", namespace: Namespace.roster)?.firstElement(named: "item")
            else { return false }
            return contact == nil || item[attribute: "jid"] == contact
        }
        guard case .iq(let iq)? = stanza else { return nil }
        return iq.payload(named: "query", namespace: Namespace.roster)?.firstElement(named: "item")
    }

    /// Everything received and not taken yet.
    var pending: [Stanza] { received.stanzas.withLock { $0 } }
}
