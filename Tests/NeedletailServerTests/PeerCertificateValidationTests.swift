import Crypto
import Foundation
import SwiftASN1
import Testing
import X509
@testable import NeedletailServer

/// RFC 6120 §13.7.2 / XEP-0178: what a peer server's certificate proves.
@Suite("Peer certificate validation for federation")
struct PeerCertificateValidationTests {
    static let caKey = Certificate.PrivateKey(P256.Signing.PrivateKey())

    static func ca() throws -> Certificate {
        let name = try DistinguishedName { CommonName("Needletail Test CA") }
        let key = caKey
        return try Certificate(
            version: .v3, serialNumber: .init(), publicKey: key.publicKey,
            notValidBefore: Date().addingTimeInterval(-3600), notValidAfter: Date().addingTimeInterval(86400),
            issuer: name, subject: name, signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.isCertificateAuthority(maxPathLength: nil))
                Critical(KeyUsage(keyCertSign: true))
            },
            issuerPrivateKey: key)
    }

    static func leaf(names: [GeneralName], issuedBy issuer: Certificate?, validFor lifetime: TimeInterval = 86400) throws -> Certificate {
        let key = Certificate.PrivateKey(P256.Signing.PrivateKey())
        let subject = try DistinguishedName { CommonName("server") }
        return try Certificate(
            version: .v3, serialNumber: .init(), publicKey: key.publicKey,
            notValidBefore: Date().addingTimeInterval(-3600), notValidAfter: Date().addingTimeInterval(lifetime),
            issuer: issuer?.subject ?? subject, subject: subject, signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.notCertificateAuthority)
                try ExtendedKeyUsage([.serverAuth, .clientAuth])
                SubjectAlternativeNames(names)
            },
            issuerPrivateKey: issuer == nil ? key : caKey)
    }

    static func otherName(_ oid: ASN1ObjectIdentifier, utf8 value: String) throws -> GeneralName {
        .otherName(.init(typeID: oid, value: try ASN1Any(erasing: ASN1UTF8String(value))))
    }

    @Test func aChainFromATrustedRootProvesItsNames() async throws {
        let ca = try Self.ca()
        let leaf = try Self.leaf(names: [
            .dnsName("montague.example"),
            try Self.otherName(PeerCertificateValidation.xmppAddr, utf8: "chat.montague.example"),
            .otherName(.init(typeID: PeerCertificateValidation.srvName, value: try ASN1Any(erasing: ASN1IA5String("_xmpp-server.srv.montague.example")))),
        ], issuedBy: ca)
        let names = await PeerCertificateValidation(roots: CertificateStore([ca])).validatedNames(chain: [leaf])
        #expect(names == ["montague.example", "chat.montague.example", "srv.montague.example"])
    }

    @Test func untrustedSelfSignedAndExpiredChainsProveNothing() async throws {
        let ca = try Self.ca()
        let validation = PeerCertificateValidation(roots: CertificateStore([ca]))
        let selfSigned = try Self.leaf(names: [.dnsName("montague.example")], issuedBy: nil)
        #expect(await validation.validatedNames(chain: [selfSigned]).isEmpty)
        let expired = try Self.leaf(names: [.dnsName("montague.example")], issuedBy: ca, validFor: -60)
        #expect(await validation.validatedNames(chain: [expired]).isEmpty)
        let trusted = try Self.leaf(names: [.dnsName("montague.example")], issuedBy: ca)
        #expect(await PeerCertificateValidation(roots: CertificateStore()).validatedNames(chain: [trusted]).isEmpty)
        #expect(await validation.validatedNames(chain: []).isEmpty)
    }
}
