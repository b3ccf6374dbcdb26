import Testing
import XMPPCore
@testable import XMPPStreams

/// XEP-0198 §4 counting on the sender's side: acks drop what they cover, `h`
/// wraps from 2^32-1 to 0, and an ack of stanzas never sent is refused.
@Suite("Unacknowledged stanza queue")
struct UnacknowledgedQueueTests {
    @Test func anAckDropsTheStanzasItCoversOldestFirst() throws {
        var queue = UnacknowledgedQueue<Int>()
        for value in 0..<10 { queue.append(value) }
        #expect(try queue.acknowledge(4) == 4)
        #expect(Array(queue.unacknowledged) == [4, 5, 6, 7, 8, 9])
        #expect(try queue.acknowledge(4) == 0, "a repeated ack covers nothing new")
        #expect(queue.sent == 10)
        #expect(try queue.acknowledge(10) == 6)
        #expect(queue.isEmpty)
    }

    @Test func countsWrapFromTheLargestUnsignedIntToZero() throws {
        var queue = UnacknowledgedQueue<Int>(acknowledged: UInt32.max - 2)
        for value in 0..<5 { queue.append(value) }
        #expect(queue.sent == 2, "2^32 - 3 + 5 stanzas sent is 2 modulo 2^32")
        #expect(try queue.acknowledge(UInt32.max) == 2)
        #expect(try queue.acknowledge(1) == 2, "h wrapped: 2^32-1 then 0 then 1")
        #expect(Array(queue.unacknowledged) == [4])
        #expect(throws: HandledCountTooHigh.self) { try queue.acknowledge(3) }
        #expect(try queue.acknowledge(2) == 1)
    }

    @Test func anAckForMoreThanWasSentIsRefusedWithTheXEPsError() {
        var queue = UnacknowledgedQueue<Int>()
        for value in 0..<3 { queue.append(value) }
        #expect(throws: HandledCountTooHigh(handled: 5, sent: 3)) { try queue.acknowledge(5) }
        let error = HandledCountTooHigh(handled: 5, sent: 3).streamError
        #expect(error.condition == .undefinedCondition)
        #expect(error.applicationCondition?.name == "handled-count-too-high")
        #expect(error.applicationCondition?[attribute: "send-count"] == "3")
        #expect(queue.count == 3, "a refused ack changes nothing")
    }

    @Test func streamManagementElementsReadBackWhatTheyWrite() throws {
        let elements: [StreamManagementElement] = [
            .enable(resume: true, max: 60), .enabled(id: "abc", resume: true, max: 300), .resume(previd: "abc", h: 4_294_967_295),
            .resumed(previd: "abc", h: 7), .failed(.itemNotFound, h: 3), .request, .ack(h: 0),
        ]
        for element in elements {
            #expect(try StreamManagementElement(element.element) == element)
        }
        #expect(throws: StanzaError.self) { try StreamManagementElement(XMPPElement("a", namespace: Namespace.streamManagement)) }
        #expect(throws: StanzaError.self) {
            try StreamManagementElement(XMPPElement("a", namespace: Namespace.streamManagement, ["h": "4294967296"]))
        }
        #expect(try StreamManagementElement(XMPPElement("a", namespace: Namespace.client)) == nil)
    }
}
