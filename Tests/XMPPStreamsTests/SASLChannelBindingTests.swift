import Foundation
import Testing
import XMPPCore
import XMPPStreams

/// `tls-server-end-point` channel binding data (RFC 5929 §4.1) from real
/// certificates made with OpenSSL (`openssl req -x509 ...`, one per signature
/// algorithm); the expected hashes are `sha256sum`, `sha384sum` and
/// `sha512sum` of the DER files.
@Suite("SASL channel binding")
struct SASLChannelBindingTests {
    struct Certificate: Sendable, CustomTestStringConvertible {
        let algorithm: String
        let der: String
        let expectedHash: String

        var testDescription: String { algorithm }
    }

    static let certificates = [
        Certificate(
            algorithm: "ecdsa-with-SHA256",
            der: """
                MIIBbTCCAROgAwIBAgIUZuyDbqBcYfObHJp9V6QIWfLslu4wCgYIKoZIzj0EAwIwDDEKMAgGA1UEAwwBYTAeFw0yNjExMjUwNzQ5
                MTBaFw0yNjExMjYwNzQ5MTBaMAwxCjAIBgNVBAMMAWEwWTATBgcqhkjOPQIBBggqhkjOPQMBBwNCAATn3pjleLJlSePeXC7RSs7U
                f0Dtnh3OeBAOo0mmbnKwrSsEV8HYTNgvTdhU4uzLxtxOPC9C8tuBHOcQXU4OE60Uo1MwUTAdBgNVHQ4EFgQU+aWdahK55XAXkLoF
                Z0/VUev02T4wHwYDVR0jBBgwFoAU+aWdahK55XAXkLoFZ0/VUev02T4wDwYDVR0TAQH/BAUwAwEB/zAKBggqhkjOPQQDAgNIADBF
                AiEAyDZvwnTh+VTW9guYOwu5R8LxrDEkF66M88azM710TwkCIEe3s6T/rSFV6Ypbopy8J099BGdIsraA6FIHkVi22ZCb
                """,
            expectedHash: "bbf621fc1c2f4827d652b0a13dd760789033ad5510443e5afafa3889acfd3565"
        ),
        Certificate(
            algorithm: "ecdsa-with-SHA384",
            der: """
                MIIBbTCCAROgAwIBAgIUaquch9oBJNDWlYuLrQqA3FudMH4wCgYIKoZIzj0EAwMwDDEKMAgGA1UEAwwBYTAeFw0yNjExMjUwNzQ5
                MTBaFw0yNjExMjYwNzQ5MTBaMAwxCjAIBgNVBAMMAWEwWTATBgcqhkjOPQIBBggqhkjOPQMBBwNCAATn3pjleLJlSePeXC7RSs7U
                f0Dtnh3OeBAOo0mmbnKwrSsEV8HYTNgvTdhU4uzLxtxOPC9C8tuBHOcQXU4OE60Uo1MwUTAdBgNVHQ4EFgQU+aWdahK55XAXkLoF
                Z0/VUev02T4wHwYDVR0jBBgwFoAU+aWdahK55XAXkLoFZ0/VUev02T4wDwYDVR0TAQH/BAUwAwEB/zAKBggqhkjOPQQDAwNIADBF
                AiEAgPZaZpIR2DjLRYlsaHdhdk2MNYGpPLi+ZsYjmI3WkTcCIBxOtjqH6JV3jbE1pfZBXrYt4FSq3cKvR+AwMf8zAuKF
                """,
            expectedHash: "bdfc6e9f7a4751d170f97cf5a4e20e9aad968d3764ec9e08f011e837ba68fc17c86caebd03039e52ec97f5ae9f8fa24a"
        ),
        Certificate(
            algorithm: "ecdsa-with-SHA512",
            der: """
                MIIBbTCCAROgAwIBAgIUfK9+IemkbFLOhv1+AAX173smumYwCgYIKoZIzj0EAwQwDDEKMAgGA1UEAwwBYTAeFw0yNjExMjUwNzQ5
                MTBaFw0yNjExMjYwNzQ5MTBaMAwxCjAIBgNVBAMMAWEwWTATBgcqhkjOPQIBBggqhkjOPQMBBwNCAATn3pjleLJlSePeXC7RSs7U
                f0Dtnh3OeBAOo0mmbnKwrSsEV8HYTNgvTdhU4uzLxtxOPC9C8tuBHOcQXU4OE60Uo1MwUTAdBgNVHQ4EFgQU+aWdahK55XAXkLoF
                Z0/VUev02T4wHwYDVR0jBBgwFoAU+aWdahK55XAXkLoFZ0/VUev02T4wDwYDVR0TAQH/BAUwAwEB/zAKBggqhkjOPQQDBANIADBF
                AiEAq70Ku3iTj/jgK/2HA78qwL3M5+2QzxefgpfrK//DuNECIDNTNUxbbAX2kdF1YN8+qvmzs0VH/lns6zsI92Ok1oG6
                """,
            expectedHash: "1994ba4bf8b02d48b89ed4a294034207ad507a099fe4f16d1a19c202bc5e59e474d6edd73fd0cf296de0e5efcb7334c915a1643f90d202f06868704c29a6ada5"
        ),
        Certificate(
            algorithm: "ecdsa-with-SHA1 (SHA-256 instead)",
            der: """
                MIIBbDCCARKgAwIBAgIUG1/D108rjoP1S5vN3Nvf79N6YpAwCQYHKoZIzj0EATAMMQowCAYDVQQDDAFhMB4XDTI2MTEyNTA3NDkx
                MFoXDTI2MTEyNjA3NDkxMFowDDEKMAgGA1UEAwwBYTBZMBMGByqGSM49AgEGCCqGSM49AwEHA0IABOfemOV4smVJ495cLtFKztR/
                QO2eHc54EA6jSaZucrCtKwRXwdhM2C9N2FTi7MvG3E48L0Ly24Ec5xBdTg4TrRSjUzBRMB0GA1UdDgQWBBT5pZ1qErnlcBeQugVn
                T9VR6/TZPjAfBgNVHSMEGDAWgBT5pZ1qErnlcBeQugVnT9VR6/TZPjAPBgNVHRMBAf8EBTADAQH/MAkGByqGSM49BAEDSQAwRgIh
                AMdxK2dSQOShGYgCw4S9+JX9rUhEygLOuqjAIbn8iUv9AiEArZ86Nj9oE9C4/q+Q5XhcmvYB05YrH3ZJFw1eFAx43b0=
                """,
            expectedHash: "c7102f42d6b6da14de25f85db6cc1171017f6b45e9e0bc044ab1df164ea47380"
        ),
        Certificate(
            algorithm: "md5WithRSAEncryption (SHA-256 instead)",
            der: """
                MIIB9DCCAV2gAwIBAgIUFNzQuSQQe+iD3iqW24iYUYDzrMUwDQYJKoZIhvcNAQEEBQAwDDEKMAgGA1UEAwwBYTAeFw0yNjExMjUw
                NzQ5MTBaFw0yNjExMjYwNzQ5MTBaMAwxCjAIBgNVBAMMAWEwgZ8wDQYJKoZIhvcNAQEBBQADgY0AMIGJAoGBAOFzqzMGzOAkGYVn
                bQgh046vn7cWvyXRrsk3+RqpXrfceSDMbD4nvkSeAsUJ7bqCWVkBN+eVUk6/+WC/5+EFewjiOQyf+JF0VsYm3bIAwiuI7M7edawI
                EUd4KH8efp/vQ79KTsno015Rv69GaDihOhhlyWatStm2kKHiDIiuI17TAgMBAAGjUzBRMB0GA1UdDgQWBBQ8i00i6wDkXul23lVh
                oMhF+IafRTAfBgNVHSMEGDAWgBQ8i00i6wDkXul23lVhoMhF+IafRTAPBgNVHRMBAf8EBTADAQH/MA0GCSqGSIb3DQEBBAUAA4GB
                AHyowkd3Y3M6phbFtyDPe1VeESVKXMdocRes0YK1EPXfdIffkxaBt3CTRCjJbCeafNGA/CwIt11nBtoaza8OwGQsmSZjDpSkq8tc
                accg/cNFpl18p8s0rlz31PTpc/zODIb580qK5gariZGCDRYzj957g/8zEvLMlp+mjBtLryXw
                """,
            expectedHash: "9fb06102326c9fe8106bea784dfd65e735f2121daa0a4ea4a66f7a90433257dd"
        ),
        Certificate(
            algorithm: "sha512WithRSAEncryption",
            der: """
                MIIB9DCCAV2gAwIBAgIUJjrenYGHbgpO8EpRTto2FeceOpAwDQYJKoZIhvcNAQENBQAwDDEKMAgGA1UEAwwBYTAeFw0yNjExMjUw
                NzQ5MTNaFw0yNjExMjYwNzQ5MTNaMAwxCjAIBgNVBAMMAWEwgZ8wDQYJKoZIhvcNAQEBBQADgY0AMIGJAoGBAOFzqzMGzOAkGYVn
                bQgh046vn7cWvyXRrsk3+RqpXrfceSDMbD4nvkSeAsUJ7bqCWVkBN+eVUk6/+WC/5+EFewjiOQyf+JF0VsYm3bIAwiuI7M7edawI
                EUd4KH8efp/vQ79KTsno015Rv69GaDihOhhlyWatStm2kKHiDIiuI17TAgMBAAGjUzBRMB0GA1UdDgQWBBQ8i00i6wDkXul23lVh
                oMhF+IafRTAfBgNVHSMEGDAWgBQ8i00i6wDkXul23lVhoMhF+IafRTAPBgNVHRMBAf8EBTADAQH/MA0GCSqGSIb3DQEBDQUAA4GB
                ABm19yAIreOo0EO06AhAnvLohgjWE3Acf06USOTCgLs4HDPQgXk+w4ExS7xMV8/nZi67ezYq0Cqau9RwSMIBF7pbsYltl+vPojtT
                e6js2Xg9hogj1wElDyig8To+GDitQiT8s/ltVOa44QizdKIxXiF55PSY03ogfMvHuQCRNj/W
                """,
            expectedHash: "342a5f2bafac74a8071a2bee44161520c1a3ec1849b48fd22af9dcd91f3f96d08e00fe2b148720e10a9b7ef1a396664ab21d87c11142d78b2be8a7b81ce35c93"
        ),
        Certificate(
            algorithm: "RSASSA-PSS with SHA-384",
            der: """
                MIICUjCCAYygAwIBAgIUaIXXUexN7+tuqTh3UwOZx2LCMsEwPAYJKoZIhvcNAQEKMC+gDzANBglghkgBZQMEAgIFAKEcMBoGCSqG
                SIb3DQEBCDANBglghkgBZQMEAgIFADAMMQowCAYDVQQDDAFhMB4XDTI2MTEyNTA3NDkxM1oXDTI2MTEyNjA3NDkxM1owDDEKMAgG
                A1UEAwwBYTCBnzANBgkqhkiG9w0BAQEFAAOBjQAwgYkCgYEA4XOrMwbM4CQZhWdtCCHTjq+ftxa/JdGuyTf5Gqlet9x5IMxsPie+
                RJ4CxQntuoJZWQE355VSTr/5YL/n4QV7COI5DJ/4kXRWxibdsgDCK4jszt51rAgRR3gofx5+n+9Dv0pOyejTXlG/r0ZoOKE6GGXJ
                Zq1K2baQoeIMiK4jXtMCAwEAAaNTMFEwHQYDVR0OBBYEFDyLTSLrAORe6XbeVWGgyEX4hp9FMB8GA1UdIwQYMBaAFDyLTSLrAORe
                6XbeVWGgyEX4hp9FMA8GA1UdEwEB/wQFMAMBAf8wPAYJKoZIhvcNAQEKMC+gDzANBglghkgBZQMEAgIFAKEcMBoGCSqGSIb3DQEB
                CDANBglghkgBZQMEAgIFAAOBgQDEIijD4qbLzYZtlp0mcYwNWJMQkurDM3kWvOYeSN+pCFX6Mx7eXBWG3i6zOK1UiQvI28LefgvD
                DbdXw/tTvoraq81ovp1g4e7abVgQjmPy6CBxQdtVJFc1zLehw01l2AlYK3lUgvJeDipCVue2pvrpgkmWQGxqUsbPbjuGscmm3w==
                """,
            expectedHash: "0b4b8f9615e14dc4adc7308e5e9412b92f0a998c0a30bb05b11b70bd050d6198c4196c0e0b980a3ab54b81f869d5e9ca"
        ),
        Certificate(
            algorithm: "RSASSA-PSS with default SHA-1 (SHA-256 instead)",
            der: """
                MIIB9DCCAV2gAwIBAgIUTftpX2ew4BodYaHUMOTDekjId6YwDQYJKoZIhvcNAQEKMAAwDDEKMAgGA1UEAwwBYTAeFw0yNjExMjUw
                NzQ5MTNaFw0yNjExMjYwNzQ5MTNaMAwxCjAIBgNVBAMMAWEwgZ8wDQYJKoZIhvcNAQEBBQADgY0AMIGJAoGBAOFzqzMGzOAkGYVn
                bQgh046vn7cWvyXRrsk3+RqpXrfceSDMbD4nvkSeAsUJ7bqCWVkBN+eVUk6/+WC/5+EFewjiOQyf+JF0VsYm3bIAwiuI7M7edawI
                EUd4KH8efp/vQ79KTsno015Rv69GaDihOhhlyWatStm2kKHiDIiuI17TAgMBAAGjUzBRMB0GA1UdDgQWBBQ8i00i6wDkXul23lVh
                oMhF+IafRTAfBgNVHSMEGDAWgBQ8i00i6wDkXul23lVhoMhF+IafRTAPBgNVHRMBAf8EBTADAQH/MA0GCSqGSIb3DQEBCjAAA4GB
                AKsg6ClCe2jcGM+3WDKYKwjvWVRpVJskRFALRsmQOxtxIq3QEbPXxzn/c/8LsIzwvhEeLJ6QIYomBU3cXlUbRB3x6AAjLlLu0Dz1
                ew8lHLiVfsCumR++6185eHXWufCc5N7nm5raAr31STk1E9vTNjpoRnXV+rnVMdUNAyNTcaJ2
                """,
            expectedHash: "dd61ad4ee70fa58e6d970537116cf79165fa84ea9643122e247631b0d70c2be2"
        ),
    ]

    /// An Ed25519 certificate: no separate hash, so RFC 5929 gives no binding.
    static let ed25519 = """
        MIIBLDCB36ADAgECAhQuhve7Pa7zstj6h/fcpMTvwcEvrDAFBgMrZXAwDDEKMAgGA1UEAwwBYTAeFw0yNjExMjUwNzQ5MTBaFw0y
        NjExMjYwNzQ5MTBaMAwxCjAIBgNVBAMMAWEwKjAFBgMrZXADIQB7SIH5tPX7V/wIDgt56Cy3/wEeuYWzbKCki6P2oP2zVqNTMFEw
        HQYDVR0OBBYEFELISmFq5NKgJ52r2b/kAv7/fm9/MB8GA1UdIwQYMBaAFELISmFq5NKgJ52r2b/kAv7/fm9/MA8GA1UdEwEB/wQF
        MAMBAf8wBQYDK2VwA0EAu6T2/IpK3FwAhGmgoLhsS3oIrMgUImHzllVsDNNRM8PB5+K3IhtgLhxE0lNAw38EI75vpZMpvX4OPbFh
        kBiACw==
        """

    static func der(_ base64: String) throws -> [UInt8] {
        Array(try #require(Data(base64Encoded: base64.split(separator: "\n").joined())))
    }

    static func hex(_ bytes: [UInt8]) -> String {
        bytes.map { String(format: "%02x", $0) }.joined()
    }

    @Test("The certificate is hashed with its signature's hash, SHA-256 for MD5 and SHA-1", arguments: certificates)
    func hashesCertificate(certificate: Certificate) throws {
        let binding = try ChannelBinding.tlsServerEndPoint(certificateDER: Self.der(certificate.der))
        #expect(binding.kind == .tlsServerEndPoint)
        #expect(Self.hex(binding.data) == certificate.expectedHash)
    }

    @Test("Ed25519 certificates give no tls-server-end-point binding")
    func ed25519Unsupported() throws {
        let der = try Self.der(Self.ed25519)
        #expect { try ChannelBinding.tlsServerEndPoint(certificateDER: der) } throws: { error in
            (error as? SASLError)?.code == .unsupportedSignatureAlgorithm
        }
    }

    @Test("Garbage and every truncation of a certificate are refused without trapping")
    func malformed() throws {
        let der = try Self.der(Self.certificates[0].der)
        for length in 0..<der.count {
            #expect(throws: SASLError.self) { try ChannelBinding.tlsServerEndPoint(certificateDER: Array(der.prefix(length))) }
        }
        #expect(throws: SASLError.self) { try ChannelBinding.tlsServerEndPoint(certificateDER: [0x30, 0x84, 0xFF, 0xFF, 0xFF, 0xFF]) }
        #expect(throws: SASLError.self) { try ChannelBinding.tlsServerEndPoint(certificateDER: [0x30, 0x80, 0x00, 0x00]) }
        #expect(throws: SASLError.self) { try ChannelBinding.tlsServerEndPoint(certificateDER: der + [0]) }
    }

    @Test("Precomputed data is used as given")
    func precomputed() {
        #expect(ChannelBinding.tlsServerEndPoint(data: [1, 2, 3]).data == [1, 2, 3])
    }

    @Test("A server and client binding to the same certificate authenticate with -PLUS")
    func endToEnd() throws {
        let binding = try ChannelBinding.tlsServerEndPoint(certificateDER: Self.der(Self.certificates[0].der))
        var exchange = SASLFixtures.exchange(mechanism: .scramSHA256Plus, clientBinding: binding, serverBinding: binding)
        #expect(exchange.run(offered: ["SCRAM-SHA-256-PLUS"]) == .authenticated(client: .scramSHA256Plus, server: try JID("user@example.com")))
    }
}
