#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// What a listener's `host` is, as far as validation cares: an IPv4 or IPv6
/// literal (parsed with `inet_pton`), the name `localhost`, or another name.
enum ListenerAddress: Hashable {
    /// An IPv4 address, four bytes.
    case ipv4([UInt8])
    /// An IPv6 address, sixteen bytes.
    case ipv6([UInt8])
    /// A host name, lower-cased; resolved when the listener binds.
    case name(String)

    init(_ host: String) {
        var ipv4 = in_addr()
        var ipv6 = in6_addr()
        if inet_pton(AF_INET, host, &ipv4) == 1 {
            self = .ipv4(withUnsafeBytes(of: &ipv4) { Array($0) })
        } else if inet_pton(AF_INET6, host, &ipv6) == 1 {
            self = .ipv6(withUnsafeBytes(of: &ipv6) { Array($0) })
        } else {
            self = .name(host.lowercased())
        }
    }

    /// Whether only this machine can reach the address: 127.0.0.0/8, ::1 or `localhost`.
    var isLoopback: Bool {
        switch self {
        case .ipv4(let bytes): bytes[0] == 127
        case .ipv6(let bytes): bytes == [UInt8](repeating: 0, count: 15) + [1]
        case .name(let name): name == "localhost"
        }
    }

    /// Whether two listeners on the same port with these addresses would
    /// compete for it: the same address, or a wildcard that includes the other
    /// (`::` is dual-stack and covers IPv4 too; `0.0.0.0` covers IPv4). Names
    /// overlap only with the same name, as their addresses are not known yet.
    func overlaps(_ other: ListenerAddress) -> Bool {
        if self == other || isIPv6Wildcard || other.isIPv6Wildcard { return true }
        switch (self, other) {
        case (.ipv4, .ipv4): return isIPv4Wildcard || other.isIPv4Wildcard
        case (.name("localhost"), .ipv4(let bytes)), (.ipv4(let bytes), .name("localhost")): return bytes == [127, 0, 0, 1]
        default: return false
        }
    }

    private var isIPv6Wildcard: Bool {
        if case .ipv6(let bytes) = self { return bytes.allSatisfy { $0 == 0 } }
        return false
    }

    private var isIPv4Wildcard: Bool {
        if case .ipv4(let bytes) = self { return bytes.allSatisfy { $0 == 0 } }
        return false
    }
}
