import Foundation
import XMPPCore

/// XEP-0202 Entity Time of the server: UTC and the offset of the server's zone.
public struct TimeModule: ServerModule {
    public static let name = "time"

    public init() {}

    public func register(_ registrar: inout ModuleRegistrar) {
        registrar.feature(Namespace.time)
        registrar.iq(.get, "time", namespace: Namespace.time) { request, addressee, _, _ in
            guard case .server = addressee else { return nil }
            let now = Date()
            return request.result(payload: XMPPElement("time", namespace: Namespace.time) {
                XMPPElement("tzo", namespace: Namespace.time, text: Self.offset(seconds: TimeZone.current.secondsFromGMT(for: now)))
                XMPPElement("utc", namespace: Namespace.time, text: now.formatted(.iso8601))
            })
        }
    }

    /// XEP-0082 TZD: "+hh:mm" or "-hh:mm" ("Z" is not used for the offset, §3).
    static func offset(seconds: Int) -> String {
        let sign = seconds < 0 ? "-" : "+"
        let minutes = abs(seconds) / 60
        let hours = String(minutes / 60)
        let remainder = String(minutes % 60)
        return sign + String(repeating: "0", count: 2 - hours.count) + hours + ":"
            + String(repeating: "0", count: 2 - remainder.count) + remainder
    }
}
