import Testing
@testable import XMPPCore
@Test func placeholderBuilds() { #expect(Namespace.client == "jabber:client") }
