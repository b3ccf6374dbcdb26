import Foundation
import SwiftASN1
import X509

/// A certificate chain (leaf first) and the leaf's private key, parsed from PEM
/// files, with the PEM text kept for NIOSSL.
struct CertificateBundle: Sendable {
    /// The chain, leaf first.
    let chain: [Certificate]
    /// The leaf's private key.
    let privateKey: Certificate.PrivateKey
    /// Each certificate of `chain`, DER-encoded.
    let chainDER: [[UInt8]]
    /// The private key file's PEM text, as NIOSSL reads it.
    let privateKeyPEM: String
    /// The files the bundle was read from.
    let files: CertificateFiles

    /// The leaf certificate.
    var leaf: Certificate { chain[0] }

    /// Reads and parses the chain and key named by `files`.
    ///
    /// - Throws: `CertificateError` with `.fileUnreadable` when a file is missing
    ///   or unreadable, `.malformed` when it holds no PEM certificate or key, or
    ///   one swift-certificates cannot parse.
    static func load(_ files: CertificateFiles) throws(CertificateError) -> CertificateBundle {
        let chainPEM = try read(files.certificateChainPath, what: "certificate file")
        let keyPEM = try read(files.privateKeyPath, what: "key file")
        let chain = try parseChain(chainPEM, path: files.certificateChainPath)
        let privateKey: Certificate.PrivateKey
        do {
            privateKey = try Certificate.PrivateKey(pemEncoded: keyPEM)
        } catch {
            throw CertificateError(
                .malformed,
                "the key file '\(files.privateKeyPath)' holds no PEM private key Needletail can read (PKCS #8, SEC 1 or PKCS #1; RSA, ECDSA P-256/384/521 or Ed25519)"
            )
        }
        do {
            let der = try chain.map { certificate in
                var serializer = DER.Serializer()
                try serializer.serialize(certificate)
                return serializer.serializedBytes
            }
            return CertificateBundle(chain: chain, privateKey: privateKey, chainDER: der, privateKeyPEM: keyPEM, files: files)
        } catch {
            throw CertificateError(.malformed, "the certificate file '\(files.certificateChainPath)' holds a certificate that cannot be encoded again: \(error)")
        }
    }

    /// The certificates of a PEM document, in order.
    static func parseChain(_ pem: String, path: String) throws(CertificateError) -> [Certificate] {
        let documents: [PEMDocument]
        do {
            documents = try PEMDocument.parseMultiple(pemString: pem)
        } catch {
            throw CertificateError(.malformed, "the certificate file '\(path)' is not PEM (it should hold '-----BEGIN CERTIFICATE-----' blocks)")
        }
        let certificates = documents.filter { $0.discriminator == Certificate.defaultPEMDiscriminator }
        guard !certificates.isEmpty else {
            throw CertificateError(.malformed, "the certificate file '\(path)' holds no certificate (no '-----BEGIN CERTIFICATE-----' block)")
        }
        var chain: [Certificate] = []
        for (index, document) in certificates.enumerated() {
            do {
                chain.append(try Certificate(pemDocument: document))
            } catch {
                throw CertificateError(.malformed, "certificate \(index + 1) in '\(path)' cannot be parsed: \(error)")
            }
        }
        return chain
    }

    private static func read(_ path: String, what: String) throws(CertificateError) -> String {
        guard FileManager.default.fileExists(atPath: path) else {
            throw CertificateError(.fileUnreadable, "the \(what) '\(path)' does not exist")
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CertificateError(.fileUnreadable, "the \(what) '\(path)' cannot be read (check its permissions)")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw CertificateError(.malformed, "the \(what) '\(path)' is not PEM text")
        }
        return text
    }
}
