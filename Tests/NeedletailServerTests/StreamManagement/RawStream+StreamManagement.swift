import XMPPCore
import XMPPStreams
@testable import NeedletailServer

extension RawStream {
    /// Logs in with PLAIN on a trusted-plaintext listener, restarts the stream
    /// and waits for the features after authentication.
    static func authenticated(port: Int, as username: String) async throws -> (RawStream, features: XMPPElement?) {
        let (stream, _) = try await RawStream.open(port: port)
        guard try await stream.authenticate(username, password: TestServer.password) else { return (stream, nil) }
        try await stream.send(RawStream.header)
        let features = await stream.next { $0.name == "features" && $0.namespace == Namespace.stream }
        return (stream, features)
    }

    /// Binds `resource`; the bound JID.
    func bind(_ resource: String) async throws -> String? {
        try await send("<iq type='set' id='bind'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'><resource>\(resource)</resource></bind></iq>")
        let answer = await next { $0.name == "iq" && $0[attribute: "id"] == "bind" }
        return answer?.firstElement(named: "bind", namespace: Namespace.bind)?.childText("jid", namespace: Namespace.bind)
    }

    /// The next stream management element.
    func nextStreamManagement(named name: String) async -> XMPPElement? {
        await next { $0.namespace == Namespace.streamManagement && $0.name == name }
    }
}

/// A server with a trusted-plaintext listener (its last port) for raw streams.
func streamManagementServer(
    accounts: [String], configure: @escaping (inout ServerConfiguration) -> Void = { _ in }
) async throws -> (TestServer, plaintextPort: Int) {
    let server = try await TestServer(accounts: accounts) { configuration in
        configuration.listeners.append(ListenerConfiguration(host: "127.0.0.1", port: 0, tls: .trustedPlaintext))
        configure(&configuration)
    }
    return (server, server.ports[2])
}
