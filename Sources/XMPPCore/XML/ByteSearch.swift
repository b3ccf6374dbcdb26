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
        UnsafeRawBufferPointer(rebasing: self[range]).bytesEqual(other)
    }

    /// Whether these bytes equal the UTF-8 of `other`, compared with `memcmp`.
    @inline(__always)
    func bytesEqual(_ other: String) -> Bool {
        guard other.utf8.count == count else { return false }
        if count == 0 { return true }
        var other = other
        return other.withUTF8 { utf8 in memcmp(baseAddress!, utf8.baseAddress!, count) == 0 }
    }
}
