import Testing
import XMPPClient
import XMPPCore
@testable import NeedletailServer

/// XEP-0160 offline messages over real connections.
@Suite("Offline messages (XEP-0160)", .serialized)
struct OfflineEndToEndTests {
    @Test func storedMessagesArriveInOrderWithDelayStampsExactlyOnce() async throws {
        let server = try await TestServer(accounts: ["juliet@example.com", "romeo@example.net"])
        let juliet = try await Online.connect(server, "juliet@example.com/balcony")
        for index in 1...5 {
            try await juliet.client.send(Message(type: .chat, to: try JID("romeo@example.net"), body: "message \(index)"))
        }
        // Headlines are not stored (XEP-0160 §3); nothing bounces for them.
        try await juliet.client.send(Message(type: .headline, to: try JID("romeo@example.net"), body: "news"))
        _ = try await juliet.ask(to: "example.com", XMPPElement("ping", namespace: Namespace.ping))
        #expect(await juliet.inbox.message(within: .milliseconds(200)) == nil, "nothing bounced")

        let romeo = try await Online.connect(server, "romeo@example.net/orchard")
        // Nothing before initial presence (§4).
        #expect(await romeo.inbox.message(within: .milliseconds(300)) == nil)
        try await romeo.available()
        var bodies: [String] = []
        for _ in 1...5 {
            guard let message = await romeo.inbox.message() else { break }
            bodies.append(message.body ?? "")
            let delay = message.payload(named: "delay", namespace: Namespace.delay)
            #expect(delay?[attribute: "from"] == "example.net")
            #expect(delay?[attribute: "stamp"]?.hasSuffix("Z") == true)
            #expect(message.fromAttribute == "juliet@example.com/balcony")
        }
        #expect(bodies == (1...5).map { "message \($0)" })
        #expect(await romeo.inbox.message(within: .milliseconds(300)) == nil, "the headline was not stored")
        await romeo.close()

        // A second login gets nothing again.
        let again = try await Online.connect(server, "romeo@example.net/orchard")
        try await again.available()
        #expect(await again.inbox.message(within: .milliseconds(500)) == nil)
        for online in [juliet, again] { await online.close() }
        await server.stop()
    }

    @Test func aNegativePriorityDefersDelivery() async throws {
        let server = try await TestServer(accounts: ["juliet@example.com", "romeo@example.net"])
        let juliet = try await Online.connect(server, "juliet@example.com/balcony")
        try await juliet.client.send(Message(type: .normal, to: try JID("romeo@example.net"), body: "later"))
        _ = try await juliet.ask(to: "example.com", XMPPElement("ping", namespace: Namespace.ping))
        let romeo = try await Online.connect(server, "romeo@example.net/orchard")
        try await romeo.available(priority: -1)
        #expect(await romeo.inbox.message(within: .milliseconds(400)) == nil)
        await romeo.close()
        let later = try await Online.connect(server, "romeo@example.net/orchard")
        try await later.available(priority: 1)
        #expect(await later.inbox.message()?.body == "later")
        for online in [juliet, later] { await online.close() }
        await server.stop()
    }

    @Test func aFullQueueAnswersServiceUnavailable() async throws {
        let server = try await TestServer(accounts: ["juliet@example.com", "romeo@example.net"]) { $0.modules.maxOfflineMessages = 2 }
        let juliet = try await Online.connect(server, "juliet@example.com/balcony")
        for index in 1...3 {
            try await juliet.client.send(Message(type: .chat, id: "m\(index)", to: try JID("romeo@example.net"), body: "\(index)"))
        }
        let bounce = try #require(await juliet.inbox.message { $0.isError })
        #expect(bounce.id == "m3")
        #expect(bounce.error?.condition == .serviceUnavailable)
        await juliet.close()
        await server.stop()
    }
}
