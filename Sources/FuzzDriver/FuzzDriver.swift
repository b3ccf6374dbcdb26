#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The `main` of every fuzz target. Built with `-sanitize=fuzzer,address
/// -DXMPP_FUZZING` (see .ci/run), it hands the command line to libFuzzer, which
/// calls the target's entry point with generated inputs. In an ordinary build
/// it replays the files named on the command line through the same entry
/// point, so a finding is reproduced, under a debugger if need be, with
/// `swift run XMPPCoreFuzz crash-file` (or `C2SFuzz`).
public enum FuzzDriver {
    /// A target's entry point: libFuzzer's `LLVMFuzzerTestOneInput`.
    public typealias Entry = @convention(c) (UnsafePointer<UInt8>, Int) -> CInt

    public static func run(_ entry: Entry) -> Never {
        #if XMPP_FUZZING
        var argc = CommandLine.argc
        var argv = CommandLine.unsafeArgv
        exit(LLVMFuzzerRunDriver(&argc, &argv, entry))
        #else
        for path in CommandLine.arguments.dropFirst() {
            guard let bytes = readFile(path) else {
                print("cannot open \(path)")
                continue
            }
            _ = bytes.withUnsafeBufferPointer { entry($0.baseAddress ?? UnsafePointer(bitPattern: 1)!, $0.count) }
            print("replayed \(path)")
        }
        exit(0)
        #endif
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

#if XMPP_FUZZING
/// libFuzzer's driver, in the fuzzer runtime that `-sanitize=fuzzer` links in.
@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(
    _ argc: UnsafeMutablePointer<CInt>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
    _ callback: @convention(c) (UnsafePointer<UInt8>, Int) -> CInt
) -> CInt
#endif
