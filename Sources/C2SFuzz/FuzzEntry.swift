import FuzzDriver

@main
enum C2SFuzzMain {
    static func main() {
        FuzzDriver.run(fuzz)
    }
}

/// libFuzzer entry point (built with `-sanitize=fuzzer,address`, see .ci/run).
///
/// The first byte is a ``FuzzInputFlags`` byte (listener mode, registration,
/// how the rest is split into reads); the rest is what a client sends, fed to a
/// ``C2SSession`` read by read. A crash, a sanitizer report or a broken
/// invariant (a trap) is a finding.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size > 0 else { return 0 }
    let input = UnsafeBufferPointer(start: data, count: size)
    let flags = FuzzInputFlags(input[0])
    var session = C2SSession(flags: flags)
    let bytes = input.dropFirst()
    var start = bytes.startIndex
    while start < bytes.endIndex, !session.isFinished {
        let end = flags.readSize.map { min(start + $0, bytes.endIndex) } ?? bytes.endIndex
        session.receive(Array(bytes[start..<end]))
        start = end
    }
    session.finish()
    return 0
}
