/// A DNS SRV record (RFC 2782) for `_xmpp-server._tcp` or `_xmpps-server._tcp`
/// (RFC 6120 §3.2.1, XEP-0368).
public struct ServiceRecord: Sendable, Hashable {
    public var priority: UInt16
    public var weight: UInt16
    public var port: UInt16
    public var target: String
    /// Whether the record is for direct TLS (`_xmpps-server`, XEP-0368).
    public var directTLS: Bool

    public init(priority: UInt16, weight: UInt16, port: UInt16, target: String, directTLS: Bool) {
        self.priority = priority
        self.weight = weight
        self.port = port
        self.target = target
        self.directTLS = directTLS
    }

    /// The order to try records in (RFC 2782 "Usage rules"): lowest priority
    /// first; within a priority, a weighted random order where a record's chance
    /// of coming next is its weight over the remaining total, zero-weight
    /// records having a small chance. A single "." target means the service is
    /// decidedly not available (RFC 2782), which gives no records at all.
    /// XEP-0368 §3: at equal priority and weight, direct TLS is tried first.
    public static func connectionOrder<Generator: RandomNumberGenerator>(
        _ records: [ServiceRecord], using generator: inout Generator
    ) -> [ServiceRecord] {
        if records.count == 1, records[0].target == "." || records[0].target.isEmpty {
            return []
        }
        var ordered: [ServiceRecord] = []
        let byPriority = Dictionary(grouping: records.filter { $0.target != "." }, by: \.priority)
        for priority in byPriority.keys.sorted() {
            // Zero weights first, as RFC 2782 says, so they are chosen only by luck.
            var remaining = byPriority[priority]!.sorted { ($0.weight, $0.directTLS ? 0 : 1) < ($1.weight, $1.directTLS ? 0 : 1) }
            while !remaining.isEmpty {
                let total = remaining.reduce(0) { $0 + Int($1.weight) }
                let pick = total == 0 ? 0 : Int.random(in: 0...total, using: &generator)
                var running = 0
                let index = remaining.firstIndex { record in
                    running += Int(record.weight)
                    return running >= pick
                } ?? 0
                ordered.append(remaining.remove(at: index))
            }
        }
        return ordered
    }
}
