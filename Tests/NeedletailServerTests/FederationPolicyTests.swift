import Testing
@testable import NeedletailServer

@Suite("Federation policy and SRV order")
struct FederationPolicyTests {
    @Test func offDenyAndAllowLists() {
        #expect(FederationPolicy().allows("montague.example"))
        #expect(!FederationPolicy(isEnabled: false).allows("montague.example"))
        let denying = FederationPolicy(deniedDomains: ["spam.example"])
        #expect(!denying.allows("spam.example"))
        #expect(denying.allows("montague.example"))
        let allowing = FederationPolicy(allowedDomains: ["montague.example"], deniedDomains: ["montague.example"])
        #expect(!allowing.allows("montague.example"), "the deny list wins")
        #expect(!FederationPolicy(allowedDomains: ["montague.example"]).allows("chat.montague.example"))
    }

    @Test func recordsAreTriedByPriorityThenWeight() {
        let records = [
            ServiceRecord(priority: 20, weight: 0, port: 5269, target: "backup.example", directTLS: false),
            ServiceRecord(priority: 10, weight: 60, port: 5269, target: "a.example", directTLS: false),
            ServiceRecord(priority: 10, weight: 40, port: 5269, target: "b.example", directTLS: false),
        ]
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<50 {
            let order = ServiceRecord.connectionOrder(records, using: &generator).map(\.target)
            #expect(order.count == 3)
            #expect(order.last == "backup.example")
            #expect(Set(order.prefix(2)) == ["a.example", "b.example"])
        }
        // Weighted: over many draws the heavier record leads more often.
        var firstA = 0
        for _ in 0..<2000 where ServiceRecord.connectionOrder(records, using: &generator).first?.target == "a.example" {
            firstA += 1
        }
        #expect((1000...1400).contains(firstA), "a.example first \(firstA) times of 2000 for weight 60 of 100")
    }

    @Test func aDotTargetMeansNoService() {
        var generator = SystemRandomNumberGenerator()
        #expect(ServiceRecord.connectionOrder([ServiceRecord(priority: 0, weight: 0, port: 0, target: ".", directTLS: false)], using: &generator).isEmpty)
    }
}
