import XMPPCore

/// The sender's side of XEP-0198 acking: every stanza sent since the peer's
/// last `<a/>`, oldest first, with the count of stanzas sent and acknowledged
/// modulo 2^32 (XEP-0198 §4: `h` wraps from 2^32-1 to 0).
///
/// An `<a h='N'/>` says the peer handled N stanzas in all; those past the last
/// ack leave the front of the queue. What remains is what a resumption resends
/// and what a session that ends for good hands to offline storage.
public struct UnacknowledgedQueue<Item> {
    private var items: [Item] = []
    /// Index of the oldest unacknowledged item in `items`; the slots before it are
    /// dropped in batches, so an ack costs no shifting of the whole array.
    private var start = 0
    /// The `h` of the peer's latest ack (0 before any).
    public private(set) var acknowledged: UInt32 = 0

    /// An empty queue whose count starts at `acknowledged`: what a resumed
    /// session continues from (the peer's count of the old stream).
    public init(acknowledged: UInt32 = 0) {
        self.acknowledged = acknowledged
    }

    /// The number of stanzas sent and not yet acknowledged.
    public var count: Int { items.count - start }

    /// Whether every stanza sent has been acknowledged.
    public var isEmpty: Bool { count == 0 }

    /// The stanzas sent in all, modulo 2^32: what the peer's next `h` may reach at most.
    public var sent: UInt32 { acknowledged &+ UInt32(truncatingIfNeeded: count) }

    /// The unacknowledged stanzas, oldest first.
    public var unacknowledged: ArraySlice<Item> { items[start...] }

    /// Records a stanza just sent.
    public mutating func append(_ item: Item) {
        items.append(item)
    }

    /// The peer says it handled `h` stanzas in all. Drops those newly acknowledged
    /// and returns how many; throws when `h` counts stanzas never sent, which
    /// XEP-0198 §4 makes a stream error (`undefined-condition` with
    /// `<handled-count-too-high/>`). An `h` below the last one is too high as
    /// well: counted modulo 2^32, it claims more than was sent.
    @discardableResult
    public mutating func acknowledge(_ h: UInt32) throws(HandledCountTooHigh) -> Int {
        let newly = Int(h &- acknowledged)
        guard newly <= count else {
            throw HandledCountTooHigh(handled: h, sent: sent)
        }
        start += newly
        acknowledged = h
        if start == items.count {
            items.removeAll(keepingCapacity: items.count <= 256)
            start = 0
        } else if start >= 256, start * 2 >= items.count {
            items.removeFirst(start)
            start = 0
        }
        return newly
    }

    /// Takes every unacknowledged stanza out, oldest first (the session ends, or
    /// moves to another connection).
    public mutating func removeAll() -> [Item] {
        let rest = Array(items[start...])
        items = []
        start = 0
        return rest
    }
}

extension UnacknowledgedQueue: Sendable where Item: Sendable {}

/// An ack for more stanzas than were sent (XEP-0198 §4).
public struct HandledCountTooHigh: Error, Sendable, Hashable {
    /// The `h` the peer sent.
    public var handled: UInt32
    /// How many stanzas were sent in all, modulo 2^32.
    public var sent: UInt32

    /// The stream error XEP-0198 §4 prescribes: `undefined-condition` with
    /// `<handled-count-too-high h='…' send-count='…'/>`.
    public var streamError: StreamError {
        StreamError(
            .undefinedCondition, text: "the acknowledgement counts \(handled) stanzas; \(sent) were sent",
            applicationCondition: XMPPElement(
                "handled-count-too-high", namespace: Namespace.streamManagement,
                attributes: [XMLAttribute("h", value: "\(handled)"), XMLAttribute("send-count", value: "\(sent)")]))
    }
}
