import Foundation
import Testing
import XMPPStreams

/// Stored credentials (RFC 5802 §3) and password preparation (RFC 8265 §4.2).
@Suite("SCRAM credentials")
struct SCRAMCredentialsTests {
    @Test("Fewer than 4096 iterations are refused (RFC 7677 §4)", arguments: [0, 1, 4095, -5])
    func tooFewIterations(iterations: Int) {
        #expect { try SCRAMCredentials.derive(password: "pencil", hash: .sha256, iterations: iterations) } throws: { error in
            (error as? SASLError)?.code == .iterationCountTooLow
        }
        #expect { try SCRAMCredentials(hash: .sha1, salt: [1], iterations: iterations, storedKey: [UInt8](repeating: 0, count: 20), serverKey: [UInt8](repeating: 0, count: 20)) } throws: { error in
            (error as? SASLError)?.code == .iterationCountTooLow
        }
    }

    @Test("The same password gives a different random salt and keys each time", arguments: SCRAMHash.allCases)
    func randomSalt(hash: SCRAMHash) throws {
        let first = try SCRAMCredentials.derive(password: "pencil", hash: hash, iterations: 4096)
        let second = try SCRAMCredentials.derive(password: "pencil", hash: hash, iterations: 4096)
        #expect(first.salt.count == SCRAMCredentials.saltByteCount)
        #expect(first.salt != second.salt)
        #expect(first.storedKey != second.storedKey)
        #expect(first.storedKey.count == hash.byteCount && first.serverKey.count == hash.byteCount)
    }

    @Test("Derived keys verify their password and no other", arguments: SCRAMHash.allCases)
    func verify(hash: SCRAMHash) throws {
        let credentials = try SCRAMCredentials.derive(password: "correct horse", hash: hash, iterations: 4096)
        #expect(credentials.verify(password: "correct horse"))
        #expect(!credentials.verify(password: "correct hors"))
        #expect(!credentials.verify(password: "Correct horse"))
        #expect(!credentials.verify(password: ""))
    }

    @Test("Default derivation uses the default iteration count")
    func defaults() throws {
        let credentials = try SCRAMCredentials.derive(password: "pencil", hash: .sha1)
        #expect(credentials.iterations == SCRAMCredentials.defaultIterations)
        #expect(credentials.iterations >= SCRAMCredentials.minimumIterations)
    }

    @Test("RFC 5802 §5's salt and password give keys that reproduce its proof through the server")
    func knownVector() throws {
        let salt = Array(try #require(Data(base64Encoded: "QSXCR+Q6sek8bf92")))
        let derived = try SCRAMCredentials.derive(password: "pencil", hash: .sha1, salt: salt, iterations: 4096)
        let reloaded = try SCRAMCredentials(
            hash: .sha1, salt: derived.salt, iterations: derived.iterations, storedKey: derived.storedKey, serverKey: derived.serverKey
        )
        #expect(reloaded == derived)
        #expect(reloaded.verify(password: "pencil"))
    }

    @Test("Loaded credentials must have keys of the hash's length and a salt")
    func invalidLoaded() {
        #expect { try SCRAMCredentials(hash: .sha256, salt: [1], iterations: 4096, storedKey: [1, 2], serverKey: [1, 2]) } throws: { error in
            (error as? SASLError)?.code == .invalidCredentials
        }
        #expect { try SCRAMCredentials(hash: .sha1, salt: [], iterations: 4096, storedKey: [UInt8](repeating: 0, count: 20), serverKey: [UInt8](repeating: 0, count: 20)) } throws: { error in
            (error as? SASLError)?.code == .invalidCredentials
        }
    }

    @Test("The description leaves the keys out")
    func redacted() throws {
        let credentials = try SCRAMCredentials.derive(password: "pencil", hash: .sha256, iterations: 4096)
        let text = "\(credentials)"
        #expect(text.contains("redacted"))
        #expect(!text.contains(Data(credentials.storedKey).base64EncodedString()))
        #expect(!text.contains("\(credentials.storedKey)"))
    }
}

@Suite("Password preparation (OpaqueString)")
struct PasswordPreparationTests {
    @Test("ASCII passwords are unchanged, case included")
    func ascii() throws {
        #expect(try PasswordPreparation.prepare("Pencil 1!") == Array("Pencil 1!".utf8))
    }

    @Test("Canonically equivalent passwords prepare to the same NFC bytes")
    func nfc() throws {
        let composed = try PasswordPreparation.prepare("caf\u{E9}")
        #expect(try PasswordPreparation.prepare("cafe\u{301}") == composed)
        #expect(composed == Array("caf\u{E9}".utf8))
    }

    @Test("Non-ASCII spaces become U+0020 (RFC 8265 §4.2.1)")
    func spaces() throws {
        #expect(try PasswordPreparation.prepare("a\u{00A0}b\u{3000}c") == Array("a b c".utf8))
    }

    @Test("No width or case mapping: fullwidth and uppercase stay as they are")
    func noFolding() throws {
        #expect(try PasswordPreparation.prepare("\u{FF21}") == Array("\u{FF21}".utf8))
        #expect(try PasswordPreparation.prepare("\u{3A3}") != PasswordPreparation.prepare("\u{3C3}"))
    }

    @Test("Empty passwords and disallowed code points are refused",
          arguments: ["", "tab\there", "nul\u{0}", "bell\u{7}", "zwj\u{200D}", "private\u{E000}", "line\u{2028}", "jamo\u{1100}", "nonchar\u{FFFF}"])
    func refused(password: String) {
        #expect { try PasswordPreparation.prepare(password) } throws: { error in
            guard let error = error as? SASLError, error.code == .unusablePassword else { return false }
            // The error never repeats the password.
            return password.isEmpty || !error.detail.contains(password)
        }
    }

    @Test("Derivation refuses what preparation refuses")
    func derivationRefuses() {
        #expect { try SCRAMCredentials.derive(password: "", hash: .sha256, iterations: 4096) } throws: { error in
            (error as? SASLError)?.code == .unusablePassword
        }
    }
}
