import Foundation

/// How certificate dates are written in messages: ISO 8601 in UTC.
enum CertificateDates {
    /// `2026-11-25T07:49:10Z`.
    static func format(_ date: Date) -> String {
        date.formatted(.iso8601)
    }
}
