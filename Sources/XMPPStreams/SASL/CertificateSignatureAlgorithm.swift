import SwiftASN1

/// Just enough X.509 (RFC 5280 §4.1) to find a certificate's signature
/// algorithm, for `tls-server-end-point` (RFC 5929 §4.1), read with swift-asn1:
///
///     Certificate ::= SEQUENCE { tbsCertificate TBSCertificate,
///                                signatureAlgorithm AlgorithmIdentifier,
///                                signatureValue BIT STRING }
///
/// The whole certificate must be valid DER; anything else is
/// ``SASLError/Code/malformedCertificate``.
enum CertificateSignatureAlgorithm {
    /// The hash functions `tls-server-end-point` can end up with.
    enum EndPointHash: Equatable {
        case sha256, sha384, sha512
    }

    /// The hash RFC 5929 §4.1 prescribes for this certificate.
    static func endPointHash(certificateDER: [UInt8]) throws(SASLError) -> EndPointHash {
        let signatureAlgorithm: SignatureAlgorithmIdentifier
        do {
            signatureAlgorithm = try DER.sequence(DER.parse(certificateDER), identifier: .sequence) { fields in
                guard fields.next() != nil, let algorithm = fields.next(), fields.next() != nil else {
                    throw ASN1Error.invalidASN1Object(reason: "a Certificate has three fields")
                }
                return try SignatureAlgorithmIdentifier(derEncoded: algorithm)
            }
        } catch {
            throw .malformedCertificate("no readable signatureAlgorithm: \(error)")
        }
        switch signatureAlgorithm.algorithm {
        case .md5WithRSA, .sha1WithRSA, .sha256WithRSA, .ecdsaWithSHA1, .ecdsaWithSHA256, .dsaWithSHA1, .dsaWithSHA256:
            return .sha256
        case .sha384WithRSA, .ecdsaWithSHA384:
            return .sha384
        case .sha512WithRSA, .ecdsaWithSHA512:
            return .sha512
        case .rsassaPSS:
            return try pssHash(parameters: signatureAlgorithm.parameters)
        default:
            throw .unsupportedSignatureAlgorithm("signature algorithm \(signatureAlgorithm.algorithm)")
        }
    }

    /// The hash of RSASSA-PSS parameters (RFC 4055 §3.1):
    ///
    ///     RSASSA-PSS-params ::= SEQUENCE {
    ///         hashAlgorithm    [0] EXPLICIT HashAlgorithm DEFAULT sha1,
    ///         maskGenAlgorithm [1] EXPLICIT MaskGenAlgorithm DEFAULT mgf1SHA1,
    ///         saltLength       [2] EXPLICIT INTEGER DEFAULT 20,
    ///         trailerField     [3] EXPLICIT TrailerField DEFAULT trailerFieldBC }
    ///
    /// SHA-1 (the default) maps to SHA-256.
    private static func pssHash(parameters: ASN1Node?) throws(SASLError) -> EndPointHash {
        guard let parameters else { throw .malformedCertificate("RSASSA-PSS without parameters") }
        let hash: ASN1ObjectIdentifier?
        do {
            hash = try DER.sequence(parameters, identifier: .sequence) { fields in
                let hash = try DER.optionalExplicitlyTagged(&fields, tagNumber: 0, tagClass: .contextSpecific) { node in
                    try SignatureAlgorithmIdentifier(derEncoded: node).algorithm
                }
                // The mask generation function, salt length and trailer field do
                // not affect the binding; they are skipped.
                while fields.next() != nil {}
                return hash
            }
        } catch {
            throw .malformedCertificate("RSASSA-PSS parameters: \(error)")
        }
        switch hash ?? .sha1 {
        case .sha1, .sha256: return .sha256
        case .sha384: return .sha384
        case .sha512: return .sha512
        case let other: throw .unsupportedSignatureAlgorithm("RSASSA-PSS hash \(other)")
        }
    }
}

/// `AlgorithmIdentifier ::= SEQUENCE { algorithm OBJECT IDENTIFIER, parameters ANY OPTIONAL }`
/// (RFC 5280 §4.1.1.2), with the parameters kept as the undecoded node.
private struct SignatureAlgorithmIdentifier: DERParseable {
    var algorithm: ASN1ObjectIdentifier
    var parameters: ASN1Node?

    init(derEncoded node: ASN1Node) throws {
        (algorithm, parameters) = try DER.sequence(node, identifier: .sequence) { fields in
            (try ASN1ObjectIdentifier(derEncoded: &fields), fields.next())
        }
    }
}

// Signature and hash algorithm identifiers (RFC 3279, RFC 4055, RFC 5758).
private extension ASN1ObjectIdentifier {
    static let md5WithRSA: ASN1ObjectIdentifier = [1, 2, 840, 113_549, 1, 1, 4]
    static let sha1WithRSA: ASN1ObjectIdentifier = [1, 2, 840, 113_549, 1, 1, 5]
    static let rsassaPSS: ASN1ObjectIdentifier = [1, 2, 840, 113_549, 1, 1, 10]
    static let sha256WithRSA: ASN1ObjectIdentifier = [1, 2, 840, 113_549, 1, 1, 11]
    static let sha384WithRSA: ASN1ObjectIdentifier = [1, 2, 840, 113_549, 1, 1, 12]
    static let sha512WithRSA: ASN1ObjectIdentifier = [1, 2, 840, 113_549, 1, 1, 13]
    static let ecdsaWithSHA1: ASN1ObjectIdentifier = [1, 2, 840, 10_045, 4, 1]
    static let ecdsaWithSHA256: ASN1ObjectIdentifier = [1, 2, 840, 10_045, 4, 3, 2]
    static let ecdsaWithSHA384: ASN1ObjectIdentifier = [1, 2, 840, 10_045, 4, 3, 3]
    static let ecdsaWithSHA512: ASN1ObjectIdentifier = [1, 2, 840, 10_045, 4, 3, 4]
    static let dsaWithSHA1: ASN1ObjectIdentifier = [1, 2, 840, 10_040, 4, 3]
    static let dsaWithSHA256: ASN1ObjectIdentifier = [2, 16, 840, 1, 101, 3, 4, 3, 2]
    static let sha1: ASN1ObjectIdentifier = [1, 3, 14, 3, 2, 26]
    static let sha256: ASN1ObjectIdentifier = [2, 16, 840, 1, 101, 3, 4, 2, 1]
    static let sha384: ASN1ObjectIdentifier = [2, 16, 840, 1, 101, 3, 4, 2, 2]
    static let sha512: ASN1ObjectIdentifier = [2, 16, 840, 1, 101, 3, 4, 2, 3]
}
