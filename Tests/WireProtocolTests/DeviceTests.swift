import Testing
import WireCrypto

@testable import WireProtocol

/// Cryptokey routing and the handshake between two devices with real keys (whitepaper §2, §5.4, §5.4.7).
@Suite("Device: cryptokey routing over the Noise handshake")
struct DeviceTests {
    static let endpointA = UDPEndpoint(address: .v4(0xc000_0201), port: 1)
    static let endpointB = UDPEndpoint(address: .v4(0xc000_0202), port: 2)

    /// Delivers datagrams back and forth until quiet; returns every action with the device that produced it.
    static func run(
        _ devices: inout NoiseDevices, _ start: [TunnelAction], fromA: Bool, now: Instant,
        random: inout SeededRandom
    ) -> [(atA: Bool, action: TunnelAction)] {
        var queue: [(toA: Bool, datagram: [UInt8])] = start.compactMap {
            if case .writeToNetwork(let d, _) = $0 { return (!fromA, d) } else { return nil }
        }
        var all: [(Bool, TunnelAction)] = []
        while !queue.isEmpty {
            let (toA, datagram) = queue.removeFirst()
            var actions: [TunnelAction] = []
            if toA {
                devices.a.decapsulate(datagram, from: endpointB, now: now, random: &random, into: &actions)
            } else {
                devices.b.decapsulate(datagram, from: endpointA, now: now, random: &random, into: &actions)
            }
            for action in actions {
                all.append((toA, action))
                if case .writeToNetwork(let d, _) = action { queue.append((!toA, d)) }
            }
        }
        return all
    }

    @Test("a real handshake: initiation 148 B, response 92 B, then the packet arrives with its source checked")
    func handshakeAndDelivery() throws {
        var devices = try NoiseDevices(seed: 1, endpointB: Self.endpointB)
        var random = SeededRandom(seed: 2)
        let packet = ipv4Packet(from: 0x0a00_0001, to: 0x0a00_0002, payload: 100)
        var actions: [TunnelAction] = []
        devices.a.encapsulate(packet, now: .zero, random: &random, into: &actions)
        #expect(actions.types == [1])
        #expect(actions.compactMap { if case .writeToNetwork(let d, _) = $0 { d.count } else { nil } } == [148])
        let rest = Self.run(&devices, actions, fromA: true, now: .zero, random: &random)
        #expect(rest.map(\.action).types == [2, 4])
        #expect(rest.map(\.action).delivered == [packet])
        #expect(devices.b.tunnels[9]!.endpoint == Self.endpointA)  // learned from the authenticated initiation
    }

    @Test("a decrypted packet whose source is not in the sender's AllowedIPs is dropped")
    func spoofedSourceDropped() throws {
        var devices = try NoiseDevices(seed: 1, endpointB: Self.endpointB)
        var random = SeededRandom(seed: 2)
        var actions: [TunnelAction] = []
        devices.a.encapsulate(
            ipv4Packet(from: 0x0a00_0001, to: 0x0a00_0002, payload: 1), now: .zero,
            random: &random, into: &actions)
        _ = Self.run(&devices, actions, fromA: true, now: .zero, random: &random)
        actions.removeAll()
        // A is allowed 10.0.0.1/32 at B; it sends from 10.0.0.66.
        devices.a.encapsulate(
            ipv4Packet(from: 0x0a00_0042, to: 0x0a00_0002, payload: 1), now: .zero,
            random: &random, into: &actions)
        let result = Self.run(&devices, actions, fromA: true, now: .zero, random: &random).map(\.action)
        #expect(result == [.dropped(.sourceNotAllowed(.v4(0x0a00_0042)))])
    }

    @Test("a destination no peer's AllowedIPs covers is dropped; removing a peer removes its routes")
    func routing() throws {
        var devices = try NoiseDevices(seed: 1, endpointB: Self.endpointB)
        var random = SeededRandom(seed: 2)
        var actions: [TunnelAction] = []
        devices.a.encapsulate(
            ipv4Packet(from: 0x0a00_0001, to: 0x0a00_0063, payload: 1), now: .zero,
            random: &random, into: &actions)
        #expect(actions == [.dropped(.noRouteToDestination(.v4(0x0a00_0063)))])
        devices.a.removePeer(7)
        actions.removeAll()
        devices.a.encapsulate(
            ipv4Packet(from: 0x0a00_0001, to: 0x0a00_0002, payload: 1), now: .zero,
            random: &random, into: &actions)
        #expect(actions == [.dropped(.noRouteToDestination(.v4(0x0a00_0002)))])
        actions.removeAll()
        devices.a.encapsulate([0x60, 0, 0], now: .zero, random: &random, into: &actions)
        #expect(actions == [.dropped(.notAnIPPacket(.truncatedHeader(length: 3)))])
    }

    @Test("an initiation from a key that is not a peer is dropped, and so is a replayed initiation")
    func unknownAndReplayedInitiations() throws {
        var devices = try NoiseDevices(seed: 1, endpointB: Self.endpointB)
        var stranger = try NoiseDevices(seed: 3, endpointB: Self.endpointB)  // another A, unknown to B
        var random = SeededRandom(seed: 2)
        var actions: [TunnelAction] = []
        // The stranger's initiation is addressed to its own B: mac1 fails at our B.
        stranger.a.encapsulate(
            ipv4Packet(from: 1, to: 0x0a00_0002, payload: 1), now: .zero, random: &random,
            into: &actions)
        guard case .writeToNetwork(let foreign, _) = actions[0] else {
            Issue.record("no initiation")
            return
        }
        var out: [TunnelAction] = []
        devices.b.decapsulate(foreign, from: Self.endpointA, now: .zero, random: &random, into: &out)
        #expect(out == [.dropped(.handshakeRejected(.invalidMAC1))])

        actions.removeAll()
        devices.a.encapsulate(
            ipv4Packet(from: 0x0a00_0001, to: 0x0a00_0002, payload: 1), now: .zero,
            random: &random, into: &actions)
        guard case .writeToNetwork(let initiation, _) = actions[0] else {
            Issue.record("no initiation")
            return
        }
        out.removeAll()
        devices.b.decapsulate(initiation, from: Self.endpointA, now: .zero, random: &random, into: &out)
        #expect(out.types == [2])
        out.removeAll()
        devices.b.decapsulate(initiation, from: Self.endpointA, now: .zero + .seconds(1), random: &random, into: &out)
        #expect(out == [.dropped(.handshakeRejected(.handshake(.replayedTimestamp)))])
    }

    @Test("under load an initiation without mac2 gets a cookie reply; the retransmission carries mac2 and passes")
    func cookieUnderLoad() throws {
        var devices = try NoiseDevices(seed: 1, endpointB: Self.endpointB)
        var random = SeededRandom(seed: 2)
        devices.b.underLoad = true
        var actions: [TunnelAction] = []
        devices.a.encapsulate(
            ipv4Packet(from: 0x0a00_0001, to: 0x0a00_0002, payload: 1), now: .zero,
            random: &random, into: &actions)
        let first = Self.run(&devices, actions, fromA: true, now: .zero, random: &random).map(\.action)
        #expect(first.types == [3])
        #expect(first.contains(.dropped(.underLoad)))
        #expect(devices.b.tunnels[9]!.keypairs.isEmpty)
        // A retransmits after Rekey-Timeout, now with mac2 from the cookie: B answers although still under load.
        let retry = try #require(devices.a.nextDeadline)
        actions.removeAll()
        devices.a.tick(now: retry, random: &random, into: &actions)
        #expect(actions.types == [1])
        let second = Self.run(&devices, actions, fromA: true, now: retry, random: &random).map(\.action)
        #expect(second.types == [2, 4])
        #expect(second.delivered.count == 1)
    }

    @Test("under load a response without mac2 gets a cookie reply too; the next round carries mac2 and passes")
    func cookieForResponseUnderLoad() throws {
        var devices = try NoiseDevices(seed: 1, endpointB: Self.endpointB)
        var random = SeededRandom(seed: 2)
        devices.a.underLoad = true  // the initiator is the one under load
        var actions: [TunnelAction] = []
        devices.a.encapsulate(
            ipv4Packet(from: 0x0a00_0001, to: 0x0a00_0002, payload: 1), now: .zero,
            random: &random, into: &actions)
        let first = Self.run(&devices, actions, fromA: true, now: .zero, random: &random)
        #expect(first.map(\.action).types == [2, 3])
        #expect(first.contains { $0.atA && $0.action == .dropped(.underLoad) })
        #expect(devices.a.tunnels[7]!.keypairs.isEmpty)
        let retry = try #require(devices.a.nextDeadline)
        actions.removeAll()
        devices.a.tick(now: retry, random: &random, into: &actions)
        let second = Self.run(&devices, actions, fromA: true, now: retry, random: &random).map(\.action)
        #expect(second.types == [2, 4])
        #expect(second.delivered.count == 1)
    }

    @Test("session indices are random, owned in the device's table, and forgotten when their session goes")
    func randomIndices() throws {
        var devices = try NoiseDevices(seed: 1, endpointB: Self.endpointB)
        var random = SeededRandom(seed: 2)
        var seen = Set<UInt32>()
        var now = Instant.zero
        for round in 0..<5 {
            var actions: [TunnelAction] = []
            devices.a.encapsulate(
                ipv4Packet(from: 0x0a00_0001, to: 0x0a00_0002, payload: 1), now: now,
                random: &random, into: &actions)
            let result = Self.run(&devices, actions, fromA: true, now: now, random: &random).map(\.action)
            #expect(result.delivered.count == 1, "round \(round)")
            for device in [devices.a, devices.b] {
                let tunnel = device.tunnels.values.first!
                #expect(Set(device.indexTable.keys) == Set(tunnel.localIndices))
                #expect(device.indexTable.count <= 4)
                seen.formUnion(tunnel.localIndices)
            }
            now = now + .seconds(121)  // the next packet from A rekeys
        }
        // Fresh random indices each session: no structure, no reuse.
        #expect(seen.count >= 10)  // a new index per side per handshake, plus each one reserved ahead
        devices.a.removePeer(7)
        #expect(devices.a.indexTable.isEmpty)
    }
}
