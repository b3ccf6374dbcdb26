import NeedletailStorage
import Testing

@Suite("Storage values")
struct StorageValueTests {
    @Test
    func errorsCompareByCodeAndDetail() {
        #expect(StorageError.alreadyExists == .alreadyExists)
        #expect(StorageError.alreadyExists != .notFound)
        #expect(StorageError.backend("disk I/O error").code == .backend)
        #expect(StorageError.backend("disk I/O error") != .backend("database is locked"))
        #expect(StorageError.notFound.underlyingDescription == nil)
    }

    @Test
    func errorDescriptionsNameTheCode() {
        #expect(String(describing: StorageError.alreadyExists) == "StorageError.alreadyExists")
        #expect(String(describing: StorageError.backend("disk I/O error")) == "StorageError.backend: disk I/O error")
    }

    @Test
    func keysNeverAppearInDescriptions() {
        let keys = SCRAMKeys(salt: [0xAB, 0xCD], iterations: 4096, storedKey: [0xEE, 0x01], serverKey: [0xFF, 0x02])
        let texts = [
            String(describing: keys),
            String(reflecting: keys),
            String(describing: StoredCredentials(sha1: keys)),
        ]
        for text in texts {
            #expect(text.contains("4096"))
            #expect(!text.contains("238"))  // 0xEE
            #expect(!text.contains("205"))  // 0xCD
            #expect(!text.contains("255"))  // 0xFF
        }
    }
}
