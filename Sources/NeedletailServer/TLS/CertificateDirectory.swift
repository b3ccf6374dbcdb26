import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The files of the certificates kept in the data directory:
/// `<data>/certificates/<domain>.crt` (PEM chain, leaf first) and
/// `<data>/certificates/<domain>.key` (PEM private key, mode 0600).
///
/// Generated and imported certificates live here alike; which one a file holds
/// is read from the certificate itself (`SelfSignedCertificate.isGenerated`).
public struct CertificateDirectory: Sendable, Hashable {
    /// The `certificates` folder.
    public let path: String

    /// The certificates folder of the data directory in `storage`.
    public init(storage: StorageConfiguration) {
        self.path = storage.dataDirectory + "/certificates"
    }

    /// The files of `domain`'s certificate and key.
    public func files(for domain: String) -> CertificateFiles {
        CertificateFiles(
            certificateChainPath: "\(path)/\(domain).crt",
            privateKeyPath: "\(path)/\(domain).key"
        )
    }

    /// Whether `domain` has a certificate file here.
    public func contains(_ domain: String) -> Bool {
        FileManager.default.fileExists(atPath: files(for: domain).certificateChainPath)
    }

    /// Writes `domain`'s certificate chain (mode 0644) and key (mode 0600),
    /// creating the folder (mode 0700) if needed. Each file is written to a
    /// temporary name and renamed, so a crash leaves the old file or the new
    /// one, never half of either; the key never exists with a wider mode.
    func write(domain: String, certificatePEM: String, keyPEM: String) throws(CertificateError) {
        let files = files(for: domain)
        do {
            try FileManager.default.createDirectory(
                atPath: path,
                withIntermediateDirectories: true,
                attributes: [.posixPermissions: 0o700]
            )
            try Self.writeAtomically(keyPEM, to: files.privateKeyPath, permissions: 0o600)
            try Self.writeAtomically(certificatePEM, to: files.certificateChainPath, permissions: 0o644)
        } catch {
            throw CertificateError(.writeFailed, "the certificate for '\(domain)' could not be written to '\(path)': \(Self.describe(error))")
        }
    }

    /// Writes `text` to a fresh temporary file created with `permissions` (so
    /// the mode is right from the first byte), syncs it, and renames it over `path`.
    private static func writeAtomically(_ text: String, to path: String, permissions: mode_t) throws {
        let temporary = path + ".tmp-\(UInt32.random(in: .min ... .max))"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL, permissions)
        guard descriptor >= 0 else { throw FileWriteFailure(path: temporary) }
        var bytes = Array(text.utf8)[...]
        while !bytes.isEmpty {
            let written = bytes.withUnsafeBytes { writeBytes(descriptor, $0) }
            if written < 0 {
                let error = FileWriteFailure(path: temporary)
                close(descriptor)
                unlink(temporary)
                throw error
            }
            bytes = bytes.dropFirst(written)
        }
        let synced = fsync(descriptor) == 0
        close(descriptor)
        guard synced, rename(temporary, path) == 0 else {
            let error = FileWriteFailure(path: path)
            unlink(temporary)
            throw error
        }
    }

    private static func describe(_ error: any Error) -> String {
        (error as? FileWriteFailure)?.description ?? error.localizedDescription
    }
}

/// A failed system call while writing a file, with the system's explanation.
private struct FileWriteFailure: Error, CustomStringConvertible {
    let description: String

    /// Captures `errno` now, before another call can change it.
    init(path: String) {
        description = "\(path): \(String(cString: strerror(errno)))"
    }
}

/// `write(2)`, named apart from `CertificateDirectory.write`.
private func writeBytes(_ descriptor: Int32, _ buffer: UnsafeRawBufferPointer) -> Int {
    #if canImport(Glibc)
    Glibc.write(descriptor, buffer.baseAddress, buffer.count)
    #elseif canImport(Musl)
    Musl.write(descriptor, buffer.baseAddress, buffer.count)
    #else
    Darwin.write(descriptor, buffer.baseAddress, buffer.count)
    #endif
}
