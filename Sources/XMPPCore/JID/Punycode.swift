/// Punycode (RFC 3492), the encoding of U-labels as A-labels (RFC 5891 §4.4,
/// §5.3). Foundation on Linux has no IDNA, so this is the whole of it.
///
/// Input is hostile: every arithmetic step is overflow-checked and a failure
/// returns `nil` (RFC 3492 §6.4 tells decoders to fail on overflow), and decoded
/// values outside the Unicode scalar range are refused.
enum Punycode {
    // RFC 3492 §5, parameter values for Punycode.
    private static let base = 36
    private static let tMin = 1
    private static let tMax = 26
    private static let skew = 38
    private static let damp = 700
    private static let initialBias = 72
    private static let initialN = 0x80
    private static let delimiter = UInt8(ascii: "-")

    /// Decodes the part of an A-label after `xn--` (RFC 3492 §6.2), or `nil` if it
    /// is not valid Punycode. Uppercase digits are accepted, as §5 requires.
    static func decode(_ input: some Collection<UInt8>) -> [Unicode.Scalar]? {
        let bytes = Array(input)
        // The basic code points are everything before the last delimiter.
        let basicCount = bytes.lastIndex(of: delimiter) ?? 0
        var output: [Unicode.Scalar] = []
        output.reserveCapacity(bytes.count)
        for byte in bytes[..<basicCount] {
            guard byte < 0x80 else { return nil }
            output.append(Unicode.Scalar(byte))
        }
        var n = initialN
        var i = 0
        var bias = initialBias
        var position = basicCount > 0 ? basicCount + 1 : 0
        while position < bytes.count {
            let oldI = i
            var weight = 1
            var k = base
            while true {
                guard position < bytes.count, let digit = digitValue(bytes[position]) else { return nil }
                position += 1
                guard let product = multiply(digit, weight), let sum = add(i, product) else { return nil }
                i = sum
                let threshold = self.threshold(k, bias: bias)
                if digit < threshold { break }
                guard let nextWeight = multiply(weight, base - threshold), let nextK = add(k, base) else { return nil }
                weight = nextWeight
                k = nextK
            }
            let length = output.count + 1
            bias = adapt(delta: i - oldI, count: length, first: oldI == 0)
            guard let nextN = add(n, i / length) else { return nil }
            n = nextN
            i %= length
            // §6.2: a decoded basic code point is an error; so is a non-scalar.
            guard n >= initialN, n <= 0x10FFFF, let scalar = Unicode.Scalar(UInt32(n)) else { return nil }
            output.insert(scalar, at: i)
            i += 1
        }
        return output
    }

    /// Encodes `scalars` (RFC 3492 §6.3) without the `xn--` prefix, or `nil` on overflow.
    static func encode(_ scalars: [Unicode.Scalar]) -> [UInt8]? {
        var output: [UInt8] = []
        for scalar in scalars where scalar.value < 0x80 {
            output.append(UInt8(scalar.value))
        }
        let basicCount = output.count
        var handled = basicCount
        if basicCount > 0 { output.append(delimiter) }
        var n = initialN
        var delta = 0
        var bias = initialBias
        while handled < scalars.count {
            var next = Int.max
            for scalar in scalars where Int(scalar.value) >= n && Int(scalar.value) < next {
                next = Int(scalar.value)
            }
            guard let step = multiply(next - n, handled + 1), let sum = add(delta, step) else { return nil }
            delta = sum
            n = next
            for scalar in scalars {
                let value = Int(scalar.value)
                if value < n {
                    guard let incremented = add(delta, 1) else { return nil }
                    delta = incremented
                }
                guard value == n else { continue }
                var q = delta
                var k = base
                while true {
                    let threshold = self.threshold(k, bias: bias)
                    if q < threshold { break }
                    output.append(digitByte(threshold + (q - threshold) % (base - threshold)))
                    q = (q - threshold) / (base - threshold)
                    k += base
                }
                output.append(digitByte(q))
                bias = adapt(delta: delta, count: handled + 1, first: handled == basicCount)
                delta = 0
                handled += 1
            }
            guard let incremented = add(delta, 1) else { return nil }
            delta = incremented
            n += 1
        }
        return output
    }

    // MARK: - Helpers

    /// RFC 3492 §6.1 bias adaptation.
    private static func adapt(delta: Int, count: Int, first: Bool) -> Int {
        var delta = first ? delta / damp : delta / 2
        delta += delta / count
        var k = 0
        while delta > ((base - tMin) * tMax) / 2 {
            delta /= base - tMin
            k += base
        }
        return k + (base - tMin + 1) * delta / (delta + skew)
    }

    private static func threshold(_ k: Int, bias: Int) -> Int {
        if k <= bias { return tMin }
        if k >= bias + tMax { return tMax }
        return k - bias
    }

    private static func digitValue(_ byte: UInt8) -> Int? {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"): Int(byte - UInt8(ascii: "a"))
        case UInt8(ascii: "A")...UInt8(ascii: "Z"): Int(byte - UInt8(ascii: "A"))
        case UInt8(ascii: "0")...UInt8(ascii: "9"): Int(byte - UInt8(ascii: "0")) + 26
        default: nil
        }
    }

    private static func digitByte(_ digit: Int) -> UInt8 {
        digit < 26 ? UInt8(ascii: "a") + UInt8(digit) : UInt8(ascii: "0") + UInt8(digit - 26)
    }

    private static func add(_ a: Int, _ b: Int) -> Int? {
        let (result, overflow) = a.addingReportingOverflow(b)
        return overflow ? nil : result
    }

    private static func multiply(_ a: Int, _ b: Int) -> Int? {
        let (result, overflow) = a.multipliedReportingOverflow(by: b)
        return overflow ? nil : result
    }
}
