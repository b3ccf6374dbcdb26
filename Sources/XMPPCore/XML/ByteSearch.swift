#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

extension UnsafeRawBufferPointer {
    /// The index of the first `byte` in `from..<count`, found with the C library's
    /// vectorized `memchr`: the tokenizer's inner loop for text and end tags.
    @inline(__always)
    func firstIndex(of byte: UInt8, from start: Int) -> Int? {
        guard start < count, let base = baseAddress else { return nil }
        guard let found = memchr(base + start, Int32(byte), count - start) else { return nil }
        return base.distance(to: UnsafeRawPointer(found))
    }

    /// Whether the bytes at `range` equal those of `other`.
    @inline(__always)
    func bytesEqual(_ range: Range<Int>, _ other: String) -> Bool {
        var other = other
        return other.withUTF8 { utf8 in
            guard utf8.count == range.count, let base = baseAddress else { return false }
            if utf8.isEmpty { return true }
            return memcmp(base + range.lowerBound, utf8.baseAddress!, range.count) == 0
        }
    }
}
