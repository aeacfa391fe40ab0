import CWireDaemon
import Testing
import WireProtocol

@testable import WireDaemon

/// The C shim's endpoint (address bytes in network order, port in host order) and WireNet's `UDPEndpoint` convert
/// both ways without loss, for both families; the send queue keeps datagrams apart by family.
@Suite struct EndpointCodingTests {
    @Test(arguments: ["192.0.2.1:51820", "[fd00::1:2]:1", "[::ffff:10.0.0.1]:65535", "0.0.0.0:0"])
    func roundTrip(text: String) throws {
        let endpoint = try #require(UAPI.parseEndpoint(Substring(text)))
        var queue = SendQueue()
        defer { queue.deallocate() }
        let queued = queue.append([1, 2, 3], to: endpoint, from: wsd_endpoint())
        #expect(queued)
        let coded = endpoint.address.isIPv4 ? queue.targets4[0] : queue.targets6[0]
        #expect(Daemon.endpoint(coded) == endpoint)
        #expect(UAPI.format(endpoint) == text)
        #expect(queue.pointers4.count + queue.pointers6.count == 1)
    }
}
