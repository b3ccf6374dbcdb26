import Crypto

extension ChannelBinding {
    /// `tls-server-end-point` data for the server certificate `certificateDER`
    /// (RFC 5929 §4.1): its hash with the hash function of the certificate's
    /// signature algorithm, except that MD5 and SHA-1 are replaced by SHA-256.
    ///
    /// Supported signature algorithms: RSA PKCS #1 v1.5 with MD5, SHA-1, SHA-256,
    /// SHA-384 or SHA-512; RSASSA-PSS with SHA-1, SHA-256, SHA-384 or SHA-512;
    /// ECDSA with SHA-1, SHA-256, SHA-384 or SHA-512; DSA with SHA-1 or SHA-256.
    /// Others throw ``SASLError/Code/unsupportedSignatureAlgorithm``: Ed25519 and
    /// Ed448 sign without a separate hash, for which RFC 5929 defines nothing,
    /// and SHA-224 is not in swift-crypto. A server holding such a certificate
    /// then offers no -PLUS mechanism.
    public static func tlsServerEndPoint(certificateDER: [UInt8]) throws(SASLError) -> ChannelBinding {
        let hash = try CertificateSignatureAlgorithm.endPointHash(certificateDER: certificateDER)
        let digest: [UInt8] = switch hash {
        case .sha256: Array(SHA256.hash(data: certificateDER))
        case .sha384: Array(SHA384.hash(data: certificateDER))
        case .sha512: Array(SHA512.hash(data: certificateDER))
        }
        return .tlsServerEndPoint(data: digest)
    }
}
