#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

#if XMPP_FUZZING
/// libFuzzer's driver, in the fuzzer runtime that `-sanitize=fuzzer` links in.
@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(
    _ argc: UnsafeMutablePointer<CInt>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
    _ callback: @convention(c) (UnsafePointer<UInt8>, Int) -> CInt
) -> CInt

/// Built with `-sanitize=fuzzer,address -DXMPP_FUZZING` (see .ci/run), the executable
/// hands its command line to libFuzzer, which calls ``fuzz(_:_:)`` with generated inputs.
@main
enum FuzzDriver {
    static func main() {
        var argc = CommandLine.argc
        var argv = CommandLine.unsafeArgv
        exit(LLVMFuzzerRunDriver(&argc, &argv, fuzz))
    }
}
#else
/// Without libFuzzer (an ordinary build), the executable replays the files named on
/// its command line through the same entry point: a finding is reproduced, under a
/// debugger if need be, with `swift run C2SFuzz crash-file`.
@main
enum CorpusReplay {
    static func main() {
        for path in CommandLine.arguments.dropFirst() {
            guard let bytes = readFile(path) else {
                print("cannot open \(path)")
                continue
            }
            _ = bytes.withUnsafeBufferPointer { fuzz($0.baseAddress ?? UnsafePointer(bitPattern: 1)!, $0.count) }
            print("replayed \(path)")
        }
    }

    static func readFile(_ path: String) -> [UInt8]? {
        guard let file = fopen(path, "rb") else { return nil }
        defer { fclose(file) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = fread(&chunk, 1, chunk.count, file)
            if count <= 0 { break }
            bytes.append(contentsOf: chunk[0..<count])
        }
        return bytes
    }
}
#endif

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
