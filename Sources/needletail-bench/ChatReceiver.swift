import Histogram
import NIOCore
import Synchronization

/// What every receiver has counted since the last reset: messages that arrived
/// and how long each took, shared by all sessions (one lock, held per message).
final class ChatTally: Sendable {
    private let state = Mutex(State())
    private let lost = Atomic<Int>(0)

    struct State {
        var count = 0
        var latency = ChatRun.makeHistogram()
    }

    func record(sentAt sent: UInt64, arrivedAt arrived: UInt64) {
        state.withLock {
            $0.count += 1
            _ = $0.latency.record(arrived &- sent)
        }
    }

    /// Starts counting arrivals afresh (lost sessions stay counted).
    func reset() { state.withLock { $0 = State() } }
    func sessionLost() { lost.add(1, ordering: .relaxed) }
    /// Sessions whose connection has gone since they were handed over.
    var lostSessions: Int { lost.load(ordering: .relaxed) }
    var count: Int { state.withLock { $0.count } }
    var snapshot: State { state.withLock { $0 } }
}

/// The receiving end of a session handed over by `XMPPClient`: it finds each
/// chat body the load tool sent (`<body>bench NANOSECONDS `) in the raw bytes
/// and records the time since it was sent, without parsing the XML, so a
/// receiver costs a byte scan. Everything else the server sends is skipped.
/// The body is plain ASCII the server has no reason to escape, and every server
/// writes it as `<body>` text of a message.
final class ChatReceiver: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer

    static let marker = Array("<body>\(ChatRun.bodyPrefix)".utf8)
    private let tally: ChatTally
    /// The end of the previous read when it may hold the start of a marker (at
    /// most a marker and a timestamp's 20 digits).
    private var carry: [UInt8] = []

    init(tally: ChatTally) {
        self.tally = tally
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let buffer = unwrapInboundIn(data)
        let arrived = ProcessUsage.now()
        if carry.isEmpty {
            buffer.withUnsafeReadableBytes { scan($0, arrived: arrived) }
        } else {
            var joined = carry
            joined.append(contentsOf: buffer.readableBytesView)
            joined.withUnsafeBytes { scan($0, arrived: arrived) }
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        tally.sessionLost()
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }

    /// Records every complete marker in `bytes` and keeps what may begin one:
    /// the scan stops at the first position it could not decide, either too near
    /// the end for a whole marker or a marker whose timestamp goes on in the next
    /// read, and that tail is kept for then.
    private func scan(_ bytes: UnsafeRawBufferPointer, arrived: UInt64) {
        let marker = Self.marker
        var index = 0
        search: while index + marker.count <= bytes.count {
            guard bytes[index] == marker[0] else { index += 1; continue }
            for offset in 1..<marker.count where bytes[index + offset] != marker[offset] {
                index += 1
                continue search
            }
            var cursor = index + marker.count
            var sent: UInt64 = 0
            var digits = 0
            while cursor < bytes.count, bytes[cursor] >= 0x30, bytes[cursor] <= 0x39, digits < 20 {
                sent = sent &* 10 &+ UInt64(bytes[cursor] - 0x30)
                cursor += 1
                digits += 1
            }
            guard cursor < bytes.count else { break }  // keep the marker for the next read
            if bytes[cursor] == 0x20, digits > 0 {
                tally.record(sentAt: sent, arrivedAt: arrived)
            }
            index = cursor
        }
        carry = index < bytes.count ? Array(bytes[index...]) : []
    }
}
