import CResolv
import NIOPosix

/// SRV lookups for federation (RFC 6120 §3.2.1, XEP-0368) through the system
/// resolver: `_xmpps-server._tcp` (direct TLS) and `_xmpp-server._tcp`
/// (STARTTLS) for a domain. The resolver blocks, so it runs on NIO's thread
/// pool, never on an event loop. No records means the caller falls back to the
/// domain's own A/AAAA addresses on port 5269 (§3.2.2).
enum SRVResolver {
    /// DNS class IN and type SRV (RFC 1035 §3.2.4, RFC 2782).
    static let classIN: Int32 = 1
    static let typeSRV: UInt16 = 33

    /// Both kinds of records for `domain`, unordered (see ``ServiceRecord/connectionOrder(_:using:)``).
    static func records(for domain: String, pool: NIOThreadPool = .singleton) async -> [ServiceRecord] {
        (try? await pool.runIfActive { lookup(domain) }) ?? []
    }

    static func lookup(_ domain: String) -> [ServiceRecord] {
        query("_xmpps-server._tcp." + domain, directTLS: true) + query("_xmpp-server._tcp." + domain, directTLS: false)
    }

    private static func query(_ name: String, directTLS: Bool) -> [ServiceRecord] {
        // glibc keeps the resolver state per thread, so res_query is safe on pool threads.
        var answer = [UInt8](repeating: 0, count: 8192)
        let length = res_query(name, classIN, Int32(typeSRV), &answer, Int32(answer.count))
        guard length > 0 else { return [] }
        return parse(Array(answer.prefix(Int(length))), directTLS: directTLS)
    }

    /// The SRV records in the answer section of a DNS response.
    static func parse(_ response: [UInt8], directTLS: Bool) -> [ServiceRecord] {
        response.withUnsafeBufferPointer { buffer -> [ServiceRecord] in
            guard let base = buffer.baseAddress else { return [] }
            var message = ns_msg()
            guard ns_initparse(base, Int32(buffer.count), &message) == 0 else { return [] }
            // ns_msg_count(message, ns_s_an): the answer count, the second of the four.
            let answers = Int(message._counts.1)
            var records: [ServiceRecord] = []
            for index in 0..<answers {
                var record = ns_rr()
                guard ns_parserr(&message, ns_s_an, Int32(index), &record) == 0,
                      record.type == typeSRV, record.rdlength >= 7, let data = record.rdata
                else { continue }
                func field(_ offset: Int) -> UInt16 { UInt16(data[offset]) << 8 | UInt16(data[offset + 1]) }
                var target = [CChar](repeating: 0, count: Int(NS_MAXDNAME))
                guard dn_expand(base, base + buffer.count, data + 6, &target, Int32(target.count)) > 0 else { continue }
                let name = String(decoding: target.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
                records.append(ServiceRecord(
                    priority: field(0), weight: field(2), port: field(4), target: name.isEmpty ? "." : name,
                    directTLS: directTLS))
            }
            return records
        }
    }
}
