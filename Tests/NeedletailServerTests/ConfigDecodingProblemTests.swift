import Testing
import XMPPStreams
@testable import NeedletailServer

/// The sentence of every problem the decoder reports, and how decoding carries
/// on past each.
@Suite("Configuration decoding problems")
struct ConfigDecodingProblemTests {
    struct ProblemCase: Sendable, CustomTestStringConvertible {
        let name: String
        let toml: String
        let key: String
        let message: String
        var testDescription: String { name }
    }

    static let problemCases: [ProblemCase] = [
        ProblemCase(
            name: "misspelt top-level key",
            toml: "listners = []",
            key: "listners",
            message: "Unknown key 'listners' in the top-level table; did you mean 'listeners'?"
        ),
        ProblemCase(
            name: "unknown key without a near match",
            toml: "[limits]\nbandwidth = 5",
            key: "limits.bandwidth",
            message: "Unknown key 'bandwidth' in the [limits] table; the keys it accepts are 'max_stanza_bytes', 'negotiation_timeout_seconds', 'max_resources_per_account', 'ping_interval_seconds', 'ping_timeout_seconds', 'max_connections_per_ip', 'max_outgoing_buffer_bytes' and 'max_bytes_per_second'."
        ),
        ProblemCase(
            name: "misspelt listener key",
            toml: "[[listeners]]\nprot = 5222",
            key: "listeners[1].prot",
            message: "Unknown key 'prot' in listeners[1]; did you mean 'port'?"
        ),
        ProblemCase(
            name: "misspelt certificate key",
            toml: "[tls.certificates.\"example.com\"]\ncertificate = \"a\"\nkey = \"b\"\nkye = \"c\"",
            key: "tls.certificates.\"example.com\".kye",
            message: "Unknown key 'kye' in the [tls.certificates.\"example.com\"] table; did you mean 'key'?"
        ),
        ProblemCase(
            name: "integer expected",
            toml: "[limits]\nmax_stanza_bytes = \"64k\"",
            key: "limits.max_stanza_bytes",
            message: "Key 'limits.max_stanza_bytes' must be an integer, but it is a string."
        ),
        ProblemCase(
            name: "string expected",
            toml: "log_level = 3",
            key: "log_level",
            message: "Key 'log_level' must be a string, but it is an integer."
        ),
        ProblemCase(
            name: "array expected",
            toml: "domains = \"example.com\"",
            key: "domains",
            message: "Key 'domains' must be an array of strings, but it is a string."
        ),
        ProblemCase(
            name: "array element of the wrong type",
            toml: "domains = [\"example.com\", 5]",
            key: "domains",
            message: "Element 2 of 'domains' must be a string, but it is an integer."
        ),
        ProblemCase(
            name: "table expected",
            toml: "limits = 5",
            key: "limits",
            message: "Key 'limits' must be a table, but it is an integer."
        ),
        ProblemCase(
            name: "array of tables expected",
            toml: "listeners = 5222",
            key: "listeners",
            message: "Key 'listeners' must be an array of tables ([[listeners]]), but it is an integer."
        ),
        ProblemCase(
            name: "boolean where an integer belongs",
            toml: "[authentication]\niterations = true",
            key: "authentication.iterations",
            message: "Key 'authentication.iterations' must be an integer, but it is a boolean."
        ),
        ProblemCase(
            name: "unknown log level",
            toml: "log_level = \"verbose\"",
            key: "log_level",
            message: "Key 'log_level' is 'verbose', which is not a log level; use 'trace', 'debug', 'info', 'notice', 'warning', 'error' or 'critical'."
        ),
        ProblemCase(
            name: "misspelt log level",
            toml: "log_level = \"warn\"",
            key: "log_level",
            message: "Key 'log_level' is 'warn', which is not a log level; did you mean 'warning'?"
        ),
        ProblemCase(
            name: "unknown listener kind",
            toml: "[[listeners]]\nkind = \"component\"",
            key: "listeners[1].kind",
            message: "Key 'listeners[1].kind' is 'component', which is not a listener kind; use 'c2s' or 's2s'."
        ),
        ProblemCase(
            name: "unknown TLS mode",
            toml: "[[listeners]]\ntls = \"none\"",
            key: "listeners[1].tls",
            message: "Key 'listeners[1].tls' is 'none', which is not a TLS mode; use 'starttls', 'direct', 'starttls-optional' or 'trusted-plaintext'."
        ),
        ProblemCase(
            name: "mechanism in lower case",
            toml: "[authentication]\nmechanisms = [\"scram-sha-256\"]",
            key: "authentication.mechanisms",
            message: "Key 'authentication.mechanisms' is 'scram-sha-256', which is not a SASL mechanism Needletail speaks; did you mean 'SCRAM-SHA-256'?"
        ),
        ProblemCase(
            name: "unknown mechanism",
            toml: "[authentication]\nmechanisms = [\"DIGEST-MD5\"]",
            key: "authentication.mechanisms",
            message: "Key 'authentication.mechanisms' is 'DIGEST-MD5', which is not a SASL mechanism Needletail speaks; use 'SCRAM-SHA-512-PLUS', 'SCRAM-SHA-256-PLUS', 'SCRAM-SHA-1-PLUS', 'SCRAM-SHA-512', 'SCRAM-SHA-256', 'SCRAM-SHA-1' or 'PLAIN'."
        ),
        ProblemCase(
            name: "certificate table without a key",
            toml: "[tls.certificates.\"example.com\"]\ncertificate = \"a.pem\"",
            key: "tls.certificates.\"example.com\".key",
            message: "The table 'tls.certificates.\"example.com\"' has no 'key'; set it to the PEM file holding the private key for 'example.com'."
        ),
        ProblemCase(
            name: "certificate table without a certificate",
            toml: "[tls.certificates.\"example.com\"]\nkey = \"a.key\"",
            key: "tls.certificates.\"example.com\".certificate",
            message: "The table 'tls.certificates.\"example.com\"' has no 'certificate'; set it to the PEM file holding the certificate chain for 'example.com', leaf first."
        ),
    ]

    @Test("Each problem is one sentence naming its key", arguments: problemCases)
    func problem(_ problemCase: ProblemCase) {
        let result = ConfigDecodingTests.decode(problemCase.toml)
        #expect(result.problems == [ConfigProblem(key: problemCase.key, message: problemCase.message)])
    }

    @Test("A mechanism list with a misspelt name keeps the default list")
    func misspeltMechanismKeepsDefault() {
        let result = ConfigDecodingTests.decode("[authentication]\nmechanisms = [\"SCRAM-SHA-256\", \"SCRAM-SHA-265\"]")
        #expect(result.problems.count == 1)
        #expect(result.configuration.authentication.mechanisms == SASLMechanism.allCases)
    }

    @Test("A value of the wrong type keeps the default")
    func wrongTypeKeepsDefault() {
        let result = ConfigDecodingTests.decode("[limits]\nmax_stanza_bytes = \"64k\"\nmax_resources_per_account = 3")
        #expect(result.configuration.limits.maxStanzaBytes == LimitsConfiguration().maxStanzaBytes)
        #expect(result.configuration.limits.maxResourcesPerAccount == 3)
    }

    @Test("Every problem is reported, not only the first")
    func everyProblemReported() {
        let result = ConfigDecodingTests.decode("""
            listners = []
            log_level = "loud"
            [limits]
            max_stanza_bytes = "big"
            """)
        #expect(result.problems.map(\.key) == ["log_level", "limits.max_stanza_bytes", "listners"])
    }

    @Test("A document that is not TOML is one problem with its position")
    func syntaxError() throws {
        let result = ServerConfiguration.decode(toml: "domains = [\"a\"\nport = ", source: "The file 'x.toml'")
        let problem = try #require(result.problems.first)
        #expect(result.problems.count == 1)
        #expect(problem.key == "")
        #expect(problem.message.hasPrefix("The file 'x.toml' is not valid TOML at line "))
        #expect(problem.message.hasSuffix("."))
        #expect(result.configuration == ServerConfiguration())
    }

    @Test("Suggestions come from edit distance, transpositions counting once", arguments: [
        ("listners", "listeners"), ("lsiteners", "listeners"), ("domain", "domains"), ("LOG_LEVEL", "log_level"),
    ])
    func suggestion(key: String, expected: String) {
        #expect(KeySuggestion.nearest(to: key, among: ConfigKeys.topLevel) == expected)
    }

    @Test("No suggestion for a key far from every known one")
    func noSuggestion() {
        #expect(KeySuggestion.nearest(to: "plugins", among: ConfigKeys.topLevel) == nil)
        #expect(KeySuggestion.editDistance(Array("kitten".unicodeScalars), Array("sitting".unicodeScalars)) == 3)
    }
}
