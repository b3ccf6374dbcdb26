import Foundation
import Testing
import XMPPStreams
@testable import NeedletailServer

/// `ServerConfiguration.validate(now:)`: every rule, with its sentence.
@Suite("Configuration validation")
struct ConfigValidationTests {
    /// A configuration whose data directory is a fresh temporary directory, so
    /// that no certificate or file of the machine running the tests matters.
    static func configuration(_ change: (inout ServerConfiguration) -> Void) throws -> (ServerConfiguration, ConfigFixtures.Directory) {
        let directory = try ConfigFixtures.Directory()
        var configuration = ServerConfiguration(storage: StorageConfiguration(dataDirectory: directory.file("data")))
        change(&configuration)
        return (configuration, directory)
    }

    static func problems(_ change: (inout ServerConfiguration) -> Void) throws -> [ConfigProblem] {
        let (configuration, directory) = try configuration(change)
        return withExtendedLifetime(directory) { configuration.validate() }
    }

    @Test("The defaults have no problem")
    func defaultsAreValid() throws {
        #expect(try Self.problems { _ in } == [])
    }

    @Test("Several domains are served side by side")
    func severalDomains() throws {
        #expect(try Self.problems { $0.domains = ["example.com", "example.org", "localhost"] } == [])
    }

    @Test("No domain")
    func noDomain() throws {
        #expect(try Self.problems { $0.domains = [] } == [
            ConfigProblem(key: "domains", message: "Key 'domains' is empty; list at least one domain to serve, such as [\"localhost\"]."),
        ])
    }

    @Test("An invalid domain is explained with the JID rule it breaks")
    func invalidDomain() throws {
        let problems = try Self.problems { $0.domains = ["exa mple.com"] }
        let problem = try #require(problems.first)
        #expect(problems.count == 1)
        #expect(problem.key == "domains")
        #expect(problem.message.hasPrefix("Domain 'exa mple.com' in 'domains' is not a valid XMPP domain: the domainpart is invalid"))
    }

    @Test("A domain not in normalized form")
    func unnormalizedDomain() throws {
        #expect(try Self.problems { $0.domains = ["Example.COM"] } == [
            ConfigProblem(key: "domains", message: "Domain 'Example.COM' in 'domains' is not in its normalized form; write it as 'example.com'."),
        ])
    }

    @Test("A domain listed twice")
    func duplicateDomain() throws {
        #expect(try Self.problems { $0.domains = ["example.com", "example.com"] } == [
            ConfigProblem(key: "domains", message: "Domain 'example.com' is listed more than once in 'domains'."),
        ])
    }

    @Test("No listener")
    func noListener() throws {
        #expect(try Self.problems { $0.listeners = [] } == [
            ConfigProblem(key: "listeners", message: "No listeners are configured, so no client could connect; add a [[listeners]] table or remove 'listeners' to get the defaults."),
        ])
    }

    @Test("Ports outside 0...65535", arguments: [-1, 65_536, 100_000])
    func portOutOfRange(port: Int) throws {
        #expect(try Self.problems { $0.listeners = [ListenerConfiguration(port: port, tls: .required)] } == [
            ConfigProblem(key: "listeners[1].port", message: "Key 'listeners[1].port' is \(port), outside the port range 0 to 65535."),
        ])
    }

    @Test("Port 0 (any free port) is allowed, several times")
    func portZero() throws {
        #expect(try Self.problems {
            $0.listeners = [ListenerConfiguration(port: 0, tls: .required), ListenerConfiguration(port: 0, tls: .direct)]
        } == [])
    }

    @Test("An empty host")
    func emptyHost() throws {
        #expect(try Self.problems { $0.listeners = [ListenerConfiguration(host: "", port: 5222, tls: .required)] } == [
            ConfigProblem(key: "listeners[1].host", message: "Key 'listeners[1].host' is empty; give an address to bind, such as \"::\" for every address or \"127.0.0.1\" for this machine only."),
        ])
    }

    @Test("Two listeners on one address and port")
    func duplicateListener() throws {
        #expect(try Self.problems {
            $0.listeners = [ListenerConfiguration(port: 5222, tls: .required), ListenerConfiguration(port: 5222, tls: .direct)]
        } == [
            ConfigProblem(key: "listeners[2]", message: "Listeners 'listeners[1]' and 'listeners[2]' both bind port 5222 on '::'; give each its own port or address."),
        ])
    }

    @Test("Overlapping addresses on one port", arguments: [
        ("::", "127.0.0.1"), ("0.0.0.0", "192.0.2.1"), ("127.0.0.1", "localhost"), ("::1", "::"),
    ])
    func overlappingListeners(first: String, second: String) throws {
        #expect(try Self.problems {
            $0.listeners = [ListenerConfiguration(host: first, port: 5222, tls: .required), ListenerConfiguration(host: second, port: 5222, tls: .required)]
        } == [
            ConfigProblem(key: "listeners[2]", message: "Listeners 'listeners[1]' and 'listeners[2]' both bind port 5222 on '\(first)' and '\(second)', which overlap; give each its own port or address."),
        ])
    }

    @Test("Distinct addresses may share a port", arguments: [("127.0.0.1", "127.0.0.2"), ("0.0.0.0", "::1"), ("192.0.2.1", "192.0.2.2")])
    func distinctAddresses(first: String, second: String) throws {
        #expect(try Self.problems {
            $0.listeners = [ListenerConfiguration(host: first, port: 5222, tls: .required), ListenerConfiguration(host: second, port: 5222, tls: .required)]
        } == [])
    }

    @Test("Trusted plaintext is refused off loopback", arguments: ["0.0.0.0", "::", "192.0.2.1", "example.com"])
    func trustedPlaintextOffLoopback(host: String) throws {
        #expect(try Self.problems { $0.listeners = [ListenerConfiguration(host: host, port: 5222, tls: .trustedPlaintext)] } == [
            ConfigProblem(key: "listeners[1].tls", message: "Key 'listeners[1].tls' is 'trusted-plaintext' on host '\(host)', which is not a loopback address; plaintext without TLS is only allowed on 127.0.0.1, ::1 or localhost."),
        ])
    }

    @Test("Trusted plaintext is allowed on loopback", arguments: ["127.0.0.1", "127.1.2.3", "::1", "0:0:0:0:0:0:0:1", "localhost"])
    func trustedPlaintextOnLoopback(host: String) throws {
        #expect(try Self.problems { $0.listeners = [ListenerConfiguration(host: host, port: 5222, tls: .trustedPlaintext)] } == [])
    }

    @Test("A stanza limit below RFC 6120's 10000 bytes")
    func stanzaLimit() throws {
        #expect(try Self.problems { $0.limits.maxStanzaBytes = 9_999 } == [
            ConfigProblem(key: "limits.max_stanza_bytes", message: "Key 'limits.max_stanza_bytes' is 9999, below the 10000 bytes RFC 6120 §13.12 requires servers to accept."),
        ])
    }

    @Test("A negotiation timeout below one second")
    func negotiationTimeout() throws {
        #expect(try Self.problems { $0.limits.negotiationTimeoutSeconds = 0 } == [
            ConfigProblem(key: "limits.negotiation_timeout_seconds", message: "Key 'limits.negotiation_timeout_seconds' is 0; it must be at least 1 second."),
        ])
    }

    @Test("No resource per account")
    func resourceLimit() throws {
        #expect(try Self.problems { $0.limits.maxResourcesPerAccount = 0 } == [
            ConfigProblem(key: "limits.max_resources_per_account", message: "Key 'limits.max_resources_per_account' is 0; it must be at least 1, or no client could bind a resource."),
        ])
    }

    @Test("A negative connection limit per address")
    func connectionLimit() throws {
        #expect(try Self.problems { $0.limits.maxConnectionsPerAddress = -1 } == [
            ConfigProblem(key: "limits.max_connections_per_ip", message: "Key 'limits.max_connections_per_ip' is -1; it must be 0 (no limit) or more."),
        ])
        #expect(try Self.problems { $0.limits.maxConnectionsPerAddress = 0 }.isEmpty)
    }

    @Test("An outgoing buffer smaller than a stanza")
    func outgoingBuffer() throws {
        #expect(try Self.problems { $0.limits.maxOutgoingBufferBytes = 1000 } == [
            ConfigProblem(key: "limits.max_outgoing_buffer_bytes", message: "Key 'limits.max_outgoing_buffer_bytes' is 1000; it must be 0 (no limit) or at least max_stanza_bytes (262144), so one stanza always fits."),
        ])
        #expect(try Self.problems { $0.limits.maxOutgoingBufferBytes = 0 }.isEmpty)
    }

    @Test("Negative delays for failed authentications")
    func failureDelays() throws {
        #expect(try Self.problems { $0.authentication.failureDelayMilliseconds = -1; $0.authentication.maxFailureDelayMilliseconds = -5 } == [
            ConfigProblem(key: "authentication.failure_delay_ms", message: "Key 'authentication.failure_delay_ms' is -1; it must be 0 (no delay) or more."),
            ConfigProblem(key: "authentication.max_failure_delay_ms", message: "Key 'authentication.max_failure_delay_ms' is -5; it must be 0 or more."),
        ])
    }

    @Test("No mechanism")
    func noMechanism() throws {
        #expect(try Self.problems { $0.authentication.mechanisms = [] } == [
            ConfigProblem(key: "authentication.mechanisms", message: "Key 'authentication.mechanisms' is empty, so no client could log in; list at least one of 'SCRAM-SHA-512-PLUS', 'SCRAM-SHA-256-PLUS', 'SCRAM-SHA-1-PLUS', 'SCRAM-SHA-512', 'SCRAM-SHA-256', 'SCRAM-SHA-1' or 'PLAIN'."),
        ])
    }

    @Test("A mechanism listed twice")
    func duplicateMechanism() throws {
        #expect(try Self.problems { $0.authentication.mechanisms = [.scramSHA256, .scramSHA256] } == [
            ConfigProblem(key: "authentication.mechanisms", message: "Mechanism 'SCRAM-SHA-256' is listed more than once in 'authentication.mechanisms'."),
        ])
    }

    @Test("Fewer than 4096 iterations")
    func iterations() throws {
        #expect(try Self.problems { $0.authentication.iterations = 4095 } == [
            ConfigProblem(key: "authentication.iterations", message: "Key 'authentication.iterations' is 4095, below the 4096 iterations RFC 7677 §4 asks for at least."),
        ])
        #expect(try Self.problems { $0.authentication.iterations = 4096 } == [])
    }

    @Test("Retries outside 2...5", arguments: [0, 1, 6])
    func retries(retries: Int) throws {
        #expect(try Self.problems { $0.authentication.maxRetries = retries } == [
            ConfigProblem(key: "authentication.max_retries", message: "Key 'authentication.max_retries' is \(retries); RFC 6120 §6.4.5 asks for 2 to 5 retries."),
        ])
    }

    @Test("Retries from 2 to 5 are fine", arguments: 2...5)
    func retriesAllowed(retries: Int) throws {
        #expect(try Self.problems { $0.authentication.maxRetries = retries } == [])
    }

    @Test("An empty data directory")
    func emptyDataDirectory() throws {
        #expect(try Self.problems { $0.storage.dataDirectory = "" } == [
            ConfigProblem(key: "storage.data_directory", message: "Key 'storage.data_directory' is empty; give the directory where the database and certificates are kept, such as \"./data\"."),
        ])
    }

    @Test("A data directory that is a file")
    func dataDirectoryIsFile() throws {
        let directory = try ConfigFixtures.Directory()
        let file = try directory.write("not-a-directory", "")
        let configuration = ServerConfiguration(storage: StorageConfiguration(dataDirectory: file))
        #expect(configuration.validate() == [
            ConfigProblem(key: "storage.data_directory", message: "Key 'storage.data_directory' names '\(file)', which is a file, not a directory."),
        ])
    }

    @Test("Problems come in the order of the example file")
    func order() throws {
        let problems = try Self.problems {
            $0.authentication.maxRetries = 9
            $0.domains = []
            $0.limits.maxStanzaBytes = 1
        }
        #expect(problems.map(\.key) == ["domains", "limits.max_stanza_bytes", "authentication.max_retries"])
    }
}
