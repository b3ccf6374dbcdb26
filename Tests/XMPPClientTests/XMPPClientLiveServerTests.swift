import Foundation
import Testing
import XMPPCore
import XMPPClient
import XMPPStreams

/// Against a real XMPP server (ours, Prosody, ejabberd), when one is named in the
/// environment; skipped otherwise.
///
/// - `NEEDLETAIL_TEST_XMPP_JID`, `NEEDLETAIL_TEST_XMPP_PASSWORD`: an existing account (required).
/// - `NEEDLETAIL_TEST_XMPP_HOST`, `NEEDLETAIL_TEST_XMPP_PORT`: where to dial (default: the JID's domain, 5222/5223).
/// - `NEEDLETAIL_TEST_XMPP_TLS`: `starttls` (default), `direct` or `plaintext`.
/// - `NEEDLETAIL_TEST_XMPP_CA_FILE`: a PEM file of trust roots; `NEEDLETAIL_TEST_XMPP_NO_VERIFY=1` accepts any certificate.
/// - `NEEDLETAIL_TEST_XMPP_CHANNEL_BINDING`: `advertised` (default), `offered` or `never` (SCRAM -PLUS policy).
@Suite("XMPPClient against a live server (opt-in)")
struct XMPPClientLiveServerTests {
    static let configuration = liveConfiguration()

    static func liveConfiguration() -> XMPPClient.Configuration? {
        let environment = ProcessInfo.processInfo.environment
        guard let jidText = environment["NEEDLETAIL_TEST_XMPP_JID"], let password = environment["NEEDLETAIL_TEST_XMPP_PASSWORD"],
              let jid = try? JID(jidText) else { return nil }
        var configuration = XMPPClient.Configuration(jid: jid, password: password)
        configuration.host = environment["NEEDLETAIL_TEST_XMPP_HOST"]
        configuration.port = environment["NEEDLETAIL_TEST_XMPP_PORT"].flatMap { Int($0) }
        switch environment["NEEDLETAIL_TEST_XMPP_TLS"]?.lowercased() {
        case "direct": configuration.tls = .directTLS
        case "plaintext": configuration.tls = .plaintext
        default: configuration.tls = .startTLS
        }
        switch environment["NEEDLETAIL_TEST_XMPP_CHANNEL_BINDING"]?.lowercased() {
        case "offered": configuration.channelBinding = .wheneverOffered
        case "never": configuration.channelBinding = .never
        default: configuration.channelBinding = .whenAdvertised
        }
        if environment["NEEDLETAIL_TEST_XMPP_NO_VERIFY"] == "1" {
            configuration.certificateVerification = .noVerification
        } else if let path = environment["NEEDLETAIL_TEST_XMPP_CA_FILE"], let pem = try? String(contentsOfFile: path, encoding: .utf8) {
            configuration.certificateVerification = .trustRoots([pem])
        }
        return configuration
    }

    @Test(.enabled(
        if: configuration != nil,
        "set NEEDLETAIL_TEST_XMPP_JID and NEEDLETAIL_TEST_XMPP_PASSWORD (optionally _HOST, _PORT, _TLS, _CA_FILE, _NO_VERIFY, _CHANNEL_BINDING) to run against a real server"))
    func connectsQueriesAndCloses() async throws {
        let configuration = try #require(Self.configuration)
        let client = XMPPClient(configuration: configuration)
        try await client.connect()
        let bound = try #require(client.boundJID)
        #expect(bound.bare == configuration.jid.bare)
        #expect(bound.isFull)

        // RFC 6121 §2.1.3: the roster, answered by our own server (no 'to').
        let roster = try await client.iq(IQ(type: .get, id: "", payload: XMPPElement("query", namespace: Namespace.roster)))
        #expect(roster.type == .result)

        // XEP-0199 to the server; a server without ping answers with a stanza error, which is thrown.
        do {
            let pong = try await client.iq(
                IQ(type: .get, id: "", to: configuration.jid.domain, payload: XMPPElement("ping", namespace: Namespace.ping)),
                timeout: .seconds(10))
            #expect(pong.type == .result)
        } catch let error as StanzaError {
            #expect(error.condition == .serviceUnavailable || error.condition == .featureNotImplemented)
        }

        // Initial presence comes back to the sending resource (RFC 6121 §4.2.2).
        try await client.send(Presence())
        // If it never comes, the watchdog closes the session, which ends the loop.
        let watchdog = Task {
            try await Task.sleep(for: .seconds(10))
            await client.close()
        }
        var sawOwnPresence = false
        for await stanza in client.incoming {
            if case .presence(let presence) = stanza, (try? presence.from) == bound {
                sawOwnPresence = true
                break
            }
        }
        watchdog.cancel()
        #expect(sawOwnPresence)
        await client.close()
        #expect(client.boundJID == nil)
        #expect(client.terminationError == nil)
    }
}
