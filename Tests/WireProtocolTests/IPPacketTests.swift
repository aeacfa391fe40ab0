import Testing
import WireCrypto

@testable import WireProtocol

@Suite("IP headers read for cryptokey routing")
struct IPPacketTests {
    static func ipv6Packet(source: UInt128, destination: UInt128, payload: Int) -> [UInt8] {
        var p = [UInt8](repeating: 0, count: 40 + payload)
        p[0] = 0x60
        p[4] = UInt8(payload >> 8)
        p[5] = UInt8(payload & 0xff)
        for i in 0..<16 {
            p[8 + i] = UInt8(truncatingIfNeeded: source >> UInt128(120 - 8 * i))
            p[24 + i] = UInt8(truncatingIfNeeded: destination >> UInt128(120 - 8 * i))
        }
        return p
    }

    @Test("IPv4: addresses and total length; padding after the packet is not part of it")
    func ipv4() throws {
        var packet = ipv4Packet(from: 0x0a00_0001, to: 0xc0a8_0101, payload: 5)
        packet += [0, 0, 0]
        let header = try IPPacket.header(of: packet)
        #expect(header == IPPacket.Header(source: .v4(0x0a00_0001), destination: .v4(0xc0a8_0101), length: 25))
    }

    @Test("IPv6: addresses and 40 + payload length")
    func ipv6() throws {
        let packet = Self.ipv6Packet(source: 0xfd00 << 112 | 1, destination: 0xfd00 << 112 | 2, payload: 8)
        let header = try IPPacket.header(of: packet)
        #expect(
            header
                == IPPacket.Header(
                    source: .v6(0xfd00 << 112 | 1), destination: .v6(0xfd00 << 112 | 2),
                    length: 48))
    }

    static let malformed: [([UInt8], IPPacket.Malformed)] = [
        ([], .truncatedHeader(length: 0)),
        ([0x45] + [UInt8](repeating: 0, count: 10), .truncatedHeader(length: 11)),
        ([0x60] + [UInt8](repeating: 0, count: 38), .truncatedHeader(length: 39)),
        ([0x50, 0, 0, 20] + [UInt8](repeating: 0, count: 16), .unknownVersion(5)),
        ([0x45, 0, 0, 200] + [UInt8](repeating: 0, count: 16), .lengthBeyondBuffer(claimed: 200, available: 20)),
        ([0x45, 0, 0, 10] + [UInt8](repeating: 0, count: 16), .truncatedHeader(length: 10)),
        ([0x60, 0, 0, 0, 0, 1] + [UInt8](repeating: 0, count: 34), .lengthBeyondBuffer(claimed: 41, available: 40)),
    ]

    @Test("malformed packets are typed errors, never a trap", arguments: malformed.indices)
    func malformedPackets(index: Int) {
        let (bytes, expected) = Self.malformed[index]
        #expect(throws: expected) { try IPPacket.header(of: bytes) }
    }

    @Test("an IPv6 packet crosses two devices and is checked against IPv6 AllowedIPs")
    func ipv6ThroughDevices() throws {
        var devices = try NoiseDevices(seed: 4, endpointB: DeviceTests.endpointB)
        try devices.a.addPeer(devices.a.tunnels[7]!, allowedIPs: [(.v6(0xfd00 << 112), 64)])
        try devices.b.addPeer(devices.b.tunnels[9]!, allowedIPs: [(.v6(0xfd00 << 112 | 1), 128)])
        var random = SeededRandom(seed: 1)
        var actions: [TunnelAction] = []
        let packet = Self.ipv6Packet(source: 0xfd00 << 112 | 1, destination: 0xfd00 << 112 | 2, payload: 3)
        devices.a.encapsulate(packet, now: .zero, random: &random, into: &actions)
        let delivered = DeviceTests.run(&devices, actions, fromA: true, now: .zero, random: &random).map(\.action)
        #expect(delivered.delivered == [packet])
        actions.removeAll()
        let spoofed = Self.ipv6Packet(source: 0xfd00 << 112 | 3, destination: 0xfd00 << 112 | 2, payload: 3)
        devices.a.encapsulate(spoofed, now: .zero, random: &random, into: &actions)
        let dropped = DeviceTests.run(&devices, actions, fromA: true, now: .zero, random: &random).map(\.action)
        #expect(dropped == [.dropped(.sourceNotAllowed(.v6(0xfd00 << 112 | 3)))])
    }
}
