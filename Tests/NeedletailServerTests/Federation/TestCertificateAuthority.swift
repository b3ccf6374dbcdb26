import Crypto
import Foundation
import SwiftASN1
import X509
@testable import NeedletailServer

/// A certificate authority made for one test: its root as a PEM file, and leaf
/// certificates it issues for domains, written where a configuration can name
/// them. What lets two test servers authenticate each other by certificate.
struct TestCertificateAuthority {
    let directory: String
    let key = P256.Signing.PrivateKey()
    let name: DistinguishedName
    let root: Certificate

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("needletail-ca-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        name = try DistinguishedName { CommonName("Needletail test CA") }
        let privateKey = Certificate.PrivateKey(key)
        root = try Certificate(
            version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: privateKey.publicKey,
            notValidBefore: Date().addingTimeInterval(-3600), notValidAfter: Date().addingTimeInterval(86_400),
            issuer: name, subject: name, signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.isCertificateAuthority(maxPathLength: nil))
                Critical(KeyUsage(keyCertSign: true))
            },
            issuerPrivateKey: privateKey)
        try root.serializeAsPEM().pemString.write(toFile: rootPath, atomically: true, encoding: .utf8)
    }

    var rootPath: String { directory + "/ca.crt" }

    /// A certificate for `domain` signed by this authority, as configured files.
    func issue(for domain: String) throws -> CertificateFiles {
        let leafKey = P256.Signing.PrivateKey()
        let certificate = try Certificate(
            version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: Certificate.PrivateKey(leafKey).publicKey,
            notValidBefore: Date().addingTimeInterval(-3600), notValidAfter: Date().addingTimeInterval(86_400),
            issuer: name, subject: try DistinguishedName { CommonName(domain) }, signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.notCertificateAuthority)
                Critical(KeyUsage(digitalSignature: true))
                try ExtendedKeyUsage([.serverAuth, .clientAuth])
                SubjectAlternativeNames([.dnsName(domain)])
            },
            issuerPrivateKey: Certificate.PrivateKey(key))
        let files = CertificateFiles(certificateChainPath: directory + "/\(domain).crt", privateKeyPath: directory + "/\(domain).key")
        try certificate.serializeAsPEM().pemString.write(toFile: files.certificateChainPath, atomically: true, encoding: .utf8)
        try leafKey.pemRepresentation.write(toFile: files.privateKeyPath, atomically: true, encoding: .utf8)
        return files
    }

    func remove() {
        try? FileManager.default.removeItem(atPath: directory)
    }
}
